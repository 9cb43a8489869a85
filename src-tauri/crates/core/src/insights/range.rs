//! The filter and the period it covers: whole UTC hours, the buckets of the series and the
//! previous period of the same length.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, Time};
use ts_rs::TS;

use crate::{Error, Result};

/// One point of the series per hour or per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Bucket {
    Hour,
    Day,
}

/// What Insights covers. Every field is optional: no number is every number; no dates are
/// the last 30 days.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct InsightsFilter {
    #[ts(type = "number[]")]
    pub number_ids: Vec<i64>,
    /// Inclusive, RFC 3339 or `YYYY-MM-DD`; taken down to the hour.
    pub since: Option<String>,
    /// Exclusive, RFC 3339 or `YYYY-MM-DD`; taken up to the hour. Default: now.
    pub until: Option<String>,
    pub template: Option<String>,
    pub language: Option<String>,
    /// Default: hours for up to 3 days, else days.
    pub bucket: Option<Bucket>,
}

/// Hourly series cover at most this many days (744 points).
pub const MAX_HOURLY_DAYS: i64 = 31;
/// The longest period (the previous period doubles what is read).
pub const MAX_DAYS: i64 = 800;

/// The period of a filter, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub since: OffsetDateTime,
    pub until: OffsetDateTime,
    pub bucket: Bucket,
}

fn parse_time(s: &str, field: &'static str) -> Result<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t.to_offset(time::UtcOffset::UTC));
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &day)
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc())
        .map_err(|_| Error::InvalidField {
            field,
            message: format!(
                "'{s}' is not a date: use YYYY-MM-DD or a time like 2026-11-30T14:00:00Z"
            ),
        })
}

fn floor_hour(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_time(Time::from_hms(t.hour(), 0, 0).unwrap_or(Time::MIDNIGHT))
}

fn ceil_hour(t: OffsetDateTime) -> OffsetDateTime {
    let f = floor_hour(t);
    if f == t {
        t
    } else {
        f + Duration::HOUR
    }
}

/// The rollup's key of an hour: `YYYY-MM-DDTHH`.
pub(crate) fn hour_key(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour()
    )
}

impl Range {
    /// The filter's period at `now`.
    pub fn of(f: &InsightsFilter, now: OffsetDateTime) -> Result<Range> {
        let until = match &f.until {
            Some(u) if !u.trim().is_empty() => ceil_hour(parse_time(u, "until")?),
            _ => ceil_hour(now),
        };
        let since = match &f.since {
            Some(s) if !s.trim().is_empty() => floor_hour(parse_time(s, "since")?),
            _ => until - Duration::days(30),
        };
        if since >= until {
            return Err(Error::InvalidField {
                field: "since",
                message: "the start of the period must be before its end".into(),
            });
        }
        let span = until - since;
        if span > Duration::days(MAX_DAYS) {
            return Err(Error::InvalidField {
                field: "since",
                message: format!("a period covers at most {MAX_DAYS} days"),
            });
        }
        let bucket = match f.bucket {
            Some(Bucket::Hour) if span > Duration::days(MAX_HOURLY_DAYS) => {
                return Err(Error::InvalidField {
                    field: "bucket",
                    message: format!(
                        "hourly figures cover at most {MAX_HOURLY_DAYS} days: choose days"
                    ),
                })
            }
            Some(b) => b,
            None if span <= Duration::days(3) => Bucket::Hour,
            None => Bucket::Day,
        };
        Ok(Range {
            since,
            until,
            bucket,
        })
    }

    /// The period of the same length just before.
    pub fn previous(&self) -> Range {
        Range {
            since: self.since - (self.until - self.since),
            until: self.since,
            bucket: self.bucket,
        }
    }

    /// The buckets of the series: (key, start, end), the first and last clipped to the period.
    pub fn buckets(&self) -> Vec<(String, OffsetDateTime, OffsetDateTime)> {
        let mut out = Vec::new();
        let mut t = match self.bucket {
            Bucket::Hour => self.since,
            Bucket::Day => self.since.replace_time(Time::MIDNIGHT),
        };
        while t < self.until {
            let next = match self.bucket {
                Bucket::Hour => t + Duration::HOUR,
                Bucket::Day => t + Duration::DAY,
            };
            let key = match self.bucket {
                Bucket::Hour => hour_key(t),
                Bucket::Day => hour_key(t)[..10].to_string(),
            };
            out.push((key, t.max(self.since), next.min(self.until)));
            t = next;
        }
        out
    }

    /// How many characters of the rollup's hour key name a bucket.
    pub(crate) fn key_len(&self) -> i64 {
        match self.bucket {
            Bucket::Hour => 13,
            Bucket::Day => 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn filter(since: Option<&str>, until: Option<&str>) -> InsightsFilter {
        InsightsFilter {
            since: since.map(String::from),
            until: until.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn periods_are_whole_hours_with_buckets_by_length() {
        let now = datetime!(2026-12-01 10:25 UTC);
        let r = Range::of(&filter(None, None), now).unwrap();
        assert_eq!(r.until, datetime!(2026-12-01 11:00 UTC));
        assert_eq!(r.since, datetime!(2026-11-01 11:00 UTC));
        assert_eq!(r.bucket, Bucket::Day);
        assert_eq!(r.buckets().len(), 31, "a clipped first and last day");
        assert_eq!(r.buckets()[0].1, r.since);
        assert_eq!(r.previous().until, r.since);
        assert_eq!(r.previous().since, datetime!(2026-10-02 11:00 UTC));

        let r = Range::of(
            &filter(Some("2026-11-30T08:30:00Z"), Some("2026-12-01")),
            now,
        )
        .unwrap();
        assert_eq!(r.since, datetime!(2026-11-30 08:00 UTC));
        assert_eq!(r.bucket, Bucket::Hour);
        assert_eq!(r.buckets().len(), 16);
        assert_eq!(r.buckets()[0].0, "2026-11-30T08");
    }

    #[test]
    fn bad_periods_name_their_field() {
        let now = datetime!(2026-12-01 10:25 UTC);
        let e = Range::of(&filter(Some("yesterday"), None), now).unwrap_err();
        assert!(
            matches!(e, Error::InvalidField { field: "since", .. }),
            "{e:?}"
        );
        let e = Range::of(&filter(Some("2026-12-02"), Some("2026-12-01")), now).unwrap_err();
        assert!(
            matches!(e, Error::InvalidField { field: "since", .. }),
            "{e:?}"
        );
        let f = InsightsFilter {
            bucket: Some(Bucket::Hour),
            since: Some("2026-01-01".into()),
            ..Default::default()
        };
        let e = Range::of(&f, now).unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidField {
                    field: "bucket",
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
