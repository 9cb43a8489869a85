//! A number's business profile (`GET/POST /whatsapp_business_profile`): Meta's limits checked
//! at each field before anything is sent, the change shown as a diff, and an audit row.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::store;
use super::FieldProblem;
use crate::api::BusinessProfileFields;
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

/// `about`: 1–139 characters (reference §2.10).
pub const ABOUT_MAX: usize = 139;
pub const DESCRIPTION_MAX: usize = 512;
pub const ADDRESS_MAX: usize = 256;
pub const EMAIL_MAX: usize = 128;
pub const WEBSITES_MAX: usize = 2;
pub const WEBSITE_MAX: usize = 256;

/// Meta's list of industries (`vertical`). Once one is set it cannot be reset to empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum Vertical {
    Undefined,
    Other,
    Auto,
    Beauty,
    Apparel,
    Edu,
    Entertain,
    EventPlan,
    Finance,
    Grocery,
    Govt,
    Hotel,
    Health,
    Nonprofit,
    ProfServices,
    Retail,
    Travel,
    Restaurant,
    NotABiz,
}

impl Vertical {
    pub const ALL: [Vertical; 19] = [
        Vertical::Undefined,
        Vertical::Other,
        Vertical::Auto,
        Vertical::Beauty,
        Vertical::Apparel,
        Vertical::Edu,
        Vertical::Entertain,
        Vertical::EventPlan,
        Vertical::Finance,
        Vertical::Grocery,
        Vertical::Govt,
        Vertical::Hotel,
        Vertical::Health,
        Vertical::Nonprofit,
        Vertical::ProfServices,
        Vertical::Retail,
        Vertical::Travel,
        Vertical::Restaurant,
        Vertical::NotABiz,
    ];

    /// The name Meta uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Vertical::Undefined => "UNDEFINED",
            Vertical::Other => "OTHER",
            Vertical::Auto => "AUTO",
            Vertical::Beauty => "BEAUTY",
            Vertical::Apparel => "APPAREL",
            Vertical::Edu => "EDU",
            Vertical::Entertain => "ENTERTAIN",
            Vertical::EventPlan => "EVENT_PLAN",
            Vertical::Finance => "FINANCE",
            Vertical::Grocery => "GROCERY",
            Vertical::Govt => "GOVT",
            Vertical::Hotel => "HOTEL",
            Vertical::Health => "HEALTH",
            Vertical::Nonprofit => "NONPROFIT",
            Vertical::ProfServices => "PROF_SERVICES",
            Vertical::Retail => "RETAIL",
            Vertical::Travel => "TRAVEL",
            Vertical::Restaurant => "RESTAURANT",
            Vertical::NotABiz => "NOT_A_BIZ",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Vertical::Undefined => "Not set",
            Vertical::Other => "Other",
            Vertical::Auto => "Automotive",
            Vertical::Beauty => "Beauty, spa and salon",
            Vertical::Apparel => "Clothing and apparel",
            Vertical::Edu => "Education",
            Vertical::Entertain => "Entertainment",
            Vertical::EventPlan => "Event planning and service",
            Vertical::Finance => "Finance and banking",
            Vertical::Grocery => "Food and grocery",
            Vertical::Govt => "Public service",
            Vertical::Hotel => "Hotel and lodging",
            Vertical::Health => "Medical and health",
            Vertical::Nonprofit => "Non-profit",
            Vertical::ProfServices => "Professional services",
            Vertical::Retail => "Shopping and retail",
            Vertical::Travel => "Travel and transportation",
            Vertical::Restaurant => "Restaurant",
            Vertical::NotABiz => "Not a business",
        }
    }

    /// The vertical a name means (any case), if it is one of Meta's.
    pub fn parse(s: &str) -> Option<Self> {
        Vertical::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// What the user changes. A field left out (`None`) stays as it is; an empty text clears it
/// (except `about`, which Meta requires, and `vertical`, which cannot be cleared).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BusinessProfileInput {
    #[ts(optional)]
    pub about: Option<String>,
    #[ts(optional)]
    pub description: Option<String>,
    #[ts(optional)]
    pub address: Option<String>,
    #[ts(optional)]
    pub email: Option<String>,
    #[ts(optional)]
    pub websites: Option<Vec<String>>,
    #[ts(optional)]
    pub vertical: Option<Vertical>,
    /// A handle from a resumable upload: the new profile photo.
    #[ts(optional)]
    pub profile_picture_handle: Option<String>,
}

