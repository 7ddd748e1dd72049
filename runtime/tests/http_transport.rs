//! The HTTP client transport against the HTTP server runtime, over real sockets on 127.0.0.1:
//! TLS with a self-signed certificate made here, plain HTTP, authentication, limits, timeouts,
//! connection reuse, and HTTP errors as `soapkit::client::call` reports them.
#![cfg(all(feature = "client", feature = "server"))]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use soapkit::client::{Binding, ClientError, HeaderSource, SoapRequest, Transport, TransportError, call};
use soapkit::http::HttpTransport;
use soapkit::http::server::axum::http::{HeaderMap, StatusCode};
use soapkit::http::server::axum::{self, middleware};
use soapkit::http::server::{BasicAuth, Router, ServeOptions, SoapRouter, serve, tls_server_config};
use soapkit::server::{RequestContext, SoapHttpRequest, SoapHttpResponse, SoapService, message_response};
use soapkit::soap::{EnvelopeReader, SoapMessage, SoapVersion};
use soapkit::xml::{AnyElement, AnyNode, DecodeError, DecodeErrorKind, EncodeError, Limits, NsTable, Writer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const NS: &str = "urn:soapkit:test";
const PREFIXES: &[(&str, &str)] = &[("t", NS)];
const ECHO: &str = "urn:soapkit:test/Echo";
const SLOW: &str = "urn:soapkit:test/Slow";
const BIG: &str = "urn:soapkit:test/Big";

// ---------------------------------------------------------------------------------------------
// A one-element message: <t:Echo>text</t:Echo>

#[derive(Clone, Debug, PartialEq, Eq)]
struct Echo(String);

impl SoapMessage for Echo {
    fn decode_envelope<'a>(env: &mut EnvelopeReader<'a>) -> Result<Self, DecodeError> {
        let body = env.body()?;
        let Some(child) = env.r.next_child(&body)? else {
            return Err(env.r.missing_element(&body, None, &[]));
        };
        let el = AnyElement::decode(&mut env.r, &child)?;
        let next = env.r.next_child(&body)?;
        env.end_body(&body, next)?;
        let text = el.children.iter().filter_map(|n| if let AnyNode::Text(t) = n { Some(t.as_str()) } else { None }).collect();
        Ok(Echo(text))
    }
    fn encode_body(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.text_element(NS, "Echo", &self.0)
    }
}

fn binding(version: SoapVersion) -> Binding {
    Binding { version, namespaces: NsTable::STANDARD, prefixes: PREFIXES }
}

// ---------------------------------------------------------------------------------------------
// The service: records what it saw, answers by action

#[derive(Clone, Debug)]
struct Seen {
    user: Option<String>,
    action: Option<String>,
    remote_addr: Option<String>,
    path: Option<String>,
    content_type: Option<String>,
    body_len: usize,
    soap_action: Option<String>,
    limits: Limits,
}

#[derive(Default)]
struct TestService {
    seen: Mutex<Vec<Seen>>,
}

impl SoapService for TestService {
    async fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> SoapHttpResponse {
        self.seen.lock().unwrap().push(Seen {
            user: ctx.user.clone(),
            action: ctx.action.clone(),
            remote_addr: ctx.remote_addr.clone(),
            path: ctx.path.clone(),
            content_type: request.content_type.clone(),
            body_len: request.body.len(),
            soap_action: request.soap_action.clone(),
            limits: ctx.limits,
        });
        let version = match request.content_type.as_deref() {
            Some(ct) if ct.starts_with("application/soap+xml") => SoapVersion::V12,
            _ => SoapVersion::V11,
        };
        match ctx.action.as_deref() {
            Some(SLOW) => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                message_response(version, PREFIXES, &Echo("late".into()))
            }
            Some(BIG) => message_response(version, PREFIXES, &Echo("x".repeat(100_000))),
            _ => {
                let user = ctx.user.as_deref().unwrap_or("anonymous");
                message_response(version, PREFIXES, &Echo(format!("hello {user}")))
            }
        }
    }
}

/// Headers of every request as they arrived on the wire, before the SOAP router.
type Wire = Arc<Mutex<Vec<HeaderMap>>>;

fn record_wire(router: Router, wire: Wire) -> Router {
    router.layer(middleware::from_fn(move |req: axum::extract::Request, next: middleware::Next| {
        wire.lock().unwrap().push(req.headers().clone());
        next.run(req)
    }))
}

// ---------------------------------------------------------------------------------------------
// Certificates and servers

struct Cert {
    cert_pem: String,
    key_pem: String,
}

