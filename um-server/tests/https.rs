//! End to end over loopback HTTPS: the server as `um-server` runs it (data directory, users
//! file, self-signed certificate, HTTP Basic, both paths), the generated client over soapkit's
//! `HttpTransport` trusting the server's `cert.pem`. Time is a manual clock, so the call
//! lifecycles run without sleeping.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use generated::exchange::messages::{ResponseCodeType, UmCallState, UmEventCause, UmGreetingType};
use generated::exchange::types::{ConnectionFailureCauseType, PhoneCallStateType};
use soapkit::client::{ClientError, TransportError};
use soapkit::http::HttpTransport;
use um_server::calls::Timing;
use um_server::client::{UmClient, UmClientError};
use um_server::clock::ManualClock;
use um_server::server::{AuthMethods, PATHS, RunningServer, ServerConfig, start_with_clock};
use um_server::service::UmConfig;
use um_server::users::{USERS_FILE, add_user};

const S: fn(u64) -> Duration = Duration::from_secs;
const ENTRY_ID: &str = "AAAAAGsd2rbQLVtLobUGbrq/9IUHAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAACxVpE1+KVVL1957wp//x6UAGAetcDUAAA=";
const ITEM_ID: &str = "AkAjzQTbY/i=";

fn config(dir: &Path) -> ServerConfig {
    ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        insecure_http: false,
        um: UmConfig { timing: Timing { ring_delay: S(3), hangup_after: S(60) }, ..UmConfig::default() },
        auth: AuthMethods::default(),
    }
}

async fn start(dir: &Path, clock: &ManualClock) -> RunningServer {
    start_with_clock(config(dir), Arc::new(clock.clone()), std::future::pending()).await.expect("server starts")
}

fn transport(server: &RunningServer, path: &str, credentials: Option<(&str, &str)>) -> HttpTransport {
    let pem = std::fs::read(server.cert_path.as_ref().expect("HTTPS has a certificate")).unwrap();
    let mut b = HttpTransport::builder(server.url(path)).add_root_certificates_pem(&pem).timeout(Some(S(20)));
    if let Some((user, password)) = credentials {
        b = b.basic_auth(user, password);
    }
    b.build().unwrap()
}

fn client(server: &RunningServer, path: &str, user: &str, password: &str) -> UmClient<HttpTransport> {
    UmClient::new(transport(server, path, Some((user, password))))
}

