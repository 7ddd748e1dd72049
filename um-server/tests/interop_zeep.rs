//! Interoperability with a third-party SOAP client: Python zeep, driven by
//! `tests/interop/zeep_client.py` from the published WSDL, against the server started in
//! process over loopback HTTPS, with the Python environment `cargo xtask prepare` builds. The test
//! fails (never skips) when that Python or zeep is missing.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use um_server::calls::Timing;
use um_server::clock::SystemClock;
use um_server::server::{AuthMethods, RunningServer, ServerConfig, start_with_clock};
use um_server::service::UmConfig;
use um_server::users::add_user;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_owned()
}

fn require_zeep() {
    let probe = soapkit_testkit::python_command().args(["-c", "import zeep, lxml, requests"]).output();
    match probe {
        Err(e) => panic!("the tests' Python cannot be run ({e}): run `cargo xtask prepare`"),
        Ok(o) if !o.status.success() => panic!(
            "zeep is not installed in the tests' Python: run `cargo xtask prepare` (it installs tests/requirements.txt)\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Ok(_) => {}
    }
}

/// A server over loopback HTTPS with the user `zeep` (password `zeep-password`).
struct Interop {
    server: RunningServer,
    dir: tempfile::TempDir,
}

async fn serve(um: UmConfig) -> Interop {
    require_zeep();
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("um-data"),
        insecure_http: false,
        um,
        auth: AuthMethods::default(),
    };
    let server = start_with_clock(config, Arc::new(SystemClock::new()), std::future::pending()).await.expect("server starts");
    add_user(&server.users_path, "zeep", "zeep-password", true, None).unwrap();
    Interop { server, dir }
}

impl Interop {
    /// Runs `tests/interop/<script>` with `--url` (at `/EWS/Exchange.asmx`), `--ca-cert`, `args`
    /// and `env`, stops the server, and returns the script's standard output once it succeeded.
    async fn run(self, script: &str, args: &[OsString], env: &[(&str, String)]) -> String {
        let script = repo_root().join("um-server/tests/interop").join(script);
        let mut command = soapkit_testkit::python_command();
        command.arg(&script).arg("--url").arg(self.server.url("/EWS/Exchange.asmx"));
        command.arg("--ca-cert").arg(self.server.cert_path.as_ref().expect("HTTPS certificate"));
        command.args(args);
        for (k, v) in env {
            command.env(k, v);
        }
        let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().expect("the tests' Python runs");
        self.server.shutdown().await;
        drop(self.dir);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = script.file_name().unwrap().to_string_lossy();
        assert!(output.status.success(), "{name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
        stdout
    }
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

fn password() -> [(&'static str, String); 1] {
    [("UM_PASSWORD", "zeep-password".to_owned())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_calls_all_14_operations() {
    // A short ring so the script's polling sees every state quickly on the real clock.
    let um = UmConfig {
        timing: Timing { ring_delay: Duration::from_millis(300), hangup_after: Duration::from_secs(300) },
        ..UmConfig::default()
    };
    let wsdl = repo_root().join("schemas/ms-oxwums/MS-OXWUMS.wsdl");
    let mut a = args(&["--user", "zeep", "--wsdl"]);
    a.push(wsdl.into_os_string());
    let stdout = serve(um).await.run("zeep_client.py", &a, &password()).await;
    assert!(stdout.contains("12 passed, 0 failed"), "unexpected output:\n{stdout}");
}

/// The 6 mail app operations of [MS-OXWSCEXT], from its own WSDL, on the shared
/// `/EWS/Exchange.asmx` endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_calls_all_6_mail_app_operations() {
    let stdout = serve(UmConfig::default()).await.run("zeep_apps.py", &args(&["--user", "zeep"]), &password()).await;
    assert!(stdout.contains("18 passed, 0 failed"), "unexpected output:\n{stdout}");
}

/// A `requests` session carrying a bearer token of `um-server token`, as Exchange Online
/// clients send theirs; a wrong token and no token get 401 with the Bearer challenge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_with_a_bearer_token_calls_the_server() {
    let interop = serve(UmConfig::default()).await;
    let key = um_server::tokens::TokenKey::open_or_create(&interop.dir.path().join("um-data")).unwrap();
    let token = key.issue("zeep", Duration::from_secs(600), std::time::SystemTime::now());
    let stdout = interop.run("bearer_requests.py", &[], &[("UM_TOKEN", token)]).await;
    assert!(stdout.contains("8 passed, 0 failed"), "unexpected output:\n{stdout}");
}

/// zeep's WS-Security `UsernameToken` with no HTTP credentials; a wrong password, an unknown
/// user, a digest, a replayed nonce and a stale `Created` get `wsse:FailedAuthentication`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_with_a_username_token_calls_the_server() {
    let stdout = serve(UmConfig::default()).await.run("zeep_username_token.py", &args(&["--user", "zeep"]), &password()).await;
    assert!(stdout.contains("11 passed, 0 failed"), "unexpected output:\n{stdout}");
}
