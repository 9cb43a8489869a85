//! The figures, read from the rollups migration 0017 keeps.

use std::collections::BTreeMap;

use rusqlite::types::Value as V;
use serde::Serialize;
use ts_rs::TS;

use super::range::{hour_key, Bucket, InsightsFilter, Range};
use crate::util::format_time;
use crate::{Error, Result};

/// Outbound messages by final status (each message once), and inbound messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OutCounts {
    /// Accepted by 360dialog, no status yet (or the answer to the send was lost).
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "number")]
    pub sent: i64,
    #[ts(type = "number")]
    pub delivered: i64,
    /// Read or played.
    #[ts(type = "number")]
    pub read: i64,
    #[ts(type = "number")]
    pub failed: i64,
    /// Refused by 360dialog or Meta: nothing went out.
    #[ts(type = "number")]
    pub not_sent: i64,
    #[ts(type = "number")]
    pub inbound: i64,
}

impl OutCounts {
    fn add(&mut self, direction: &str, status: &str, n: i64) {
        if direction == "in" {
            self.inbound += n;
            return;
        }
        match status {
            "read" | "played" => self.read += n,
            "delivered" => self.delivered += n,
            "sent" => self.sent += n,
            "failed" => self.failed += n,
            "not_sent" => self.not_sent += n,
            _ => self.pending += n,
        }
    }

    /// Every outbound message that went out.
    pub fn went_out(&self) -> i64 {
        self.pending + self.sent + self.delivered + self.read + self.failed
    }

    /// Delivered or read.
    pub fn reached(&self) -> i64 {
        self.delivered + self.read
    }

    pub fn delivery_rate(&self) -> Option<f64> {
        rate(self.reached(), self.went_out())
    }

    pub fn read_rate(&self) -> Option<f64> {
        rate(self.read, self.reached())
    }

    pub fn failure_rate(&self) -> Option<f64> {
        rate(self.failed, self.went_out())
    }
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// One hour or day of the series.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SeriesPoint {
    /// The bucket's key: `YYYY-MM-DD` or `YYYY-MM-DDTHH`.
    pub key: String,
    /// Start (inclusive) and end (exclusive) of the bucket within the period, RFC 3339.
    pub start: String,
    pub end: String,
    pub counts: OutCounts,
    pub delivery_rate: Option<f64>,
    pub read_rate: Option<f64>,
}

/// One template and language: sent, delivered, read, failed, rates, and the previous period.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TemplateStats {
    pub template: String,
    /// `None`: sent before the language was recorded.
    pub language: Option<String>,
    #[ts(type = "number")]
    pub sent: i64,
    #[ts(type = "number")]
    pub delivered: i64,
    #[ts(type = "number")]
    pub read: i64,
    #[ts(type = "number")]
    pub failed: i64,
    pub delivery_rate: Option<f64>,
    pub read_rate: Option<f64>,
    pub failure_rate: Option<f64>,
    #[ts(type = "number")]
    pub previous_sent: i64,
    /// Change of each rate against the previous period, in fractions (0.05 = 5 points);
    /// `None` when either period has nothing to compare.
    pub delivery_rate_change: Option<f64>,
    pub read_rate_change: Option<f64>,
    pub failure_rate_change: Option<f64>,
}

/// Failed or refused messages with one error code.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorStats {
    /// `None`: failed without an error code.
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    #[ts(type = "number")]
    pub failed: i64,
    #[ts(type = "number")]
    pub not_sent: i64,
    /// What the code means, in plain words (the same explanations as History).
    pub explanation: Option<String>,
}

/// A range of reply times.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReplyBucket {
    pub label: String,
    /// Upper bound in seconds (exclusive); `None` for the last.
    #[ts(type = "number | null")]
    pub under_seconds: Option<i64>,
    #[ts(type = "number")]
    pub count: i64,
}

/// Time to first reply: from a customer's first unanswered message to the next outbound
/// message to them from the same number. Counted by when the customer wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReplyStats {
    #[ts(type = "number")]
    pub answered: i64,
    /// Customers who wrote in the period and are still waiting.
    #[ts(type = "number")]
    pub waiting: i64,
    pub mean_seconds: Option<f64>,
    /// The range the median reply falls in.
    pub median: Option<String>,
    pub buckets: Vec<ReplyBucket>,
}

/// Outbound messages that went out inside or outside the contact's 24-hour window.
#[derive(Debug, Clone, Copy, Default, Serialize, TS)]
#[ts(export)]
pub struct WindowShare {
    #[ts(type = "number")]
    pub inside: i64,
    #[ts(type = "number")]
    pub outside: i64,
    pub inside_rate: Option<f64>,
}

/// Outbound messages per pricing category (from status webhooks; counts, not prices).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CategoryCount {
    /// `None`: no status webhook named a category.
    pub category: Option<String>,
    #[ts(type = "number")]
    pub count: i64,
}

