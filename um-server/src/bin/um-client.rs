//! `um-client`: drives an MS-OXWUMS server from the command line through the generated client
//! (over soapkit's HTTPS transport). Run `um-client --help`.

use std::process::ExitCode;
use std::time::Duration;

use generated::exchange::messages::UmGreetingType;
use soapkit::http::HttpTransport;
use um_server::client::{UmClient, UmClientError};

const USAGE: &str = "\
um-client: call an MS-OXWUMS (Voice Mail Settings) server

USAGE:
    um-client [CONNECTION] COMMAND [ARGS]

CONNECTION (each also from the environment variable shown):
    --url URL          endpoint (UM_URL; default https://127.0.0.1:8443/EWS/Exchange.asmx)
    --user NAME        user name (UM_USER; default demo)
    --password PW      password (UM_PASSWORD; prefer the variable: arguments are visible to others)
    --ca-cert PEM      trust this certificate, e.g. the server's DATA/cert.pem (UM_CA_CERT)
    --insecure-http    allow an http:// URL (loopback servers started with --insecure-http)
    --timeout SECS     per-request timeout (default 30)

COMMANDS:
    enabled                                  IsUMEnabled
    props                                    GetUMProperties
    set-oof on|off                           SetOofStatus
    set-missed-calls on|off                  SetMissedCallNotificationEnabled
    set-dial-string NUMBER                   SetPlayOnPhoneDialString (\"\" clears it)
    set-folder BASE64                        SetTelephoneAccessFolderEmail
    reset-pin                                ResetPIN (the server mails the new PIN)
    play-on-phone2 --item ID --dial NUMBER   PlayOnPhone2: prints the phone call id
    status ID                                GetPhoneCallInformation of a PlayOnPhone2 call
    disconnect ID                            DisconnectPhoneCall of a PlayOnPhone2 call
    call --item ID --dial NUMBER [--hold SECS]
                                             a whole PlayOnPhone2 call: place it, poll its status
                                             until it is answered (or fails), keep it SECS
                                             (default 5), disconnect, show the final state
    play-on-phone --entry ID [--dial NUMBER] PlayOnPhone (no --dial: the stored default)
    play-greeting --greeting normal|oof [--dial NUMBER]
                                             PlayOnPhoneGreeting
    call-info ID                             GetCallInfo of a PlayOnPhone/PlayOnPhoneGreeting call
    hang-up ID                               Disconnect of a PlayOnPhone/PlayOnPhoneGreeting call

Exit status: 0 success, 1 the server refused (SOAP fault or EWS error, printed), 2 usage or
connection problems.
";

enum Failure {
    Usage(String),
    Refused(String),
    Other(String),
}

impl From<UmClientError> for Failure {
    fn from(e: UmClientError) -> Self {
        match &e {
            UmClientError::Ews(_) => Failure::Refused(e.to_string()),
            UmClientError::Soap(c) if c.fault().is_some() => Failure::Refused(e.to_string()),
            _ => Failure::Other(e.to_string()),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

struct Connection {
    url: String,
    user: String,
    password: Option<String>,
    ca_cert: Option<String>,
    insecure_http: bool,
    timeout: Duration,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("um-client: {m}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Refused(m)) => {
            eprintln!("um-client: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Other(m)) => {
            eprintln!("um-client: error: {m}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let mut conn = Connection {
        url: env("UM_URL").unwrap_or_else(|| "https://127.0.0.1:8443/EWS/Exchange.asmx".to_owned()),
        user: env("UM_USER").unwrap_or_else(|| "demo".to_owned()),
        password: env("UM_PASSWORD"),
        ca_cert: env("UM_CA_CERT"),
        insecure_http: false,
        timeout: Duration::from_secs(30),
    };
    let mut it = args.iter();
    let mut command: Vec<String> = Vec::new();
    let need = |it: &mut std::slice::Iter<'_, String>, name: &str| {
        it.next().cloned().ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            "--url" => conn.url = need(&mut it, a)?,
            "--user" => conn.user = need(&mut it, a)?,
            "--password" => conn.password = Some(need(&mut it, a)?),
            "--ca-cert" => conn.ca_cert = Some(need(&mut it, a)?),
            "--insecure-http" => conn.insecure_http = true,
            "--timeout" => {
                let v = need(&mut it, a)?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0 && *s < 86_400.0)
                    .ok_or_else(|| Failure::Usage(format!("--timeout: {v:?}")))?;
                conn.timeout = Duration::from_secs_f64(secs);
            }
            _ => {
                command.push(a.clone());
                command.extend(it.by_ref().cloned());
            }
        }
    }
    let Some((cmd, rest)) = command.split_first() else { return Err(Failure::Usage("no command given".into())) };
    let password = conn.password.clone().ok_or_else(|| Failure::Usage("no password: set UM_PASSWORD or pass --password".into()))?;
    let mut builder = HttpTransport::builder(conn.url.clone())
        .basic_auth(conn.user.clone(), password)
        .allow_plain_http(conn.insecure_http)
        .timeout(Some(conn.timeout));
    if let Some(path) = &conn.ca_cert {
        let pem = std::fs::read(path).map_err(|e| Failure::Other(format!("cannot read --ca-cert {path}: {e}")))?;
        builder = builder.add_root_certificates_pem(&pem);
    }
    let transport = builder.build().map_err(|e| Failure::Other(e.to_string()))?;
    let client = UmClient::new(transport);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Failure::Other(e.to_string()))?;
    runtime.block_on(command_run(&client, cmd, rest))
}

/// `--name value` options and positional arguments of a command.
struct Opts {
    named: Vec<(String, String)>,
    positional: Vec<String>,
}

fn opts(rest: &[String], names: &[&str]) -> Result<Opts, Failure> {
    let mut o = Opts { named: Vec::new(), positional: Vec::new() };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| Failure::Usage(format!("{a} needs a value")))?;
            o.named.push((a.clone(), v.clone()));
        } else if a.starts_with("--") {
            return Err(Failure::Usage(format!("unknown option {a}")));
        } else {
            o.positional.push(a.clone());
        }
    }
    Ok(o)
}

