//! The words a History filter is found by in the full-text index.
//!
//! Every message has, in the full-text index beside its searched text, one "facet" word per
//! value it can be filtered on (migration 0020 writes them; [`word`] makes the same ones): its
//! number, direction, status, contact, template, language, error code, and the year, month,
//! day and hour of `created_at`. A filter (with or without a search) then becomes one MATCH
//! of those words (a date range: the whole years, months, days and hours it covers), which
//! the full-text engine answers newest first by stepping through the shortest lists and
//! skipping ahead in the others. A search combined with a filter that matches nothing ends at
//! once instead of checking every match of the search.
//!
//! The index only finds the rows: the list still checks each filter exactly on the row (a
//! date range's first and last hour hold rows outside it), so the words need only be a
//! superset. A facet word starts with U+E000, a word character for the tokenizer that a
//! search word never holds (searches are split at every character that is not alphanumeric),
//! so a search never matches a facet.

use time::{Date, Month};

/// What a facet word starts with (see the module comment).
const MARK: char = '\u{E000}';

/// Upper-case hex of the UTF-8 bytes, as SQLite's `hex()` writes it.
fn hex(s: &str) -> String {
    use std::fmt::Write;
    s.bytes()
        .fold(String::with_capacity(s.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02X}");
            out
        })
}

/// The facet word of a field's value, quoted for a MATCH expression. `field` is the letter
/// migration 0020 gives it.
pub(super) fn word(field: char, value: &str) -> String {
    format!("\"{MARK}{field}{}\"", hex(value))
}

/// The status's facet: accepted, sent and delivered share one (see migration 0020).
pub(super) fn status_word(status: &str) -> String {
    match status {
        "accepted" | "sent" | "delivered" => word('s', "in flight"),
        other => word('s', other),
    }
}

/// An hour of history: a day and its hour (0–23).
type Hour = (Date, u8);

fn date_of(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.get(..10)?, &fmt).ok()
}

fn hour_digits(s: &str) -> Option<u8> {
    let h = s.get(11..13)?;
    if s.get(10..11)? != "T" || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    h.parse().ok().filter(|h| *h < 24)
}

/// The first hour a text at or after `s` can fall in (stored times are RFC 3339 UTC, which
/// sort as text in time order): `None` when `s` does not start with a date.
fn hour_from(s: &str) -> Option<Hour> {
    Some((date_of(s)?, hour_digits(s).unwrap_or(0)))
}

/// The last hour a text before `s` can fall in.
fn hour_before(s: &str) -> Option<Hour> {
    let d = date_of(s)?;
    if s.len() == 10 {
        // A date alone: every earlier text is on an earlier day.
        return Some((d.previous_day()?, 23));
    }
    match hour_digits(s) {
        Some(0) if s.len() == 13 => Some((d.previous_day()?, 23)),
        Some(h) if s.len() == 13 => Some((d, h - 1)),
        Some(h) => Some((d, h)),
        None => Some((d, 23)),
    }
}

fn next_hour((d, h): Hour) -> Option<Hour> {
    if h < 23 {
        Some((d, h + 1))
    } else {
        Some((d.next_day()?, 0))
    }
}

fn last_day_of_month(d: Date) -> Date {
    let days = d.month().length(d.year());
    d.replace_day(days).unwrap_or(d)
}

/// The facet words that together cover every hour from `lo` to `hi` (inclusive): whole years,
/// then whole months, whole days, and hours at the ends. `None` when a year is out of the
/// four-digit range the stored times use.
fn cover(lo: Hour, hi: Hour) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut t = lo;
    while t <= hi {
        let (d, h) = t;
        if !(0..=9999).contains(&d.year()) {
            return None;
        }
        if h == 0 {
            let year_end = Date::from_calendar_date(d.year(), Month::December, 31).ok()?;
            if d.ordinal() == 1 && (year_end, 23) <= hi {
                words.push(word('y', &format!("{:04}", d.year())));
                t = (year_end.next_day()?, 0);
                continue;
            }
            let month_end = last_day_of_month(d);
            if d.day() == 1 && (month_end, 23) <= hi {
                words.push(word(
                    'm',
                    &format!("{:04}-{:02}", d.year(), d.month() as u8),
                ));
                t = (month_end.next_day()?, 0);
                continue;
            }
            if (d, 23) <= hi {
                words.push(word('a', &day_text(d)));
                t = (d.next_day()?, 0);
                continue;
            }
        }
        words.push(word('h', &format!("{}T{h:02}", day_text(d))));
        t = match next_hour(t) {
            Some(n) => n,
            None => break,
        };
    }
    Some(words)
}

fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A token of the index's tokenizer (`unicode61`, migration 0024): a run of letters, digits
/// and private-use characters (its default categories `L* N* Co`); everything else separates.
static TOKEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"[\p{L}\p{N}\p{Co}]+").expect("a valid pattern")
});