/// Everything the Insights page and `wabadesk stats` show.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Insights {
    /// The period (whole UTC hours), RFC 3339.
    pub since: String,
    pub until: String,
    pub previous_since: String,
    pub bucket: Bucket,
    pub totals: OutCounts,
    pub previous_totals: OutCounts,
    pub series: Vec<SeriesPoint>,
    pub templates: Vec<TemplateStats>,
    pub errors: Vec<ErrorStats>,
    pub replies: ReplyStats,
    pub window: WindowShare,
    pub categories: Vec<CategoryCount>,
}

/// Upper bounds of the reply buckets (migration 0017 numbers them 0–6).
const REPLY_BUCKETS: [(&str, Option<i64>); 7] = [
    ("under 1 min", Some(60)),
    ("1–5 min", Some(300)),
    ("5–15 min", Some(900)),
    ("15 min–1 h", Some(3600)),
    ("1–4 h", Some(14_400)),
    ("4–24 h", Some(86_400)),
    ("a day or more", None),
];

/// One grouped rollup row.
struct Row {
    key: String,
    direction: String,
    status: String,
    template: String,
    language: String,
    error_code: i64,
    category: String,
    in_window: i64,
    n: i64,
}

/// The WHERE clause for the rollups (hour range, numbers; template and language when `all`),
/// with its values from `?1`.
fn where_clause(f: &InsightsFilter, r: &Range, all: bool) -> (String, Vec<V>) {
    let mut values = vec![V::Text(hour_key(r.since)), V::Text(hour_key(r.until))];
    let mut sql = String::from("hour >= ?1 AND hour < ?2");
    if !f.number_ids.is_empty() {
        let marks: Vec<String> = f
            .number_ids
            .iter()
            .map(|id| {
                values.push(V::Integer(*id));
                format!("?{}", values.len())
            })
            .collect();
        sql.push_str(&format!(" AND number_id IN ({})", marks.join(", ")));
    }
    if all {
        if let Some(t) = f.template.as_deref().filter(|t| !t.is_empty()) {
            values.push(V::Text(t.to_string()));
            sql.push_str(&format!(" AND template_name = ?{}", values.len()));
        }
        if let Some(l) = f.language.as_deref().filter(|l| !l.is_empty()) {
            values.push(V::Text(l.to_string()));
            sql.push_str(&format!(" AND template_language = ?{}", values.len()));
        }
    }
    (sql, values)
}

fn rows(
    conn: &rusqlite::Connection,
    f: &InsightsFilter,
    r: &Range,
    key_len: i64,
) -> Result<Vec<Row>> {
    let (clause, mut values) = where_clause(f, r, true);
    values.push(V::Integer(key_len));
    const COLUMNS: &str =
        "direction, status, template_name, template_language, error_code, category, in_window";
    let key = values.len();
    // sql-safe: the clause is built above from fixed fragments; every value is bound.
    let sql = format!("SELECT substr(hour, 1, ?{key}), {COLUMNS}, SUM(n) FROM insights_hourly WHERE {clause} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING SUM(n) <> 0");
    let mut st = conn
        .prepare_cached(&sql)
        .map_err(Error::db("reading insights"))?;
    let out = st
        .query_map(rusqlite::params_from_iter(values), |r| {
            Ok(Row {
                key: r.get(0)?,
                direction: r.get(1)?,
                status: r.get(2)?,
                template: r.get(3)?,
                language: r.get(4)?,
                error_code: r.get(5)?,
                category: r.get(6)?,
                in_window: r.get(7)?,
                n: r.get(8)?,
            })
        })
        .map_err(Error::db("reading insights"))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading insights"));
    out
}

