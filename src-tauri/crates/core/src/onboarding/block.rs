//! The block list (`/block_users`): list, block and unblock WhatsApp users. Meta's rules: only
//! users who wrote to the number in the last 24 hours can be blocked, at most 1,000 per request.

use serde::Serialize;
use ts_rs::TS;

use super::FieldProblem;
use crate::api::{BlockUsersResult, BlockedUser};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::contact::Contact;
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

/// Users per request (Meta's block-users limit).
pub const BLOCK_MAX_PER_REQUEST: usize = 1000;

/// Block or unblock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BlockChange {
    Block,
    Unblock,
}

/// One user Meta refused, with why in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BlockFailure {
    pub user: String,
    pub reason: String,
    #[ts(type = "number | null")]
    pub code: Option<i64>,
}

/// What a block or unblock did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BlockOutcome {
    pub change: BlockChange,
    /// The wa_ids that were blocked (or unblocked).
    pub changed: Vec<String>,
    pub failed: Vec<BlockFailure>,
}

/// Parses and checks the users of one request: each a phone number or wa_id, no repeats,
/// 1 to 1,000 of them. Returns their wa_ids.
pub fn check_users(users: &[String]) -> (Vec<String>, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let users: Vec<&str> = users
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .collect();
    if users.is_empty() {
        problems.push(FieldProblem {
            field: "users".into(),
            index: None,
            message: "name at least one user (a phone number or WhatsApp id)".into(),
        });
    }
    if users.len() > BLOCK_MAX_PER_REQUEST {
        problems.push(FieldProblem {
            field: "users".into(),
            index: None,
            message: format!(
                "at most {BLOCK_MAX_PER_REQUEST} users per request ({} given)",
                users.len()
            ),
        });
    }
    for (i, u) in users.iter().enumerate() {
        match Contact::parse(u) {
            Ok(c) => {
                let id = c.wa_id().to_string();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Err(e) => problems.push(FieldProblem {
                field: "users".into(),
                index: Some(i as u32),
                message: format!("'{u}': {e}"),
            }),
        }
    }
    (ids, problems)
}

fn outcome(change: BlockChange, r: BlockUsersResult) -> BlockOutcome {
    let changed = match change {
        BlockChange::Block => r.added_users,
        BlockChange::Unblock => r.removed_users,
    };
    BlockOutcome {
        change,
        changed: changed
            .into_iter()
            .map(|u| if u.wa_id.is_empty() { u.input } else { u.wa_id })
            .collect(),
        failed: r
            .failed_users
            .into_iter()
            .map(|u| {
                let e = u.errors.into_iter().next().unwrap_or_default();
                let plain = e.code.and_then(crate::api::explain).map(str::to_string);
                BlockFailure {
                    user: if u.input.is_empty() { u.wa_id } else { u.input },
                    reason: plain.unwrap_or(if e.message.is_empty() {
                        "refused by WhatsApp".to_string()
                    } else {
                        e.message
                    }),
                    code: e.code,
                }
            })
            .collect(),
    }
}

impl Core {
    /// The number's blocked users (wa_ids), from 360dialog.
    pub async fn blocked_users(&self, number_id: i64, actor: Actor) -> Result<Vec<BlockedUser>> {
        self.call(number_id, actor, |c| async move { c.blocked_users().await })
            .await
    }

    /// Blocks or unblocks users. Before anything is sent: 1 to 1,000 valid numbers, and (for a
    /// block) none whose last message WABA Desk's inbox knows to be over 24 hours old. Audited
    /// as `users_blocked` / `users_unblocked` with the wa_ids that changed.
    pub async fn change_blocked(
        &self,
        number_id: i64,
        change: BlockChange,
        users: Vec<String>,
        actor: Actor,
    ) -> Result<BlockOutcome> {
        let (ids, problems) = check_users(&users);
        super::refuse(&problems)?;
        if change == BlockChange::Block {
            let mut stale = Vec::new();
            for id in &ids {
                let w = self.conversation(Some(number_id), id)?.window;
                if w.last_inbound_at.is_some() && !w.open {
                    stale.push(id.clone());
                }
            }
            if !stale.is_empty() {
                return Err(Error::InvalidField {
                    field: "users",
                    message: format!(
                        "WhatsApp only blocks users who wrote to this number in the last 24 hours; {} last wrote earlier",
                        stale.join(", ")
                    ),
                });
            }
        }
        let block = change == BlockChange::Block;
        let sent = ids.clone();
        let r = self
            .call(number_id, actor, |c| async move {
                c.change_blocked(block, &sent).await
            })
            .await?;
        let out = outcome(change, r);
        if !out.changed.is_empty() {
            let action = match change {
                BlockChange::Block => AuditAction::UsersBlocked,
                BlockChange::Unblock => AuditAction::UsersUnblocked,
            };
            let detail = out.changed.join(", ");
            self.write(&[Topic::Onboarding, Topic::Audit], Some(number_id), |tx| {
                audit::record(
                    tx,
                    actor,
                    NewAudit {
                        number_id: Some(number_id),
                        detail: &detail,
                        ..NewAudit::of(action)
                    },
                )
            })?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BlockUserError, BlockedUser};

    #[test]
    fn users_are_parsed_to_wa_ids_without_repeats() {
        let (ids, p) = check_users(&[
            "+49 151 2345 6789".into(),
            "4915123456789".into(),
            "16505551234".into(),
        ]);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(ids, ["4915123456789", "16505551234"]);
    }

    #[test]
    fn one_to_a_thousand_users_per_request() {
        let many = |n: usize| -> Vec<String> { (0..n).map(|i| format!("+4915{:09}", i)).collect() };
        assert!(check_users(&many(1000)).1.is_empty());
        let (_, p) = check_users(&many(1001));
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].field.as_str(), p[0].index), ("users", None));
        assert!(p[0].message.contains("1000"), "{}", p[0].message);
        let (_, p) = check_users(&[" ".into()]);
        assert_eq!(p[0].field, "users");
    }

    #[test]
    fn a_bad_number_is_named_with_its_position() {
        let (_, p) = check_users(&["+4915123456789".into(), "hello".into()]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].index, Some(1));
        assert!(p[0].message.starts_with("'hello'"), "{}", p[0].message);
    }

    #[test]
    fn refused_users_carry_plain_reasons() {
        let r = BlockUsersResult {
            added_users: vec![BlockedUser {
                input: "4915123456789".into(),
                wa_id: "4915123456789".into(),
                errors: vec![],
            }],
            removed_users: vec![],
            failed_users: vec![BlockedUser {
                input: "16505551234".into(),
                wa_id: String::new(),
                errors: vec![BlockUserError {
                    message: "Re-engagement required".into(),
                    code: Some(131047),
                    error_data: None,
                }],
            }],
        };
        let o = outcome(BlockChange::Block, r);
        assert_eq!(o.changed, ["4915123456789"]);
        assert_eq!(o.failed[0].user, "16505551234");
        assert_eq!(o.failed[0].code, Some(131047));
        assert!(
            o.failed[0].reason.contains("24 hours"),
            "{}",
            o.failed[0].reason
        );
    }
}