/// The user's words as an FTS5 query: every word must appear, each as a prefix. Each word is
/// one token of the index's tokenizer, so that no word is a phrase of several tokens (which
/// an index without positions cannot answer): "e-mail" is the two words "e" and "mail".
pub(super) fn search_words(search: &str) -> Option<String> {
    let words: Vec<String> = TOKEN
        .find_iter(search)
        .map(|w| format!("\"{}\"*", w.as_str()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The length of the prefixes migration 0022 indexes.
const INDEXED_PREFIX: usize = 4;

/// The search as the prefix index of migration 0022 answers it, lazily and newest first:
/// `(expr, checks)`, `expr` a MATCH of each word's first 4 characters (a shorter word as it
/// is), `checks` the words longer than that, lower-case, which each row must still have a
/// word starting with (see [`check_sql`]). `None` when no word has 4 characters or more, or
/// one is not only ASCII letters and digits (the full-text engine folds other letters its
/// own way): then [`search_words`] answers it.
pub(super) fn indexed_search(search: &str) -> Option<(String, Vec<String>)> {
    let words: Vec<String> = TOKEN
        .find_iter(search)
        .map(|w| w.as_str().to_ascii_lowercase())
        .collect();
    if words.iter().all(|w| w.len() < INDEXED_PREFIX)
        || words
            .iter()
            .any(|w| !w.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return None;
    }
    let expr = words
        .iter()
        .map(|w| format!("\"{}\"*", &w[..w.len().min(INDEXED_PREFIX)]))
        .collect::<Vec<_>>()
        .join(" ");
    let checks = words
        .into_iter()
        .filter(|w| w.len() > INDEXED_PREFIX)
        .collect();
    Some((expr, checks))
}

/// The SQL condition that a message row `m` has a word starting with the word in parameter
/// `?{param}` (lower-case ASCII letters and digits) in the text the index holds: the word
/// follows the start or a character that is not an ASCII letter or digit. (A word that follows
/// a non-ASCII letter is a longer word for the index; such a row is taken only when another
/// of its words starts with the same 4 characters.)
pub(super) fn check_sql(param: usize) -> String {
    format!(
        "(' ' || lower(concat_ws(' ', m.body, m.template_name, m.contact, m.contact_name))) \
         GLOB ('*[^a-z0-9]' || ?{param} || '*')"
    )
}

/// What a date range asks of the index, given the history's first and last `created_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Dates {
    /// No row can fall in the range.
    Empty,
    /// A bound is not a date: the exact check alone decides.
    Unknown,
    /// A row in the range has one of these words.
    Words(Vec<String>),
}

/// The facet words of the hours the range (`since` inclusive, `until` exclusive) and the
/// history (`first` to `last`) share.
pub(super) fn dates(since: Option<&str>, until: Option<&str>, first: &str, last: &str) -> Dates {
    let (Some(start), Some(end)) = (hour_from(first), hour_from(last)) else {
        return Dates::Unknown;
    };
    let lo = since.and_then(hour_from).map_or(start, |h| h.max(start));
    let hi = until.and_then(hour_before).map_or(end, |h| h.min(end));
    if lo > hi {
        return Dates::Empty;
    }
    cover(lo, hi).map_or(Dates::Unknown, Dates::Words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Hour {
        hour_from(s).unwrap()
    }

    #[test]
    fn search_words_are_the_tokenizers_tokens() {
        assert_eq!(
            search_words("Refund, e-mail!").as_deref(),
            Some("\"Refund\"* \"e\"* \"mail\"*")
        );
        // Marks separate tokens, as in the index (U+0948 is a vowel sign).
        assert_eq!(
            search_words("\u{939}\u{948}\u{932}\u{94b}").as_deref(),
            Some("\"\u{939}\"* \"\u{932}\"*")
        );
        assert_eq!(search_words(" - ,"), None);
    }

    #[test]
    fn a_range_is_covered_by_whole_years_months_days_and_end_hours() {
        let w = cover(h("2025-12-31T22"), h("2027-02-02T01")).unwrap();
        let expect = [
            word('h', "2025-12-31T22"),
            word('h', "2025-12-31T23"),
            word('y', "2026"),
            word('m', "2027-01"),
            word('a', "2027-02-01"),
            word('h', "2027-02-02T00"),
            word('h', "2027-02-02T01"),
        ];
        assert_eq!(w, expect);
        assert_eq!(
            cover(h("2026-03-01"), h("2026-02-28T23")).unwrap(),
            Vec::<String>::new()
        );
        // Leap day and the end of a month.
        let w = cover(h("2024-02-01"), (date_of("2024-02-29").unwrap(), 23)).unwrap();
        assert_eq!(w, [word('m', "2024-02")]);
    }

    #[test]
    fn bounds_take_the_hours_a_text_can_fall_in() {
        assert_eq!(hour_from("2026-12-01"), Some(h("2026-12-01T00")));
        assert_eq!(hour_from("2026-12-01T10:30:00Z"), Some(h("2026-12-01T10")));
        assert_eq!(hour_from("2026-12-01 10:30"), Some(h("2026-12-01T00")));
        assert_eq!(hour_from("yesterday"), None);
        assert_eq!(hour_before("2026-12-01"), Some(h("2026-11-30T23")));
        assert_eq!(hour_before("2026-12-01T00"), Some(h("2026-11-30T23")));
        assert_eq!(hour_before("2026-12-01T10"), Some(h("2026-12-01T09")));
        assert_eq!(
            hour_before("2026-12-01T10:00:00Z"),
            Some(h("2026-12-01T10"))
        );
        assert_eq!(hour_before("2026-12-01x"), Some(h("2026-12-01T23")));
    }

    #[test]
    fn facet_words_are_the_hex_sqlite_writes() {
        assert_eq!(hex("read"), "72656164");
        assert_eq!(word('s', "read"), "\"\u{E000}s72656164\"");
        assert_eq!(status_word("read"), word('s', "read"));
        assert_eq!(status_word("sent"), status_word("delivered"));
    }
}
