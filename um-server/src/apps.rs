//! The six operations of [MS-OXWSCEXT] (mail apps) for the authenticated user, beside the
//! Unified Messaging operations on `/EWS/Exchange.asmx`.
//!
//! A mailbox's apps live in the [`Store`], per user, committed before the response is sent:
//!
//! - `InstallApp` takes an app manifest (an `OfficeApp` XML document, whose `Id` child names
//!   the app) and installs it, enabled; installing an installed app replaces its manifest and
//!   enables it again. A manifest that is not such a document is refused with
//!   `ErrorInvalidRequest` (nothing is stored).
//! - `GetAppManifests` returns the manifests of the installed apps, in installation order.
//! - `DisableApp` records the reason; `UninstallApp` removes the app. Both answer
//!   `ErrorExtensionNotFound` for an ID that is not installed.
//! - `GetClientAccessToken` answers each token request with a token for an installed,
//!   enabled app, `ErrorInvalidClientAccessTokenRequest` for a disabled one and
//!   `ErrorExtensionNotFound` for an unknown one.
//! - `GetAppMarketplaceUrl` returns the configured marketplace URL.
//!
//! [MS-OXWSCEXT] section 3 defines no fault: every error is a `ResponseClass="Error"`
//! response ([`generated::ews`]). A request without a known user gets `ErrorAccessDenied`.

use std::sync::Arc;

use base64::Engine as _;
use generated::ews::{EwsError, ResponseMessage};
use generated::exchange::exchange_service_binding::*;
use generated::exchange::messages::{
    ArrayOfAppManifestsType, ArrayOfResponseMessagesType, DisableAppResponseType, GetAppManifestsResponseType,
    GetAppMarketplaceUrlResponseMessageType, GetClientAccessTokenResponseMessageType, GetClientAccessTokenResponseType,
    InstallAppResponseType, ResponseCodeType, UninstallAppResponseType,
};
use generated::exchange::types::{ClientAccessTokenType, RequestServerVersion, ResponseClassType, ServerVersionInfo};
use soapkit::server::RequestContext;
use soapkit::soap::Fault;
use soapkit::xml::{AnyElement, NsTable, Reader};
use soapkit::xsd::{Base64Binary, Integer};

use crate::clock::Clock;
use crate::logging;
use crate::store::{Store, StoreError};
use crate::users::Directory;

/// `AppMarketplaceUrl` unless configured otherwise.
pub const DEFAULT_MARKETPLACE_URL: &str = "https://appsource.microsoft.com/marketplace/apps?product=office%3Boutlook";
/// Time to live of a client access token, in minutes (the `TTL` of a token).
pub const TOKEN_TTL_MINUTES: u32 = 480;
/// `ServerVersionInfo/@Version` of the responses: the version of [MS-OXWSCEXT].
pub const SERVER_VERSION: &str = "Exchange2013";
/// `MessageText` of `ErrorAccessDenied`.
pub const ACCESS_DENIED_TEXT: &str = "Access is denied. Check credentials and try again.";

/// The mail apps service: implements [`ExchangeServiceBindingServer`].
pub struct AppsService {
    clock: Arc<dyn Clock>,
    store: Arc<Store>,
    directory: Arc<dyn Directory>,
    marketplace_url: String,
}

impl std::fmt::Debug for AppsService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppsService").field("marketplace_url", &self.marketplace_url).finish_non_exhaustive()
    }
}

