//! The [MS-OXWSCEXT] mail app operations of the reference server, end to end over loopback
//! HTTPS as `um-server` runs them: served at `/EWS/Exchange.asmx` beside the Unified
//! Messaging operations (one endpoint, requests routed by Body element), absent from
//! `/EWS/UM2007Legacy.asmx`; app state per user in the SQLite store, surviving a restart.

use std::path::Path;
use std::sync::Arc;

use generated::ews::ResponseMessage;
use generated::exchange::exchange_service_binding::*;
use generated::exchange::messages::{
    DisableAppType, GetAppManifestsType, GetAppMarketplaceUrlType, GetClientAccessTokenType, InstallAppType, IsUmEnabled, ResponseCodeType,
    UninstallAppType,
};
use generated::exchange::types::{
    ClientAccessTokenRequestType, ClientAccessTokenTypeType, DisableReasonType, ExchangeVersionType,
    NonEmptyArrayOfClientAccessTokenRequestsType, RequestServerVersion, ResponseClassType,
};
use generated::exchange::um_web_service_soap::{IsUmEnabledInput, UmWebServiceSoap as _, UmWebServiceSoapClient};
use soapkit::client::ClientError;
use soapkit::http::HttpTransport;
use soapkit::xsd::Base64Binary;
use um_server::apps::{DEFAULT_MARKETPLACE_URL, TOKEN_TTL_MINUTES};
use um_server::clock::ManualClock;
use um_server::server::{AuthMethods, EXCHANGE_PATH, RunningServer, ServerConfig, UM_LEGACY_PATH, start_with_clock};
use um_server::service::UmConfig;
use um_server::users::add_user;

const APP: &str = "1C50226D-04B5-4AB2-9FCD-42E236B59E4B";

fn manifest(id: &str) -> Base64Binary {
    Base64Binary(
        format!(r#"<?xml version="1.0" encoding="utf-8"?><OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"><Id>{id}</Id><Version>1.0</Version></OfficeApp>"#)
            .into_bytes(),
    )
}

async fn start(dir: &Path) -> RunningServer {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        insecure_http: false,
        um: UmConfig::default(),
        auth: AuthMethods::default(),
    };
    start_with_clock(config, Arc::new(ManualClock::new()), std::future::pending()).await.expect("server starts")
}

fn transport(server: &RunningServer, path: &str, user: &str) -> HttpTransport {
    let pem = std::fs::read(server.cert_path.as_ref().unwrap()).unwrap();
    HttpTransport::builder(server.url(path)).add_root_certificates_pem(&pem).basic_auth(user, format!("{user}-password")).build().unwrap()
}

fn apps(server: &RunningServer, user: &str) -> ExchangeServiceBindingClient<HttpTransport> {
    ExchangeServiceBindingClient::new(transport(server, EXCHANGE_PATH, user))
}

fn version() -> Option<RequestServerVersion> {
    Some(RequestServerVersion { version: ExchangeVersionType::Exchange2013, other_attributes: Vec::new() })
}

async fn install(c: &ExchangeServiceBindingClient<HttpTransport>, m: Base64Binary) -> InstallAppOutput {
    c.install_app(InstallAppInput { request: InstallAppType { manifest: m }, request_version: version() }).await.unwrap()
}

async fn manifests(c: &ExchangeServiceBindingClient<HttpTransport>) -> Vec<Vec<u8>> {
    let out = c.get_app_manifests(GetAppManifestsInput { request: GetAppManifestsType {}, request_version: version() }).await.unwrap();
    out.check().unwrap().get_app_manifests_result.manifests.manifest.into_iter().map(|m| m.0).collect()
}

