//! The yardstick of `cargo xtask bench-server` (BENCHMARKS.md): an axum handler that answers
//! every POST with the same bytes, behind the same listener, TLS configuration and HTTP Basic
//! authentication (the users file of the data directory) as `um-server`, so that the benchmark
//! compares what the SOAP stack adds (decoding, dispatching, the operation, encoding, logging)
//! with an HTTP server that does nothing but authenticate and answer.
//!
//! ```text
//! static_server --data DIR --response FILE [--listen ADDR] [--insecure-http]
//! ```
//!
//! It prints `Listening on URL` once it listens, and stops on SIGTERM or Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;

use soapkit::http::server::axum::body::Bytes;
use soapkit::http::server::axum::extract::State;
use soapkit::http::server::axum::http::{HeaderMap, StatusCode, header};
use soapkit::http::server::axum::response::{IntoResponse, Response};
use soapkit::http::server::axum::routing::post;
use soapkit::http::server::{Authenticator as _, Router, serve_plain, serve_tls, tls_server_config_from_files};
use um_server::server::{AuthMethods, UsersAuth, open_data_dir, parse_listen};
use um_server::tokens::TokenKey;

struct App {
    auth: UsersAuth,
    response: Bytes,
}

async fn answer(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    // The body is read whole, as the SOAP router reads it, and then not looked at.
    std::hint::black_box(&body);
    match app.auth.authenticate(&headers) {
        Ok(_) => ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], app.response.clone()).into_response(),
        Err(e) => {
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            for c in app.auth.challenges(e) {
                r.headers_mut().append(header::WWW_AUTHENTICATE, c);
            }
            r
        }
    }
}

fn main() -> Result<(), String> {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut data: Option<PathBuf> = None;
    let mut response: Option<PathBuf> = None;
    let mut insecure = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--listen" => listen = value()?,
            "--data" => data = Some(PathBuf::from(value()?)),
            "--response" => response = Some(PathBuf::from(value()?)),
            "--insecure-http" => insecure = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let data = data.ok_or("--data DIR is required")?;
    let response = response.ok_or("--response FILE is required")?;
    let response = Bytes::from(std::fs::read(&response).map_err(|e| format!("{}: {e}", response.display()))?);
    let listen = parse_listen(&listen).map_err(|e| e.to_string())?;
    let dir = open_data_dir(&data, !insecure).map_err(|e| e.to_string())?;
    let key = Arc::new(TokenKey::open_or_create(&dir.path)?);
    let auth = UsersAuth::with_methods(dir.users.clone(), AuthMethods { basic: true, bearer: true, username_token: false }, key);
    let router = Router::new().route("/{*path}", post(answer)).with_state(Arc::new(App { auth, response }));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let stop = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        };
        match (insecure, &dir.cert) {
            (false, Some(cert)) => {
                let tls = Arc::new(tls_server_config_from_files(&cert.cert, &cert.key).map_err(|e| e.to_string())?);
                println!("Listening on https://{addr}/");
                serve_tls(listener, tls, router, stop).await;
            }
            _ => {
                println!("Listening on http://{addr}/");
                serve_plain(listener, router, stop).await;
            }
        }
        Ok(())
    })
}
