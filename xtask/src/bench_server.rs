//! `cargo xtask bench-server`: `um-server` under a bounded load from wrk, side by side with a
//! static-response axum handler (`um-server/examples/static_server.rs`) behind the same
//! listener, TLS configuration and HTTP Basic authentication, in the same run (issue 11,
//! BENCHMARKS.md). For each scheme (plain HTTP and HTTPS on loopback), operation (IsUMEnabled
//! and GetPhoneCallInformation of a call placed first) and connection count, it prints the
//! requests per second and the latency percentiles of both, and their ratios.
//!
//! The load is wrk's (Debian's package `wrk`): one thread, N connections, keep-alive, each
//! connection sending its next request when the answer to the last one has come. The two
//! servers run one at a time on the same cores as wrk, so the figures are comparable with each
//! other and not with another machine's.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

use base64::Engine as _;

const IS_UM_ENABLED: Op = Op { name: "IsUMEnabled", request: "4.6-IsUMEnabled-request.xml", response: "4.6-IsUMEnabled-response.xml" };
const GET_PHONE_CALL_INFORMATION: Op = Op {
    name: "GetPhoneCallInformation",
    request: "4.4-GetPhoneCallInformation-request.xml",
    response: "4.4-GetPhoneCallInformation-response.xml",
};
const ACTION_BASE: &str = "http://schemas.microsoft.com/exchange/services/2006/messages/";
/// The call placed for GetPhoneCallInformation: the item and number of the server's README.
const CALL_ITEM: &str = "AkAjzQTbY/i=";
const CALL_NUMBER: &str = "5555551212";

struct Op {
    name: &'static str,
    /// The example request of [MS-OXWUMS] section 4 that is sent (the call id replaced).
    request: &'static str,
    /// The example response the static server answers with.
    response: &'static str,
}