/// The `Id` of an app manifest: the text of the `Id` child of its `OfficeApp` root (in the
/// manifest namespace or none), or why the bytes are not a manifest.
pub fn manifest_id(manifest: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(manifest).map_err(|e| format!("it is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader::new(text, NsTable::STANDARD);
    let root = r.root().map_err(|e| format!("it is not well-formed XML: {e}"))?;
    if root.local() != "OfficeApp" {
        return Err(format!("its root element is <{}>, not <OfficeApp>", root.name()));
    }
    let doc = AnyElement::decode(&mut r, &root).map_err(|e| format!("it is not well-formed XML: {e}"))?;
    let ns = doc.ns.clone();
    let id = doc.child(&ns, "Id").map(|e| e.text()).ok_or("it has no Id element")?;
    let id = id.trim();
    if id.is_empty() { Err("its Id is empty".to_owned()) } else { Ok(id.to_owned()) }
}

fn server_version(_requested: Option<&RequestServerVersion>) -> ServerVersionInfo {
    ServerVersionInfo {
        major_version: Some(15),
        minor_version: Some(0),
        major_build_number: Some(847),
        minor_build_number: Some(32),
        version: Some(SERVER_VERSION.to_owned()),
    }
}

fn success<T: ResponseMessage>(f: impl FnOnce(ResponseClassType, Option<ResponseCodeType>) -> T) -> T {
    f(ResponseClassType::Success, Some(ResponseCodeType::NoError))
}

fn internal(e: &StoreError) -> EwsError {
    tracing::error!(error = %e, "internal error");
    EwsError::new(ResponseCodeType::ErrorInternalServerError, "An internal server error occurred. The operation failed.")
}

fn noted<T: ResponseMessage>(operation: &'static str, response: T) -> T {
    let outcome = match response.ews_error() {
        Some(e) => format!("error {}", e.code_str()),
        None => "ok".to_owned(),
    };
    logging::note(operation, outcome);
    response
}

impl AppsService {
    /// A service over `store` and `directory`, with time from `clock`.
    pub fn new(clock: Arc<dyn Clock>, store: Arc<Store>, directory: Arc<dyn Directory>) -> Self {
        AppsService { clock, store, directory, marketplace_url: DEFAULT_MARKETPLACE_URL.to_owned() }
    }

    /// The same service answering `GetAppMarketplaceUrl` with `url`.
    #[must_use]
    pub fn with_marketplace_url(mut self, url: impl Into<String>) -> Self {
        self.marketplace_url = url.into();
        self
    }

    fn user(&self, ctx: &RequestContext) -> Result<String, EwsError> {
        let name = ctx.user.as_deref().ok_or_else(|| EwsError::new(ResponseCodeType::ErrorAccessDenied, ACCESS_DENIED_TEXT))?;
        self.directory.user(name).map(|u| u.name).ok_or_else(|| EwsError::new(ResponseCodeType::ErrorAccessDenied, ACCESS_DENIED_TEXT))
    }

    async fn db<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static) -> Result<T, EwsError> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r.map_err(|e| internal(&e)),
            Err(e) => Err(internal(&StoreError::other(format!("storage task failed: {e}")))),
        }
    }

    async fn install(&self, ctx: &RequestContext, manifest: Vec<u8>) -> Result<InstallAppResponseType, EwsError> {
        let user = self.user(ctx)?;
        let id = manifest_id(&manifest).map_err(|why| {
            EwsError::new(ResponseCodeType::ErrorInvalidRequest, format!("The manifest is not a mail app manifest: {why}."))
        })?;
        let now = self.clock.unix_time();
        self.db(move |s| s.install_app(&user, &id, &manifest, now)).await?;
        Ok(success(|response_class, response_code| InstallAppResponseType {
            response_class,
            response_code,
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
        }))
    }

    async fn manifests(&self, ctx: &RequestContext) -> Result<GetAppManifestsResponseType, EwsError> {
        let user = self.user(ctx)?;
        let apps = self.db(move |s| s.apps(&user)).await?;
        Ok(success(|response_class, response_code| GetAppManifestsResponseType {
            response_class,
            response_code,
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
            manifests: ArrayOfAppManifestsType { manifest: apps.into_iter().map(|a| Base64Binary(a.manifest)).collect() },
        }))
    }

    async fn disable(&self, ctx: &RequestContext, id: String, reason: &'static str) -> Result<DisableAppResponseType, EwsError> {
        let user = self.user(ctx)?;
        let shown = id.clone();
        if !self.db(move |s| s.disable_app(&user, &id, reason)).await? {
            return Err(EwsError::extension_not_found(&shown));
        }
        Ok(success(|response_class, response_code| DisableAppResponseType {
            response_class,
            response_code,
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
        }))
    }

    async fn uninstall(&self, ctx: &RequestContext, id: String) -> Result<UninstallAppResponseType, EwsError> {
        let user = self.user(ctx)?;
        let shown = id.clone();
        if !self.db(move |s| s.uninstall_app(&user, &id)).await? {
            return Err(EwsError::extension_not_found(&shown));
        }
        Ok(success(|response_class, response_code| UninstallAppResponseType {
            response_class,
            response_code,
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
        }))
    }

    async fn tokens(
        &self,
        ctx: &RequestContext,
        input: GetClientAccessTokenInput,
    ) -> Result<Vec<GetClientAccessTokenResponseMessageType>, EwsError> {
        let user = self.user(ctx)?;
        let apps = self.db(move |s| s.apps(&user)).await?;
        let mut out = Vec::new();
        for request in input.request.token_requests.token_request {
            let message = match apps.iter().find(|a| a.id == request.id) {
                None => GetClientAccessTokenResponseMessageType::error(EwsError::extension_not_found(&request.id)),
                Some(app) if app.disable_reason.is_some() => GetClientAccessTokenResponseMessageType::error(EwsError::new(
                    ResponseCodeType::ErrorInvalidClientAccessTokenRequest,
                    format!("The app '{}' is disabled.", app.id),
                )),
                Some(app) => {
                    let mut bytes = [0u8; 32];
                    getrandom::fill(&mut bytes).map_err(|e| internal(&StoreError::other(format!("no randomness: {e}"))))?;
                    let token = ClientAccessTokenType {
                        id: app.id.clone(),
                        token_type: request.token_type,
                        token_value: base64::engine::general_purpose::STANDARD.encode(bytes),
                        ttl: Integer::from(i64::from(TOKEN_TTL_MINUTES)),
                    };
                    success(|response_class, response_code| GetClientAccessTokenResponseMessageType {
                        response_class,
                        response_code,
                        message_text: None,
                        descriptive_link_key: None,
                        message_xml: None,
                        token: Some(token),
                    })
                }
            };
            out.push(message);
        }
        Ok(out)
    }
}