/// One field that will change, as text (websites joined by a new line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ProfileChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The check of an edit against the current profile: problems at their fields, and the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ProfileCheck {
    pub problems: Vec<FieldProblem>,
    pub changes: Vec<ProfileChange>,
}

/// A number's business profile as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BusinessProfileView {
    #[ts(type = "number")]
    pub number_id: i64,
    pub profile: BusinessProfileFields,
    /// Every field the checklist asks for is filled in.
    pub complete: bool,
    /// The fields still empty.
    pub missing: Vec<String>,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A plausible email address: one `@`, a local part, a domain with a dot, no spaces.
pub fn email_is_valid(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

fn website_problem(url: &str) -> Option<String> {
    if chars(url) > WEBSITE_MAX {
        return Some(format!(
            "a website is at most {WEBSITE_MAX} characters ({} now)",
            chars(url)
        ));
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => None,
        Ok(_) => Some(format!("'{url}' must start with http:// or https://")),
        Err(_) => Some(format!(
            "'{url}' is not a web address (include http:// or https://)"
        )),
    }
}

/// Checks an edit against Meta's limits (reference §2.10) and the current profile, and lists
/// what would change. No I/O.
pub fn check(current: &BusinessProfileFields, input: &BusinessProfileInput) -> ProfileCheck {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(FieldProblem {
            field: field.to_string(),
            index: None,
            message,
        })
    };
    if let Some(about) = &input.about {
        let n = chars(about.trim());
        if n == 0 {
            problem(
                "about",
                "the About text is required (1 to 139 characters)".into(),
            );
        } else if chars(about) > ABOUT_MAX {
            problem(
                "about",
                format!(
                    "About is at most {ABOUT_MAX} characters ({} now)",
                    chars(about)
                ),
            );
        }
    }
    if let Some(d) = &input.description {
        if chars(d) > DESCRIPTION_MAX {
            problem(
                "description",
                format!(
                    "the description is at most {DESCRIPTION_MAX} characters ({} now)",
                    chars(d)
                ),
            );
        }
    }
    if let Some(a) = &input.address {
        if chars(a) > ADDRESS_MAX {
            problem(
                "address",
                format!(
                    "the address is at most {ADDRESS_MAX} characters ({} now)",
                    chars(a)
                ),
            );
        }
    }
    if let Some(e) = &input.email {
        let e = e.trim();
        if chars(e) > EMAIL_MAX {
            problem(
                "email",
                format!(
                    "the email is at most {EMAIL_MAX} characters ({} now)",
                    chars(e)
                ),
            );
        } else if !e.is_empty() && !email_is_valid(e) {
            problem("email", format!("'{e}' is not an email address"));
        }
    }
    if let Some(ws) = &input.websites {
        let ws: Vec<&str> = ws
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .collect();
        if ws.len() > WEBSITES_MAX {
            problem(
                "websites",
                format!("at most {WEBSITES_MAX} websites ({} given)", ws.len()),
            );
        }
        for w in ws {
            if let Some(p) = website_problem(w) {
                problem("websites", p);
            }
        }
    }
    if input.vertical == Some(Vertical::Undefined) {
        let set = current
            .vertical
            .as_deref()
            .is_some_and(|v| !v.is_empty() && Vertical::parse(v) != Some(Vertical::Undefined));
        if set {
            problem(
                "vertical",
                "once an industry is set WhatsApp does not let it be cleared; choose another one"
                    .into(),
            );
        }
    }
    if let Some(h) = &input.profile_picture_handle {
        if h.trim().is_empty() {
            problem(
                "photo",
                "the uploaded photo has no handle; upload it again".into(),
            );
        }
    }
    ProfileCheck {
        problems,
        changes: changes(current, input),
    }
}

