//! Small shared helpers.

use time::macros::format_description;
use time::OffsetDateTime;

/// Now, as RFC 3339 UTC with exactly three fractional digits, so that timestamps sort
/// correctly as text.
pub fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

pub fn format_time(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// One CSV field, quoted when needed (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_keep_their_fraction_so_text_order_is_time_order() {
        let whole = format_time(time::macros::datetime!(2026-11-25 10:00:00 UTC));
        let later = format_time(time::macros::datetime!(2026-11-25 10:00:00.5 UTC));
        assert_eq!(whole, "2026-11-25T10:00:00.000Z");
        assert!(whole < later);
    }
}
