//! Every figure against a hand-counted history, written through the same ingest paths as the
//! inbox and the send path (statuses late, out of order, duplicated; failed after delivered).

use rusqlite::Transaction;
use serde_json::{json, Value};

use super::figures::insights;
use super::*;
use crate::db::Db;
use crate::history::{
    apply_incoming, apply_status, attempt_accepted, attempt_ended, record_attempt, record_outbound,
    Attempt, Outbound, Route, NOT_SENT,
};

const C1: &str = "4915100000001";
const C2: &str = "4915100000002";
const C3: &str = "4915100000003";
const C4: &str = "4915100000004";
const C5: &str = "4915100000005";

fn unix(at: &str) -> i64 {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp()
}

fn route(number: i64) -> Route {
    Route {
        number_id: Some(number),
        phone_number_id: None,
    }
}

fn status(tx: &Transaction<'_>, number: i64, wamid: &str, s: &str, at: &str, extra: Value) {
    let mut st =
        json!({"id": wamid, "status": s, "timestamp": unix(at).to_string(), "recipient_id": "x"});
    for (k, v) in extra.as_object().unwrap() {
        st[k] = v.clone();
    }
    apply_status(tx, &route(number), &st, None).unwrap();
}

fn failed(tx: &Transaction<'_>, number: i64, wamid: &str, code: i64, at: &str) {
    status(
        tx,
        number,
        wamid,
        "failed",
        at,
        json!({"errors": [{"code": code, "title": "t"}]}),
    );
}

fn incoming(tx: &Transaction<'_>, number: i64, id: &str, from: &str, at: &str) {
    let m = json!({"from": from, "id": id, "timestamp": unix(at).to_string(), "type": "text", "text": {"body": "hi"}});
    apply_incoming(tx, &route(number), &m, None).unwrap();
}

/// The send's record, after its first status (so the message keeps the status's time).
fn sent(tx: &Transaction<'_>, number: i64, wamid: &str, to: &str, template: Option<(&str, &str)>) {
    record_outbound(
        tx,
        &Outbound {
            number_id: number,
            phone_number_id: None,
            wamid,
            contact: to,
            kind: if template.is_some() {
                "template"
            } else {
                "text"
            },
            template_name: template.map(|t| t.0),
            template_language: template.map(|t| t.1),
            body: None,
            request: &json!({}),
            response: &json!({}),
        },
    )
    .unwrap();
}

const ORDER: Option<(&str, &str)> = Some(("order_update", "en"));
const SHIPPING: Option<(&str, &str)> = Some(("shipping_notice", "de"));