fn text_change(field: &str, before: Option<&str>, after: Option<&String>) -> Option<ProfileChange> {
    let after = after?.trim();
    let before = before.unwrap_or("").trim();
    (before != after).then(|| ProfileChange {
        field: field.to_string(),
        before: before.to_string(),
        after: after.to_string(),
    })
}

fn changes(current: &BusinessProfileFields, input: &BusinessProfileInput) -> Vec<ProfileChange> {
    let mut out = Vec::new();
    out.extend(text_change(
        "about",
        current.about.as_deref(),
        input.about.as_ref(),
    ));
    out.extend(text_change(
        "description",
        current.description.as_deref(),
        input.description.as_ref(),
    ));
    out.extend(text_change(
        "address",
        current.address.as_deref(),
        input.address.as_ref(),
    ));
    out.extend(text_change(
        "email",
        current.email.as_deref(),
        input.email.as_ref(),
    ));
    if let Some(ws) = &input.websites {
        let after: Vec<&str> = ws
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .collect();
        let before: Vec<&str> = current.websites.iter().map(String::as_str).collect();
        if after != before {
            out.push(ProfileChange {
                field: "websites".into(),
                before: before.join("\n"),
                after: after.join("\n"),
            });
        }
    }
    if let Some(v) = input.vertical {
        let before = current.vertical.clone().unwrap_or_default();
        if Vertical::parse(&before) != Some(v) {
            out.push(ProfileChange {
                field: "vertical".into(),
                before,
                after: v.as_str().to_string(),
            });
        }
    }
    if input.profile_picture_handle.is_some() {
        out.push(ProfileChange {
            field: "photo".into(),
            before: current.profile_picture_url.clone().unwrap_or_default(),
            after: "(new photo)".into(),
        });
    }
    out
}

/// The request body of the changes (only the fields that change).
fn request_body(input: &BusinessProfileInput, changes: &[ProfileChange]) -> Value {
    let mut body = Map::new();
    for c in changes {
        let v = match c.field.as_str() {
            "websites" => Value::from(
                input
                    .websites
                    .iter()
                    .flatten()
                    .map(|w| w.trim())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>(),
            ),
            "photo" => {
                body.insert(
                    "profile_picture_handle".into(),
                    Value::from(input.profile_picture_handle.clone().unwrap_or_default()),
                );
                continue;
            }
            _ => Value::from(c.after.clone()),
        };
        body.insert(c.field.clone(), v);
    }
    Value::Object(body)
}

/// The fields the checklist asks for that are still empty.
pub fn missing(p: &BusinessProfileFields) -> Vec<String> {
    let empty = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").is_empty();
    let mut out = Vec::new();
    if empty(&p.about) {
        out.push("about".to_string());
    }
    if empty(&p.description) {
        out.push("description".to_string());
    }
    if empty(&p.address) {
        out.push("address".to_string());
    }
    if empty(&p.email) {
        out.push("email".to_string());
    }
    if p.websites.iter().all(|w| w.trim().is_empty()) {
        out.push("websites".to_string());
    }
    let vertical = p.vertical.as_deref().unwrap_or("");
    if vertical.is_empty() || Vertical::parse(vertical) == Some(Vertical::Undefined) {
        out.push("vertical".to_string());
    }
    if empty(&p.profile_picture_url) {
        out.push("photo".to_string());
    }
    out
}

impl Core {
    fn profile_view(
        &self,
        number_id: i64,
        profile: BusinessProfileFields,
    ) -> Result<BusinessProfileView> {
        let missing = missing(&profile);
        let complete = missing.is_empty();
        // Reading is not a change: only a state the checklist did not know yet is announced.
        let changed = self
            .db
            .with_tx(|tx| store::set_profile_state(tx, number_id, complete, &missing.join(",")))?;
        if changed {
            self.emit(&[Topic::Onboarding], Some(number_id));
        }
        Ok(BusinessProfileView {
            number_id,
            profile,
            complete,
            missing,
        })
    }

