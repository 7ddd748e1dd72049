//! A soak test of the `um-server` binary: several concurrent clients send a mix of valid,
//! invalid and hostile requests for `UM_SOAK_SECONDS` (default 60; the 10-minute run is in
//! FUZZING.md). Every answer must be the operation's answer or the fault the protocol
//! prescribes; after the traffic the server's resident memory, file descriptors and threads
//! must be back where they were after a warm-up with the same mix.

// Each test uses part of the helper.
#[allow(dead_code)]
mod process;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated::exchange::messages::ResponseCodeType;
use process::{ServerProcess, add_user};
use soapkit::client::{ClientError, SoapRequest, Transport};
use soapkit::http::HttpTransport;
use soapkit::soap::SoapVersion;
use um_server::client::{UmClient, UmClientError};

const CLIENTS: usize = 6;
const PASSWORD: &str = "soak password";
const ACTION: &str = "http://schemas.microsoft.com/exchange/services/2006/messages/IsUMEnabled";
/// A call id that is well-formed but names no call.
const NO_CALL: &str = "NDDY5uY29y9t";

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body>{body}</soap:Body></soap:Envelope>"#
    )
}

/// One client's connections: kept alive, one per request, and with a wrong password.
struct Client {
    user: String,
    um: UmClient<HttpTransport>,
    raw: HttpTransport,
    churn: UmClient<HttpTransport>,
    wrong: UmClient<HttpTransport>,
}

impl Client {
    fn new(server: &ServerProcess, user: &str) -> Client {
        Client {
            user: user.to_owned(),
            um: server.client(user, PASSWORD),
            raw: server.transport(user, PASSWORD, true),
            churn: UmClient::new(server.transport(user, PASSWORD, false)),
            wrong: UmClient::new(server.transport(user, "not the password", true)),
        }
    }

    async fn raw(&self, body: String) -> Result<(u16, String), String> {
        let r = self.raw.send(SoapRequest { version: SoapVersion::V11, action: ACTION, body }).await.map_err(|e| e.to_string())?;
        Ok((r.status, String::from_utf8_lossy(&r.body).into_owned()))
    }

    /// Request `i` of the mix; `Err` says what was wrong with the answer.
    async fn request(&self, i: usize) -> Result<(), String> {
        let fault_code = |r: (u16, String), code: &str| {
            let fault = soapkit::soap::decode_fault(&r.1, soapkit::xml::NsTable::STANDARD, soapkit::xml::Limits::DEFAULT);
            match fault {
                Ok(Some((f, _))) if r.0 == 500 && f.code.local == code => Ok(()),
                _ => Err(format!("expected {code}: {r:?}")),
            }
        };
        match i % 10 {
            0 => match self.um.is_um_enabled().await {
                Ok(true) => Ok(()),
                other => Err(format!("IsUMEnabled: {other:?}")),
            },
            1 => {
                let on = i % 20 == 1;
                self.um.set_oof_status(on).await.map_err(|e| format!("SetOofStatus: {e}"))?;
                let p = self.um.get_um_properties().await.map_err(|e| format!("GetUMProperties: {e}"))?;
                if p.oof_status == on { Ok(()) } else { Err(format!("{}: OofStatus {} after setting {on}", self.user, p.oof_status)) }
            }
            2 => {
                let dial = format!("+1 425 555 {:04}", i % 10_000);
                self.um.set_play_on_phone_dial_string(&dial).await.map_err(|e| format!("SetPlayOnPhoneDialString: {e}"))?;
                let p = self.um.get_um_properties().await.map_err(|e| format!("GetUMProperties: {e}"))?;
                if p.play_on_phone_dial_string.as_deref() == Some(dial.as_str()) {
                    Ok(())
                } else {
                    Err(format!("dial string {:?}, set {dial:?}", p.play_on_phone_dial_string))
                }
            }
            3 => match self.um.get_phone_call_information(NO_CALL).await {
                Err(UmClientError::Ews(e)) if e.code == Some(ResponseCodeType::ErrorInvalidPhoneCallId) => Ok(()),
                other => Err(format!("GetPhoneCallInformation of no call: {other:?}")),
            },
            // Well-formed but not valid: ErrorSchemaValidation.
            4 => fault_code(self.raw(envelope("<m:IsUMEnabled><m:Unexpected/></m:IsUMEnabled>")).await?, "ErrorSchemaValidation"),
            // Not well-formed: ErrorInvalidRequest.
            5 => fault_code(self.raw(envelope("<m:IsUMEnabled>")).await?, "ErrorInvalidRequest"),
            // Past the nesting limit: ErrorInvalidRequest.
            6 => fault_code(self.raw(envelope(&"<m:IsUMEnabled>".repeat(10_000))).await?, "ErrorInvalidRequest"),
            // Past the body limit (4 MiB): 413 with a fault, sent as soon as the Content-Length
            // is read. The server does not read the body, so the client, still writing it, may
            // see its connection closed before it reads the answer: both are a refusal.
            7 => match self.raw(envelope(&format!("<m:IsUMEnabled>{}</m:IsUMEnabled>", " ".repeat(5 << 20)))).await {
                Ok((413, body)) if body.contains("Fault") => Ok(()),
                Err(e) if e.contains("Broken pipe") || e.contains("reset") => Ok(()),
                other => Err(format!("5 MiB request: {other:?}")),
            },
            8 => match self.wrong.is_um_enabled().await {
                Err(UmClientError::Soap(ClientError::Http { status: 401, .. })) => Ok(()),
                other => Err(format!("a wrong password: {other:?}")),
            },
            // A new connection for the request.
            _ => match self.churn.is_um_enabled().await {
                Ok(true) => Ok(()),
                other => Err(format!("IsUMEnabled on a new connection: {other:?}")),
            },
        }
    }
}

