//! `um-server`: the reference MS-OXWUMS Unified Messaging server.
//!
//! ```text
//! um-server [--listen ADDR] [--data DIR] [--insecure-http] [--ring-delay SECS]
//!           [--hangup-after SECS] [--access-numbers LIST] [--max-calls N] [--verbose]
//! um-server add-user NAME --password-stdin [--data DIR] [--um-disabled] [--email ADDR]
//! um-server token NAME [--data DIR] [--ttl SECS]
//! ```

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use um_server::server::{self, AuthMethods, DEFAULT_DATA_DIR, DEFAULT_LISTEN, PATHS, ServerConfig};
use um_server::service::UmConfig;
use um_server::tokens::{MAX_TTL, TokenKey};
use um_server::users::{Directory as _, USERS_FILE, UserDb, add_user};

const USAGE: &str = "\
um-server: reference MS-OXWUMS (Voice Mail Settings Web Service) server

USAGE:
    um-server [OPTIONS]
    um-server add-user NAME --password-stdin [--data DIR] [--um-disabled] [--email ADDR]
    um-server token NAME [--data DIR] [--ttl SECS]   print a bearer token for NAME (default 3600 s)

OPTIONS:
    --listen ADDR          address to listen on (default 127.0.0.1:8443)
    --data DIR             data directory: users file, certificate, database (default ./um-data)
    --insecure-http        serve plain HTTP instead of HTTPS (loopback addresses only)
    --ring-delay SECS      seconds until the simulated callee answers (default 3)
    --hangup-after SECS    seconds the callee stays on the line after answering (default 120)
    --access-numbers LIST  TelephoneAccessNumbers, comma-separated; \"\" for none (default +14255550100)
    --max-calls N          calls a user may have that are not Idle (default 16)
    --auth LIST            credentials accepted: basic, bearer, usernametoken (default all three)
    --verbose              also log the HTTP layer's own line per request
    -h, --help             this help

The service answers at /EWS/UM2007Legacy.asmx and /EWS/Exchange.asmx. See um-server/README.md.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("add-user") => add_user_command(&args[1..]),
        Some("token") => token_command(&args[1..]),
        _ => serve_command(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("um-server: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Arguments as `--name value` pairs and flags.
struct Args<'a> {
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Args<'a> {
    fn value(&mut self, name: &str) -> Result<&'a str, String> {
        self.rest.next().map(String::as_str).ok_or_else(|| format!("{name} needs a value"))
    }
}

fn seconds(name: &str, v: &str) -> Result<Duration, String> {
    let n: f64 = v.parse().map_err(|_| format!("{name}: {v:?} is not a number of seconds"))?;
    if !(0.0..=86_400.0).contains(&n) {
        return Err(format!("{name}: {v} is out of range (0 to 86400)"));
    }
    Ok(Duration::from_secs_f64(n))
}

