//! Small shared helpers.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Now, as RFC 3339 UTC with millisecond precision (sorts as text).
pub fn now() -> String {
    let t = OffsetDateTime::now_utc();
    let t = t
        .replace_nanosecond((t.nanosecond() / 1_000_000) * 1_000_000)
        .unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}
