//! The `um-server` binary as a separate process, for the tests that watch it from outside
//! (its memory, its file descriptors) or kill it: started on a data directory whose users were
//! added with `um-server add-user`, over HTTPS with its own certificate.

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use soapkit::http::HttpTransport;
use um_server::client::UmClient;

pub const SERVER: &str = env!("CARGO_BIN_EXE_um-server");

/// Adds `name` with `password` to the data directory (creating it).
pub fn add_user(data: &Path, name: &str, password: &str) {
    let out = run_add_user(data, name, password);
    assert!(out.status.success(), "add-user {name}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs `um-server add-user NAME --password-stdin --data DATA` with `password` on stdin.
pub fn run_add_user(data: &Path, name: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(SERVER)
        .args(["add-user", name, "--password-stdin", "--data"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("um-server add-user runs");
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// A running `um-server`.
pub struct ServerProcess {
    child: Child,
    /// The `/EWS/Exchange.asmx` URL.
    pub url: String,
    cert: Vec<u8>,
    log: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts the server on `data` (listening on a free loopback port) and waits until it
    /// listens.
    pub fn start(data: &Path) -> ServerProcess {
        let mut child = Command::new(SERVER)
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("um-server starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut url, mut cert) = (None, None);
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(c) = line.split("um-client --ca-cert): ").nth(1) {
                cert = Some(std::fs::read(c.trim()).expect("the certificate is readable"));
            } else if let Some(u) = line.strip_prefix("Listening on ").filter(|u| u.ends_with("/EWS/Exchange.asmx")) {
                url = Some(u.to_owned());
                break;
            }
        }
        // Keep draining stdout so that the server never blocks on it.
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        let (Some(url), Some(cert)) = (url, cert) else {
            let status = child.wait();
            panic!("um-server did not start ({status:?}):\n{}", log.lock().unwrap());
        };
        ServerProcess { child, url, cert, log }
    }

    /// A transport to the server as `user`, with connections kept alive (or not).
    pub fn transport(&self, user: &str, password: &str, keep_alive: bool) -> HttpTransport {
        let mut b = HttpTransport::builder(&self.url)
            .add_root_certificates_pem(&self.cert)
            .basic_auth(user, password)
            .timeout(Some(Duration::from_secs(30)));
        if !keep_alive {
            b = b.pool_max_idle_per_host(0);
        }
        b.build().unwrap()
    }

    /// A client as `user`.
    pub fn client(&self, user: &str, password: &str) -> UmClient<HttpTransport> {
        UmClient::new(self.transport(user, password, true))
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn proc_status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc/PID/status");
        let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field} in /proc/PID/status"));
        line[field.len()..].trim().trim_end_matches(" kB").trim().parse().unwrap()
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.proc_status("VmRSS:")
    }

    /// Threads.
    pub fn threads(&self) -> u64 {
        self.proc_status("Threads:")
    }

    /// Open file descriptors.
    pub fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).expect("/proc/PID/fd").count()
    }

    /// Kills the server with SIGKILL: no shutdown, no flushing.
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Stops the server with SIGTERM and waits for it to exit; its log.
    pub fn stop(mut self) -> String {
        let ok = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "um-server exited with {status}:\n{}", self.log());
        self.log()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