fn http_status(e: &UmClientError) -> Option<u16> {
    match e {
        UmClientError::Soap(ClientError::Http { status, .. }) => Some(*status),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_creates_the_data_directory_and_requires_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    let clock = ManualClock::new();
    let server = start(&data, &clock).await;
    for f in ["users", "cert.pem", "key.pem", "um.sqlite3"] {
        assert!(data.join(f).is_file(), "{f} created");
    }
    let password = server.demo_password.clone().expect("the demo password is reported on first start");
    let users = std::fs::read_to_string(data.join(USERS_FILE)).unwrap();
    assert!(users.contains("demo:$argon2id$") && !users.contains(&password));

    // No credentials, wrong password, unknown user: 401 from the HTTP layer, at both paths.
    for path in PATHS {
        let anonymous = UmClient::new(transport(&server, path, None));
        let e = anonymous.is_um_enabled().await.unwrap_err();
        assert_eq!(http_status(&e), Some(401), "{e}");
        let e = client(&server, path, "demo", "wrong").is_um_enabled().await.unwrap_err();
        assert_eq!(http_status(&e), Some(401), "{e}");
        let e = client(&server, path, "nobody", &password).is_um_enabled().await.unwrap_err();
        assert_eq!(http_status(&e), Some(401), "{e}");
        assert!(client(&server, path, "demo", &password).is_um_enabled().await.unwrap());
    }

    // A client that does not trust the certificate fails the handshake.
    let untrusted = HttpTransport::builder(server.url(PATHS[0])).basic_auth("demo", &password).build().unwrap();
    let e = UmClient::new(untrusted).is_um_enabled().await.unwrap_err();
    assert!(matches!(e, UmClientError::Soap(ClientError::Transport(TransportError::Tls(_)))), "{e}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_at_both_paths_with_full_call_lifecycles() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let server = start(dir.path(), &clock).await;
    add_user(&server.users_path, "alice", "alice-pw", true, None).unwrap();
    for (i, &path) in PATHS.iter().enumerate() {
        let c = client(&server, path, "alice", "alice-pw");
        assert!(c.is_um_enabled().await.unwrap());
        // Other values at each path, so that each path's setters are seen to work.
        let first = i == 0;
        let dial = format!("42555501{i:02}");
        let folder = if first { "AQIDBA==" } else { "BQYHCA==" };
        c.set_oof_status(first).await.unwrap();
        c.set_missed_call_notification_enabled(!first).await.unwrap();
        c.set_play_on_phone_dial_string(&dial).await.unwrap();
        c.set_telephone_access_folder_email(folder).await.unwrap();
        let p = c.get_um_properties().await.unwrap();
        assert_eq!((p.oof_status, p.missed_call_notification_enabled), (first, !first), "{path}");
        assert_eq!(p.play_on_phone_dial_string.as_deref(), Some(dial.as_str()), "{path}");
        assert_eq!(p.telephone_access_folder_email.as_deref(), Some(folder), "{path}");
        c.reset_pin().await.unwrap();

        // PlayOnPhone family: Connecting -> Connected -> Disconnected -> Idle at 32 s.
        let id = c.play_on_phone(ENTRY_ID, "").await.unwrap();
        let greeting = c.play_on_phone_greeting(UmGreetingType::NormalCustom, "5550486").await.unwrap();
        assert_eq!(c.get_call_info(&id).await.unwrap().call_state, UmCallState::Connecting);
        clock.advance(S(3));
        assert_eq!(c.get_call_info(&id).await.unwrap().call_state, UmCallState::Connected);
        let busy = c.get_call_info(&greeting).await.unwrap();
        assert_eq!((busy.call_state, busy.event_cause), (UmCallState::Disconnected, UmEventCause::UserBusy));
        c.disconnect(&id).await.unwrap();
        let info = c.get_call_info(&id).await.unwrap();
        assert_eq!((info.call_state, info.event_cause), (UmCallState::Disconnected, UmEventCause::None));
        clock.advance(S(32));
        assert_eq!(c.get_call_info(&id).await.unwrap_err().fault_code(), Some("InvalidCallIdException"));
        assert_eq!(c.disconnect(&greeting).await.unwrap_err().fault_code(), Some("InvalidCallIdException"));

        // PlayOnPhone2 family, with the EWS headers.
        let (pid, version) = c.play_on_phone2(ITEM_ID, "5555551212").await.unwrap();
        assert_eq!(version.and_then(|v| v.version).as_deref(), Some("Exchange2013"));
        assert_eq!(c.get_phone_call_information(&pid).await.unwrap().phone_call_state, PhoneCallStateType::Connecting);
        clock.advance(S(3));
        assert_eq!(c.get_phone_call_information(&pid).await.unwrap().phone_call_state, PhoneCallStateType::Connected);
        c.disconnect_phone_call(&pid).await.unwrap();
        let info = c.get_phone_call_information(&pid).await.unwrap();
        assert_eq!(
            (info.phone_call_state, info.connection_failure_cause),
            (PhoneCallStateType::Disconnected, ConnectionFailureCauseType::None)
        );
        clock.advance(S(32));
        let e = c.get_phone_call_information(&pid).await.unwrap_err();
        assert_eq!(e.ews().and_then(|e| e.code), Some(ResponseCodeType::ErrorInvalidPhoneCallId), "{e}");

        // The faults and error responses, over the wire.
        assert_eq!(c.play_on_phone("not base64!", "12345").await.unwrap_err().fault_code(), Some("InvalidObjectIdException"));
        assert_eq!(c.play_on_phone(ENTRY_ID, "900").await.unwrap_err().fault_code(), Some("DialingRulesException"));
        let e = c.play_on_phone2("%%", "12345").await.unwrap_err();
        assert_eq!(e.ews().and_then(|e| e.code), Some(ResponseCodeType::ErrorInvalidIdMalformed));
        let e = c.play_on_phone2(ITEM_ID, "12").await.unwrap_err();
        assert_eq!(e.ews().and_then(|e| e.code), Some(ResponseCodeType::ErrorPhoneNumberNotDialable));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_cannot_reach_each_others_calls_or_settings() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let server = start(dir.path(), &clock).await;
    add_user(&server.users_path, "alice", "a", true, None).unwrap();
    add_user(&server.users_path, "bob", "b", true, None).unwrap();
    let alice = client(&server, PATHS[0], "alice", "a");
    let bob = client(&server, PATHS[1], "bob", "b");
    let legacy = alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    let (ews, _) = alice.play_on_phone2(ITEM_ID, "12345").await.unwrap();
    alice.set_oof_status(true).await.unwrap();
    assert_eq!(bob.get_call_info(&legacy).await.unwrap_err().fault_code(), Some("InvalidCallIdException"));
    assert_eq!(bob.disconnect(&legacy).await.unwrap_err().fault_code(), Some("InvalidCallIdException"));
    let e = bob.get_phone_call_information(&ews).await.unwrap_err();
    assert_eq!(e.ews().and_then(|e| e.code), Some(ResponseCodeType::ErrorInvalidPhoneCallId));
    let e = bob.disconnect_phone_call(&ews).await.unwrap_err();
    assert_eq!(e.ews().and_then(|e| e.code), Some(ResponseCodeType::ErrorInvalidPhoneCallId));
    assert!(!bob.get_um_properties().await.unwrap().oof_status);
    clock.advance(S(3));
    assert_eq!(alice.get_call_info(&legacy).await.unwrap().call_state, UmCallState::Connected);
    assert_eq!(alice.get_phone_call_information(&ews).await.unwrap().phone_call_state, PhoneCallStateType::Connected);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_users_and_certificate_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let first = start(dir.path(), &clock).await;
    let password = first.demo_password.clone().unwrap();
    let cert = std::fs::read(first.cert_path.as_ref().unwrap()).unwrap();
    let c = client(&first, PATHS[0], "demo", &password);
    c.set_oof_status(true).await.unwrap();
    c.set_play_on_phone_dial_string("4255550111").await.unwrap();
    c.set_telephone_access_folder_email("AAECAw==").await.unwrap();
    c.set_missed_call_notification_enabled(false).await.unwrap();
    let call = c.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    first.shutdown().await;

    let second = start(dir.path(), &clock).await;
    assert!(second.demo_password.is_none(), "the demo password is shown only once");
    assert_eq!(std::fs::read(second.cert_path.as_ref().unwrap()).unwrap(), cert, "the certificate is reused");
    let c = client(&second, PATHS[1], "demo", &password);
    let p = c.get_um_properties().await.unwrap();
    assert!(p.oof_status && !p.missed_call_notification_enabled);
    assert_eq!(p.play_on_phone_dial_string.as_deref(), Some("4255550111"));
    assert_eq!(p.telephone_access_folder_email.as_deref(), Some("AAECAw=="));
    assert_eq!(c.get_call_info(&call).await.unwrap_err().fault_code(), Some("InvalidCallIdException"));
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_only_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.insecure_http = true;
    let server = start_with_clock(cfg.clone(), Arc::new(ManualClock::new()), std::future::pending()).await.unwrap();
    assert_eq!(server.scheme, "http");
    assert!(server.cert_path.is_none());
    let password = server.demo_password.clone().unwrap();
    let t = HttpTransport::builder(server.url(PATHS[0])).allow_plain_http(true).basic_auth("demo", &password).build().unwrap();
    assert!(UmClient::new(t).is_um_enabled().await.unwrap());
    server.shutdown().await;

    cfg.listen = "0.0.0.0:0".parse().unwrap();
    let e = start_with_clock(cfg, Arc::new(ManualClock::new()), std::future::pending()).await.unwrap_err().to_string();
    assert!(e.contains("refusing --insecure-http on 0.0.0.0:0") && e.contains("loopback"), "{e}");
}

/// A client at `/EWS/Exchange.asmx` sending `token` as its bearer token.
fn bearer(server: &RunningServer, token: String) -> UmClient<HttpTransport> {
    let pem = std::fs::read(server.cert_path.as_ref().unwrap()).unwrap();
    let t = HttpTransport::builder(server.url(PATHS[1]))
        .add_root_certificates_pem(&pem)
        .bearer(soapkit::http::bearer::StaticToken::new(token))
        .build()
        .unwrap();
    UmClient::new(t)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_tokens_it_issued_authenticate_their_user_until_they_expire() {
    use um_server::tokens::TokenKey;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    let clock = ManualClock::new();
    let server = start(&data, &clock).await;
    add_user(&data.join(USERS_FILE), "alice", "alice-password", true, None).unwrap();
    let key = TokenKey::open_or_create(&data).unwrap();
    let now = std::time::SystemTime::now();
    // A valid token is alice's: her settings, not demo's.
    assert!(bearer(&server, key.issue("alice", S(600), now)).is_um_enabled().await.unwrap());
    // Expired, forged, or for a user who is not in the users file: 401.
    for token in [key.issue("alice", S(1), now - S(10)), key.issue("mallory", S(600), now), "v1.x.1.y".to_owned()] {
        let e = bearer(&server, token.clone()).is_um_enabled().await.unwrap_err();
        assert_eq!(http_status(&e), Some(401), "{token}: {e}");
    }
    server.shutdown().await;

    // With --auth basic, a valid token is refused; Basic still works.
    let mut only_basic = config(&data);
    only_basic.auth = AuthMethods { basic: true, bearer: false, username_token: false };
    let server = start_with_clock(only_basic, Arc::new(clock.clone()), std::future::pending()).await.unwrap();
    let e = bearer(&server, key.issue("alice", S(600), now)).is_um_enabled().await.unwrap_err();
    assert_eq!(http_status(&e), Some(401), "{e}");
    assert!(client(&server, PATHS[1], "alice", "alice-password").is_um_enabled().await.unwrap());
    server.shutdown().await;
}

/// The generated client with extra headers on every call and no HTTP credentials: a
/// WS-Security UsernameToken authenticates the user, and a fixed `RequestServerVersion` reaches
/// the server as the operation's typed header (it answers with that version).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_client_with_a_username_token_and_a_fixed_ews_header() {
    use generated::exchange::messages::{GetPhoneCallInformationType, IsUmEnabled};
    use generated::exchange::types::{ExchangeVersionType, PhoneCallIdType, REQUEST_SERVER_VERSION, RequestServerVersion};
    use generated::exchange::um_web_service_soap::{
        GetPhoneCallInformationInput, IsUmEnabledInput, UmWebServiceSoap, UmWebServiceSoapClient,
    };
    use soapkit::client::FixedHeaders;
    use soapkit::wss::UsernameToken;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("um-data");
    let server = start(&data, &ManualClock::new()).await;
    add_user(&data.join(USERS_FILE), "alice", "alice-password", true, None).unwrap();
    let version = RequestServerVersion { version: ExchangeVersionType::Exchange2016, other_attributes: Vec::new() };
    let fixed = FixedHeaders::new().with(REQUEST_SERVER_VERSION.capture(&version).unwrap());
    let client = |password: &str| {
        UmWebServiceSoapClient::new(transport(&server, PATHS[1], None))
            .with_extra_headers((UsernameToken::text("alice", password), fixed.clone()))
    };

    let alice = client("alice-password");
    let enabled = alice.is_um_enabled(IsUmEnabledInput { parameters: IsUmEnabled {} }).await.unwrap();
    assert!(enabled.parameters.is_um_enabled_response);
    let input = GetPhoneCallInformationInput {
        request: GetPhoneCallInformationType { phone_call_id: PhoneCallIdType { id: "no-such-call".into() } },
        impersonation: None,
        mailbox_culture: None,
        request_version: None,
    };
    let out = alice.get_phone_call_information(input.clone()).await.unwrap();
    assert_eq!(out.server_version.and_then(|v| v.version).as_deref(), Some("Exchange2016"));

    // A wrong password: the WS-Security fault, not an HTTP 401.
    match client("wrong").get_phone_call_information(input).await.unwrap_err() {
        ClientError::Fault(f) => assert_eq!(f.code.local, "FailedAuthentication", "{f:?}"),
        other => panic!("expected wsse:FailedAuthentication, got {other}"),
    }
    server.shutdown().await;
}
