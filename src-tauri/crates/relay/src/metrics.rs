//! Counters for `/metrics` (Prometheus text format).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Default)]
pub struct Metrics {
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub rejected: AtomicU64,
    pub store_failures: AtomicU64,
    /// The newest sequence number this replica has seen stored (its own or another's).
    pub head: AtomicI64,
    per_number: Mutex<BTreeMap<String, u64>>,
    /// Each subscriber's last cursor, by token name.
    cursors: Mutex<BTreeMap<String, i64>>,
}

/// Label values are written escaped (Prometheus text format).
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn count_number(&self, pnid: &str) {
        let mut m = self.per_number.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: only configured numbers reach here (the secret check comes first).
        *m.entry(pnid.to_string()).or_insert(0) += 1;
    }

    pub fn saw_head(&self, seq: i64) {
        self.head.fetch_max(seq, Ordering::Relaxed);
    }

    pub fn subscriber_at(&self, name: &str, cursor: i64) {
        let mut m = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        let e = m.entry(name.to_string()).or_insert(cursor);
        *e = (*e).max(cursor);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let c = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        c(
            &mut out,
            "relay_events_received_total",
            "Webhook requests accepted by the secret check.",
            self.received.load(Ordering::Relaxed),
        );
        c(
            &mut out,
            "relay_events_stored_total",
            "Events stored for the first time.",
            self.stored.load(Ordering::Relaxed),
        );
        c(
            &mut out,
            "relay_events_duplicate_total",
            "Retries of an event stored already.",
            self.duplicates.load(Ordering::Relaxed),
        );
        c(
            &mut out,
            "relay_requests_rejected_total",
            "Webhook requests refused (secret, size, number).",
            self.rejected.load(Ordering::Relaxed),
        );
        c(
            &mut out,
            "relay_store_failures_total",
            "Batches the database did not take (answered 503).",
            self.store_failures.load(Ordering::Relaxed),
        );
        let head = self.head.load(Ordering::Relaxed);
        let _ = writeln!(out, "# HELP relay_head_seq The newest stored event's sequence number.\n# TYPE relay_head_seq gauge\nrelay_head_seq {head}");
        let _ = writeln!(out, "# HELP relay_number_events_total Events received per phone-number id (rate() gives the per-number rate).\n# TYPE relay_number_events_total counter");
        for (k, v) in self
            .per_number
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "relay_number_events_total{{phone_number_id=\"{}\"}} {v}",
                label(k)
            );
        }
        let _ = writeln!(out, "# HELP relay_subscriber_lag_events Events a subscriber has not fetched yet.\n# TYPE relay_subscriber_lag_events gauge");
        for (k, v) in self
            .cursors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "relay_subscriber_lag_events{{token=\"{}\"}} {}",
                label(k),
                (head - v).max(0)
            );
        }
        out
    }
}
