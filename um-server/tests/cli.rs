//! The `um-server` and `um-client` binaries as a user runs them.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

// Each test uses part of the helper.
#[allow(dead_code)]
mod process;

use process::{SERVER, run_add_user as add_user};

const CLIENT: &str = env!("CARGO_BIN_EXE_um-client");

#[test]
fn insecure_http_is_refused_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(SERVER).args(["--listen", "0.0.0.0:0", "--insecure-http", "--data"]).arg(dir.path().join("d")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing --insecure-http on 0.0.0.0:0") && err.contains("loopback"), "{err}");
    assert!(!dir.path().join("d").exists(), "nothing created");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = Command::new(SERVER).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument \"--bogus\""));
    let out = Command::new(SERVER).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("add-user NAME --password-stdin"));
}

#[test]
fn add_user_reads_the_password_from_stdin_and_hashes_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    let out = add_user(&data, "bob", "s3cret pass");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let users = std::fs::read_to_string(data.join("users")).unwrap();
    assert!(users.contains("\nbob:$argon2id$"), "{users}");
    assert!(!users.contains("s3cret"));
    assert!(!users.contains("demo:"), "add-user does not create the demo user");
    let again = add_user(&data, "bob", "x");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let out = Command::new(SERVER).args(["add-user", "carol", "--data"]).arg(&data).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the password must come from stdin");
}

#[test]
fn token_prints_a_bearer_token_of_a_known_user() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    assert!(add_user(&data, "bob", "pw").status.success());
    let out = Command::new(SERVER).args(["token", "bob", "--ttl", "120", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap();
    let key = um_server::tokens::TokenKey::open_or_create(&data).unwrap();
    assert_eq!(key.verify(token.trim(), std::time::SystemTime::now()), Ok("bob".to_owned()));
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(121);
    assert!(key.verify(token.trim(), later).is_err(), "expires after --ttl");
    for (args, message) in [
        (vec!["token", "nobody"], "nobody is not in"),
        (vec!["token", "bob", "--ttl", "0"], "--ttl: 0 is out of range"),
        (vec!["token"], "token needs a NAME"),
    ] {
        let out = Command::new(SERVER).args(&args).arg("--data").arg(&data).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(message), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn server_and_client_binaries_run_a_whole_call() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    let mut server = Command::new(SERVER)
        .args(["--listen", "127.0.0.1:0", "--ring-delay", "0.2", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let (mut password, mut url, mut cert) = (None, None, None);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(p) = line.split("password: ").nth(1) {
            password = Some(p.trim().to_owned());
        } else if let Some(c) = line.split("um-client --ca-cert): ").nth(1) {
            cert = Some(c.trim().to_owned());
        } else if let Some(u) = line.strip_prefix("Listening on ").filter(|u| u.ends_with("/EWS/Exchange.asmx")) {
            url = Some(u.to_owned());
            break;
        }
    }
    let (password, url, cert) = (password.expect("demo password printed"), url.expect("URL printed"), cert.expect("certificate printed"));
    assert!(url.starts_with("https://127.0.0.1:"));
    let client = |args: &[&str]| {
        Command::new(CLIENT)
            .args(["--url", &url, "--ca-cert", &cert, "--user", "demo"])
            .args(args)
            .env("UM_PASSWORD", &password)
            .env_remove("UM_URL")
            .output()
            .unwrap()
    };
    let out = client(&["call", "--item", "AkAjzQTbY/i=", "--dial", "+1 425 555 0100", "--hold", "0"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("state=Connecting cause=None") || stdout.contains("state=Connected cause=None"), "{stdout}");
    assert!(stdout.trim_end().ends_with("state=Disconnected cause=None"), "{stdout}");
    let out = client(&["set-oof", "on"]);
    assert!(out.status.success());
    let out = client(&["props"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("OofStatus: true"));
    let out = client(&["status", "no-such-call"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ErrorInvalidPhoneCallId"));
    let out = Command::new(CLIENT)
        .args(["--url", &url, "--ca-cert", &cert, "--user", "demo", "--password", "wrong", "enabled"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 401"));

    // SIGTERM: graceful shutdown.
    let killed = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = server.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(rest.iter().any(|l| l == "um-server stopped"), "{rest:?}");
    let mut log = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("user=demo operation=PlayOnPhone2 outcome=ok"), "{log}");
    assert!(log.contains("operation=GetPhoneCallInformation outcome=error ErrorInvalidPhoneCallId"), "{log}");
    assert!(log.contains("outcome=unauthorized"), "{log}");
}