struct Options {
    seconds: u64,
    connections: Vec<u32>,
    schemes: Vec<&'static str>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { seconds: 10, connections: vec![1, 16, 64], schemes: vec!["http", "https"] };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--seconds" => o.seconds = value()?.parse().map_err(|_| "--seconds: not a number".to_owned())?,
            "--connections" => {
                o.connections = value()?
                    .split(',')
                    .map(|c| c.trim().parse::<u32>().ok().filter(|&n| n > 0))
                    .collect::<Option<Vec<_>>>()
                    .ok_or("--connections: a comma-separated list of positive numbers")?;
            }
            "--schemes" => {
                o.schemes = value()?
                    .split(',')
                    .map(|s| match s.trim() {
                        "http" => Ok("http"),
                        "https" => Ok("https"),
                        other => Err(format!("--schemes: unknown scheme {other:?} (http, https)")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown argument {other:?} (--seconds N, --connections LIST, --schemes http,https)")),
        }
    }
    Ok(o)
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    match run_inner(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-server: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One wrk run's figures.
#[derive(Clone, Copy, Debug)]
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    /// Connect, read, write and timeout errors, and answers that were not 2xx.
    errors: u64,
}

fn run_inner(root: &Path, args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    if Command::new("wrk").arg("--version").output().is_err() {
        return Err("wrk is not installed (Debian: apt-get install wrk)".to_owned());
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(["build", "--release", "-p", "um-server", "--bin", "um-server", "--bin", "um-client", "--example", "static_server"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build failed".to_owned());
    }
    let release = root.join("target/release");
    let work = root.join("target/bench-server");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let data = work.join("data");
    let fixtures = root.join("tests/fixtures/ms-oxwums");
    let ops = [IS_UM_ENABLED, GET_PHONE_CALL_INFORMATION];
    let mut password: Option<String> = None;
    let mut rows = Vec::new();
    for &scheme in &o.schemes {
        let insecure: &[&str] = if scheme == "http" { &["--insecure-http"] } else { &[] };
        // um-server, with calls that stay up for the whole run.
        let mut server = Server::start(
            Command::new(release.join("um-server"))
                .args(["--listen", "127.0.0.1:0", "--auth", "basic", "--ring-delay", "0", "--hangup-after", "86400", "--data"])
                .arg(&data)
                .args(insecure),
            &work.join(format!("um-server-{scheme}.log")),
        )?;
        if let Some(pw) = server.password.take() {
            password = Some(pw);
        }
        let pw = password.clone().ok_or("um-server printed no demo password (the data directory was not new)")?;
        let base = server.url.split("/EWS/").next().unwrap_or(&server.url).to_owned();
        let url = format!("{base}/EWS/UM2007Legacy.asmx");
        let call_id = place_call(&release, &url, &pw, &data.join("cert.pem"), scheme == "http")?;
        let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("demo:{pw}")));
        let mut scripts = Vec::new();
        for op in &ops {
            let text = std::fs::read_to_string(fixtures.join(op.request)).map_err(|e| format!("{}: {e}", op.request))?;
            let body = text.replace("NDDY5uY29y9t", &call_id);
            scripts.push(write_script(&work, scheme, op, &body, &auth)?);
        }
        let mut soap = Vec::new();
        for script in &scripts {
            for &c in &o.connections {
                soap.push(wrk(&url, script, c, o.seconds)?);
            }
        }
        server.stop();
        // The static server, one per response, on the same data directory.
        let mut fixed = Vec::new();
        for (op, script) in ops.iter().zip(&scripts) {
            let mut s = Server::start(
                Command::new(release.join("examples/static_server"))
                    .args(["--listen", "127.0.0.1:0", "--data"])
                    .arg(&data)
                    .arg("--response")
                    .arg(fixtures.join(op.response))
                    .args(insecure),
                &work.join(format!("static-{scheme}.log")),
            )?;
            let url = format!("{}EWS/UM2007Legacy.asmx", s.url);
            for &c in &o.connections {
                fixed.push(wrk(&url, script, c, o.seconds)?);
            }
            s.stop();
        }
        // Both lists were measured in the same order: operation, then connection count.
        let measured = ops.iter().flat_map(|op| o.connections.iter().map(move |&c| (op.name, c)));
        for ((op, c), (s, f)) in measured.zip(soap.into_iter().zip(fixed)) {
            rows.push((scheme, op, c, s, f));
        }
    }
    print_table(&rows, o.seconds);
    let errors: u64 = rows.iter().map(|r| r.3.errors + r.4.errors).sum();
    if errors > 0 {
        return Err(format!("{errors} requests failed or were not answered 2xx (see the errors column and target/bench-server/*.log)"));
    }
    Ok(())
}

fn print_table(rows: &[(&str, &str, u32, Load, Load)], seconds: u64) {
    println!("\nwrk, 1 thread, {seconds} s per row; latencies in ms; um-server beside the static-response handler");
    println!(
        "{:<6} {:<24} {:>5} | {:>9} {:>7} {:>7} {:>7} {:>7} | {:>9} {:>7} {:>7} {:>7} {:>7} | {:>9} {:>8} | {:>6}",
        "scheme",
        "operation",
        "conns",
        "req/s",
        "p50",
        "p99",
        "p99.9",
        "max",
        "req/s",
        "p50",
        "p99",
        "p99.9",
        "max",
        "req/s ⁄",
        "p99 ⁄",
        "errors"
    );
    for (scheme, op, c, s, f) in rows {
        println!(
            "{scheme:<6} {op:<24} {c:>5} | {:>9.0} {:>7.2} {:>7.2} {:>7.2} {:>7.1} | {:>9.0} {:>7.2} {:>7.2} {:>7.2} {:>7.1} | {:>8.0}% {:>7.2}x | {:>6}",
            s.requests_per_second,
            s.p50_ms,
            s.p99_ms,
            s.p999_ms,
            s.max_ms,
            f.requests_per_second,
            f.p50_ms,
            f.p99_ms,
            f.p999_ms,
            f.max_ms,
            100.0 * s.requests_per_second / f.requests_per_second,
            s.p99_ms / f.p99_ms,
            s.errors + f.errors,
        );
    }
    println!("targets (issue 11): um-server at least 70% of the static handler's requests per second, its p99 within 3x");
}

/// A server process, stopped (SIGTERM, then waited for) when dropped.
struct Server {
    child: Child,
    url: String,
    password: Option<String>,
}

impl Server {
    /// Starts `cmd` and reads its standard output until it says where it listens.
    fn start(cmd: &mut Command, log: &Path) -> Result<Server, String> {
        let log = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut child = cmd.stdout(Stdio::piped()).stderr(log).spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut password = None;
        loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().map_err(|e| e.to_string())?;
                return Err(format!("{cmd:?} ended ({status}) before listening"));
            };
            if let Some((_, pw)) = line.split_once("password: ") {
                password = Some(pw.trim().to_owned());
            }
            if let Some(url) = line.strip_prefix("Listening on ") {
                let url = url.trim().to_owned();
                // The rest of its output is not needed; keep the pipe drained.
                std::thread::spawn(move || lines.for_each(drop));
                return Ok(Server { child, url, password });
            }
        }
    }

    fn stop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

/// Places a PlayOnPhone2 call with `um-client`; its id.
fn place_call(release: &Path, url: &str, password: &str, cert: &Path, insecure: bool) -> Result<String, String> {
    let mut c = Command::new(release.join("um-client"));
    c.env("UM_URL", url).env("UM_USER", "demo").env("UM_PASSWORD", password);
    if insecure {
        c.arg("--insecure-http");
    } else {
        c.env("UM_CA_CERT", cert);
    }
    let out = c.args(["play-on-phone2", "--item", CALL_ITEM, "--dial", CALL_NUMBER]).output().map_err(|e| format!("um-client: {e}"))?;
    if !out.status.success() {
        return Err(format!("um-client play-on-phone2 failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The wrk script of one operation: the request, its headers, and a summary line at the end.
fn write_script(work: &Path, scheme: &str, op: &Op, body: &str, auth: &str) -> Result<PathBuf, String> {
    let body_path = work.join(format!("{}-{scheme}.xml", op.name));
    std::fs::write(&body_path, body).map_err(|e| format!("{}: {e}", body_path.display()))?;
    let lua = format!(
        r#"local f = assert(io.open("{body}", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"{ACTION_BASE}{op}"'
wrk.headers["Authorization"] = "{auth}"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SUMMARY %d %d %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"#,
        body = body_path.display(),
        op = op.name,
    );
    let path = work.join(format!("{}-{scheme}.lua", op.name));
    std::fs::write(&path, lua).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn wrk(url: &str, script: &Path, connections: u32, seconds: u64) -> Result<Load, String> {
    let out = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--timeout", "5s", "-s"])
        .arg(script)
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY "))
        .ok_or_else(|| format!("wrk printed no summary:\n{text}{}", String::from_utf8_lossy(&out.stderr)))?;
    let n: Vec<f64> = line.split_whitespace().map(|v| v.parse().unwrap_or(f64::NAN)).collect();
    if n.len() != 11 {
        return Err(format!("unexpected wrk summary {line:?}"));
    }
    Ok(Load {
        requests_per_second: n[0] / (n[1] / 1e6),
        p50_ms: n[2] / 1e3,
        p99_ms: n[3] / 1e3,
        p999_ms: n[4] / 1e3,
        max_ms: n[5] / 1e3,
        errors: n[6..].iter().sum::<f64>() as u64,
    })
}