/// The hand-counted history (number 1 unless said):
/// - 2026-11-19 (previous period): P1 order_update/en delivered; P2 order_update/en failed 131026.
/// - 2026-11-20: C1 writes 09:00 and 09:02; A order_update/en to C1 at 09:10 (reply after 10
///   min, inside the window), sent then read (delivered skipped), priced utility; B
///   order_update/en to C3 at 11:00, delivered before sent (out of order), priced utility;
///   C2 writes 12:00 and is never answered; G order_update/en on number 2 at 14:00, sent.
/// - 2026-11-21: C order_update/en to C3 at 08:00: sent, delivered, then failed 131026; D
///   shipping_notice/de to C4 at 09:00: failed 131049, then a late delivered; E text to C4 at
///   10:00: sent (priced service), delivered twice; F order_update/en to C5 refused (not sent,
///   131047) at 11:00.
fn history() -> Db {
    let db = Db::open_in_memory().unwrap();
    db.with_tx(|tx| {
        for n in 1..=2 {
            tx.execute(
                "INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES (?1, ?2, 'simulator', 'x', 'x')",
                [format!("+155500{n}"), format!("number {n}")],
            )
            .unwrap();
        }
        status(tx, 1, "wamid.P1", "sent", "2026-11-19T10:00:00Z", json!({}));
        sent(tx, 1, "wamid.P1", C3, ORDER);
        status(tx, 1, "wamid.P1", "delivered", "2026-11-19T10:01:00Z", json!({}));
        status(tx, 1, "wamid.P2", "sent", "2026-11-19T11:00:00Z", json!({}));
        sent(tx, 1, "wamid.P2", C3, ORDER);
        failed(tx, 1, "wamid.P2", 131026, "2026-11-19T11:01:00Z");

        incoming(tx, 1, "wamid.I1", C1, "2026-11-20T09:00:00Z");
        incoming(tx, 1, "wamid.I1b", C1, "2026-11-20T09:02:00Z");
        let utility = json!({"pricing": {"billable": true, "pricing_model": "PMP", "category": "utility"}});
        status(tx, 1, "wamid.A", "sent", "2026-11-20T09:10:00Z", utility.clone());
        sent(tx, 1, "wamid.A", C1, ORDER);
        status(tx, 1, "wamid.A", "read", "2026-11-20T09:15:00Z", json!({}));
        status(tx, 1, "wamid.B", "delivered", "2026-11-20T11:00:00Z", utility);
        sent(tx, 1, "wamid.B", C3, ORDER);
        status(tx, 1, "wamid.B", "sent", "2026-11-20T11:00:30Z", json!({}));
        incoming(tx, 1, "wamid.I2", C2, "2026-11-20T12:00:00Z");
        status(tx, 2, "wamid.G", "sent", "2026-11-20T14:00:00Z", json!({}));
        sent(tx, 2, "wamid.G", C1, ORDER);

        status(tx, 1, "wamid.C", "sent", "2026-11-21T08:00:00Z", json!({}));
        sent(tx, 1, "wamid.C", C3, ORDER);
        status(tx, 1, "wamid.C", "delivered", "2026-11-21T08:01:00Z", json!({}));
        failed(tx, 1, "wamid.C", 131026, "2026-11-21T08:02:00Z");
        failed(tx, 1, "wamid.D", 131049, "2026-11-21T09:00:00Z");
        sent(tx, 1, "wamid.D", C4, SHIPPING);
        status(tx, 1, "wamid.D", "delivered", "2026-11-21T09:05:00Z", json!({}));
        let service = json!({"pricing": {"category": "service"}});
        status(tx, 1, "wamid.E", "sent", "2026-11-21T10:00:00Z", service);
        sent(tx, 1, "wamid.E", C4, None);
        status(tx, 1, "wamid.E", "delivered", "2026-11-21T10:01:00Z", json!({}));
        status(tx, 1, "wamid.E", "delivered", "2026-11-21T10:01:00Z", json!({}));

        let f = record_attempt(
            tx,
            &Attempt {
                number_id: 1,
                phone_number_id: None,
                reference: "wd-f",
                contact: C5,
                kind: "template",
                template_name: Some("order_update"),
                template_language: Some("en"),
                body: None,
                parameters: None,
                request: &json!({}),
            },
        )?;
        attempt_ended(tx, f, NOT_SENT, Some(131047), Some("Re-engagement message"), None)?;
        tx.execute(
            "UPDATE messages SET created_at = '2026-11-21T11:00:00.000Z' WHERE id = ?1",
            [f],
        )
        .unwrap();
        Ok(())
    })
    .unwrap();
    db
}

fn figures(db: &Db, f: InsightsFilter) -> Insights {
    let range = Range::of(&f, time::macros::datetime!(2026-12-01 10:00 UTC)).unwrap();
    db.with_conn(|c| insights(c, &f, &range)).unwrap()
}

