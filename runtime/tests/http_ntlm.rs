//! NTLM and Negotiate authentication of the HTTP transport against a third-party acceptor:
//! `tests/interop/ntlm_server.py`, an HTTP server authenticating with pyspnego's NTLM (installed
//! by `cargo xtask prepare` from tests/requirements.txt). The test fails, never skips, when that
//! Python or pyspnego is missing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use soapkit::client::{SoapRequest, Transport, TransportError};
use soapkit::http::HttpTransport;
use soapkit::soap::SoapVersion;

const ECHO: &str = "urn:soapkit:test/Echo";
const REQUEST: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><t:Echo xmlns:t="urn:soapkit:test">ping</t:Echo></soap:Body></soap:Envelope>"#;

/// The acceptor, running; its stdout lines as they come.
struct Acceptor {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    _users: tempfile_dir::Dir,
}

/// A temporary directory without another dev-dependency.
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let p = std::env::temp_dir().join(format!("soapkit-ntlm-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Acceptor {
    fn start(schemes: &str) -> Acceptor {
        Acceptor::start_with(&["--schemes", schemes])
    }

    fn start_with(args: &[&str]) -> Acceptor {
        let users = tempfile_dir::Dir::new();
        let file = users.0.join("ntlm-users.txt");
        std::fs::write(&file, "CORP:ada:s3cret\nCORP:bob:hunter2\n").unwrap();
        let script = soapkit_testkit::workspace_root().join("runtime/tests/interop/ntlm_server.py");
        let mut child = soapkit_testkit::python_command()
            .arg(&script)
            .args(args)
            .env("NTLM_USER_FILE", &file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the tests' Python runs: run `cargo xtask prepare`");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let Some(port) = first.trim().strip_prefix("listening ").and_then(|p| p.parse().ok()) else {
            let _ = child.kill();
            panic!(
                "ntlm_server.py did not start (is pyspnego installed? run `cargo xtask prepare`, it installs tests/requirements.txt): {first:?}"
            );
        };
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Acceptor { child, port, lines, _users: users }
    }

    fn transport(&self, user: &str, password: &str) -> HttpTransport {
        HttpTransport::builder(format!("http://127.0.0.1:{}/EWS/Exchange.asmx", self.port))
            .allow_plain_http(true)
            .ntlm(user, password)
            .build()
            .unwrap()
    }

    /// The acceptor's lines so far, waiting a moment for `want` of them.
    fn lines(&self, want: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let lines = self.lines.lock().unwrap().clone();
            if lines.len() >= want || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Acceptor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request() -> SoapRequest {
    SoapRequest { version: SoapVersion::V11, action: ECHO, body: REQUEST.to_owned() }
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ntlm_authenticates_a_connection_once_and_reuses_it() {
    let acceptor = Acceptor::start("NTLM,Negotiate");
    let t = acceptor.transport("CORP\\ada", "s3cret");
    let first = t.send(request()).await.unwrap();
    assert_eq!(first.status, 200, "{}", text(&first.body));
    assert!(text(&first.body).contains("hello CORP\\ada"), "{}", text(&first.body));
    // The next requests go out on the authenticated connection without a new handshake.
    for _ in 0..3 {
        let again = t.send(request()).await.unwrap();
        assert_eq!(again.status, 200);
        assert!(text(&again.body).contains("hello CORP\\ada"));
    }
    assert_eq!(acceptor.lines(1), ["authenticated CORP\\ada on connection 1 after 2 legs"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_each_authenticate_their_own_connection() {
    let acceptor = Acceptor::start("NTLM");
    let t = acceptor.transport("CORP\\bob", "hunter2");
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { t.send(request()).await })
        })
        .collect();
    for call in calls {
        let r = call.await.unwrap().unwrap();
        assert_eq!(r.status, 200, "{}", text(&r.body));
        assert!(text(&r.body).contains("hello CORP\\bob"));
    }
    // Every handshake completed in two legs on one connection: none was split across two.
    let lines = acceptor.lines(4);
    assert!(!lines.is_empty() && lines.len() <= 4, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("authenticated CORP\\bob on connection ") && l.ends_with(" after 2 legs")), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_offering_only_negotiate_gets_ntlm_inside_it() {
    let acceptor = Acceptor::start("Negotiate");
    let t = acceptor.transport("CORP\\ada", "s3cret");
    let r = t.send(request()).await.unwrap();
    assert_eq!(r.status, 200, "{}", text(&r.body));
    assert!(text(&r.body).contains("hello CORP\\ada"));
    // The authenticated connection is reused for the next request.
    assert_eq!(t.send(request()).await.unwrap().status, 200);
    assert_eq!(acceptor.lines(1), ["authenticated CORP\\ada on connection 1 after 2 legs"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_server_closed_is_replaced_by_a_newly_authenticated_one() {
    let acceptor = Acceptor::start_with(&["--schemes", "NTLM", "--close-after-answer"]);
    let t = acceptor.transport("CORP\\ada", "s3cret");
    for _ in 0..3 {
        let r = t.send(request()).await.unwrap();
        assert_eq!(r.status, 200, "{}", text(&r.body));
        // Let the close arrive before the next request.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lines = acceptor.lines(3);
    let want: Vec<String> = (1..=3).map(|n| format!("authenticated CORP\\ada on connection {n} after 2 legs")).collect();
    assert_eq!(lines, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_or_user_is_the_servers_401() {
    let acceptor = Acceptor::start("NTLM,Negotiate");
    for (user, password) in [("CORP\\ada", "wrong"), ("CORP\\eve", "s3cret")] {
        let r = acceptor.transport(user, password).send(request()).await.unwrap();
        assert_eq!(r.status, 401, "{user}: {}", text(&r.body));
    }
    let lines = acceptor.lines(2);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("refused on connection ")), "{lines:?}");
}

#[test]
fn an_unusable_user_name_is_refused_when_building() {
    let err = HttpTransport::builder("https://mail.example.com/EWS/Exchange.asmx").ntlm("a\\b@c\\", "pw").build();
    match err {
        Err(TransportError::Auth(m)) => assert!(m.contains("NTLM user name"), "{m}"),
        other => panic!("expected an Auth error, got {other:?}"),
    }
}