/// Runs the mix from every client until `until`; the number of requests and the problems.
async fn traffic(server: &ServerProcess, until: Instant) -> (usize, Vec<String>) {
    let problems = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let client = Client::new(server, &format!("user{c}"));
        let problems = problems.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = c;
            while Instant::now() < until {
                if let Err(p) = client.request(i).await {
                    problems.lock().unwrap().push(format!("{} request {i}: {p}", client.user));
                }
                i += 1;
            }
            i - c
        }));
    }
    let mut sent = 0;
    for t in tasks {
        sent += t.await.unwrap();
    }
    // The clients (and their connections) are gone. Let the server close its side, and its
    // runtime retire the threads it started for blocking work (they linger 10 s idle).
    tokio::time::sleep(Duration::from_secs(12)).await;
    let problems = problems.lock().unwrap().clone();
    (sent, problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_traffic_gets_the_right_answers_and_leaves_memory_descriptors_and_threads_flat() {
    let seconds: u64 = std::env::var("UM_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    for c in 0..CLIENTS {
        add_user(&data, &format!("user{c}"), PASSWORD);
    }
    let server = ServerProcess::start(&data);
    let idle = (server.rss_kib(), server.fds(), server.threads());

    // A warm-up with the same mix fills the allocator's pools, the connection and TLS session
    // caches and the database's page cache: what stays after it is the steady state.
    let warm_up = (seconds / 6).max(5);
    let (n, problems) = traffic(&server, Instant::now() + Duration::from_secs(warm_up)).await;
    assert!(problems.is_empty(), "warm-up: {problems:#?}");
    let start = (server.rss_kib(), server.fds(), server.threads());

    let (sent, problems) = traffic(&server, Instant::now() + Duration::from_secs(seconds)).await;
    let end = (server.rss_kib(), server.fds(), server.threads());
    println!(
        "soak: {CLIENTS} clients, {sent} requests in {seconds} s after {n} in a {warm_up} s warm-up; RSS {} KiB idle, {} KiB after the warm-up, {} KiB at the end; file descriptors {} / {} / {}; threads {} / {} / {} (each measured 12 s after the traffic)",
        idle.0, start.0, end.0, idle.1, start.1, end.1, idle.2, start.2, end.2,
    );
    assert!(problems.is_empty(), "{} of {sent} answers were wrong: {:#?}", problems.len(), &problems[..problems.len().min(20)]);
    assert!(sent > 10 * CLIENTS, "only {sent} requests");
    // Flat: no descriptor or thread left behind by the connections and requests, and memory
    // within an eighth (and 8 MiB) of the steady state.
    assert!(end.1 <= start.1, "file descriptors grew from {} to {}", start.1, end.1);
    assert!(end.2 <= start.2, "threads grew from {} to {}", start.2, end.2);
    let allowed = start.0 + (start.0 / 8).max(8 * 1024);
    assert!(end.0 <= allowed, "RSS grew from {} KiB to {} KiB (allowed {allowed})", start.0, end.0);
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}