fn reason_name(r: generated::exchange::types::DisableReasonType) -> &'static str {
    r.as_str()
}

impl ExchangeServiceBindingServer for AppsService {
    async fn disable_app(&self, ctx: &RequestContext, input: DisableAppInput) -> Result<DisableAppOutput, Fault> {
        let result = self.disable(ctx, input.request.id, reason_name(input.request.disable_reason)).await;
        let out = match result {
            Ok(r) => DisableAppOutput { disable_app_result: r, server_version: None },
            Err(e) => DisableAppOutput::error(e),
        };
        Ok(noted("DisableApp", DisableAppOutput { server_version: Some(server_version(input.request_version.as_ref())), ..out }))
    }

    async fn get_app_manifests(&self, ctx: &RequestContext, input: GetAppManifestsInput) -> Result<GetAppManifestsOutput, Fault> {
        let out = match self.manifests(ctx).await {
            Ok(r) => GetAppManifestsOutput { get_app_manifests_result: r, server_version: None },
            Err(e) => GetAppManifestsOutput::error(e),
        };
        Ok(noted("GetAppManifests", GetAppManifestsOutput { server_version: Some(server_version(input.request_version.as_ref())), ..out }))
    }

    async fn get_app_marketplace_url(
        &self,
        ctx: &RequestContext,
        input: GetAppMarketplaceUrlInput,
    ) -> Result<GetAppMarketplaceUrlOutput, Fault> {
        let out = match self.user(ctx) {
            Ok(_) => GetAppMarketplaceUrlOutput {
                get_app_marketplace_url_result: success(|response_class, response_code| GetAppMarketplaceUrlResponseMessageType {
                    response_class,
                    response_code,
                    message_text: None,
                    descriptive_link_key: None,
                    message_xml: None,
                    app_marketplace_url: Some(self.marketplace_url.clone()),
                }),
                server_version: None,
            },
            Err(e) => GetAppMarketplaceUrlOutput::error(e),
        };
        let out = GetAppMarketplaceUrlOutput { server_version: Some(server_version(input.request_version.as_ref())), ..out };
        Ok(noted("GetAppMarketplaceUrl", out))
    }

