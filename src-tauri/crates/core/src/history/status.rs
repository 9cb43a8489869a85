//! Status rules: the order of delivery states and the forward-only rule.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A message's delivery state, as stored in `messages.status` (the same strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MessageStatus {
    /// 360dialog took a sent message (no status webhook yet).
    Accepted,
    /// An incoming message.
    Received,
    Sent,
    Delivered,
    Read,
    /// A voice message was played (after read).
    Played,
    /// Terminal: nothing replaces it.
    Failed,
    /// A send recorded before it goes out, with no answer yet.
    Sending,
    /// The answer to the send was lost: it may or may not have gone out; statuses settle it.
    OutcomeUnknown,
    /// 360dialog or Meta refused the send: nothing went out.
    NotSent,
}

impl MessageStatus {
    /// Every status, in the order the UI lists them.
    pub const ALL: [MessageStatus; 10] = [
        MessageStatus::Accepted,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Read,
        MessageStatus::Played,
        MessageStatus::Failed,
        MessageStatus::Received,
        MessageStatus::OutcomeUnknown,
        MessageStatus::NotSent,
        MessageStatus::Sending,
    ];

    /// The name stored in the database and sent by 360dialog.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Accepted => "accepted",
            MessageStatus::Received => "received",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Read => "read",
            MessageStatus::Played => "played",
            MessageStatus::Failed => "failed",
            MessageStatus::Sending => "sending",
            MessageStatus::OutcomeUnknown => "outcome_unknown",
            MessageStatus::NotSent => "not_sent",
        }
    }

    /// The status a stored or received name means; `None` for a name outside the list.
    pub fn parse(s: &str) -> Option<Self> {
        MessageStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Order of delivery states; `failed` is handled apart (terminal) and ranks above all. The
    /// states of an attempt (sending, outcome unknown, not sent) rank below every delivery
    /// state: any status 360dialog reports replaces them.
    pub fn rank(self) -> i64 {
        match self {
            MessageStatus::Sending | MessageStatus::OutcomeUnknown | MessageStatus::NotSent => -1,
            MessageStatus::Received | MessageStatus::Accepted => 0,
            MessageStatus::Sent => 1,
            MessageStatus::Delivered => 2,
            MessageStatus::Read => 3,
            MessageStatus::Played => 4,
            MessageStatus::Failed => 10,
        }
    }

    /// Whether no further status is expected (read, played, failed).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MessageStatus::Read
                | MessageStatus::Played
                | MessageStatus::Failed
                | MessageStatus::NotSent
        )
    }

    /// A short label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            MessageStatus::Accepted => "Accepted",
            MessageStatus::Received => "Received",
            MessageStatus::Sent => "Sent",
            MessageStatus::Delivered => "Delivered",
            MessageStatus::Read => "Read",
            MessageStatus::Played => "Played",
            MessageStatus::Failed => "Failed",
            MessageStatus::Sending => "Sending",
            MessageStatus::OutcomeUnknown => "Outcome unknown",
            MessageStatus::NotSent => "Not sent",
        }
    }
}

impl std::str::FromStr for MessageStatus {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        MessageStatus::parse(s).ok_or_else(|| {
            let known: Vec<&str> = MessageStatus::ALL.iter().map(|m| m.as_str()).collect();
            crate::Error::Validation(format!(
                "'{s}' is not a message status; use one of {}",
                known.join(", ")
            ))
        })
    }
}

/// Which way a message went, as stored in `messages.direction` (`out`, `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Direction {
    /// Sent by the app.
    #[serde(rename = "out")]
    Outbound,
    /// Received from a contact.
    #[serde(rename = "in")]
    Inbound,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Outbound, Direction::Inbound];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "out",
            Direction::Inbound => "in",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Direction::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Direction::Outbound => "Sent",
            Direction::Inbound => "Received",
        }
    }
}

/// Order of delivery states; `failed` is handled apart (terminal).
pub fn status_rank(status: &str) -> Option<i64> {
    MessageStatus::parse(status)
        .filter(|m| m.rank() >= 0)
        .map(MessageStatus::rank)
}

/// Whether `new` replaces `current` under the forward-only rule.
pub fn advances(current: &str, new: &str) -> bool {
    match (MessageStatus::parse(current), MessageStatus::parse(new)) {
        (Some(MessageStatus::Failed), _) => false,
        (_, Some(MessageStatus::Failed)) => true,
        (Some(c), Some(n)) => n.rank() > c.rank(),
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

    #[test]
    fn names_ranks_and_finality() {
        use super::{Direction, MessageStatus};
        for s in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", s.as_str()),
                "stored and wire names agree"
            );
        }
        assert_eq!(MessageStatus::parse("deleted"), None);
        let finals: Vec<_> = MessageStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .map(MessageStatus::as_str)
            .collect();
        assert_eq!(finals, ["read", "played", "failed", "not_sent"]);
        assert!(MessageStatus::Played.rank() > MessageStatus::Read.rank());
        assert!(MessageStatus::Sent.rank() > MessageStatus::Accepted.rank());
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.as_str()), Some(d));
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.as_str())
            );
        }
        assert_eq!(Direction::Outbound.as_str(), "out");
    }
}
