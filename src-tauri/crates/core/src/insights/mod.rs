//! Insights: figures over the local history (volume by direction and final status, delivery
//! and read rates, per template and language against the previous period, failures by error
//! code, time to first reply, sends inside the 24-hour window, pricing categories).
//!
//! Nothing here reads `messages`: migration 0017 keeps hourly rollups (`insights_hourly`,
//! `insights_replies`, `insights_waits`) with triggers on `messages`, so every write to the
//! history (send, statuses, incoming, merge, retention, seed) updates them in its own
//! transaction, and a 90-day view reads a few thousand rollup rows.
//!
//! Counting rules: a message counts once, under its final status (statuses only move forward
//! and `failed` is terminal, so a late or out-of-order status moves the message, never adds
//! it twice). "Sent" is every outbound message that went out (all but `not_sent`);
//! "delivered" is delivered or read (read implies delivered); the delivery rate is delivered
//! over sent, the read rate read over delivered, the failure rate failed over sent. Hours and
//! days are UTC.

mod export;
mod figures;
mod range;
#[cfg(test)]
mod tests;

pub use export::InsightsChart;
pub use figures::{
    CategoryCount, ErrorStats, Insights, OutCounts, ReplyBucket, ReplyStats, SeriesPoint,
    TemplateStats, WindowShare,
};
pub use range::{Bucket, InsightsFilter, Range};

use crate::service::Core;
use crate::Result;

impl Core {
    /// Every Insights figure for a filter (see the module's counting rules).
    pub fn insights(&self, filter: &InsightsFilter) -> Result<Insights> {
        let range = Range::of(filter, time::OffsetDateTime::now_utc())?;
        self.db.with_conn(|c| figures::insights(c, filter, &range))
    }
}