impl Opts {
    fn get(&self, name: &str) -> Option<&str> {
        self.named.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn require(&self, name: &str) -> Result<&str, Failure> {
        self.get(name).ok_or_else(|| Failure::Usage(format!("{name} is required")))
    }
    fn one(&self, what: &str) -> Result<&str, Failure> {
        match self.positional.as_slice() {
            [v] => Ok(v),
            _ => Err(Failure::Usage(format!("expected one {what}"))),
        }
    }
    fn none(&self) -> Result<(), Failure> {
        match self.positional.first() {
            None => Ok(()),
            Some(v) => Err(Failure::Usage(format!("unexpected argument {v:?}"))),
        }
    }
}

fn on_off(v: &str) -> Result<bool, Failure> {
    match v {
        "on" | "true" | "1" => Ok(true),
        "off" | "false" | "0" => Ok(false),
        _ => Err(Failure::Usage(format!("expected on or off, not {v:?}"))),
    }
}

fn show_info(i: &generated::exchange::types::PhoneCallInformationType) -> String {
    format!("state={} cause={}", i.phone_call_state.as_str(), i.connection_failure_cause.as_str())
}

async fn command_run<T: soapkit::client::Transport>(c: &UmClient<T>, cmd: &str, rest: &[String]) -> Result<(), Failure> {
    match cmd {
        "enabled" => {
            opts(rest, &[])?.none()?;
            println!("{}", c.is_um_enabled().await?);
        }
        "props" => {
            opts(rest, &[])?.none()?;
            let p = c.get_um_properties().await?;
            println!("OofStatus: {}", p.oof_status);
            println!("MissedCallNotificationEnabled: {}", p.missed_call_notification_enabled);
            println!("PlayOnPhoneDialString: {}", p.play_on_phone_dial_string.unwrap_or_default());
            println!("TelephoneAccessNumbers: {}", p.telephone_access_numbers.as_deref().unwrap_or("(none)"));
            println!("TelephoneAccessFolderEmail: {}", p.telephone_access_folder_email.unwrap_or_default());
        }
        "set-oof" => c.set_oof_status(on_off(opts(rest, &[])?.one("on|off")?)?).await?,
        "set-missed-calls" => c.set_missed_call_notification_enabled(on_off(opts(rest, &[])?.one("on|off")?)?).await?,
        "set-dial-string" => c.set_play_on_phone_dial_string(opts(rest, &[])?.one("NUMBER")?).await?,
        "set-folder" => c.set_telephone_access_folder_email(opts(rest, &[])?.one("BASE64")?).await?,
        "reset-pin" => {
            opts(rest, &[])?.none()?;
            c.reset_pin().await?;
            println!("PIN reset; the new PIN was mailed to the mailbox owner");
        }
        "play-on-phone2" => {
            let o = opts(rest, &["--item", "--dial"])?;
            o.none()?;
            let (id, _) = c.play_on_phone2(o.require("--item")?, o.require("--dial")?).await?;
            println!("{id}");
        }
        "status" => println!("{}", show_info(&c.get_phone_call_information(opts(rest, &[])?.one("ID")?).await?)),
        "disconnect" => {
            c.disconnect_phone_call(opts(rest, &[])?.one("ID")?).await?;
            println!("disconnected");
        }
        "call" => {
            let o = opts(rest, &["--item", "--dial", "--hold"])?;
            o.none()?;
            let hold = match o.get("--hold") {
                None => Duration::from_secs(5),
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| (0.0..3600.0).contains(s))
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| Failure::Usage(format!("--hold: {v:?}")))?,
            };
            let (id, _) = c.play_on_phone2(o.require("--item")?, o.require("--dial")?).await?;
            println!("call {id}");
            let mut last = String::new();
            for _ in 0..120 {
                let info = c.get_phone_call_information(&id).await?;
                let shown = show_info(&info);
                if shown != last {
                    println!("{shown}");
                    last = shown;
                }
                match info.phone_call_state {
                    generated::exchange::types::PhoneCallStateType::Connecting => tokio::time::sleep(Duration::from_millis(500)).await,
                    generated::exchange::types::PhoneCallStateType::Disconnected => return Ok(()),
                    _ => break,
                }
            }
            tokio::time::sleep(hold).await;
            c.disconnect_phone_call(&id).await?;
            println!("{}", show_info(&c.get_phone_call_information(&id).await?));
        }
        "play-on-phone" => {
            let o = opts(rest, &["--entry", "--dial"])?;
            o.none()?;
            println!("{}", c.play_on_phone(o.require("--entry")?, o.get("--dial").unwrap_or("")).await?);
        }
        "play-greeting" => {
            let o = opts(rest, &["--greeting", "--dial"])?;
            o.none()?;
            let greeting = match o.require("--greeting")? {
                "normal" | "NormalCustom" => UmGreetingType::NormalCustom,
                "oof" | "OofCustom" => UmGreetingType::OofCustom,
                g => return Err(Failure::Usage(format!("--greeting: expected normal or oof, not {g:?}"))),
            };
            println!("{}", c.play_on_phone_greeting(greeting, o.get("--dial").unwrap_or("")).await?);
        }
        "call-info" => {
            let i = c.get_call_info(opts(rest, &[])?.one("ID")?).await?;
            println!("state={} cause={}", i.call_state.as_str(), i.event_cause.as_str());
        }
        "hang-up" => {
            c.disconnect(opts(rest, &[])?.one("ID")?).await?;
            println!("disconnected");
        }
        other => return Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
    Ok(())
}
