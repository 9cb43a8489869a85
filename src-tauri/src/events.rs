//! Forwards the core's change events to the webview as the Tauri event `app://changed`, with
//! the [`Change`] as payload (`{"topic":"messages","numberId":3}`).
//!
//! Bursts are batched: the first change of a burst opens a window of [`WINDOW`]; when it closes,
//! each distinct change seen in it (topic and number) is emitted once. No change waits longer
//! than the window, and no topic+number is emitted more than once per window.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Runtime};
use wabadesk_core::events::{Change, EventSink, Topic};

/// The Tauri event every change is forwarded as.
pub const EVENT: &str = "app://changed";

/// How long a burst is collected before it is emitted.
pub const WINDOW: Duration = Duration::from_millis(100);

/// The core's event sink in the app. Changes emitted before [`EventForwarder::attach`] wait in
/// its queue and are delivered once the app is there, so the sink can be handed to the core
/// before the Tauri app is built.
pub struct EventForwarder {
    tx: Sender<Change>,
    rx: Mutex<Option<Receiver<Change>>>,
}

impl EventForwarder {
    pub fn new() -> Arc<Self> {
        let (tx, rx) = mpsc::channel();
        Arc::new(Self {
            tx,
            rx: Mutex::new(Some(rx)),
        })
    }

    /// Starts forwarding to the app's webviews as [`EVENT`].
    pub fn attach<R: Runtime>(&self, app: AppHandle<R>) {
        self.deliver_to(move |change| {
            if let Err(e) = app.emit(EVENT, change) {
                tracing::warn!(error = %e, ?change, "could not forward a change event");
            }
        });
    }

    /// Starts the batching thread, which hands each batched change to `deliver`. Only the first
    /// call has an effect.
    pub fn deliver_to(&self, deliver: impl Fn(&Change) + Send + 'static) {
        let Some(rx) = self.rx.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return;
        };
        let spawned = std::thread::Builder::new()
            .name("app-events".into())
            .spawn(move || forward_batches(&rx, WINDOW, deliver));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the event forwarder");
        }
    }

    /// Shorthand for a change the shell itself reports.
    pub fn changed(&self, topic: Topic, number_id: Option<i64>) {
        self.emit(Change { topic, number_id });
    }
}

impl EventSink for EventForwarder {
    fn emit(&self, change: Change) {
        // Fails only when the forwarding thread is gone; a lost refresh is not worth an error.
        let _ = self.tx.send(change);
    }
}

/// Reads changes until every sender is gone, delivering them in batches of one `window`.
fn forward_batches(rx: &Receiver<Change>, window: Duration, deliver: impl Fn(&Change)) {
    while let Ok(first) = rx.recv() {
        let deadline = Instant::now() + window;
        let mut batch = vec![first];
        let mut open = true;
        while open {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(change) => {
                    if !batch.contains(&change) {
                        batch.push(change);
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => open = false,
            }
        }
        batch.iter().for_each(&deliver);
        if !open {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(topic: Topic, number_id: Option<i64>) -> Change {
        Change { topic, number_id }
    }

    /// Starts a forwarder that records what it delivers, with the time of each delivery.
    fn recording() -> (Arc<EventForwarder>, mpsc::Receiver<(Instant, Change)>) {
        let forwarder = EventForwarder::new();
        let (tx, rx) = mpsc::channel();
        forwarder.deliver_to(move |c| {
            let _ = tx.send((Instant::now(), c.clone()));
        });
        (forwarder, rx)
    }

    #[test]
    fn the_payload_is_the_contract_json() {
        assert_eq!(
            serde_json::to_value(change(Topic::Messages, Some(3))).unwrap(),
            serde_json::json!({"topic": "messages", "numberId": 3})
        );
        assert_eq!(
            serde_json::to_value(change(Topic::Qa, None)).unwrap(),
            serde_json::json!({"topic": "qa", "numberId": null})
        );
    }

    #[test]
    fn a_burst_becomes_one_event_per_topic_and_number_within_the_window() {
        let (forwarder, rx) = recording();
        let start = Instant::now();
        for _ in 0..50 {
            forwarder.emit(change(Topic::Messages, Some(1)));
            forwarder.emit(change(Topic::Inbox, None));
        }
        forwarder.emit(change(Topic::Messages, Some(2)));
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(
                rx.recv_timeout(Duration::from_secs(2))
                    .expect("batch delivered"),
            );
        }
        assert_eq!(
            got.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
            vec![
                change(Topic::Messages, Some(1)),
                change(Topic::Inbox, None),
                change(Topic::Messages, Some(2)),
            ]
        );
        let first_delay = got[0].0 - start;
        assert!(
            first_delay <= WINDOW + Duration::from_millis(150),
            "the first change waited {first_delay:?}"
        );
        assert!(
            rx.recv_timeout(WINDOW * 3).is_err(),
            "nothing more than one event per topic and number"
        );
    }

    #[test]
    fn changes_emitted_before_the_app_is_attached_are_delivered() {
        let forwarder = EventForwarder::new();
        forwarder.changed(Topic::Numbers, Some(7));
        let (tx, rx) = mpsc::channel();
        forwarder.deliver_to(move |c| {
            let _ = tx.send(c.clone());
        });
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(2)).unwrap(),
            change(Topic::Numbers, Some(7))
        );
    }

    #[test]
    fn a_later_change_is_a_new_event() {
        let (forwarder, rx) = recording();
        forwarder.emit(change(Topic::Keys, Some(1)));
        rx.recv_timeout(Duration::from_secs(2)).unwrap();
        forwarder.emit(change(Topic::Keys, Some(1)));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(2)).unwrap().1,
            change(Topic::Keys, Some(1))
        );
    }

    #[test]
    fn the_thread_ends_with_its_senders_and_flushes_the_last_batch() {
        let (tx, rx) = mpsc::channel();
        let (out_tx, out_rx) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            forward_batches(&rx, Duration::from_secs(30), move |c| {
                let _ = out_tx.send(c.clone());
            })
        });
        tx.send(change(Topic::Templates, Some(4))).unwrap();
        drop(tx);
        worker.join().unwrap();
        assert_eq!(out_rx.recv().unwrap(), change(Topic::Templates, Some(4)));
    }
}
