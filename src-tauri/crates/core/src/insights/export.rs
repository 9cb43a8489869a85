//! Each chart's data as CSV (through the one formula-safe CSV writer), and a chart's picture
//! saved as PNG, both to the downloads folder.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::figures::Insights;
use super::InsightsFilter;
use crate::service::Core;
use crate::util::csv_field;
use crate::{Error, Result};

/// The charts of the Insights page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InsightsChart {
    /// Messages per hour or day by direction and final status, with the rates.
    Volume,
    /// Delivery and read rates per hour or day.
    Rates,
    Templates,
    Errors,
    Replies,
    Window,
    Categories,
}

impl InsightsChart {
    pub const ALL: [InsightsChart; 7] = [
        InsightsChart::Volume,
        InsightsChart::Rates,
        InsightsChart::Templates,
        InsightsChart::Errors,
        InsightsChart::Replies,
        InsightsChart::Window,
        InsightsChart::Categories,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InsightsChart::Volume => "volume",
            InsightsChart::Rates => "rates",
            InsightsChart::Templates => "templates",
            InsightsChart::Errors => "errors",
            InsightsChart::Replies => "replies",
            InsightsChart::Window => "window",
            InsightsChart::Categories => "categories",
        }
    }
}

/// The largest chart picture accepted.
pub const MAX_PNG_BYTES: usize = 8 * 1024 * 1024;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn opt_rate(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

fn line(cells: &[String]) -> String {
    let mut l = cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    l.push('\n');
    l
}

/// One chart's data as CSV.
pub fn csv(ins: &Insights, chart: InsightsChart) -> String {
    let mut out = String::new();
    let s = |n: i64| n.to_string();
    match chart {
        InsightsChart::Volume => {
            out.push_str("start,end,inbound,pending,sent,delivered,read,failed,not_sent,delivery_rate,read_rate\n");
            for p in &ins.series {
                let c = &p.counts;
                out.push_str(&line(&[
                    p.start.clone(),
                    p.end.clone(),
                    s(c.inbound),
                    s(c.pending),
                    s(c.sent),
                    s(c.delivered),
                    s(c.read),
                    s(c.failed),
                    s(c.not_sent),
                    opt_rate(p.delivery_rate),
                    opt_rate(p.read_rate),
                ]));
            }
        }
        InsightsChart::Rates => {
            out.push_str("start,end,sent,delivered,read,delivery_rate,read_rate\n");
            for p in &ins.series {
                let c = &p.counts;
                out.push_str(&line(&[
                    p.start.clone(),
                    p.end.clone(),
                    s(c.went_out()),
                    s(c.reached()),
                    s(c.read),
                    opt_rate(p.delivery_rate),
                    opt_rate(p.read_rate),
                ]));
            }
        }
        InsightsChart::Templates => {
            out.push_str("template,language,sent,delivered,read,failed,delivery_rate,read_rate,failure_rate,previous_sent,delivery_rate_change,read_rate_change,failure_rate_change\n");
            for t in &ins.templates {
                out.push_str(&line(&[
                    t.template.clone(),
                    t.language.clone().unwrap_or_default(),
                    s(t.sent),
                    s(t.delivered),
                    s(t.read),
                    s(t.failed),
                    opt_rate(t.delivery_rate),
                    opt_rate(t.read_rate),
                    opt_rate(t.failure_rate),
                    s(t.previous_sent),
                    opt_rate(t.delivery_rate_change),
                    opt_rate(t.read_rate_change),
                    opt_rate(t.failure_rate_change),
                ]));
            }
        }
        InsightsChart::Errors => {
            out.push_str("error_code,failed,not_sent,explanation\n");
            for e in &ins.errors {
                out.push_str(&line(&[
                    e.code.map(|c| c.to_string()).unwrap_or_default(),
                    s(e.failed),
                    s(e.not_sent),
                    e.explanation.clone().unwrap_or_default(),
                ]));
            }
        }
        InsightsChart::Replies => {
            out.push_str("reply_time,under_seconds,count\n");
            for b in &ins.replies.buckets {
                out.push_str(&line(&[
                    b.label.clone(),
                    b.under_seconds.map(|u| u.to_string()).unwrap_or_default(),
                    s(b.count),
                ]));
            }
            out.push_str(&line(&[
                "still waiting".into(),
                String::new(),
                s(ins.replies.waiting),
            ]));
        }
        InsightsChart::Window => {
            out.push_str("window,count\n");
            out.push_str(&line(&["inside".into(), s(ins.window.inside)]));
            out.push_str(&line(&["outside".into(), s(ins.window.outside)]));
        }
        InsightsChart::Categories => {
            out.push_str("category,count\n");
            for c in &ins.categories {
                out.push_str(&line(&[c.category.clone().unwrap_or_default(), s(c.count)]));
            }
        }
    }
    out
}

impl Core {
    /// Writes one chart's data for a filter as CSV to the downloads folder; returns the file.
    pub fn export_insights_csv(
        &self,
        filter: &InsightsFilter,
        chart: InsightsChart,
    ) -> Result<std::path::PathBuf> {
        let text = csv(&self.insights(filter)?, chart);
        let path = crate::paths::export_path(
            &self.data_dir,
            &format!("insights-{}", chart.as_str()),
            "csv",
        )?;
        crate::paths::write_atomically(&path, |w| {
            w.write_all(text.as_bytes()).map_err(Error::io(&path))
        })?;
        Ok(path)
    }

    /// Saves a chart's picture (PNG bytes drawn by the UI) to the downloads folder.
    pub fn save_insights_png(
        &self,
        chart: InsightsChart,
        png: &[u8],
    ) -> Result<std::path::PathBuf> {
        if !png.starts_with(PNG_SIGNATURE) {
            return Err(Error::Validation(
                "the chart picture is not a PNG image".into(),
            ));
        }
        if png.len() > MAX_PNG_BYTES {
            return Err(Error::Validation(format!(
                "the chart picture is larger than {} MB",
                MAX_PNG_BYTES / 1024 / 1024
            )));
        }
        let path = crate::paths::export_path(
            &self.data_dir,
            &format!("insights-{}", chart.as_str()),
            "png",
        )?;
        crate::paths::write_atomically(&path, |w| w.write_all(png).map_err(Error::io(&path)))?;
        Ok(path)
    }
}