fn period(numbers: &[i64]) -> InsightsFilter {
    InsightsFilter {
        number_ids: numbers.to_vec(),
        since: Some("2026-11-20".into()),
        until: Some("2026-11-22".into()),
        bucket: Some(Bucket::Day),
        ..Default::default()
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// The rollup holds exactly what a count over `messages` gives, key by key.
fn assert_rollup_matches_messages(db: &Db) {
    db.with_conn(|c| {
        let truth = "SELECT substr(created_at, 1, 13), COALESCE(number_id, 0), direction, status, \
            COALESCE(template_name, ''), COALESCE(template_language, ''), COALESCE(error_code, 0), COALESCE(in_window, 0), count(*) \
            FROM messages GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8";
        let rollup = "SELECT hour, number_id, direction, status, template_name, template_language, error_code, in_window, SUM(n) \
            FROM insights_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8";
        let read = |sql: &str| -> Vec<String> {
            let mut st = c.prepare(sql).unwrap();
            st.query_map([], |r| {
                Ok((0..9)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        assert_eq!(read(rollup), read(truth));
        Ok(())
    })
    .unwrap();
}

#[test]
fn totals_and_rates_count_each_message_once_under_its_final_status() {
    let db = history();
    let i = figures(&db, period(&[1]));
    assert_eq!(
        i.totals,
        OutCounts {
            pending: 0,
            sent: 0,
            delivered: 2,
            read: 1,
            failed: 2,
            not_sent: 1,
            inbound: 3
        },
        "B and E delivered, A read, C and D failed (a late delivered does not undo failed, a \
         failed after delivered is not also delivered), F refused"
    );
    assert_eq!(i.totals.went_out(), 5);
    assert!(close(i.totals.delivery_rate(), 3.0 / 5.0));
    assert!(close(i.totals.read_rate(), 1.0 / 3.0));
    assert!(close(i.totals.failure_rate(), 2.0 / 5.0));
    assert_eq!(i.since, "2026-11-20T00:00:00.000Z");
    assert_eq!(i.previous_since, "2026-11-18T00:00:00.000Z");
    assert_eq!(
        i.previous_totals,
        OutCounts {
            delivered: 1,
            failed: 1,
            ..Default::default()
        }
    );

    // Every number: G (number 2) was sent.
    let all = figures(&db, period(&[]));
    assert_eq!(all.totals.sent, 1);
    assert_eq!(all.totals.went_out(), 6);
    let both = figures(&db, period(&[1, 2]));
    assert_eq!(both.totals, all.totals);
}

#[test]
fn the_series_has_every_bucket_and_its_rates() {
    let db = history();
    let i = figures(&db, period(&[1]));
    let keys: Vec<&str> = i.series.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["2026-11-20", "2026-11-21"]);
    let d1 = &i.series[0];
    assert_eq!(
        (
            d1.counts.inbound,
            d1.counts.read,
            d1.counts.delivered,
            d1.counts.failed
        ),
        (3, 1, 1, 0)
    );
    assert!(close(d1.delivery_rate, 1.0));
    assert!(close(d1.read_rate, 0.5));
    let d2 = &i.series[1];
    assert_eq!(
        (d2.counts.delivered, d2.counts.failed, d2.counts.not_sent),
        (1, 2, 1)
    );
    assert!(close(d2.delivery_rate, 1.0 / 3.0));
    assert!(close(d2.read_rate, 0.0));
    assert_eq!(
        (d2.start.as_str(), d2.end.as_str()),
        ("2026-11-21T00:00:00.000Z", "2026-11-22T00:00:00.000Z")
    );

    // Hours for a short period; an hour with nothing is a zero, not a gap.
    let hours = figures(
        &db,
        InsightsFilter {
            number_ids: vec![1],
            since: Some("2026-11-20T09:00:00Z".into()),
            until: Some("2026-11-20T12:00:00Z".into()),
            ..Default::default()
        },
    );
    assert_eq!(hours.bucket, Bucket::Hour);
    let per_hour: Vec<(&str, i64, i64)> = hours
        .series
        .iter()
        .map(|p| (p.key.as_str(), p.counts.inbound, p.counts.went_out()))
        .collect();
    assert_eq!(
        per_hour,
        [
            ("2026-11-20T09", 2, 1),
            ("2026-11-20T10", 0, 0),
            ("2026-11-20T11", 0, 1)
        ]
    );
    assert_eq!(hours.series[1].delivery_rate, None, "no rate without sends");
}

#[test]
fn templates_and_languages_compare_with_the_previous_period() {
    let db = history();
    let i = figures(&db, period(&[1]));
    assert_eq!(i.templates.len(), 2);
    let o = &i.templates[0];
    assert_eq!(
        (o.template.as_str(), o.language.as_deref()),
        ("order_update", Some("en"))
    );
    assert_eq!(
        (o.sent, o.delivered, o.read, o.failed, o.previous_sent),
        (3, 2, 1, 1, 2)
    );
    assert!(close(o.delivery_rate, 2.0 / 3.0));
    assert!(close(o.read_rate, 0.5));
    assert!(close(o.failure_rate, 1.0 / 3.0));
    assert!(close(o.delivery_rate_change, 2.0 / 3.0 - 0.5));
    assert!(close(o.read_rate_change, 0.5));
    assert!(close(o.failure_rate_change, 1.0 / 3.0 - 0.5));
    let s = &i.templates[1];
    assert_eq!(
        (
            s.template.as_str(),
            s.language.as_deref(),
            s.sent,
            s.delivered,
            s.failed
        ),
        ("shipping_notice", Some("de"), 1, 0, 1)
    );
    assert_eq!(s.previous_sent, 0);
    assert_eq!(s.delivery_rate_change, None, "nothing to compare with");

    // The template and language filters narrow every figure.
    let only = figures(
        &db,
        InsightsFilter {
            template: Some("shipping_notice".into()),
            ..period(&[1])
        },
    );
    assert_eq!(only.totals.failed, 1);
    assert_eq!(only.totals.went_out(), 1);
    assert_eq!(only.totals.inbound, 0);
    let en = figures(
        &db,
        InsightsFilter {
            language: Some("en".into()),
            ..period(&[1])
        },
    );
    assert_eq!(en.totals.went_out(), 3);
    assert_eq!(en.templates.len(), 1);
}

#[test]
fn failures_by_error_code_carry_their_explanation() {
    let db = history();
    let i = figures(&db, period(&[1]));
    let got: Vec<(Option<i64>, i64, i64)> = i
        .errors
        .iter()
        .map(|e| (e.code, e.failed, e.not_sent))
        .collect();
    assert_eq!(
        got,
        [
            (Some(131026), 1, 0),
            (Some(131047), 0, 1),
            (Some(131049), 1, 0)
        ]
    );
    for e in &i.errors {
        assert_eq!(
            e.explanation.as_deref(),
            crate::api::explain(e.code.unwrap()),
            "the same words as History"
        );
        assert!(e.explanation.is_some());
    }
}

#[test]
fn first_reply_window_and_categories() {
    let db = history();
    let i = figures(&db, period(&[1]));
    // C1 waited from 09:00 (their first unanswered message) to A at 09:10; C2 still waits.
    assert_eq!((i.replies.answered, i.replies.waiting), (1, 1));
    assert!(close(i.replies.mean_seconds, 600.0));
    assert_eq!(i.replies.median.as_deref(), Some("5–15 min"));
    let counts: Vec<i64> = i.replies.buckets.iter().map(|b| b.count).collect();
    assert_eq!(counts, [0, 0, 1, 0, 0, 0, 0]);

    // A went out inside C1's window; B, C, D, E outside; F was not sent.
    assert_eq!((i.window.inside, i.window.outside), (1, 4));
    assert!(close(i.window.inside_rate, 0.2));

    let mut cats: Vec<(Option<&str>, i64)> = i
        .categories
        .iter()
        .map(|c| (c.category.as_deref(), c.count))
        .collect();
    cats.sort();
    assert_eq!(
        cats,
        [(None, 2), (Some("service"), 1), (Some("utility"), 2)]
    );

    // Number 2's message to C1 answers nobody on number 2.
    let two = figures(&db, period(&[2]));
    assert_eq!((two.replies.answered, two.replies.waiting), (0, 0));
    assert_eq!((two.window.inside, two.window.outside), (0, 1));
}

#[test]
fn the_rollup_follows_every_write_to_history() {
    let db = history();
    assert_rollup_matches_messages(&db);
    // An answer after unlinked statuses merges (deletes) a row; retention deletes rows.
    db.with_tx(|tx| {
        let id = record_attempt(
            tx,
            &Attempt {
                number_id: 1,
                phone_number_id: None,
                reference: "wd-m",
                contact: C2,
                kind: "text",
                template_name: None,
                template_language: None,
                body: Some("Hi"),
                parameters: None,
                request: &json!({}),
            },
        )?;
        status(
            tx,
            1,
            "wamid.M",
            "delivered",
            "2026-11-21T12:00:00Z",
            json!({}),
        );
        attempt_accepted(tx, id, "wamid.M", C2, &json!({}))?;
        tx.execute("DELETE FROM messages WHERE wamid = 'wamid.P1'", [])
            .unwrap();
        Ok(())
    })
    .unwrap();
    assert_rollup_matches_messages(&db);
    let i = figures(&db, period(&[1]));
    assert_eq!(i.previous_totals.delivered, 0, "P1 was deleted");
}

#[test]
fn migration_backfills_an_existing_history() {
    let db = history();
    let before = figures(&db, period(&[1]));
    // Undo what the triggers built, then run the migration (after its new column and index)
    // over the history as it stands.
    let sql = include_str!("../../migrations/0017_insights.sql");
    let rest = &sql[sql.find("UPDATE messages SET in_window").unwrap()..];
    db.with_tx(|tx| {
        tx.execute_batch(
            "DROP TRIGGER insights_message_insert; DROP TRIGGER insights_message_delete; \
             DROP TRIGGER insights_message_update; DROP TRIGGER insights_outbound_insert; DROP TRIGGER insights_outbound_update; \
             DROP TRIGGER insights_inbound_insert; DROP TABLE insights_hourly; \
             DROP TABLE insights_waits; DROP TABLE insights_replies; \
             UPDATE messages SET in_window = NULL;",
        )
        .unwrap();
        tx.execute_batch(rest).unwrap();
        Ok(())
    })
    .unwrap();
    assert_rollup_matches_messages(&db);
    let after = figures(&db, period(&[1]));
    assert_eq!(after.totals, before.totals);
    assert_eq!(
        (
            after.replies.answered,
            after.replies.waiting,
            after.replies.mean_seconds
        ),
        (
            before.replies.answered,
            before.replies.waiting,
            before.replies.mean_seconds
        )
    );
    assert_eq!(
        (after.window.inside, after.window.outside),
        (before.window.inside, before.window.outside)
    );
    let cats = |i: &Insights| {
        let mut c: Vec<(Option<String>, i64)> = i
            .categories
            .iter()
            .map(|c| (c.category.clone(), c.count))
            .collect();
        c.sort();
        c
    };
    assert_eq!(cats(&after), cats(&before));
}

#[test]
fn each_chart_exports_as_formula_safe_csv() {
    let db = history();
    // A template name a user chose is text in the CSV, never a formula.
    for payload in crate::util::FORMULA_PAYLOADS {
        db.with_tx(|tx| {
            let w = format!("wamid.X{}", payload.len());
            status(tx, 1, &w, "sent", "2026-11-21T13:00:00Z", json!({}));
            sent(tx, 1, &w, C4, Some((payload, "en")));
            Ok(())
        })
        .unwrap();
    }
    let i = figures(&db, period(&[1]));
    let templates = export::csv(&i, InsightsChart::Templates);
    for payload in crate::util::FORMULA_PAYLOADS {
        crate::util::assert_csv_neutralised(&templates, payload);
    }
    let volume = export::csv(&i, InsightsChart::Volume);
    assert_eq!(
        volume.lines().nth(1),
        Some("2026-11-20T00:00:00.000Z,2026-11-21T00:00:00.000Z,3,0,0,1,1,0,0,1.0000,0.5000")
    );
    let errors = export::csv(&i, InsightsChart::Errors);
    assert!(errors.lines().nth(1).unwrap().starts_with("131026,1,0,"));
    let window = export::csv(&i, InsightsChart::Window);
    assert_eq!(window, "window,count\ninside,1\noutside,6\n");
    for chart in InsightsChart::ALL {
        assert!(export::csv(&i, chart).lines().count() >= 2, "{chart:?}");
    }
}

#[test]
fn a_chart_picture_must_be_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let core = crate::Core::open(
        dir.path(),
        std::sync::Arc::new(crate::secrets::MemoryStore::default()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        json!({"downloads_dir": dir.path().join("out")}).to_string(),
    )
    .unwrap();
    assert!(core
        .save_insights_png(InsightsChart::Volume, b"<svg/>")
        .is_err());
    let png = b"\x89PNG\r\n\x1a\nrest";
    let path = core.save_insights_png(InsightsChart::Volume, png).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), png);
    assert!(path.starts_with(dir.path().join("out")));
    let csv = core
        .export_insights_csv(&InsightsFilter::default(), InsightsChart::Window)
        .unwrap();
    assert!(std::fs::read_to_string(csv)
        .unwrap()
        .starts_with("window,count\n"));
}

#[test]
fn the_history_filter_a_chart_links_to_lists_what_it_counts() {
    let db = history();
    let i = figures(&db, period(&[1]));
    let list = |f: crate::history::HistoryFilter| {
        db.with_conn(|c| {
            crate::history::list(
                c,
                &crate::history::HistoryFilter {
                    number_id: Some(1),
                    since: Some(i.since.clone()),
                    until: Some(i.until.clone()),
                    limit: Some(1000),
                    ..f
                },
            )
        })
        .unwrap()
    };
    for e in &i.errors {
        let rows = list(crate::history::HistoryFilter {
            error_code: e.code,
            ..Default::default()
        });
        assert_eq!(rows.len() as i64, e.failed + e.not_sent, "{e:?}");
    }
    for t in &i.templates {
        let rows = list(crate::history::HistoryFilter {
            template: Some(t.template.clone()),
            language: t.language.clone(),
            direction: Some(crate::history::Direction::Outbound),
            ..Default::default()
        });
        let went_out = rows.iter().filter(|m| m.status != "not_sent").count() as i64;
        assert_eq!(went_out, t.sent, "{t:?}");
    }
    let failed = list(crate::history::HistoryFilter {
        status: Some(crate::history::MessageStatus::Failed),
        ..Default::default()
    });
    assert_eq!(failed.len() as i64, i.totals.failed);
}
