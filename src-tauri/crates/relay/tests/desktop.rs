//! A desktop subscribes to the relay: its history fills from the feed (pull, then live), it
//! keeps its local copy while the relay is away and catches up when it is back, and a revoked
//! token ends it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::inbox::InboxSource;
use wabadesk_core::numbers::NumberInput;
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::{Core, Error};

const SECRET: &str = "secret-for-number-111-aaaa";

async fn wait_for(core: &Core, wamid: &str) -> bool {
    for _ in 0..500 {
        if core.message_by_wamid(wamid).unwrap().is_some() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_fills_its_history_from_the_relay_and_catches_up_after_being_offline() {
    let db = fresh_db().await;
    cli_ok(
        &db,
        &[
            "number",
            "add",
            "--phone-number-id",
            "111",
            "--secret",
            SECRET,
        ],
    );
    let token = cli_ok(&db, &["token", "create", "--name", "front desk"]);
    let mut relay = Replica::start(&db);
    let addr = relay.url.trim_start_matches("http://").to_string();
    let c = client();
    for i in 0..120 {
        assert_eq!(
            post(&c, &relay.url, Some(SECRET), body("111", i))
                .await
                .unwrap(),
            200
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
    let number = core
        .add_number(
            NumberInput {
                phone: "+15550001111".into(),
                label: "Front desk".into(),
                environment: Environment::Simulator,
                base_url: None,
                notes: None,
            },
            Actor::Ui,
        )
        .unwrap();

    // The token is verified before it is kept.
    let e = core
        .connect_relay(&relay.url, "wdr_not_issued")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidField { field: "token", .. }),
        "{e:?}"
    );
    assert!(!core.relay_status().unwrap().connected);
    let e = core.connect_relay("ftp://relay", &token).await.unwrap_err();
    assert!(
        matches!(e, Error::InvalidField { field: "url", .. }),
        "{e:?}"
    );
    let status = core.connect_relay(&relay.url, &token).await.unwrap();
    assert!(status.connected);
    assert_eq!(status.token_name.as_deref(), Some("front desk"));

    // Pull: everything so far lands in history, applied like the inbox's own events.
    let s = core.sync_relay().await.unwrap();
    assert_eq!((s.fetched, s.new), (120, 120));
    let m = core
        .message_by_wamid("wamid.111.0")
        .unwrap()
        .expect("in history");
    assert_eq!(m.direction, "in");
    assert_eq!(m.number_id, Some(number.id));
    assert_eq!(m.body.as_deref(), Some("hello 0"));
    // The inbox lists them as the relay's, not as imports.
    let inbox = core.list_inbox(&Default::default()).unwrap();
    assert_eq!(inbox.len(), 120);
    assert!(
        inbox.iter().all(|e| e.source == InboxSource::Relay),
        "{:?}",
        inbox.iter().map(|e| e.source).collect::<Vec<_>>()
    );
    let again = core.sync_relay().await.unwrap();
    assert_eq!((again.fetched, again.new), (0, 0));

    // Live: new events arrive without a pull.
    let follower = {
        let core = core.clone();
        tokio::spawn(async move { core.follow_relay().await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for i in 120..125 {
        assert_eq!(
            post(&c, &relay.url, Some(SECRET), body("111", i))
                .await
                .unwrap(),
            200
        );
    }
    assert!(
        wait_for(&core, "wamid.111.124").await,
        "a live event reached history"
    );

    // The relay goes away: the stream ends, the local copy keeps working, a sync says why.
    relay.kill9();
    let ended = tokio::time::timeout(Duration::from_secs(20), follower).await;
    assert!(ended.is_ok(), "the live stream ended when the relay died");
    assert_eq!(core.list_messages(&Default::default()).unwrap().len(), 125);
    assert!(core.sync_relay().await.is_err());
    assert!(core.relay_status().unwrap().last_error.is_some());

    // Back (same address), with events that came meanwhile: one sync catches up.
    let relay = Replica::start_at(&db, &addr);
    for i in 125..1125 {
        assert_eq!(
            post(&c, &relay.url, Some(SECRET), body("111", i))
                .await
                .unwrap(),
            200
        );
    }
    let s = core.sync_relay().await.unwrap();
    assert_eq!((s.fetched, s.new), (1000, 1000));
    assert!(core.message_by_wamid("wamid.111.1124").unwrap().is_some());
    let status = core.relay_status().unwrap();
    assert_eq!(status.last_error, None);
    assert_eq!(status.cursor, s.cursor);

    // A revoked token: the sync fails and says so; disconnecting keeps the history.
    cli_ok(&db, &["token", "revoke", "--name", "front desk"]);
    let e = core.sync_relay().await.unwrap_err();
    assert!(e.to_string().contains("token"), "{e}");
    let status = core.disconnect_relay().unwrap();
    assert!(!status.connected && status.url.is_none());
    assert!(core.message_by_wamid("wamid.111.0").unwrap().is_some());
}
