//! The floor for the receiver benchmark (not a test): a bare HTTP server on the receiver's
//! HTTP stack (tokio, hyper http1, axum, the same connection settings as the inbox receiver)
//! that reads each POST's body and answers 200, storing nothing.
//!
//!   cargo run --release -p wabadesk --example http_floor -- [LISTEN] [RUNTIME]
//!
//! LISTEN defaults to 127.0.0.1:18378; RUNTIME is `current` (one thread, as `wabadesk inbox
//! serve` runs; the default) or `multi` (one worker per core). Prints `listening on http://…`
//! once it accepts connections, and runs until killed. `scripts/bench/inbox.sh` measures it
//! with the same load as the receiver.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

/// As the receiver's [`wabadesk_core::inbox::HEADER_TIMEOUT`].
const HEADER_TIMEOUT: Duration = wabadesk_core::inbox::HEADER_TIMEOUT;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let listen: SocketAddr = args
        .get(1)
        .map(|a| a.parse().expect("LISTEN: an address like 127.0.0.1:18378"))
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 18378)));
    let runtime = match args.get(2).map(String::as_str).unwrap_or("current") {
        "current" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        "multi" => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
        other => panic!("RUNTIME is current or multi, not {other}"),
    }
    .expect("runtime");
    runtime.block_on(serve(listen));
}

async fn serve(listen: SocketAddr) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("reuseaddr");
    socket.bind(listen).expect("bind");
    let listener = socket.listen(4096).expect("listen");
    let app = Router::new().route("/{*path}", post(|_body: Bytes| async { StatusCode::OK }));
    println!(
        "listening on http://{}",
        listener.local_addr().expect("addr")
    );
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}
