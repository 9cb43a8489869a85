//! Status rules: the order of delivery states and the forward-only rule.

/// Order of delivery states; `failed` is handled apart (terminal).
pub fn status_rank(status: &str) -> Option<i64> {
    Some(match status {
        "received" | "accepted" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "played" => 4,
        "failed" => 10,
        _ => return None,
    })
}

/// Whether `new` replaces `current` under the forward-only rule.
pub fn advances(current: &str, new: &str) -> bool {
    if current == "failed" {
        return false;
    }
    if new == "failed" {
        return true;
    }
    match (status_rank(current), status_rank(new)) {
        (Some(c), Some(n)) => n > c,
        (None, Some(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::history::testutil::status;
    use crate::history::*;

    fn run(order: &[&str]) -> MessageView {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for (i, s) in order.iter().enumerate() {
                apply_status(
                    tx,
                    &Route::default(),
                    &status("wamid.A", s, 1_700_000_000 + i as u64),
                    None,
                )?;
            }
            Ok(())
        })
        .unwrap();
        db.with_conn(|c| message_by_wamid(c, "wamid.A"))
            .unwrap()
            .unwrap()
    }

    /// Every ordering of sent, delivered, read ends at read; with failed, ends at failed.
    #[test]
    fn all_orderings_end_at_the_highest_state() {
        fn perms(items: &[&'static str]) -> Vec<Vec<&'static str>> {
            if items.len() <= 1 {
                return vec![items.to_vec()];
            }
            let mut out = Vec::new();
            for i in 0..items.len() {
                let mut rest = items.to_vec();
                let x = rest.remove(i);
                for mut p in perms(&rest) {
                    p.insert(0, x);
                    out.push(p);
                }
            }
            out
        }
        for p in perms(&["sent", "delivered", "read"]) {
            let m = run(&p);
            assert_eq!(m.status, "read", "{p:?}");
            assert!(
                m.sent_at.is_some() && m.delivered_at.is_some() && m.read_at.is_some(),
                "{p:?}"
            );
        }
        for p in perms(&["sent", "delivered", "read", "failed"]) {
            let m = run(&p);
            assert_eq!(m.status, "failed", "{p:?}");
            assert_eq!(m.error_code, Some(131026));
        }
        assert_eq!(
            run(&["sent", "read"]).status,
            "read",
            "delivered may never come"
        );
        assert!(run(&["sent", "read"]).delivered_at.is_none());
        assert_eq!(run(&["read", "played", "delivered"]).status, "played");
    }

    #[test]
    fn duplicates_are_idempotent_and_unknown_statuses_are_kept() {
        let db = Db::open_in_memory().unwrap();
        let (a, b, c) = db
            .with_tx(|tx| {
                let a = apply_status(tx, &Route::default(), &status("wamid.B", "sent", 1), None)?;
                let b = apply_status(tx, &Route::default(), &status("wamid.B", "sent", 1), None)?;
                let c = apply_status(
                    tx,
                    &Route::default(),
                    &status("wamid.B", "deleted", 2),
                    None,
                )?;
                Ok((a, b, c))
            })
            .unwrap();
        assert_eq!((a, b, c), (true, false, true));
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.B"))
            .unwrap()
            .unwrap();
        assert_eq!(m.status, "sent");
    }
}
