//! What a call and a request leave in `tracing`: the client's `soap call` span (operation,
//! endpoint, SOAP version) and its closing event (status, outcome, latency), the server's
//! `soap request` span with the operation the dispatcher chose, and the wire logs of both sides
//! with the password, the session key and the `Authorization` value redacted.
//!
//! The generated EPAS client calls the test EPAS server over loopback HTTPS with Basic
//! authentication, in one single-threaded runtime, under a subscriber that records everything.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use generated::cisco_epas::epas_soap_service_binding::*;
use generated::cisco_epas::soap::{Login, LoginResp};
use soapkit::http::HttpTransport;
use soapkit::http::server::{BasicAuth, SoapRouter, serve_tls, tls_server_config};
use soapkit_tests::epas::EpasServer;

/// One recorded span or event: its name, target and fields, and for an event the span it
/// happened in.
#[derive(Clone, Debug, Default)]
struct Record {
    name: String,
    target: String,
    fields: HashMap<String, String>,
    span: Option<u64>,
}

#[derive(Default)]
struct State {
    spans: HashMap<u64, Record>,
    metadata: HashMap<u64, &'static tracing::Metadata<'static>>,
    events: Vec<Record>,
    stack: Vec<u64>,
    next: u64,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<State>>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = self.0.lock().unwrap();
        s.next += 1;
        let mut r = Record { name: attrs.metadata().name().to_owned(), target: attrs.metadata().target().to_owned(), ..Record::default() };
        attrs.record(&mut Fields(&mut r.fields));
        let id = s.next;
        s.spans.insert(id, r);
        s.metadata.insert(id, attrs.metadata());
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut s = self.0.lock().unwrap();
        if let Some(r) = s.spans.get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut r.fields));
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = self.0.lock().unwrap();
        let mut r = Record { name: event.metadata().name().to_owned(), target: event.metadata().target().to_owned(), ..Record::default() };
        event.record(&mut Fields(&mut r.fields));
        r.span = s.stack.last().copied();
        s.events.push(r);
    }
    /// What `Span::current()` returns: the innermost entered span (the dispatcher records the
    /// operation on it).
    fn current_span(&self) -> tracing_core::span::Current {
        let s = self.0.lock().unwrap();
        match s.stack.last().and_then(|id| s.metadata.get(id).map(|m| (*id, *m))) {
            Some((id, meta)) => tracing_core::span::Current::new(tracing::span::Id::from_u64(id), meta),
            None => tracing_core::span::Current::none(),
        }
    }
    fn enter(&self, id: &tracing::span::Id) {
        self.0.lock().unwrap().stack.push(id.into_u64());
    }
    fn exit(&self, id: &tracing::span::Id) {
        let mut s = self.0.lock().unwrap();
        if let Some(i) = s.stack.iter().rposition(|x| *x == id.into_u64()) {
            s.stack.remove(i);
        }
    }
}

#[test]
fn calls_and_requests_are_traced_and_their_envelopes_logged_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let session_key = rt.block_on(async {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let (cert_pem, key_pem) = (ck.cert.pem(), ck.signing_key.serialize_pem());
        let tls = Arc::new(tls_server_config(cert_pem.as_bytes(), key_pem.as_bytes()).unwrap());
        let dispatcher = EpasSoapServiceBindingDispatcher::new(EpasServer::new(&[("ada", "epas-secret")]));
        let router = SoapRouter::new(dispatcher)
            .path("/EPASSoap/service")
            .authenticator(BasicAuth::new("epas", |u, p| u == "http-user" && p == "http-secret"))
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_tls(listener, tls, router, async move {
            let _ = stopped.await;
        }));
        let transport = HttpTransport::builder(format!("https://localhost:{port}/EPASSoap/service"))
            .add_root_certificates_pem(cert_pem.as_bytes())
            .basic_auth("http-user", "http-secret")
            .build()
            .unwrap();
        let client = EpasSoapServiceBindingClient::new(transport);
        let login = LoginInput { parameters: Login { force: None, username: "ada".into(), password: "epas-secret".into() } };
        let out = client.login(login).await.unwrap();
        let _ = stop.send(());
        let _ = server.await;
        match out.parameters {
            LoginResp::Success(s) => s.session_key,
            LoginResp::Failure(f) => panic!("login failed: {}", f.reason),
        }
    });

    let state = capture.0.lock().unwrap();
    let span_of = |e: &Record| e.span.and_then(|id| state.spans.get(&id)).cloned().unwrap_or_default();
    let field = |r: &Record, name: &str| r.fields.get(name).cloned().unwrap_or_default();

    // The client's span and its closing event.
    let call = state.events.iter().find(|e| e.target == "soapkit::client").expect("the client logs the call");
    let call_span = span_of(call);
    assert_eq!(call_span.name, "soap call");
    assert_eq!(field(&call_span, "operation"), "login");
    assert_eq!(field(&call_span, "version"), "SOAP 1.2");
    assert!(field(&call_span, "endpoint").starts_with("https://localhost:"), "{call_span:?}");
    assert_eq!((field(call, "status").as_str(), field(call, "outcome").as_str()), ("200", "ok"), "{call:?}");
    assert!(call.fields.contains_key("latency"));

    // The server's span names the operation its dispatcher chose; its event has the status.
    let served = state.events.iter().find(|e| e.target == "soapkit::http::server" && e.fields.contains_key("status")).expect("served");
    let served_span = span_of(served);
    assert_eq!((served_span.name.as_str(), field(&served_span, "operation").as_str()), ("soap request", "login"), "{served_span:?}");
    assert_eq!((field(served, "user").as_str(), field(served, "status").as_str()), ("http-user", "200"));

    // The wire logs: each side's request and response, inside the side's span, secrets out.
    let wire: Vec<&Record> = state.events.iter().filter(|e| e.target == soapkit::wire::TARGET).collect();
    let sides: Vec<(String, String)> = wire.iter().map(|e| (field(e, "side"), field(e, "direction"))).collect();
    let expected = [("client", "request"), ("server", "request"), ("server", "response"), ("client", "response")];
    assert_eq!(sides, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    for e in &wire {
        let text = format!("{} {}", field(e, "headers"), field(e, "body"));
        for secret in ["epas-secret", "http-secret", session_key.as_str(), "aHR0cC11c2VyOmh0dHAtc2VjcmV0"] {
            assert!(!text.contains(secret), "a secret in the wire log: {text}");
        }
        let expected_span = if field(e, "side") == "client" { "soap call" } else { "soap request" };
        assert_eq!(span_of(e).name, expected_span);
    }
    let body = |side: &str, direction: &str| {
        wire.iter().find(|e| field(e, "side") == side && field(e, "direction") == direction).map(|e| field(e, "body")).unwrap()
    };
    assert!(body("client", "request").contains(">ada</"), "names stay: {}", body("client", "request"));
    assert!(body("client", "request").contains("password>[redacted]</"), "{}", body("client", "request"));
    assert!(body("client", "response").contains("session-key>[redacted]</"), "{}", body("client", "response"));
    let server_request = wire.iter().find(|e| field(e, "side") == "server" && field(e, "direction") == "request").unwrap();
    assert!(field(server_request, "headers").contains("authorization: Basic [redacted]"), "{server_request:?}");
}
