//! Interoperability with a third-party SOAP client: Python zeep, driven by
//! `tests/interop/zeep_client.py` from the published WSDL, against the server started in
//! process over loopback HTTPS, with the Python environment `cargo xtask prepare` builds. The test
//! fails (never skips) when that Python or zeep is missing.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use um_server::calls::Timing;
use um_server::clock::SystemClock;
use um_server::server::{AuthMethods, ServerConfig, start_with_clock};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_calls_all_14_operations() {
    require_zeep();
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("um-data"),
        insecure_http: false,
        // A short ring so the script's polling sees every state quickly on the real clock.
        um: UmConfig {
            timing: Timing { ring_delay: Duration::from_millis(300), hangup_after: Duration::from_secs(300) },
            ..UmConfig::default()
        },
        auth: AuthMethods::default(),
    };
    let server = start_with_clock(config, Arc::new(SystemClock::new()), std::future::pending()).await.expect("server starts");
    add_user(&server.users_path, "zeep", "zeep-password", true, None).unwrap();
    let script = repo_root().join("um-server/tests/interop/zeep_client.py");
    let wsdl = repo_root().join("schemas/ms-oxwums/MS-OXWUMS.wsdl");
    let url = server.url("/EWS/Exchange.asmx");
    let cert = server.cert_path.clone().expect("HTTPS certificate");
    let output = tokio::task::spawn_blocking(move || {
        soapkit_testkit::python_command()
            .arg(&script)
            .args(["--url", &url, "--user", "zeep"])
            .arg("--ca-cert")
            .arg(&cert)
            .arg("--wsdl")
            .arg(&wsdl)
            .env("UM_PASSWORD", "zeep-password")
            .output()
    })
    .await
    .unwrap()
    .expect("the tests' Python runs");
    server.shutdown().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "zeep_client.py failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
    assert!(stdout.contains("12 passed, 0 failed"), "unexpected output:\n{stdout}\n{stderr}");
}

/// The 6 mail app operations of [MS-OXWSCEXT], from its own WSDL, on the shared
/// `/EWS/Exchange.asmx` endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_calls_all_6_mail_app_operations() {
    require_zeep();
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("um-data"),
        insecure_http: false,
        um: UmConfig::default(),
        auth: AuthMethods::default(),
    };
    let server = start_with_clock(config, Arc::new(SystemClock::new()), std::future::pending()).await.expect("server starts");
    add_user(&server.users_path, "zeep", "zeep-password", true, None).unwrap();
    let script = repo_root().join("um-server/tests/interop/zeep_apps.py");
    let url = server.url("/EWS/Exchange.asmx");
    let cert = server.cert_path.clone().expect("HTTPS certificate");
    let output = tokio::task::spawn_blocking(move || {
        soapkit_testkit::python_command()
            .arg(&script)
            .args(["--url", &url, "--user", "zeep"])
            .arg("--ca-cert")
            .arg(&cert)
            .env("UM_PASSWORD", "zeep-password")
            .output()
    })
    .await
    .unwrap()
    .expect("the tests' Python runs");
    server.shutdown().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "zeep_apps.py failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
    assert!(stdout.contains("18 passed, 0 failed"), "unexpected output:\n{stdout}\n{stderr}");
}

/// A `requests` session carrying a bearer token of `um-server token`, as Exchange Online
/// clients send theirs; a wrong token and no token get 401 with the Bearer challenge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_with_a_bearer_token_calls_the_server() {
    require_zeep();
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("um-data"),
        insecure_http: false,
        um: UmConfig::default(),
        auth: AuthMethods::default(),
    };
    let server = start_with_clock(config, Arc::new(SystemClock::new()), std::future::pending()).await.expect("server starts");
    add_user(&server.users_path, "zeep", "zeep-password", true, None).unwrap();
    let key = um_server::tokens::TokenKey::open_or_create(&dir.path().join("um-data")).unwrap();
    let token = key.issue("zeep", Duration::from_secs(600), std::time::SystemTime::now());
    let script = repo_root().join("um-server/tests/interop/bearer_requests.py");
    let url = server.url("/EWS/Exchange.asmx");
    let cert = server.cert_path.clone().expect("HTTPS certificate");
    let output = tokio::task::spawn_blocking(move || {
        soapkit_testkit::python_command().arg(&script).args(["--url", &url]).arg("--ca-cert").arg(&cert).env("UM_TOKEN", token).output()
    })
    .await
    .unwrap()
    .expect("the tests' Python runs");
    server.shutdown().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bearer_requests.py failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
    assert!(stdout.contains("8 passed, 0 failed"), "unexpected output:\n{stdout}\n{stderr}");
}

/// zeep's WS-Security `UsernameToken` with no HTTP credentials; a wrong password, an unknown
/// user, a digest, a replayed nonce and a stale `Created` get `wsse:FailedAuthentication`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_with_a_username_token_calls_the_server() {
    require_zeep();
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("um-data"),
        insecure_http: false,
        um: UmConfig::default(),
        auth: AuthMethods::default(),
    };
    let server = start_with_clock(config, Arc::new(SystemClock::new()), std::future::pending()).await.expect("server starts");
    add_user(&server.users_path, "zeep", "zeep-password", true, None).unwrap();
    let script = repo_root().join("um-server/tests/interop/zeep_username_token.py");
    let url = server.url("/EWS/Exchange.asmx");
    let cert = server.cert_path.clone().expect("HTTPS certificate");
    let output = tokio::task::spawn_blocking(move || {
        soapkit_testkit::python_command()
            .arg(&script)
            .args(["--url", &url, "--user", "zeep"])
            .arg("--ca-cert")
            .arg(&cert)
            .env("UM_PASSWORD", "zeep-password")
            .output()
    })
    .await
    .unwrap()
    .expect("the tests' Python runs");
    server.shutdown().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "zeep_username_token.py failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", output.status);
    assert!(stdout.contains("11 passed, 0 failed"), "unexpected output:\n{stdout}\n{stderr}");
}
