//! Fault injection: one-shot (or n-shot) faults on API paths, set through `/_sim/faults`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::{errors, Sim};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Handle the request at once, but answer only after `ms` milliseconds.
    Latency { ms: u64 },
    /// 429 with `Retry-After: retry_after` seconds (360dialog's request-rate capacity limit).
    RateLimit { retry_after: u64 },
    /// A 5xx answer (500 internal error, 503 concurrency limit, 502 API unavailable).
    ServerError {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// The request is processed, then the connection is cut before an answer arrives.
    Drop,
    /// The transfer is cut after `after_bytes` bytes of the request body: the server keeps
    /// what arrived (an upload session holds those bytes) and the connection drops unanswered.
    CutBody { after_bytes: usize },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests whose path starts with this (e.g. `/messages`); all when absent.
    #[serde(default)]
    pub path: Option<String>,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

fn take_fault(sim: &Sim, path: &str) -> Option<FaultKind> {
    let mut inner = sim.lock();
    let idx = inner
        .faults
        .iter()
        .position(|f| f.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
    let kind = inner.faults[idx].kind.clone();
    inner.faults[idx].count -= 1;
    if inner.faults[idx].count == 0 {
        inner.faults.remove(idx);
    }
    Some(kind)
}

pub async fn inject(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    match take_fault(&sim, &path) {
        None => next.run(req).await,
        Some(FaultKind::Latency { ms }) => {
            // Handled at once (a slow answer, not a slow request): the work is done even if the
            // client gives up waiting, as at the real gateway.
            let handled = tokio::spawn(next.run(req));
            tokio::time::sleep(Duration::from_millis(ms)).await;
            handled.await.unwrap_or_else(|_| {
                errors::d360(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            })
        }
        Some(FaultKind::RateLimit { retry_after }) => {
            let mut resp = errors::d360(
                StatusCode::TOO_MANY_REQUESTS,
                "You have exceeded the endpoint rate limit.",
            );
            resp.headers_mut()
                .insert("retry-after", HeaderValue::from(retry_after));
            resp
        }
        Some(FaultKind::ServerError {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = match status.as_u16() {
                502 => "WhatsApp for Business API not available",
                503 => "Service temporarily unavailable: too many concurrent requests",
                _ => "Internal server error",
            };
            let mut resp = errors::d360(status, message);
            if let Some(s) = retry_after {
                resp.headers_mut()
                    .insert("retry-after", HeaderValue::from(s));
            }
            resp
        }
        Some(FaultKind::Drop) => {
            // The request is handled (a send really happens), then the answer is lost: the body
            // stream fails, so the connection is aborted mid-response.
            let _ = next.run(req).await;
            dropped()
        }
        Some(FaultKind::CutBody { after_bytes }) => {
            // Only the first bytes arrive; what the handler does with them stays done (an
            // upload session keeps them), and the client never gets an answer.
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let kept = bytes.slice(..after_bytes.min(bytes.len()));
            let _ = next.run(Request::from_parts(parts, Body::from(kept))).await;
            dropped()
        }
    }
}

/// An answer whose body fails at once: the connection is aborted before any answer arrives.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "simulated dropped connection",
        ))
    });
    (StatusCode::OK, Body::from_stream(failing)).into_response()
}
