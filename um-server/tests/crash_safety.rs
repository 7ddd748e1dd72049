//! Crash safety of the `um-server` binary: writes in a loop, `kill -9` at varying moments,
//! restart; every write the server acknowledged must be there after the restart
//! (`UM_CRASH_ROUNDS` rounds, default 12).

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