fn serve_command(argv: &[String]) -> Result<(), String> {
    let mut listen = DEFAULT_LISTEN.to_owned();
    let mut data = PathBuf::from(DEFAULT_DATA_DIR);
    let mut insecure = false;
    let mut verbose = false;
    let mut um = UmConfig::default();
    let mut auth = AuthMethods::default();
    let mut args = Args { rest: argv.iter() };
    while let Some(a) = args.rest.next() {
        match a.as_str() {
            "--listen" => listen = args.value(a)?.to_owned(),
            "--data" => data = PathBuf::from(args.value(a)?),
            "--insecure-http" => insecure = true,
            "--verbose" => verbose = true,
            "--auth" => auth = AuthMethods::parse(args.value(a)?)?,
            "--ring-delay" => um.timing.ring_delay = seconds(a, args.value(a)?)?,
            "--hangup-after" => um.timing.hangup_after = seconds(a, args.value(a)?)?,
            "--access-numbers" => {
                let v = args.value(a)?.trim();
                um.telephone_access_numbers = (!v.is_empty()).then(|| v.to_owned());
            }
            "--max-calls" => {
                let v = args.value(a)?;
                um.max_calls_per_user =
                    v.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("--max-calls: {v:?} is not a positive number"))?;
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    let listen = server::parse_listen(&listen).map_err(|e| e.to_string())?;
    if insecure {
        server::check_insecure_http(listen).map_err(|e| e.to_string())?;
    }
    init_logging(verbose);
    let config = ServerConfig { listen, data_dir: data, insecure_http: insecure, um, auth };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let running = server::start(config, shutdown_signal()).await.map_err(|e| e.to_string())?;
        if let Some(pw) = &running.demo_password {
            println!("Created {} with user 'demo', password: {pw}", running.users_path.display());
            println!("(shown once; add users with: um-server add-user NAME --password-stdin --data DIR)");
        }
        if let Some(cert) = &running.cert_path {
            println!("TLS certificate (trust it in clients, e.g. um-client --ca-cert): {}", cert.display());
        } else {
            println!("WARNING: plain HTTP (--insecure-http); MS-OXWUMS requires HTTPS outside tests");
        }
        for p in PATHS {
            println!("Listening on {}", running.url(p));
        }
        running.wait().await;
        println!("um-server stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}

fn init_logging(verbose: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    // The HTTP layer logs its own line per request; by default only ours (with the operation
    // and outcome) is shown.
    let http_level = if verbose { LevelFilter::INFO } else { LevelFilter::WARN };
    let filter = Targets::new().with_default(LevelFilter::INFO).with_target("soapkit::http::server", http_level);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    let _ = tracing_subscriber::registry().with(fmt).with(filter).try_init();
}

/// `um-server token NAME`: prints a bearer token for a user of the users file.
fn token_command(argv: &[String]) -> Result<(), String> {
    let mut name: Option<&str> = None;
    let mut data = PathBuf::from(DEFAULT_DATA_DIR);
    let mut ttl = Duration::from_secs(3600);
    let mut args = Args { rest: argv.iter() };
    while let Some(a) = args.rest.next() {
        match a.as_str() {
            "--data" => data = PathBuf::from(args.value(a)?),
            "--ttl" => {
                let v = args.value(a)?;
                let secs: u64 = v.parse().map_err(|_| format!("--ttl: {v:?} is not a number of seconds"))?;
                ttl = Duration::from_secs(secs);
                if ttl.is_zero() || ttl > MAX_TTL {
                    return Err(format!("--ttl: {secs} is out of range (1 to {})", MAX_TTL.as_secs()));
                }
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            s if s.starts_with('-') => return Err(format!("unknown argument {s:?} for token")),
            s if name.is_none() => name = Some(s),
            s => return Err(format!("unexpected argument {s:?}: token takes one NAME")),
        }
    }
    let name = name.ok_or("token needs a NAME")?;
    let users = UserDb::open(&data.join(USERS_FILE)).map_err(|e| e.to_string())?;
    if users.user(name).is_none() {
        return Err(format!("{name} is not in {}", data.join(USERS_FILE).display()));
    }
    let key = TokenKey::open_or_create(&data)?;
    println!("{}", key.issue(name, ttl, std::time::SystemTime::now()));
    Ok(())
}

fn add_user_command(argv: &[String]) -> Result<(), String> {
    let mut name: Option<&str> = None;
    let mut data = PathBuf::from(DEFAULT_DATA_DIR);
    let mut from_stdin = false;
    let mut um_enabled = true;
    let mut email: Option<String> = None;
    let mut args = Args { rest: argv.iter() };
    while let Some(a) = args.rest.next() {
        match a.as_str() {
            "--data" => data = PathBuf::from(args.value(a)?),
            "--password-stdin" => from_stdin = true,
            "--um-disabled" => um_enabled = false,
            "--email" => email = Some(args.value(a)?.to_owned()),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            s if s.starts_with('-') => return Err(format!("unknown argument {s:?} for add-user")),
            s if name.is_none() => name = Some(s),
            s => return Err(format!("unexpected argument {s:?}: add-user takes one NAME")),
        }
    }
    let name = name.ok_or("add-user needs a NAME")?;
    if !from_stdin {
        return Err("add-user reads the password from standard input: pass --password-stdin".into());
    }
    let mut input = String::new();
    std::io::stdin().take(4096).read_to_string(&mut input).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    // One line: the password, without its line ending.
    let password = input.lines().next().unwrap_or("").to_owned();
    server::create_data_dir(&data).map_err(|e| e.to_string())?;
    let path = data.join(USERS_FILE);
    add_user(&path, name, &password, um_enabled, email.as_deref()).map_err(|e| e.to_string())?;
    println!("Added user {name} to {}", path.display());
    Ok(())
}