fn replies(conn: &rusqlite::Connection, f: &InsightsFilter, r: &Range) -> Result<ReplyStats> {
    // Replies are not per template: the template and language filters do not apply.
    let (clause, values) = where_clause(f, r, false);
    let sql = format!(
        // sql-safe: the clause is built above from fixed fragments; every value is bound.
        "SELECT bucket, SUM(n), SUM(seconds) FROM insights_replies WHERE {clause} GROUP BY bucket"
    );
    let mut st = conn
        .prepare_cached(&sql)
        .map_err(Error::db("reading reply times"))?;
    let mut counts = [0i64; 7];
    let mut seconds = 0i64;
    let got = st
        .query_map(rusqlite::params_from_iter(values.clone()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(Error::db("reading reply times"))?;
    for g in got {
        let (b, n, s) = g.map_err(Error::db("reading reply times"))?;
        if let Some(c) = usize::try_from(b).ok().and_then(|b| counts.get_mut(b)) {
            *c += n;
            seconds += s;
        }
    }
    // Waiting customers: keyed on the time they first wrote (`since`), in whole hours.
    let waits_clause = clause.replace(
        "hour >= ?1 AND hour < ?2",
        "substr(since, 1, 13) >= ?1 AND substr(since, 1, 13) < ?2",
    );
    let waiting: i64 = conn
        .prepare_cached(&format!(
            // sql-safe: the clause is built above from fixed fragments; every value is bound.
            "SELECT count(*) FROM insights_waits WHERE {waits_clause}"
        ))
        .and_then(|mut st| st.query_row(rusqlite::params_from_iter(values), |r| r.get(0)))
        .map_err(Error::db("reading waiting customers"))?;
    let answered: i64 = counts.iter().sum();
    let median = (answered > 0).then(|| {
        let half = (answered + 1) / 2;
        let mut seen = 0;
        let i = counts
            .iter()
            .position(|c| {
                seen += c;
                seen >= half
            })
            .unwrap_or(6);
        REPLY_BUCKETS[i].0.to_string()
    });
    Ok(ReplyStats {
        answered,
        waiting,
        mean_seconds: (answered > 0).then(|| seconds as f64 / answered as f64),
        median,
        buckets: REPLY_BUCKETS
            .iter()
            .zip(counts)
            .map(|((label, under), count)| ReplyBucket {
                label: (*label).to_string(),
                under_seconds: *under,
                count,
            })
            .collect(),
    })
}

fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(now? - before?)
}

pub(super) fn insights(
    conn: &rusqlite::Connection,
    f: &InsightsFilter,
    range: &Range,
) -> Result<Insights> {
    let current = rows(conn, f, range, range.key_len())?;
    let previous_range = range.previous();
    // The previous period is only needed in total and per template: one bucket.
    let previous = rows(conn, f, &previous_range, 0)?;

    let mut totals = OutCounts::default();
    let mut previous_totals = OutCounts::default();
    let mut by_key: BTreeMap<&str, OutCounts> = BTreeMap::new();
    let mut by_template: BTreeMap<(&str, &str), (OutCounts, OutCounts)> = BTreeMap::new();
    let mut by_error: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, i64> = BTreeMap::new();
    let mut window = WindowShare::default();
    for r in &current {
        totals.add(&r.direction, &r.status, r.n);
        by_key
            .entry(r.key.as_str())
            .or_default()
            .add(&r.direction, &r.status, r.n);
        if r.direction != "out" {
            continue;
        }
        if !r.template.is_empty() {
            by_template
                .entry((r.template.as_str(), r.language.as_str()))
                .or_default()
                .0
                .add(&r.direction, &r.status, r.n);
        }
        match r.status.as_str() {
            "failed" => by_error.entry(r.error_code).or_default().0 += r.n,
            "not_sent" => by_error.entry(r.error_code).or_default().1 += r.n,
            _ => {}
        }
        if r.status != "not_sent" {
            *by_category.entry(r.category.as_str()).or_default() += r.n;
            if r.in_window == 1 {
                window.inside += r.n;
            } else {
                window.outside += r.n;
            }
        }
    }
    for r in &previous {
        previous_totals.add(&r.direction, &r.status, r.n);
        if r.direction == "out" && !r.template.is_empty() {
            if let Some(t) = by_template.get_mut(&(r.template.as_str(), r.language.as_str())) {
                t.1.add(&r.direction, &r.status, r.n);
            }
        }
    }
    window.inside_rate = rate(window.inside, window.inside + window.outside);

    let series = range
        .buckets()
        .into_iter()
        .map(|(key, start, end)| {
            let counts = by_key.get(key.as_str()).copied().unwrap_or_default();
            SeriesPoint {
                delivery_rate: counts.delivery_rate(),
                read_rate: counts.read_rate(),
                key,
                start: format_time(start),
                end: format_time(end),
                counts,
            }
        })
        .collect();

    let mut templates: Vec<TemplateStats> = by_template
        .into_iter()
        .map(|((template, language), (now, before))| TemplateStats {
            template: template.to_string(),
            language: (!language.is_empty()).then(|| language.to_string()),
            sent: now.went_out(),
            delivered: now.reached(),
            read: now.read,
            failed: now.failed,
            delivery_rate: now.delivery_rate(),
            read_rate: now.read_rate(),
            failure_rate: now.failure_rate(),
            previous_sent: before.went_out(),
            delivery_rate_change: change(now.delivery_rate(), before.delivery_rate()),
            read_rate_change: change(now.read_rate(), before.read_rate()),
            failure_rate_change: change(now.failure_rate(), before.failure_rate()),
        })
        .filter(|t| t.sent > 0 || t.previous_sent > 0)
        .collect();
    templates.sort_by(|a, b| b.sent.cmp(&a.sent).then(a.template.cmp(&b.template)));

    let mut errors: Vec<ErrorStats> = by_error
        .into_iter()
        .filter(|(_, (failed, not_sent))| failed + not_sent != 0)
        .map(|(code, (failed, not_sent))| {
            let code = (code != 0).then_some(code);
            ErrorStats {
                code,
                failed,
                not_sent,
                explanation: code.and_then(crate::api::explain).map(str::to_string),
            }
        })
        .collect();
    errors.sort_by_key(|e| std::cmp::Reverse(e.failed + e.not_sent));

    let mut categories: Vec<CategoryCount> = by_category
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(c, count)| CategoryCount {
            category: (!c.is_empty()).then(|| c.to_string()),
            count,
        })
        .collect();
    categories.sort_by_key(|c| std::cmp::Reverse(c.count));

    Ok(Insights {
        since: format_time(range.since),
        until: format_time(range.until),
        previous_since: format_time(previous_range.since),
        bucket: range.bucket,
        totals,
        previous_totals,
        series,
        templates,
        errors,
        replies: replies(conn, f, range)?,
        window,
        categories,
    })
}