    /// Reads the number's business profile from 360dialog (and remembers whether it is
    /// complete, for the checklist).
    pub async fn business_profile(
        &self,
        number_id: i64,
        actor: Actor,
    ) -> Result<BusinessProfileView> {
        let profile = self
            .call(
                number_id,
                actor,
                |c| async move { c.business_profile().await },
            )
            .await?;
        self.profile_view(number_id, profile)
    }

    /// Checks an edit against the limits and `current`, and lists what would change (no I/O:
    /// the form calls it as the user types).
    pub fn check_business_profile(
        &self,
        current: &BusinessProfileFields,
        input: &BusinessProfileInput,
    ) -> ProfileCheck {
        check(current, input)
    }

    /// Checks and saves an edit of the business profile: only the fields that change are sent;
    /// audited as `business_profile_changed` with the changed fields.
    pub async fn set_business_profile(
        &self,
        number_id: i64,
        input: BusinessProfileInput,
        actor: Actor,
    ) -> Result<BusinessProfileView> {
        let current = self
            .call(
                number_id,
                actor,
                |c| async move { c.business_profile().await },
            )
            .await?;
        let checked = check(&current, &input);
        super::refuse(&checked.problems)?;
        if checked.changes.is_empty() {
            return Err(Error::Validation(
                "nothing to change: the profile already has these values".into(),
            ));
        }
        let body = request_body(&input, &checked.changes);
        self.call(number_id, actor, |c| async move {
            c.set_business_profile(&body).await
        })
        .await?;
        let fields: Vec<&str> = checked.changes.iter().map(|c| c.field.as_str()).collect();
        let detail = format!("changed {}", fields.join(", "));
        self.write(&[Topic::Audit], Some(number_id), |tx| {
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &detail,
                    ..NewAudit::of(AuditAction::BusinessProfileChanged)
                },
            )
        })?;
        self.business_profile(number_id, actor).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn current() -> BusinessProfileFields {
        BusinessProfileFields::default()
    }

    fn problems(input: BusinessProfileInput) -> Vec<String> {
        check(&current(), &input)
            .problems
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[rstest]
    #[case::about_one_char("a", true)]
    #[case::about_139(&"a".repeat(139), true)]
    #[case::about_140(&"a".repeat(140), false)]
    #[case::about_empty("", false)]
    #[case::about_blank("   ", false)]
    #[case::about_139_multibyte(&"ü".repeat(139), true)]
    fn about_is_1_to_139_characters(#[case] about: &str, #[case] ok: bool) {
        let p = problems(BusinessProfileInput {
            about: Some(about.into()),
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{p:?}");
        if !ok {
            assert_eq!(p, ["about"]);
        }
    }

    #[rstest]
    #[case::description_512("description", 512, true)]
    #[case::description_513("description", 513, false)]
    #[case::address_256("address", 256, true)]
    #[case::address_257("address", 257, false)]
    fn text_limits_at_their_boundary(#[case] field: &str, #[case] len: usize, #[case] ok: bool) {
        let text = Some("x".repeat(len));
        let input = match field {
            "description" => BusinessProfileInput {
                description: text,
                ..Default::default()
            },
            _ => BusinessProfileInput {
                address: text,
                ..Default::default()
            },
        };
        let p = problems(input);
        assert_eq!(p.is_empty(), ok, "{p:?}");
        if !ok {
            assert_eq!(p, [field]);
        }
    }

    #[rstest]
    #[case::plain("info@example.com", true)]
    #[case::subdomain("a.b+c@mail.example.co.uk", true)]
    #[case::at_128(&format!("{}@example.com", "a".repeat(116)), true)]
    #[case::at_129(&format!("{}@example.com", "a".repeat(117)), false)]
    #[case::no_at("info.example.com", false)]
    #[case::no_dot("info@example", false)]
    #[case::two_ats("a@b@example.com", false)]
    #[case::space("in fo@example.com", false)]
    #[case::empty_clears("", true)]
    fn email_is_valid_and_at_most_128(#[case] email: &str, #[case] ok: bool) {
        let p = problems(BusinessProfileInput {
            email: Some(email.into()),
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{email}: {p:?}");
    }

    #[rstest]
    #[case::none(&[], true)]
    #[case::two(&["https://example.com", "http://shop.example.com/a"], true)]
    #[case::three(&["https://a.com", "https://b.com", "https://c.com"], false)]
    #[case::no_scheme(&["example.com"], false)]
    #[case::ftp(&["ftp://example.com"], false)]
    fn websites_at_most_two_http_urls(#[case] ws: &[&str], #[case] ok: bool) {
        let p = problems(BusinessProfileInput {
            websites: Some(ws.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{p:?}");
        if !ok {
            assert!(p.iter().all(|f| f == "websites"));
        }
    }

    #[test]
    fn a_website_is_at_most_256_characters() {
        let base = "https://example.com/";
        let at = format!("{base}{}", "a".repeat(256 - base.len()));
        let over = format!("{at}a");
        assert_eq!(at.len(), 256);
        for (url, ok) in [(at, true), (over, false)] {
            let p = problems(BusinessProfileInput {
                websites: Some(vec![url]),
                ..Default::default()
            });
            assert_eq!(p.is_empty(), ok, "{p:?}");
        }
    }

    #[test]
    fn a_set_vertical_cannot_be_cleared_but_can_change() {
        let set = BusinessProfileFields {
            vertical: Some("RETAIL".into()),
            ..Default::default()
        };
        let clear = BusinessProfileInput {
            vertical: Some(Vertical::Undefined),
            ..Default::default()
        };
        assert_eq!(check(&set, &clear).problems[0].field, "vertical");
        assert!(
            check(&current(), &clear).problems.is_empty(),
            "unset stays unset"
        );
        let change = BusinessProfileInput {
            vertical: Some(Vertical::Travel),
            ..Default::default()
        };
        let c = check(&set, &change);
        assert!(c.problems.is_empty());
        assert_eq!(
            c.changes,
            [ProfileChange {
                field: "vertical".into(),
                before: "RETAIL".into(),
                after: "TRAVEL".into()
            }]
        );
        assert_eq!(
            Vertical::parse("prof_services"),
            Some(Vertical::ProfServices)
        );
        assert_eq!(Vertical::parse("CARS"), None);
    }

    #[test]
    fn the_diff_lists_only_what_changes_and_the_body_sends_only_that() {
        let now = BusinessProfileFields {
            about: Some("Open 9-5".into()),
            email: Some("a@example.com".into()),
            websites: vec!["https://example.com".into()],
            ..Default::default()
        };
        let input = BusinessProfileInput {
            about: Some("Open 9-5".into()),
            email: Some("help@example.com".into()),
            websites: Some(vec!["https://example.com".into(), " ".into()]),
            address: Some("Main St 1".into()),
            ..Default::default()
        };
        let c = check(&now, &input);
        assert!(c.problems.is_empty());
        let fields: Vec<&str> = c.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["address", "email"]);
        assert_eq!(
            request_body(&input, &c.changes),
            serde_json::json!({"address": "Main St 1", "email": "help@example.com"})
        );
        let photo = BusinessProfileInput {
            profile_picture_handle: Some("4::aW1hZ2U=".into()),
            ..Default::default()
        };
        let c = check(&now, &photo);
        assert_eq!(
            request_body(&photo, &c.changes),
            serde_json::json!({"profile_picture_handle": "4::aW1hZ2U="})
        );
    }

    #[test]
    fn complete_means_every_asked_field_is_filled() {
        let mut p = BusinessProfileFields {
            about: Some("Hi".into()),
            description: Some("Shop".into()),
            address: Some("Main St 1".into()),
            email: Some("a@example.com".into()),
            websites: vec!["https://example.com".into()],
            vertical: Some("UNDEFINED".into()),
            profile_picture_url: None,
        };
        assert_eq!(missing(&p), ["vertical", "photo"]);
        p.vertical = Some("RETAIL".into());
        p.profile_picture_url = Some("https://pps.whatsapp.net/v/photo.jpg".into());
        assert!(missing(&p).is_empty());
        assert_eq!(missing(&BusinessProfileFields::default()).len(), 7);
    }
}
