//! The 24-hour customer-service window and the conversation with one contact.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::query::{list, HistoryFilter, MessageView};
use crate::history;
use crate::service::Core;
use crate::{Error, Result};

/// The 24-hour customer-service window with a contact, as far as the inbox knows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WindowState {
    /// When the contact last wrote (captured by the inbox), if ever.
    pub last_inbound_at: Option<String>,
    /// Free-form messages are allowed until then.
    pub open_until: Option<String>,
    pub open: bool,
}

/// A conversation with one contact: messages both ways, oldest first, and the window state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Conversation {
    pub contact: String,
    pub messages: Vec<MessageView>,
    pub window: WindowState,
}

pub fn conversation(
    conn: &rusqlite::Connection,
    number_id: Option<i64>,
    contact: &str,
    limit: u32,
) -> Result<Conversation> {
    let contact = crate::contact::Contact::lookup_key(contact).unwrap_or_default();
    let mut messages = list(
        conn,
        &HistoryFilter {
            number_id,
            contact: Some(contact.clone()),
            limit: Some(limit),
            ..Default::default()
        },
    )?;
    // Chronological, not by arrival: a captured incoming message can be stored after a reply
    // sent the same moment.
    messages.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let last: Option<String> = conn
        .query_row(
            "SELECT max(last_inbound_at) FROM contact_windows WHERE contact = ?1 AND (?2 IS NULL OR number_key = 'number:' || ?2)",
            params![contact, number_id],
            |r| r.get(0),
        )
        .map_err(Error::db("reading the customer-service window"))?;
    let open_until = last.as_deref().and_then(|l| {
        time::OffsetDateTime::parse(l, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| t + time::Duration::hours(24))
    });
    let open = open_until.is_some_and(|u| u > time::OffsetDateTime::now_utc());
    Ok(Conversation {
        contact,
        messages,
        window: WindowState {
            last_inbound_at: last,
            open_until: open_until.map(crate::util::format_time),
            open,
        },
    })
}

impl Core {
    /// Messages with one contact, oldest first, and the 24-hour window state.
    pub fn conversation(
        &self,
        number_id: Option<i64>,
        contact: &str,
    ) -> Result<history::Conversation> {
        self.db
            .with_conn(|c| history::conversation(c, number_id, contact, 500))
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::history::*;
    use serde_json::json;

    #[test]
    fn a_conversation_is_chronological_even_when_the_incoming_message_is_stored_later() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            tx.execute("INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x')", []).unwrap();
            record_outbound(tx, &Outbound {
                number_id: 1, phone_number_id: None, wamid: "wamid.OUT", contact: "4915123456789", kind: "text",
                template_name: None, template_language: None, body: Some("On its way"),
                request: &json!({}), response: &json!({}),
            })?;
            // Captured afterwards, but the customer wrote first (its timestamp is in the past).
            let m = json!({"from": "4915123456789", "id": "wamid.IN", "timestamp": "1732489100", "type": "text", "text": {"body": "Where?"}});
            apply_incoming(tx, &Route::default(), &m, None)?;
            Ok(())
        })
        .unwrap();
        let c = db
            .with_conn(|c| conversation(c, None, "+4915123456789", 50))
            .unwrap();
        let order: Vec<&str> = c.messages.iter().map(|m| m.direction.as_str()).collect();
        assert_eq!(order, ["in", "out"]);
    }
}