fn error_code<R: ResponseMessage>(r: &R) -> Option<ResponseCodeType> {
    r.ews_error().and_then(|e| e.code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_are_installed_listed_disabled_and_uninstalled_per_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    for u in ["alice", "bob"] {
        add_user(&server.users_path, u, &format!("{u}-password"), true, None).unwrap();
    }
    let alice = apps(&server, "alice");
    let out = install(&alice, manifest(APP)).await;
    assert_eq!(out.install_app_result.response_class, ResponseClassType::Success);
    assert_eq!(out.server_version.as_ref().and_then(|v| v.version.as_deref()), Some("Exchange2013"));
    assert_eq!(manifests(&alice).await, [manifest(APP).0]);
    // Another user's mailbox has its own apps.
    assert!(manifests(&apps(&server, "bob")).await.is_empty());

    // The marketplace URL.
    let url =
        alice.get_app_marketplace_url(GetAppMarketplaceUrlInput { request: GetAppMarketplaceUrlType {}, request_version: version() }).await;
    assert_eq!(url.unwrap().check().unwrap().get_app_marketplace_url_result.app_marketplace_url.as_deref(), Some(DEFAULT_MARKETPLACE_URL));

    // Tokens for an installed app, and an error message for an unknown one, in request order.
    let token_request = |id: &str| ClientAccessTokenRequestType { id: id.into(), token_type: ClientAccessTokenTypeType::CallerIdentity };
    let tokens = |ids: &[&str]| GetClientAccessTokenInput {
        request: GetClientAccessTokenType {
            token_requests: NonEmptyArrayOfClientAccessTokenRequestsType { token_request: ids.iter().map(|i| token_request(i)).collect() },
        },
        request_version: version(),
    };
    let out = alice.get_client_access_token(tokens(&[APP, "nope"])).await.unwrap();
    let messages = out.get_client_access_token_result.response_messages.get_client_access_token_response_message;
    assert_eq!(messages.len(), 2);
    let token = messages[0].token.as_ref().expect("a token");
    assert_eq!(
        (token.id.as_str(), token.token_type, token.ttl.to_string()),
        (APP, ClientAccessTokenTypeType::CallerIdentity, TOKEN_TTL_MINUTES.to_string())
    );
    assert!(token.token_value.len() >= 40, "{}", token.token_value);
    assert_eq!(error_code(&messages[1]), Some(ResponseCodeType::ErrorExtensionNotFound));

    // Disabling keeps the app installed; a disabled app gets no token.
    let disable = |id: &str| DisableAppInput {
        request: DisableAppType { id: id.into(), disable_reason: DisableReasonType::OutlookClientPerformance },
        request_version: version(),
    };
    assert!(alice.disable_app(disable(APP)).await.unwrap().check().is_ok());
    assert_eq!(error_code(&alice.disable_app(disable("nope")).await.unwrap()), Some(ResponseCodeType::ErrorExtensionNotFound));
    assert_eq!(manifests(&alice).await.len(), 1);
    let out = alice.get_client_access_token(tokens(&[APP])).await.unwrap();
    let m = &out.get_client_access_token_result.response_messages.get_client_access_token_response_message[0];
    assert_eq!(error_code(m), Some(ResponseCodeType::ErrorInvalidClientAccessTokenRequest));

    // A manifest that is not one is refused, and nothing is stored.
    let bad = install(&alice, Base64Binary(b"<OfficeApp xmlns=\"htt".to_vec())).await;
    assert_eq!(error_code(&bad), Some(ResponseCodeType::ErrorInvalidRequest));
    assert!(bad.install_app_result.message_text.as_deref().unwrap().starts_with("The manifest is not a mail app manifest"), "{bad:?}");
    assert_eq!(manifests(&alice).await.len(), 1);

    // The state survives a restart.
    server.shutdown().await;
    let server = start(dir.path()).await;
    let alice = apps(&server, "alice");
    assert_eq!(manifests(&alice).await, [manifest(APP).0]);
    let uninstall = |id: &str| UninstallAppInput { request: UninstallAppType { id: id.into() }, request_version: version() };
    assert!(alice.uninstall_app(uninstall(APP)).await.unwrap().check().is_ok());
    assert_eq!(error_code(&alice.uninstall_app(uninstall(APP)).await.unwrap()), Some(ResponseCodeType::ErrorExtensionNotFound));
    assert!(manifests(&alice).await.is_empty());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exchange_path_serves_both_services_and_the_legacy_path_only_unified_messaging() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    add_user(&server.users_path, "alice", "alice-password", true, None).unwrap();
    // One endpoint, two services: each request reaches its own.
    let um = UmWebServiceSoapClient::new(transport(&server, EXCHANGE_PATH, "alice"));
    assert!(um.is_um_enabled(IsUmEnabledInput { parameters: IsUmEnabled {} }).await.unwrap().parameters.is_um_enabled_response);
    assert!(install(&apps(&server, "alice"), manifest(APP)).await.check().is_ok());
    // The legacy path has no mail app operations: the Body matches no operation there, which
    // the Exchange fault policy answers as a schema validation failure ([MS-OXWUMS] 2.2.2.1).
    let legacy = ExchangeServiceBindingClient::new(transport(&server, UM_LEGACY_PATH, "alice"));
    let err =
        legacy.get_app_manifests(GetAppManifestsInput { request: GetAppManifestsType {}, request_version: version() }).await.unwrap_err();
    let ClientError::Fault(fault) = err else { panic!("expected a fault, got {err}") };
    assert_eq!(fault.reason(), "The request failed schema validation.");
    assert_eq!(fault.code.local, "ErrorSchemaValidation");
    let um = UmWebServiceSoapClient::new(transport(&server, UM_LEGACY_PATH, "alice"));
    assert!(um.is_um_enabled(IsUmEnabledInput { parameters: IsUmEnabled {} }).await.is_ok());
    server.shutdown().await;
}
