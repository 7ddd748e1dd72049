//! Crash safety of the `um-server` binary: writes in a loop, `kill -9` at varying moments,
//! restart; every write the server acknowledged must be there after the restart
//! (`UM_CRASH_ROUNDS` rounds, default 12). And a full disk (a 16 MiB tmpfs, filled) and a
//! read-only data directory (the tmpfs remounted read-only): faults and a log line saying
//! why, nothing stored lost, writes again once there is space (or a writable directory).

// Each test uses part of the helper.
#[allow(dead_code)]
mod process;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use process::{ServerProcess, add_user};

const PASSWORD: &str = "crash password";

fn dial_string(n: u64) -> String {
    format!("+1 425 555 {n:06}")
}

/// The counter the stored dial string carries (0 before any was stored: the default is empty).
fn stored(p: &generated::exchange::messages::UmProperties) -> u64 {
    match p.play_on_phone_dial_string.as_deref() {
        None | Some("") => 0,
        Some(d) => d.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("dial string {d:?}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_kill_9_at_varying_moments() {
    let rounds: u64 = std::env::var("UM_CRASH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    add_user(&data, "ada", PASSWORD);
    // The last write acknowledged before a kill, and the one in flight then (which may or may
    // not have been committed: both are correct).
    let mut acknowledged = 0u64;
    let mut kills = Vec::new();
    // A fixed sequence of moments (xorshift), from right after the server listens to 0.6 s.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..=rounds {
        let server = ServerProcess::start(&data);
        let client = server.client("ada", PASSWORD);
        let p = client.get_um_properties().await.unwrap_or_else(|e| panic!("round {round}: reading after the restart: {e}"));
        let found = stored(&p);
        assert!(
            found == acknowledged || found == acknowledged + 1,
            "round {round}: the write of {acknowledged} was acknowledged before the kill, but {found} is stored"
        );
        if round == rounds {
            server.stop();
            break;
        }
        let done = Arc::new(AtomicU64::new(found));
        let writer = {
            let done = done.clone();
            tokio::spawn(async move {
                let mut n = done.load(Ordering::SeqCst);
                loop {
                    n += 1;
                    if client.set_play_on_phone_dial_string(&dial_string(n)).await.is_err() {
                        return;
                    }
                    done.store(n, Ordering::SeqCst);
                }
            })
        };
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let moment = Duration::from_millis(x % 600);
        tokio::time::sleep(moment).await;
        server.kill_9();
        // The writer sees its connection fail and stops.
        tokio::time::timeout(Duration::from_secs(40), writer).await.expect("the writer stops").unwrap();
        acknowledged = done.load(Ordering::SeqCst);
        kills.push((moment.as_millis(), acknowledged));
    }
    println!("crash safety: {rounds} kills (moment in ms, writes acknowledged so far): {kills:?}");
    assert!(acknowledged > rounds, "only {acknowledged} writes in {rounds} rounds: the kills came before any write");
}

/// The name of [`a_full_disk_and_a_read_only_data_directory_are_faults_that_lose_nothing`],
/// for running it again in its own namespaces.
const FULL_DISK_TEST: &str = "a_full_disk_and_a_read_only_data_directory_are_faults_that_lose_nothing";

/// Runs `mount` with `args`.
fn mount(args: &[&str], at: &std::path::Path) {
    let ok = std::process::Command::new("mount").args(args).arg(at).status().unwrap();
    assert!(ok.success(), "mount {args:?} {}", at.display());
}

#[test]
fn a_full_disk_and_a_read_only_data_directory_are_faults_that_lose_nothing() {
    if std::env::var_os("UM_IN_NAMESPACE").is_none() {
        // Mounting a small tmpfs needs a mount namespace: run this test again, alone, in new
        // user and mount namespaces (as root there, and only there; the mount goes with them).
        let out = std::process::Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "--"])
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", FULL_DISK_TEST, "--nocapture", "--test-threads", "1"])
            .env("UM_IN_NAMESPACE", "1")
            .output()
            .expect("unshare (util-linux) runs");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        println!("{stdout}");
        assert!(out.status.success() && stdout.contains("1 passed"), "in its own namespaces: {}\n{stdout}\n{stderr}", out.status);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    mount(&["-t", "tmpfs", "-o", "size=16m", "tmpfs"], dir.path());
    let data = dir.path().join("um-data");
    add_user(&data, "ada", PASSWORD);
    let server = ServerProcess::start(&data);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = server.client("ada", PASSWORD);
        client.set_play_on_phone_dial_string(&dial_string(1)).await.expect("a write with space");
        // Fill the file system.
        let fill = dir.path().join("fill");
        let mut f = std::fs::File::create(&fill).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
        let _ = f.sync_all();
        let e = client.set_play_on_phone_dial_string(&dial_string(2)).await.expect_err("a write on a full disk fails");
        assert_eq!(e.fault_code(), Some("Server"), "{e}");
        assert!(e.to_string().contains("An internal server error occurred"), "{e}");
        // Nothing stored is lost, and reading still works.
        let p = client.get_um_properties().await.expect("reading on a full disk");
        assert_eq!(stored(&p), 1);
        // When space returns, writes work again.
        drop(f);
        std::fs::remove_file(&fill).unwrap();
        client.set_play_on_phone_dial_string(&dial_string(3)).await.expect("a write once space returned");
        assert_eq!(stored(&client.get_um_properties().await.unwrap()), 3);
    });
    let log = server.stop();
    let line = log.lines().find(|l| l.contains("internal error")).unwrap_or_else(|| panic!("no log line for the failed write:\n{log}"));
    assert!(line.contains("disk is full"), "the log line says why: {line}");
    println!("full disk: {line}");

    // A read-only data directory: the server starts, answers reads from what is stored, and
    // refuses changes with the internal error fault, saying why in its log.
    mount(&["-o", "remount,ro"], dir.path());
    let server = ServerProcess::start(&data);
    runtime.block_on(async {
        let client = server.client("ada", PASSWORD);
        assert_eq!(stored(&client.get_um_properties().await.expect("reading a read-only store")), 3);
        let e = client.set_play_on_phone_dial_string(&dial_string(4)).await.expect_err("a write to a read-only store fails");
        assert_eq!(e.fault_code(), Some("Server"), "{e}");
        assert_eq!(stored(&client.get_um_properties().await.unwrap()), 3);
    });
    let log = server.stop();
    let warning = log.lines().find(|l| l.contains("the database is read-only")).unwrap_or_else(|| panic!("no warning at start:\n{log}"));
    let line = log.lines().find(|l| l.contains("internal error")).unwrap_or_else(|| panic!("no log line for the failed write:\n{log}"));
    assert!(line.contains("readonly database"), "the log line says why: {line}");
    println!("read-only: {warning}\nread-only: {line}");

    // Writable again: restarted, the server takes changes, and has lost nothing.
    mount(&["-o", "remount,rw"], dir.path());
    let server = ServerProcess::start(&data);
    runtime.block_on(async {
        let client = server.client("ada", PASSWORD);
        assert_eq!(stored(&client.get_um_properties().await.unwrap()), 3);
        client.set_play_on_phone_dial_string(&dial_string(5)).await.expect("a write once writable again");
        assert_eq!(stored(&client.get_um_properties().await.unwrap()), 5);
    });
    server.stop();
}