fn localhost_cert() -> Cert {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    Cert { cert_pem: ck.cert.pem(), key_pem: ck.signing_key.serialize_pem() }
}

struct Server {
    addr: SocketAddr,
    service: Arc<TestService>,
    wire: Wire,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Server {
    fn https_url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }
    fn http_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }
    fn seen(&self) -> Vec<Seen> {
        self.service.seen.lock().unwrap().clone()
    }
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("the server stops").unwrap();
    }
}

async fn start(cert: Option<&Cert>, configure: impl FnOnce(SoapRouter<Arc<TestService>>) -> SoapRouter<Arc<TestService>>) -> Server {
    start_with(cert, configure, |r| r).await
}

async fn start_with(
    cert: Option<&Cert>,
    configure: impl FnOnce(SoapRouter<Arc<TestService>>) -> SoapRouter<Arc<TestService>>,
    extend: impl FnOnce(Router) -> Router,
) -> Server {
    let mut options = ServeOptions::default();
    options.shutdown_grace = Duration::from_secs(5);
    start_serving(cert, configure, extend, options).await
}

async fn start_serving(
    cert: Option<&Cert>,
    configure: impl FnOnce(SoapRouter<Arc<TestService>>) -> SoapRouter<Arc<TestService>>,
    extend: impl FnOnce(Router) -> Router,
    options: ServeOptions,
) -> Server {
    let service = Arc::new(TestService::default());
    let wire = Wire::default();
    let router = configure(SoapRouter::new(service.clone()).paths(&["/soap", "/EWS/UM2007Legacy.asmx"])).build().unwrap();
    let router = extend(record_wire(router, wire.clone()));
    let tls = cert.map(|c| Arc::new(tls_server_config(c.cert_pem.as_bytes(), c.key_pem.as_bytes()).unwrap()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(
        listener,
        tls,
        router,
        async move {
            let _ = stopped.await;
        },
        options,
    ));
    Server { addr, service, wire, stop: Some(stop), task }
}

fn trusting(url: &str, cert: &Cert) -> soapkit::http::HttpTransportBuilder {
    HttpTransport::builder(url).add_root_certificates_pem(cert.cert_pem.as_bytes())
}

async fn echo<T: Transport>(t: &T, version: SoapVersion) -> Result<Echo, ClientError> {
    call(t, binding(version), &HeaderSource::NONE, "Echo", ECHO, &Echo("ping".into())).await
}

/// Sends raw bytes over plain TCP and returns the whole answer (the request must ask the server
/// to close the connection).
async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// TLS

#[tokio::test]
async fn https_round_trip_soap11_with_the_headers_soap_requires() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/EWS/UM2007Legacy.asmx"), &cert).build().unwrap();

    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello anonymous".into()));

    let wire = server.wire.lock().unwrap().clone();
    assert_eq!(wire.len(), 1);
    assert_eq!(wire[0]["content-type"], "text/xml; charset=utf-8");
    assert_eq!(wire[0]["soapaction"], "\"urn:soapkit:test/Echo\"", "SOAP 1.1 quotes the action");
    let seen = server.seen();
    assert_eq!(seen[0].action.as_deref(), Some(ECHO));
    assert_eq!(seen[0].soap_action.as_deref(), Some(ECHO), "the service sees the action unquoted");
    assert_eq!(seen[0].path.as_deref(), Some("/EWS/UM2007Legacy.asmx"));
    assert!(seen[0].remote_addr.as_deref().is_some_and(|a| a.starts_with("127.0.0.1:")), "{:?}", seen[0].remote_addr);
    assert_eq!(seen[0].user, None);
    assert_eq!(seen[0].content_type.as_deref(), Some("text/xml; charset=utf-8"));
    assert!(seen[0].body_len > 100);
    server.stop().await;
}

