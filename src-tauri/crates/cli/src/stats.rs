//! `stats`: the Insights figures over the local history, as a table or JSON.

use std::path::Path;

use clap::{Args, ValueEnum};
use wabadesk_core::insights::{Insights, InsightsFilter, OutCounts};
use wabadesk_core::Error;

use crate::common::{number_id, open, Output};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    /// Messages per day (or hour, for up to 3 days) by final status, with the rates.
    Day,
    /// Per template and language, with the change against the previous period.
    Template,
    /// Failures per error code, with what each means.
    Error,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// A number (phone or id); repeat for several. Default: every number.
    #[arg(long)]
    number: Vec<String>,
    /// From this day or time (RFC 3339 or YYYY-MM-DD; default: 30 days ago).
    #[arg(long)]
    since: Option<String>,
    /// Before this day or time (default: now).
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    template: Option<String>,
    #[arg(long)]
    language: Option<String>,
    /// What the table lists (--json prints every figure).
    #[arg(long, value_enum, default_value = "day")]
    by: By,
}

fn pct(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn points(r: Option<f64>) -> String {
    r.map_or(String::new(), |r| format!("{:+.1}", r * 100.0))
}

fn totals(label: &str, c: &OutCounts) -> String {
    format!(
        "{label}: {} sent, {} delivered ({}), {} read ({} of delivered), {} failed ({}), {} not sent, {} received",
        c.went_out(),
        c.reached(),
        pct(c.delivery_rate()),
        c.read,
        pct(c.read_rate()),
        c.failed,
        pct(c.failure_rate()),
        c.not_sent,
        c.inbound
    )
}

fn text(i: &Insights, by: By) -> String {
    let mut out = vec![
        format!("{} to {} (UTC)", i.since, i.until),
        totals("this period", &i.totals),
        totals("previous period", &i.previous_totals),
        format!(
            "first reply: {} answered, {} waiting, median {}, mean {}",
            i.replies.answered,
            i.replies.waiting,
            i.replies.median.as_deref().unwrap_or("—"),
            i.replies
                .mean_seconds
                .map_or("—".into(), |s| format!("{:.0} s", s))
        ),
        format!(
            "24-hour window: {} inside, {} outside ({} inside)",
            i.window.inside,
            i.window.outside,
            pct(i.window.inside_rate)
        ),
        format!(
            "pricing categories: {}",
            i.categories
                .iter()
                .map(|c| format!(
                    "{} {}",
                    c.category.as_deref().unwrap_or("not reported"),
                    c.count
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        String::new(),
    ];
    match by {
        By::Day => {
            out.push(format!(
                "{:<13} {:>7} {:>7} {:>9} {:>7} {:>7} {:>8} {:>8} {:>9} {:>7}",
                "bucket",
                "in",
                "sent",
                "delivered",
                "read",
                "failed",
                "not sent",
                "pending",
                "delivery",
                "read"
            ));
            for p in &i.series {
                let c = &p.counts;
                out.push(format!(
                    "{:<13} {:>7} {:>7} {:>9} {:>7} {:>7} {:>8} {:>8} {:>9} {:>7}",
                    p.key,
                    c.inbound,
                    c.sent,
                    c.delivered,
                    c.read,
                    c.failed,
                    c.not_sent,
                    c.pending,
                    pct(p.delivery_rate),
                    pct(p.read_rate)
                ));
            }
        }
        By::Template => {
            out.push(format!(
                "{:<30} {:<6} {:>7} {:>9} {:>7} {:>7} {:>9} {:>7} {:>7} {:>9} {:>7} {:>7}",
                "template",
                "lang",
                "sent",
                "delivered",
                "read",
                "failed",
                "delivery",
                "read",
                "failure",
                "Δdelivery",
                "Δread",
                "Δfailure"
            ));
            for t in &i.templates {
                out.push(format!(
                    "{:<30} {:<6} {:>7} {:>9} {:>7} {:>7} {:>9} {:>7} {:>7} {:>9} {:>7} {:>7}",
                    t.template,
                    t.language.as_deref().unwrap_or("—"),
                    t.sent,
                    t.delivered,
                    t.read,
                    t.failed,
                    pct(t.delivery_rate),
                    pct(t.read_rate),
                    pct(t.failure_rate),
                    points(t.delivery_rate_change),
                    points(t.read_rate_change),
                    points(t.failure_rate_change)
                ));
            }
            if i.templates.is_empty() {
                out.push("no template sent in this period".into());
            }
        }
        By::Error => {
            for e in &i.errors {
                out.push(format!(
                    "{:<8} {:>7} failed {:>7} not sent  {}",
                    e.code.map_or("none".into(), |c| c.to_string()),
                    e.failed,
                    e.not_sent,
                    e.explanation
                        .as_deref()
                        .unwrap_or("(no explanation on file)")
                ));
            }
            if i.errors.is_empty() {
                out.push("nothing failed in this period".into());
            }
        }
    }
    out.join("\n")
}

pub fn run(data_dir: &Path, args: StatsArgs) -> Result<Output, Error> {
    let core = open(data_dir)?;
    let mut number_ids = Vec::new();
    for n in args.number {
        number_ids.extend(number_id(&core, Some(n))?);
    }
    let insights = core.insights(&InsightsFilter {
        number_ids,
        since: args.since,
        until: args.until,
        template: args.template,
        language: args.language,
        bucket: None,
    })?;
    let text = text(&insights, args.by);
    Output::ok(&insights, text)
}