    async fn get_client_access_token(
        &self,
        ctx: &RequestContext,
        input: GetClientAccessTokenInput,
    ) -> Result<GetClientAccessTokenOutput, Fault> {
        let version = server_version(input.request_version.as_ref());
        // The response has no class of its own: a refusal of the whole request is one error
        // message per token request.
        let count = input.request.token_requests.token_request.len();
        let messages = match self.tokens(ctx, input).await {
            Ok(m) => m,
            Err(e) => (0..count).map(|_| GetClientAccessTokenResponseMessageType::error(e.clone())).collect(),
        };
        let errors = messages.iter().filter_map(ResponseMessage::ews_error).map(|e| e.code_str()).collect::<Vec<_>>();
        logging::note("GetClientAccessToken", if errors.is_empty() { "ok".to_owned() } else { format!("error {}", errors.join(",")) });
        Ok(GetClientAccessTokenOutput {
            get_client_access_token_result: GetClientAccessTokenResponseType {
                response_messages: ArrayOfResponseMessagesType { get_client_access_token_response_message: messages },
            },
            server_version: Some(version),
        })
    }

    async fn install_app(&self, ctx: &RequestContext, input: InstallAppInput) -> Result<InstallAppOutput, Fault> {
        let out = match self.install(ctx, input.request.manifest.0).await {
            Ok(r) => InstallAppOutput { install_app_result: r, server_version: None },
            Err(e) => InstallAppOutput::error(e),
        };
        Ok(noted("InstallApp", InstallAppOutput { server_version: Some(server_version(input.request_version.as_ref())), ..out }))
    }

    async fn uninstall_app(&self, ctx: &RequestContext, input: UninstallAppInput) -> Result<UninstallAppOutput, Fault> {
        let out = match self.uninstall(ctx, input.request.id).await {
            Ok(r) => UninstallAppOutput { uninstall_app_result: r, server_version: None },
            Err(e) => UninstallAppOutput::error(e),
        };
        Ok(noted("UninstallApp", UninstallAppOutput { server_version: Some(server_version(input.request_version.as_ref())), ..out }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_ids_come_from_office_app_manifests_only() {
        let ok = br#"<?xml version="1.0"?><OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xsi:type="MailApp" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Id> 1C50226D-04B5-4AB2-9FCD-42E236B59E4B </Id><Version>1.0</Version></OfficeApp>"#;
        assert_eq!(manifest_id(ok).unwrap(), "1C50226D-04B5-4AB2-9FCD-42E236B59E4B");
        // The spec's examples are abbreviated: `<OfficeApp xmlns="htt` is not a manifest.
        assert!(manifest_id(b"<OfficeApp xmlns=\"htt").unwrap_err().starts_with("it is not well-formed XML"));
        assert_eq!(manifest_id(b"<App><Id>x</Id></App>").unwrap_err(), "its root element is <App>, not <OfficeApp>");
        assert_eq!(manifest_id(b"<OfficeApp><Version>1</Version></OfficeApp>").unwrap_err(), "it has no Id element");
        assert_eq!(manifest_id(b"<OfficeApp><Id> </Id></OfficeApp>").unwrap_err(), "its Id is empty");
        assert!(manifest_id(&[0xff, 0xfe]).unwrap_err().starts_with("it is not UTF-8"));
    }
}