#[tokio::test]
async fn https_round_trip_soap12_carries_the_action_in_the_content_type() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();

    assert_eq!(echo(&t, SoapVersion::V12).await.unwrap(), Echo("hello anonymous".into()));

    let wire = server.wire.lock().unwrap().clone();
    assert_eq!(wire[0]["content-type"], "application/soap+xml; charset=utf-8; action=\"urn:soapkit:test/Echo\"");
    assert!(wire[0].get("soapaction").is_none(), "SOAP 1.2 sends no SOAPAction header");
    let seen = server.seen();
    assert_eq!(seen[0].action.as_deref(), Some(ECHO));
    assert_eq!(seen[0].soap_action, None);
    assert_eq!(seen[0].path.as_deref(), Some("/soap"));
    server.stop().await;
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error() {
    let cert = localhost_cert();
    let other = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &other).build().unwrap();

    match echo(&t, SoapVersion::V11).await {
        Err(ClientError::Transport(TransportError::Tls(m))) => assert!(m.contains("UnknownIssuer") || m.contains("certificate"), "{m}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
    // No root at all: the same.
    let t = HttpTransport::builder(server.https_url("/soap")).build().unwrap();
    assert!(matches!(t.send(request(SoapVersion::V11)).await, Err(TransportError::Tls(_))));
    assert!(server.seen().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_certificate_for_another_name_is_a_tls_error() {
    let ck = rcgen::generate_simple_self_signed(vec!["mail.example.com".to_owned()]).unwrap();
    let wrong = Cert { cert_pem: ck.cert.pem(), key_pem: ck.signing_key.serialize_pem() };
    let server = start(Some(&wrong), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &wrong).build().unwrap();
    match t.send(request(SoapVersion::V11)).await {
        Err(TransportError::Tls(m)) => assert!(m.contains("not valid for name"), "{m}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    let cert = localhost_cert();
    let server = start(None, |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    assert!(matches!(t.send(request(SoapVersion::V11)).await, Err(TransportError::Tls(_))));
    server.stop().await;
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let cert = localhost_cert();
    let t = trusting(&format!("https://127.0.0.1:{port}/soap"), &cert).build().unwrap();
    match t.send(request(SoapVersion::V11)).await {
        Err(TransportError::Connect(m)) => assert!(m.to_lowercase().contains("refused"), "{m}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_root_certificates_fail_the_build() {
    let err = HttpTransport::builder("https://localhost/soap").add_root_certificates_pem(b"not a certificate").build().unwrap_err();
    assert!(matches!(err, TransportError::Tls(_)), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP

#[tokio::test]
async fn plain_http_is_refused_unless_allowed() {
    let server = start(None, |r| r).await;
    let err = HttpTransport::builder(server.http_url("/soap")).build().unwrap_err();
    match &err {
        TransportError::InvalidUrl(m) => assert!(m.contains("HTTPS") && m.contains("allow_plain_http"), "{m}"),
        other => panic!("expected InvalidUrl, got {other:?}"),
    }
    let t = HttpTransport::builder(server.http_url("/soap")).allow_plain_http(true).build().unwrap();
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello anonymous".into()));
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Authentication

fn alice_only(r: SoapRouter<Arc<TestService>>) -> SoapRouter<Arc<TestService>> {
    r.authenticator(BasicAuth::new("Voice Mail", |user, password| user == "alice" && password == "s3cret:x"))
}

#[tokio::test]
async fn basic_auth_refuses_missing_and_wrong_credentials_and_names_the_user() {
    let cert = localhost_cert();
    let server = start(Some(&cert), alice_only).await;
    let url = server.https_url("/soap");

    let anonymous = trusting(&url, &cert).build().unwrap();
    match echo(&anonymous, SoapVersion::V11).await {
        Err(ClientError::Http { status: 401, .. }) => {}
        other => panic!("expected 401, got {other:?}"),
    }
    let wrong = trusting(&url, &cert).basic_auth("alice", "guess").build().unwrap();
    match echo(&wrong, SoapVersion::V11).await {
        Err(ClientError::Http { status: 401, .. }) => {}
        other => panic!("expected 401, got {other:?}"),
    }
    assert!(server.seen().is_empty(), "refused requests never reach the service");

    let alice = trusting(&url, &cert).basic_auth("alice", "s3cret:x").build().unwrap();
    assert_eq!(echo(&alice, SoapVersion::V11).await.unwrap(), Echo("hello alice".into()));
    assert_eq!(server.seen()[0].user.as_deref(), Some("alice"));
    server.stop().await;
}

#[tokio::test]
async fn a_401_carries_the_basic_challenge() {
    let server = start(None, alice_only).await;
    let answer = raw_exchange(
        server.addr,
        b"POST /soap HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.to_lowercase().contains("www-authenticate: basic realm=\"voice mail\""), "{answer}");
    // Malformed credentials are a 401 too, not a crash.
    let answer = raw_exchange(
        server.addr,
        b"POST /soap HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %%%\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Timeouts and limits

fn request(version: SoapVersion) -> SoapRequest {
    let body = soapkit::soap::encode_message(version, PREFIXES, &Echo("ping".into())).unwrap();
    SoapRequest { version, action: ECHO, body }
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).timeout(Some(Duration::from_millis(300))).build().unwrap();
    let started = Instant::now();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Slow", SLOW, &Echo("ping".into())).await;
    assert!(matches!(r, Err(ClientError::Transport(TransportError::Timeout))), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    server.stop().await;
}

#[tokio::test]
async fn the_server_answers_a_fault_when_the_service_is_too_slow() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r.timeout(Duration::from_millis(200))).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Slow", SLOW, &Echo("ping".into())).await;
    match r {
        Err(ClientError::Fault(f)) => assert!(f.reason().contains("not handled within"), "{f:?}"),
        other => panic!("expected a fault, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_response_over_the_limit_is_too_large() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).max_response_size(10 * 1024).build().unwrap();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Echo", BIG, &Echo("ping".into())).await;
    assert!(matches!(r, Err(ClientError::Transport(TransportError::TooLarge { limit: 10240 }))), "{r:?}");
    // Within the limit the same response is fine.
    let t = trusting(&server.https_url("/soap"), &cert).max_response_size(200 * 1024).build().unwrap();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Echo", BIG, &Echo("ping".into())).await;
    assert_eq!(r.unwrap().0.len(), 100_000);
    server.stop().await;
}

#[tokio::test]
async fn a_response_past_the_client_limits_is_a_decode_error_of_that_kind() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    // The 100 000-character answer, read by a client that takes 1 000 bytes of text.
    let t = trusting(&server.https_url("/soap"), &cert).limits(Limits::DEFAULT.with_text_bytes(1000)).build().unwrap();
    assert_eq!(t.limits().text_bytes(), 1000);
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Echo", BIG, &Echo("ping".into())).await;
    match r {
        Err(ClientError::Decode(e)) => {
            assert_eq!(e.kind(), DecodeErrorKind::LimitExceeded, "{e}");
            assert!(e.message().contains("longer than the limit of 1000 bytes"), "{e}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The default limits take it.
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Echo", BIG, &Echo("ping".into())).await;
    assert_eq!(r.unwrap().0.len(), 100_000);
    server.stop().await;
}

#[tokio::test]
async fn the_router_limits_reach_the_service() {
    let strict = Limits::DEFAULT.with_depth(16).with_elements(500);
    let server = start(None, |r| r.limits(strict)).await;
    let t = HttpTransport::builder(server.http_url("/soap")).allow_plain_http(true).build().unwrap();
    echo(&t, SoapVersion::V11).await.unwrap();
    let default = start(None, |r| r).await;
    let t = HttpTransport::builder(default.http_url("/soap")).allow_plain_http(true).build().unwrap();
    echo(&t, SoapVersion::V11).await.unwrap();
    assert_eq!(server.seen()[0].limits, strict);
    assert_eq!(default.seen()[0].limits, Limits::DEFAULT);
    server.stop().await;
    default.stop().await;
}

#[tokio::test]
async fn a_chunked_response_is_cut_off_at_the_limit() {
    // A server that streams chunks without a Content-Length, far past the limit.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(Mutex::new(0usize));
    let sent2 = sent.clone();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let _ = s.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("1000\r\n{}\r\n", "x".repeat(0x1000));
        for _ in 0..4096 {
            if s.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
            *sent2.lock().unwrap() += 0x1000;
        }
    });
    let t = HttpTransport::builder(format!("http://127.0.0.1:{}/soap", addr.port()))
        .allow_plain_http(true)
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    let r = t.send(request(SoapVersion::V11)).await;
    assert!(matches!(r, Err(TransportError::TooLarge { limit: 65536 })), "{r:?}");
    drop(t);
    // The server ends when a write fails (the client closed the connection) or after 16 MiB.
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("the server ends").expect("the server task");
    let sent = *sent.lock().unwrap();
    assert!(sent > 0 && sent < 16 * 1024 * 1024, "the client stopped reading early: {sent} bytes sent");
}

#[tokio::test]
async fn a_request_body_over_the_server_limit_is_413_with_a_fault() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r.body_limit(1024)).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    let r = call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Echo", ECHO, &Echo("y".repeat(4096))).await;
    match r {
        Err(ClientError::Fault(f)) => assert!(f.reason().contains("larger than the limit of 1024 bytes"), "{f:?}"),
        other => panic!("expected a fault, got {other:?}"),
    }
    let resp = t.send(SoapRequest { body: "y".repeat(4096), ..request(SoapVersion::V12) }).await.unwrap();
    assert_eq!(resp.status, 413);
    assert!(resp.content_type.as_deref().is_some_and(|c| c.starts_with("application/soap+xml")), "{resp:?}");
    assert!(server.seen().is_empty());

    // Without a Content-Length (chunked), the limit holds while reading.
    server.stop().await;
    let server = start(None, |r| r.body_limit(1024)).await;
    let mut raw = b"POST /soap HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..4 {
        raw.extend_from_slice(format!("400\r\n{}\r\n", "z".repeat(0x400)).as_bytes());
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_exchange(server.addr, &raw).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("Fault"), "{answer}");
    assert!(server.seen().is_empty());
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Connections

#[tokio::test]
async fn connections_are_reused() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    for _ in 0..5 {
        echo(&t, SoapVersion::V11).await.unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 5);
    let peers: std::collections::BTreeSet<_> = seen.into_iter().map(|s| s.remote_addr.expect("the peer address")).collect();
    assert_eq!(peers.len(), 1, "five calls, one connection: {peers:?}");

    // The counter can tell: without a pool every call opens its own connection.
    let t = trusting(&server.https_url("/soap"), &cert).pool_max_idle_per_host(0).build().unwrap();
    for _ in 0..3 {
        echo(&t, SoapVersion::V11).await.unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 8);
    let peers: std::collections::BTreeSet<_> = seen.into_iter().skip(5).map(|s| s.remote_addr.expect("the peer address")).collect();
    assert_eq!(peers.len(), 3, "{peers:?}");
    server.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_lets_a_request_in_flight_finish() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    let slow = tokio::spawn(async move {
        call::<_, _, Echo>(&t, binding(SoapVersion::V11), &HeaderSource::NONE, "Slow", SLOW, &Echo("ping".into())).await
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.seen().is_empty() {
        assert!(Instant::now() < deadline, "the slow request never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let addr = server.addr;
    server.stop().await;
    assert_eq!(slow.await.unwrap().unwrap(), Echo("late".into()));
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
}

// ---------------------------------------------------------------------------------------------
// HTTP errors

#[tokio::test]
async fn a_non_soap_http_error_surfaces_as_http_with_status_and_snippet() {
    let cert = localhost_cert();
    let server = start_with(
        Some(&cert),
        |r| r,
        |router| {
            router.fallback(|| async {
                (StatusCode::NOT_FOUND, [("content-type", "text/html")], "<html><body><h1>404 Not Found</h1></body></html>")
            })
        },
    )
    .await;
    let t = trusting(&server.https_url("/nowhere"), &cert).build().unwrap();
    match echo(&t, SoapVersion::V11).await {
        Err(ClientError::Http { status, content_type, snippet }) => {
            assert_eq!(status, 404);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(snippet.contains("404 Not Found"), "{snippet}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn get_on_a_soap_path_is_405() {
    let server = start(None, |r| r).await;
    let answer = raw_exchange(server.addr, b"GET /soap HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(answer.to_lowercase().contains("allow: post"), "{answer}");
    let answer =
        raw_exchange(server.addr, b"POST /other HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_hurt_the_server() {
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r).await;
    // Not TLS at all, then a truncated handshake abandoned half-way.
    let _ = raw_exchange(server.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(&[0x16, 0x03, 0x01, 0x00, 0xff, 0x01]).await.unwrap();
    drop(s);
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello anonymous".into()));
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens: the client-credentials grant against a token endpoint served here, the token
// cache, the refresh after a 401 Bearer challenge, and what the server answers

/// The token endpoint's and the resource server's shared view of tokens.
#[derive(Default)]
struct Tokens {
    /// Token requests received, with their `grant_type` and `scope`.
    requests: Vec<(String, String)>,
    /// Tokens the resource server accepts.
    valid: std::collections::HashSet<String>,
    /// `expires_in` of the next tokens.
    expires_in: u64,
}

/// A token endpoint (`/token`: client `app`, secret `s3cret`, Basic client authentication as
/// RFC 6749 2.3.1 prefers) beside a SOAP path that takes its tokens.
async fn start_with_tokens(cert: &Cert) -> (Server, Arc<Mutex<Tokens>>) {
    let tokens = Arc::new(Mutex::new(Tokens { expires_in: 3600, ..Tokens::default() }));
    let (for_soap, for_endpoint) = (tokens.clone(), tokens.clone());
    let endpoint = move |headers: HeaderMap, body: String| {
        let tokens = for_endpoint.clone();
        async move {
            let form: std::collections::HashMap<String, String> = body
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.replace("%2F", "/").replace("%3A", ":")))
                .collect();
            let client = headers.get("authorization").and_then(soapkit::http::server::basic_credentials);
            let mut t = tokens.lock().unwrap();
            t.requests.push((form.get("grant_type").cloned().unwrap_or_default(), form.get("scope").cloned().unwrap_or_default()));
            if client != Some(("app".to_owned(), "s3cret".to_owned())) {
                let body = r#"{"error":"invalid_client","error_description":"unknown client or wrong secret"}"#;
                return (StatusCode::UNAUTHORIZED, [("content-type", "application/json")], body.to_owned());
            }
            let token = format!("tok-{}", t.requests.len());
            t.valid.insert(token.clone());
            let body = format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{}}}"#, t.expires_in);
            (StatusCode::OK, [("content-type", "application/json")], body)
        }
    };
    let server = start_with(
        Some(cert),
        move |r| {
            r.authenticator(soapkit::http::server::BearerAuth::new("EWS", move |t| {
                for_soap.lock().unwrap().valid.contains(t).then(|| format!("holder of {t}"))
            }))
        },
        move |router| router.route("/token", axum::routing::post(endpoint)),
    )
    .await;
    (server, tokens)
}

#[cfg(feature = "oauth2")]
#[tokio::test]
async fn client_credentials_tokens_are_fetched_cached_and_refreshed_after_a_bearer_challenge() {
    use soapkit::http::bearer::ClientCredentials;
    let cert = localhost_cert();
    let (server, tokens) = start_with_tokens(&cert).await;
    let token_http = trusting(&server.https_url("/token"), &cert).build().unwrap();
    let grant =
        ClientCredentials::new(&server.https_url("/token"), "app", "s3cret", ["https://outlook.office365.com/.default"], token_http)
            .unwrap();
    let t = trusting(&server.https_url("/soap"), &cert).bearer(grant).build().unwrap();

    // The first call fetches a token; the second reuses it.
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello holder of tok-1".into()));
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello holder of tok-1".into()));
    assert_eq!(tokens.lock().unwrap().requests, [("client_credentials".to_owned(), "https://outlook.office365.com/.default".to_owned())]);
    let sent: Vec<String> =
        server.wire.lock().unwrap().iter().filter_map(|h| h.get("authorization")).map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(sent.contains(&"Bearer tok-1".to_owned()), "{sent:?}");

    // Revoked on the server: the 401 Bearer challenge makes the client fetch a new token and
    // send the request again, once.
    tokens.lock().unwrap().valid.clear();
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello holder of tok-2".into()));
    assert_eq!(tokens.lock().unwrap().requests.len(), 2);

    // A token about to expire (within the refresh margin) is replaced before it is used.
    tokens.lock().unwrap().expires_in = 30;
    tokens.lock().unwrap().valid.clear();
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello holder of tok-3".into()));
    assert_eq!(echo(&t, SoapVersion::V11).await.unwrap(), Echo("hello holder of tok-4".into()));
    assert_eq!(tokens.lock().unwrap().requests.len(), 4, "no 401 was needed");

    // Wrong client secret: the token endpoint's error, as a transport error of the call.
    let token_http = trusting(&server.https_url("/token"), &cert).build().unwrap();
    let bad = ClientCredentials::new(&server.https_url("/token"), "app", "wrong", Vec::<String>::new(), token_http).unwrap();
    let t = trusting(&server.https_url("/soap"), &cert).bearer(bad).build().unwrap();
    match echo(&t, SoapVersion::V11).await {
        Err(ClientError::Transport(TransportError::Auth(m))) => assert!(m.contains("invalid_client"), "{m}"),
        other => panic!("expected the token endpoint's refusal, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_refused_static_token_is_an_http_401_with_the_challenge() {
    let cert = localhost_cert();
    let (server, tokens) = start_with_tokens(&cert).await;
    tokens.lock().unwrap().valid.insert("issued-elsewhere".into());
    let good =
        trusting(&server.https_url("/soap"), &cert).bearer(soapkit::http::bearer::StaticToken::new("issued-elsewhere")).build().unwrap();
    assert_eq!(echo(&good, SoapVersion::V12).await.unwrap(), Echo("hello holder of issued-elsewhere".into()));
    let bad = trusting(&server.https_url("/soap"), &cert).bearer(soapkit::http::bearer::StaticToken::new("nope")).build().unwrap();
    match echo(&bad, SoapVersion::V11).await {
        Err(ClientError::Http { status: 401, snippet, .. }) => assert!(snippet.contains("invalid credentials"), "{snippet}"),
        other => panic!("expected 401, got {other:?}"),
    }
    // The refused request was tried twice (the retry after the challenge), no more.
    let refused = server.wire.lock().unwrap().iter().filter(|h| h.get("authorization").is_some_and(|v| v == "Bearer nope")).count();
    assert_eq!(refused, 2);
    // What the server says: the challenge with error="invalid_token", or the plain one.
    let answer = raw_exchange_tls(&server, &cert, "Bearer nope").await;
    assert!(answer.contains("www-authenticate: Bearer realm=\"EWS\", error=\"invalid_token\""), "{answer}");
    let answer = raw_exchange_tls(&server, &cert, "").await;
    assert!(answer.contains("www-authenticate: Bearer realm=\"EWS\"\r\n"), "{answer}");
    server.stop().await;
}

/// A SOAP POST over TLS with the given `Authorization` (none when empty); the raw answer, header
/// names lowercased.
async fn raw_exchange_tls(server: &Server, cert: &Cert, authorization: &str) -> String {
    let mut roots = soapkit::http::rustls::RootCertStore::empty();
    for c in soapkit::http::tls::certificates_from_pem(cert.cert_pem.as_bytes()).unwrap() {
        roots.add(c).unwrap();
    }
    let config =
        soapkit::http::rustls::ClientConfig::builder_with_provider(Arc::new(soapkit::http::rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let mut tls = connector.connect("localhost".try_into().unwrap(), tcp).await.unwrap();
    let auth = if authorization.is_empty() { String::new() } else { format!("Authorization: {authorization}\r\n") };
    let request =
        format!("POST /soap HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines()
        .map(|l| match l.split_once(": ") {
            Some((n, v)) => format!("{}: {v}\r\n", n.to_lowercase()),
            None => format!("{l}\r\n"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// WS-Security UsernameToken: sent by any client as extra headers, checked by the router

fn bob(token: &soapkit::wss::ReceivedToken) -> Option<String> {
    (token.username == "bob" && token.proves("pw")).then(|| "bob".to_owned())
}

#[tokio::test]
async fn a_username_token_authenticates_the_request_and_every_refusal_is_failed_authentication() {
    use soapkit::wss::UsernameToken;
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r.username_token(bob)).await;
    let t = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    let with = |token: UsernameToken| HeaderSource::new(token);
    for (version, token) in [
        (SoapVersion::V11, UsernameToken::text("bob", "pw")),
        (SoapVersion::V12, UsernameToken::digest("bob", "pw").with_timestamp(Duration::from_secs(300))),
        (SoapVersion::V11, UsernameToken::text("bob", "pw").without_nonce()),
    ] {
        let out: Echo = call(&t, binding(version), &with(token), "Echo", ECHO, &Echo("ping".into())).await.unwrap();
        assert_eq!(out, Echo("hello bob".into()));
    }
    // Wrong password, unknown user, no token: the fault WSS 1.0 section 12 names.
    for extra in [with(UsernameToken::text("bob", "wrong")), with(UsernameToken::digest("eve", "pw")), HeaderSource::NONE] {
        match call::<_, _, Echo>(&t, binding(SoapVersion::V11), &extra, "Echo", ECHO, &Echo("ping".into())).await {
            Err(ClientError::Fault(f)) => {
                assert_eq!((f.code.ns.as_str(), f.code.local.as_str()), (soapkit::wss::WSSE, "FailedAuthentication"), "{f:?}");
                assert_eq!(f.reason(), "The security token could not be authenticated or authorized");
            }
            other => panic!("expected wsse:FailedAuthentication, got {other:?}"),
        }
    }
    // In SOAP 1.2 it is the Sender code's subcode.
    match call::<_, _, Echo>(&t, binding(SoapVersion::V12), &with(UsernameToken::text("bob", "x")), "Echo", ECHO, &Echo("p".into())).await {
        Err(ClientError::Fault(f)) => assert_eq!((f.code.local.as_str(), f.subcodes[0].local.as_str()), ("Sender", "FailedAuthentication")),
        other => panic!("{other:?}"),
    }
    // The same request twice: its nonce was seen, the replay is refused.
    let extra = with(UsernameToken::text("bob", "pw")).entries(SoapVersion::V11).unwrap();
    let body = soapkit::soap::encode_message_with(SoapVersion::V11, PREFIXES, &extra, &Echo("ping".into())).unwrap();
    let request = SoapRequest { version: SoapVersion::V11, action: ECHO, body };
    assert_eq!(t.send(request.clone()).await.unwrap().status, 200);
    let replay = t.send(request).await.unwrap();
    assert_eq!(replay.status, 500);
    assert!(String::from_utf8_lossy(&replay.body).contains("FailedAuthentication"));
    // A nonce is remembered only once its token verified: a wrong password with nonce N does
    // not spend N for the rightful user.
    let now = std::time::SystemTime::now();
    let fixed = |password: &str| {
        HeaderSource::new(
            soapkit::client::FixedHeaders::new().with(UsernameToken::text("bob", password).header_at(now, b"nonce-n").unwrap()),
        )
    };
    assert!(matches!(
        call::<_, _, Echo>(&t, binding(SoapVersion::V11), &fixed("wrong"), "Echo", ECHO, &Echo("p".into())).await,
        Err(ClientError::Fault(_))
    ));
    let out: Echo = call(&t, binding(SoapVersion::V11), &fixed("pw"), "Echo", ECHO, &Echo("p".into())).await.unwrap();
    assert_eq!(out, Echo("hello bob".into()));
    // The header carried mustUnderstand="1" in the envelope's namespace.
    let sent =
        String::from_utf8_lossy(&t.send(SoapRequest { version: SoapVersion::V11, action: ECHO, body: String::new() }).await.unwrap().body)
            .into_owned();
    assert!(sent.contains("FailedAuthentication"), "an empty request has no token: {sent}");
    assert!(
        soapkit::soap::encode_message_with(
            SoapVersion::V11,
            PREFIXES,
            &with(UsernameToken::text("bob", "pw")).entries(SoapVersion::V11).unwrap(),
            &Echo("x".into())
        )
        .unwrap()
        .contains("soap:mustUnderstand=\"1\""),
    );
    server.stop().await;
}

#[tokio::test]
async fn with_basic_too_a_request_without_any_credential_gets_the_401() {
    use soapkit::wss::UsernameToken;
    let cert = localhost_cert();
    let server = start(Some(&cert), |r| r.authenticator(BasicAuth::new("r", |u, p| u == "bob" && p == "pw")).username_token(bob)).await;
    let plain = trusting(&server.https_url("/soap"), &cert).build().unwrap();
    // Neither credential: the HTTP challenge.
    assert!(matches!(echo(&plain, SoapVersion::V11).await, Err(ClientError::Http { status: 401, .. })));
    // Either one alone works.
    let basic = trusting(&server.https_url("/soap"), &cert).basic_auth("bob", "pw").build().unwrap();
    assert_eq!(echo(&basic, SoapVersion::V11).await.unwrap(), Echo("hello bob".into()));
    let token = HeaderSource::new(UsernameToken::text("bob", "pw"));
    let out: Echo = call(&plain, binding(SoapVersion::V11), &token, "Echo", ECHO, &Echo("ping".into())).await.unwrap();
    assert_eq!(out, Echo("hello bob".into()));
    server.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Slow peers: a request that trickles in and a response that never ends are cut off

/// Writes `head` and then `drip` every 100 ms until the peer closes or `limit` passes; how long
/// the peer took to stop it, and what it answered.
async fn trickle(addr: SocketAddr, head: &str, drip: &[u8], limit: Duration) -> (Duration, String) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        tokio::select! {
            read = s.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if s.write_all(drip).await.is_err() {
                    break;
                }
            }
        }
    }
    (started.elapsed(), String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn request_headers_that_trickle_in_are_cut_off_at_the_header_timeout() {
    let mut options = ServeOptions::default();
    options.header_read_timeout = Duration::from_millis(400);
    options.shutdown_grace = Duration::from_secs(1);
    let server = start_serving(None, |r| r, |r| r, options).await;
    // A new header line every 100 ms, forever: the server must not wait for the end.
    let (took, answer) = trickle(server.addr, "POST /soap HTTP/1.1\r\nHost: x\r\n", b"X-Drip: 1\r\n", Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(3), "the connection stayed open {took:?}");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(server.seen().is_empty(), "nothing reached the service");
    server.stop().await;
}

#[tokio::test]
async fn a_request_body_that_trickles_in_gets_408_at_the_request_timeout() {
    let server = start(None, |r| r.timeout(Duration::from_millis(500))).await;
    let head = format!(
        "POST /soap HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"{ECHO}\"\r\nContent-Length: 100000\r\n\r\n<"
    );
    let (took, answer) = trickle(server.addr, &head, b" ", Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(3), "the request was read for {took:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("the request body did not arrive in time"), "a SOAP fault says why: {answer}");
    assert!(server.seen().is_empty(), "nothing reached the service");
    server.stop().await;
}

#[tokio::test]
async fn a_response_that_never_ends_is_a_timeout() {
    // A server that announces a large body and sends one byte of it every 50 ms.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let endless = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 8192];
        let _ = s.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 1000000\r\n\r\n<";
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        while s.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let t = HttpTransport::builder(format!("http://127.0.0.1:{}/soap", addr.port()))
        .allow_plain_http(true)
        .timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let started = Instant::now();
    let r = t.send(request(SoapVersion::V11)).await;
    assert_eq!(r, Err(TransportError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // The client dropped the connection: the server's writes fail and it stops.
    tokio::time::timeout(Duration::from_secs(5), endless).await.expect("the client closed the connection").unwrap();
}
