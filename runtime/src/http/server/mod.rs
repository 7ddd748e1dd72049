//! The HTTP side of a SOAP server: an axum [`Router`] that hands POSTed envelopes to a
//! [`SoapService`] (such as a generated dispatcher), HTTP Basic authentication, and an accept
//! loop serving it over HTTPS (rustls) or, for loopback and tests, plain HTTP, with graceful
//! shutdown.
//!
//! ```no_run
//! # use soapkit::server::{RequestContext, SoapHttpRequest, SoapHttpResponse, SoapService};
//! # struct Dispatcher;
//! # impl SoapService for Dispatcher {
//! #     async fn handle(&self, _: RequestContext, _: SoapHttpRequest) -> SoapHttpResponse { soapkit::server::accepted() }
//! # }
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use soapkit::http::server::{BasicAuth, SoapRouter, serve_tls, tls_server_config_from_files};
//!
//! let router = SoapRouter::new(Dispatcher)
//!     .path("/EWS/UM2007Legacy.asmx")
//!     .authenticator(BasicAuth::new("UM", |user, password| user == "alice" && password == "secret"))
//!     .build()?;
//! let tls = tls_server_config_from_files("cert.pem", "key.pem")?;
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:443").await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>(); // or tokio::signal::ctrl_c()
//! # drop(stop);
//! serve_tls(listener, tls.into(), router, async { let _ = stopped.await; }).await;
//! # Ok(()) }
//! ```
//!
//! What the router answers:
//!
//! | situation | status | body |
//! | --- | --- | --- |
//! | the service's response | the service's | the service's |
//! | another method than POST on a SOAP path | 405, `Allow: POST` | empty |
//! | credentials missing or wrong ([`Authenticator`]) | 401 with the authenticator's `WWW-Authenticate` challenge | short text |
//! | credentials valid but refused ([`AuthError::Forbidden`]) | 403 | short text |
//! | body larger than the limit (by `Content-Length`, before reading, or while reading) | 413 | a SOAP fault (`Client`/`Sender`) when the request's content type is a SOAP one, else text |
//! | body not received within the timeout | 408 | likewise |
//! | body unreadable (connection error) | 400 | likewise |
//! | service not done within the timeout | 500 | a SOAP fault (`Server`/`Receiver`) |
//!
//! Authentication happens before any of the body is read. A fault goes with a 4xx status
//! (rather than SOAP's usual 500) for problems detected at the HTTP layer, so that the status
//! tells an HTTP-level tool what happened while a SOAP client still gets a fault to show.
//!
//! Each request handled by the router runs in a `tracing` span (target `soapkit::http::server`,
//! INFO, named `soap request`, with the path and, once a generated dispatcher has decoded the
//! request, the `operation`) and logs one event with the remote address, path, user, SOAP
//! action, status and latency. The envelopes received and answered go to the
//! [`wire`](crate::wire) log, credentials redacted.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use axum::routing::post;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio::time::Instant;
use tower_service::Service as _;

/// The axum this router is built with, to extend the router (other routes, layers) with
/// matching types.
pub use axum;
pub use axum::Router;

use super::tls::{TlsConfigError, certificates_from_pem, crypto_provider, private_key_from_pem, read_file};
use crate::server::{RequestContext, SoapHttpRequest, SoapHttpResponse, SoapService};
use crate::soap::{self, Fault, SoapVersion};
use crate::xml::Limits;

/// Default for [`SoapRouter::body_limit`].
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Default for [`SoapRouter::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

const LOG_TARGET: &str = "soapkit::http::server";

mod auth;
pub use auth::{AnyOf, AuthError, Authenticator, BasicAuth, BearerAuth, basic_credentials, bearer_token};

// ---------------------------------------------------------------------------------------------
// The router

/// A path [`SoapRouter::build`] cannot serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPath {
    /// The path.
    pub path: String,
    /// Why.
    pub reason: &'static str,
}

impl fmt::Display for InvalidPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot serve SOAP at '{}': {}", self.path, self.reason)
    }
}

impl std::error::Error for InvalidPath {}

/// Builds the axum [`Router`] of a [`SoapService`]: which paths, which limits, which
/// authentication.
pub struct SoapRouter<S> {
    service: Arc<S>,
    paths: Vec<String>,
    body_limit: usize,
    limits: Limits,
    timeout: Duration,
    authenticator: Option<Arc<dyn Authenticator>>,
    username_token: Option<Arc<TokenCheck>>,
}

type VerifyToken = dyn Fn(&crate::wss::ReceivedToken) -> Option<String> + Send + Sync;

/// The WS-Security UsernameToken check of a router.
struct TokenCheck {
    verify: Box<VerifyToken>,
    guard: crate::wss::ReplayGuard,
}

impl<S> fmt::Debug for SoapRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapRouter")
            .field("paths", &self.paths)
            .field("body_limit", &self.body_limit)
            .field("limits", &self.limits)
            .field("timeout", &self.timeout)
            .field("authenticated", &self.authenticator.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: SoapService> SoapRouter<S> {
    /// A router for `service`, with no path yet, a body limit of
    /// [`DEFAULT_BODY_LIMIT`], the default [`Limits`], a timeout of [`DEFAULT_TIMEOUT`] and no
    /// authentication (every request is anonymous).
    pub fn new(service: S) -> Self {
        Self::from_arc(Arc::new(service))
    }

    /// The same, for a service that is shared already.
    pub fn from_arc(service: Arc<S>) -> Self {
        SoapRouter {
            service,
            paths: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            limits: Limits::DEFAULT,
            timeout: DEFAULT_TIMEOUT,
            authenticator: None,
            username_token: None,
        }
    }

    /// Serves the service at `path` too (an exact path such as `/EWS/UM2007Legacy.asmx`; a
    /// path given twice is served once).
    #[must_use]
    pub fn path(mut self, path: &str) -> Self {
        self.paths.push(path.to_owned());
        self
    }

    /// Serves the service at each of `paths` too.
    #[must_use]
    pub fn paths(mut self, paths: &[&str]) -> Self {
        self.paths.extend(paths.iter().map(|p| (*p).to_owned()));
        self
    }

    /// The largest request body accepted, in bytes (answered 413 beyond).
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// What one request may make the server read: nesting depth, attributes per element,
    /// name, text and attribute value sizes, number of elements (see [`Limits`]). A request
    /// past them is answered with the fault for a malformed request (the service's fault
    /// policy decides which) as soon as the reader gets there; the service is not called.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long a request may take from its headers' arrival to the service's answer
    /// (reading the body: 408 beyond; the service: 500 with a fault).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Authenticates every request with `authenticator`; the user it names is
    /// [`RequestContext::user`].
    #[must_use]
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Some(Arc::new(authenticator));
        self
    }

    /// Authenticates requests by the WS-Security `UsernameToken` in their `wsse:Security`
    /// header: `verify` gets the token (check the password with
    /// [`ReceivedToken::proves`](crate::wss::ReceivedToken::proves)) and names its user, or
    /// refuses it; a verified token created more than 5 minutes from now, or whose nonce was
    /// seen in that window, is refused too (nonces are remembered only for verified tokens, so
    /// unauthenticated senders cannot fill that memory). A refusal is the `wsse:FailedAuthentication` fault (WSS 1.0
    /// section 12) with status 500. The header, once checked, is passed over by the dispatcher
    /// despite its `mustUnderstand`.
    ///
    /// With an [`authenticator`](Self::authenticator) too, a request with an `Authorization`
    /// header is authenticated by it (and a token it also carries must name the same user), and
    /// one with neither credential gets the authenticator's 401.
    #[must_use]
    pub fn username_token(mut self, verify: impl Fn(&crate::wss::ReceivedToken) -> Option<String> + Send + Sync + 'static) -> Self {
        self.username_token =
            Some(Arc::new(TokenCheck { verify: Box::new(verify), guard: crate::wss::ReplayGuard::new(Duration::from_secs(300)) }));
        self
    }

    /// The router. Each path must start with `/` and contain none of `{`, `}`, `*`, nor a
    /// segment starting with `:` (axum's pattern syntax): the paths are literal. At least one
    /// path is needed.
    pub fn build(self) -> Result<Router, InvalidPath> {
        if self.paths.is_empty() {
            return Err(InvalidPath { path: String::new(), reason: "no path given" });
        }
        let shared = Arc::new(Shared {
            service: self.service,
            body_limit: self.body_limit,
            limits: self.limits,
            timeout: self.timeout,
            authenticator: self.authenticator,
            username_token: self.username_token,
        });
        let mut router = Router::new();
        let mut seen = HashSet::new();
        for path in self.paths {
            check_path(&path)?;
            if !seen.insert(path.clone()) {
                continue;
            }
            let shared = shared.clone();
            router = router.route(&path, post(move |request: Request| handle(shared, request)));
        }
        Ok(router)
    }
}

/// A router serving `service` at each of `paths` with the default limits and no
/// authentication; see [`SoapRouter`] for more.
pub fn soap_router<S: SoapService>(service: S, paths: &[&str]) -> Result<Router, InvalidPath> {
    SoapRouter::new(service).paths(paths).build()
}

fn check_path(path: &str) -> Result<(), InvalidPath> {
    let bad = |reason| Err(InvalidPath { path: path.to_owned(), reason });
    if !path.starts_with('/') {
        return bad("a path must start with '/'");
    }
    if path.chars().any(|c| c.is_control() || c.is_whitespace() || !c.is_ascii()) {
        return bad("a path must be printable ASCII without spaces (percent-encode the rest)");
    }
    if path.contains(['{', '}', '*', '?', '#']) {
        return bad("a path may not contain '{', '}', '*', '?' or '#'");
    }
    if path.split('/').any(|segment| segment.starts_with(':')) {
        return bad("a path segment may not start with ':'");
    }
    Ok(())
}

struct Shared<S> {
    service: Arc<S>,
    body_limit: usize,
    limits: Limits,
    timeout: Duration,
    authenticator: Option<Arc<dyn Authenticator>>,
    username_token: Option<Arc<TokenCheck>>,
}

/// Who sent a request, as far as its HTTP headers tell.
enum Credentials {
    /// Authenticated (or anonymous and allowed) by the HTTP headers.
    Http(Option<String>),
    /// To be authenticated by the envelope's UsernameToken.
    Token,
}

async fn handle<S: SoapService>(shared: Arc<Shared<S>>, request: Request) -> Response {
    let span = if tracing::enabled!(target: LOG_TARGET, tracing::Level::INFO) {
        tracing::info_span!(target: LOG_TARGET, "soap request", path = request.uri().path(), operation = tracing::field::Empty)
    } else {
        tracing::Span::none()
    };
    tracing::Instrument::instrument(handle_in_span(shared, request), span).await
}

async fn handle_in_span<S: SoapService>(shared: Arc<Shared<S>>, request: Request) -> Response {
    let start = Instant::now();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let remote = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.to_string());
    let header_text = |name| parts.headers.get(name).map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let content_type = header_text(CONTENT_TYPE);
    let soap_action = header_text(http::HeaderName::from_static("soapaction"));
    let mut soap_request = SoapHttpRequest { content_type, soap_action, body: Vec::new() };
    let action = soap_request.action();
    // Normalise the stored SOAPAction to its unquoted form, as `SoapHttpRequest` documents.
    if soap_request.soap_action.is_some() {
        soap_request.soap_action = action.clone();
    }
    let version = soap_version_of(soap_request.content_type.as_deref());

    let (user, response) = match authenticate(&shared, &parts.headers) {
        Err(response) => (None, response),
        Ok(credentials) => {
            respond(
                &shared,
                &parts.headers,
                body,
                soap_request,
                version,
                start,
                credentials,
                RequestContext {
                    user: None,
                    action: action.clone(),
                    remote_addr: remote.clone(),
                    path: Some(path.clone()),
                    ignored_headers: Vec::new(),
                    understood_headers: Vec::new(),
                    limits: shared.limits,
                },
            )
            .await
        }
    };

    tracing::info!(
        target: LOG_TARGET,
        remote = remote.as_deref().unwrap_or("-"),
        path = path.as_str(),
        user = user.as_deref().unwrap_or("-"),
        action = action.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        latency = ?start.elapsed(),
        "SOAP request"
    );
    response
}

#[allow(clippy::result_large_err)]
fn authenticate<S>(shared: &Shared<S>, headers: &HeaderMap) -> Result<Credentials, Response> {
    let by_token =
        shared.username_token.is_some() && (shared.authenticator.is_none() || !headers.contains_key(http::header::AUTHORIZATION));
    if by_token {
        return Ok(Credentials::Token);
    }
    let Some(auth) = &shared.authenticator else { return Ok(Credentials::Http(None)) };
    auth.authenticate(headers).map(Credentials::Http).map_err(|e| refused(auth.as_ref(), e))
}

/// The answer to a request the authenticator refused: 401 with its challenges, or 403.
fn refused(auth: &dyn Authenticator, e: AuthError) -> Response {
    let status = if e == AuthError::Forbidden { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
    let mut response = text_response(status, &format!("{e}\n"));
    if status == StatusCode::UNAUTHORIZED {
        for challenge in auth.challenges(e) {
            response.headers_mut().append(WWW_AUTHENTICATE, challenge);
        }
    }
    response
}

/// The user of a request by its WS-Security UsernameToken (or by its HTTP credentials, when
/// it carries no token) and whether a token was checked, or the answer refusing it.
#[allow(clippy::result_large_err)]
fn token_user<S>(
    shared: &Shared<S>,
    check: &TokenCheck,
    body: &[u8],
    version: Option<SoapVersion>,
    credentials: &Credentials,
) -> Result<(Option<String>, bool), Response> {
    let version = version.unwrap_or(SoapVersion::V11);
    let fail = |why: String| {
        tracing::info!(target: LOG_TARGET, reason = why.as_str(), "UsernameToken refused");
        fault_http(StatusCode::INTERNAL_SERVER_ERROR, version, &crate::wss::failed_authentication(version))
    };
    let text = std::str::from_utf8(body).unwrap_or("");
    let token = crate::wss::received_token(text, shared.limits).map_err(|e| fail(e.0))?;
    match (token, credentials) {
        (None, Credentials::Http(user)) => Ok((user.clone(), false)),
        (None, Credentials::Token) => match &shared.authenticator {
            Some(auth) => Err(refused(auth.as_ref(), AuthError::Missing)),
            None => Err(fail("no UsernameToken".to_owned())),
        },
        (Some(token), credentials) => {
            let Some(user) = (check.verify)(&token) else {
                return Err(fail(format!("the UsernameToken of {:?} does not verify", token.username)));
            };
            // Only once it verified: nonces of unauthenticated senders are not remembered, so
            // they cannot fill the guard's memory.
            check.guard.check(&token, std::time::SystemTime::now()).map_err(|e| fail(e.0))?;
            match credentials {
                Credentials::Http(Some(http_user)) if *http_user != user => {
                    Err(fail(format!("the UsernameToken names {user:?}, the HTTP credentials {http_user:?}")))
                }
                _ => Ok((Some(user), true)),
            }
        }
    }
}

/// Reads the body, finishes authentication and hands the request to the service; the user and
/// the response.
#[allow(clippy::too_many_arguments)]
async fn respond<S: SoapService>(
    shared: &Shared<S>,
    headers: &HeaderMap,
    body: Body,
    request: SoapHttpRequest,
    version: Option<SoapVersion>,
    start: Instant,
    credentials: Credentials,
    mut ctx: RequestContext,
) -> (Option<String>, Response) {
    let mut user = match &credentials {
        Credentials::Http(u) => u.clone(),
        Credentials::Token => None,
    };
    let response = respond_inner(shared, headers, body, request, version, start, credentials, &mut ctx, &mut user).await;
    (user, response)
}

#[allow(clippy::too_many_arguments)]
async fn respond_inner<S: SoapService>(
    shared: &Shared<S>,
    headers: &HeaderMap,
    body: Body,
    mut request: SoapHttpRequest,
    version: Option<SoapVersion>,
    start: Instant,
    credentials: Credentials,
    ctx: &mut RequestContext,
    user: &mut Option<String>,
) -> Response {
    let limit = shared.body_limit;
    let too_large =
        || http_error(StatusCode::PAYLOAD_TOO_LARGE, version, &format!("the request is larger than the limit of {limit} bytes"));
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let deadline = start + shared.timeout;
    request.body = match tokio::time::timeout_at(deadline, read_body(body, limit)).await {
        Err(_) => return http_error(StatusCode::REQUEST_TIMEOUT, version, "the request body did not arrive in time"),
        Ok(Err(BodyError::TooLarge)) => return too_large(),
        Ok(Err(BodyError::Io(e))) => {
            return http_error(StatusCode::BAD_REQUEST, version, &format!("the request body could not be read: {e}"));
        }
        Ok(Ok(body)) => body,
    };
    if let Some(check) = &shared.username_token {
        match token_user(shared, check, &request.body, version, &credentials) {
            Ok((u, checked)) => {
                if checked {
                    ctx.understood_headers.push((crate::wss::WSSE.to_owned(), "Security".to_owned()));
                }
                *user = u;
            }
            Err(response) => return response,
        }
    }
    ctx.user = user.clone();
    if tracing::enabled!(target: crate::wire::TARGET, tracing::Level::TRACE) {
        let mut logged: Vec<(&str, &str)> = Vec::new();
        for (name, value) in headers {
            if let Ok(v) = value.to_str() {
                logged.push((name.as_str(), v));
            }
        }
        crate::wire::log("server", "request", &logged, &request.body);
    }
    match tokio::time::timeout_at(deadline, shared.service.handle(std::mem::take(ctx), request)).await {
        Ok(response) => {
            if tracing::enabled!(target: crate::wire::TARGET, tracing::Level::TRACE) {
                let status = response.status.to_string();
                let headers = [("status", status.as_str()), ("Content-Type", response.content_type.as_str())];
                crate::wire::log("server", "response", &headers, response.body.as_bytes());
            }
            soap_response(response)
        }
        Err(_) => {
            let version = version.unwrap_or(SoapVersion::V11);
            let secs = shared.timeout.as_secs_f64();
            let fault = Fault::soap(version, version.receiver_code(), format!("the request was not handled within {secs} s"));
            fault_http(StatusCode::INTERNAL_SERVER_ERROR, version, &fault)
        }
    }
}

enum BodyError {
    TooLarge,
    Io(String),
}

async fn read_body(mut body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Io(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - buf.len() {
                return Err(BodyError::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

/// The SOAP version a content type announces, if it is a SOAP one.
fn soap_version_of(content_type: Option<&str>) -> Option<SoapVersion> {
    crate::soap::media::ContentType::parse(content_type?).soap_version()
}

/// An HTTP-level refusal: a `Client`/`Sender` fault for SOAP requests, text otherwise.
fn http_error(status: StatusCode, version: Option<SoapVersion>, message: &str) -> Response {
    match version {
        Some(version) => fault_http(status, version, &Fault::soap(version, version.sender_code(), message)),
        None => text_response(status, &format!("{message}\n")),
    }
}

fn fault_http(status: StatusCode, version: SoapVersion, fault: &Fault) -> Response {
    match soap::encode_fault(version, fault) {
        Ok(body) => with_content_type(status, version.content_type(""), body),
        Err(_) => text_response(status, &format!("{}\n", fault.reason())),
    }
}

fn text_response(status: StatusCode, text: &str) -> Response {
    with_content_type(status, "text/plain; charset=utf-8".to_owned(), text.to_owned())
}

fn with_content_type(status: StatusCode, content_type: String, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(CONTENT_TYPE, v);
    }
    response
}

fn soap_response(r: SoapHttpResponse) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(r.body));
    *response.status_mut() = status;
    if !r.content_type.is_empty() {
        match HeaderValue::from_str(&r.content_type) {
            Ok(v) => {
                response.headers_mut().insert(CONTENT_TYPE, v);
            }
            Err(_) => {
                tracing::warn!(target: LOG_TARGET, content_type = r.content_type.as_str(), "the service's content type is not a valid header")
            }
        }
    }
    response
}

// ---------------------------------------------------------------------------------------------
// TLS configuration

/// A rustls server configuration (ring provider, TLS 1.2 and 1.3, ALPN `http/1.1`, no client
/// certificates) presenting the certificate chain and private key of two PEM documents.
pub fn tls_server_config(cert_chain_pem: &[u8], key_pem: &[u8]) -> Result<ServerConfig, TlsConfigError> {
    let chain = certificates_from_pem(cert_chain_pem)?;
    let key = private_key_from_pem(key_pem)?;
    let mut config = ServerConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsConfigError::new(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsConfigError::new(format!("the certificate and key do not form a usable pair: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// [`tls_server_config`] from a PEM certificate chain file and a PEM private key file.
pub fn tls_server_config_from_files(cert_chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Result<ServerConfig, TlsConfigError> {
    let chain = read_file(cert_chain.as_ref(), "certificate chain")?;
    let key = read_file(key.as_ref(), "private key")?;
    tls_server_config(&chain, &key)
}

// ---------------------------------------------------------------------------------------------
// Serving

/// Connection-level limits of [`serve`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServeOptions {
    /// How long a client may take to send a request's headers (default 30 s).
    pub header_read_timeout: Duration,
    /// How long a TLS handshake may take (default 10 s).
    pub tls_handshake_timeout: Duration,
    /// How many connections are served at once; further ones wait in the listen backlog
    /// (default 1024).
    pub max_connections: usize,
    /// After the shutdown signal, how long open connections get to finish their requests
    /// before they are dropped (default 30 s).
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(30),
            tls_handshake_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `router` over HTTPS on `listener` until `shutdown` completes, then stops accepting,
/// lets open requests finish (see [`ServeOptions::shutdown_grace`]) and returns.
pub async fn serve_tls(listener: TcpListener, tls: Arc<ServerConfig>, router: Router, shutdown: impl Future<Output = ()> + Send) {
    serve(listener, Some(tls), router, shutdown, ServeOptions::default()).await;
}

/// Serves `router` over plain HTTP, without TLS: for loopback, tests, or behind a
/// TLS-terminating proxy. [MS-OXWUMS] requires HTTPS on the network. Otherwise as
/// [`serve_tls`].
pub async fn serve_plain(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()> + Send) {
    serve(listener, None, router, shutdown, ServeOptions::default()).await;
}

/// Serves `router` on `listener`, over TLS when `tls` is given, with `options`, until
/// `shutdown` completes.
///
/// Each request carries the peer address as an [`ConnectInfo<SocketAddr>`] extension (which
/// the SOAP router puts in [`RequestContext::remote_addr`]). Accept errors (such as running
/// out of file descriptors) are logged and retried after a short pause; failed handshakes and
/// connection errors are logged at DEBUG level and end only their connection.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
    options: ServeOptions,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, addr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(target: LOG_TARGET, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let watcher = graceful.watcher();
        let router = router.clone();
        let acceptor = acceptor.clone();
        let options = options.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match acceptor {
                None => serve_connection(TokioIo::new(stream), addr, router, &options, watcher).await,
                Some(acceptor) => match tokio::time::timeout(options.tls_handshake_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => serve_connection(TokioIo::new(tls), addr, router, &options, watcher).await,
                    Ok(Err(e)) => tracing::debug!(target: LOG_TARGET, remote = %addr, error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!(target: LOG_TARGET, remote = %addr, "TLS handshake timed out"),
                },
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(options.shutdown_grace) => {
            tracing::warn!(target: LOG_TARGET, "connections still open after the shutdown grace period; dropping them");
        }
    }
}

async fn serve_connection<I>(io: I, addr: SocketAddr, router: Router, options: &ServeOptions, watcher: Watcher)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(addr));
        let mut router = router.clone();
        router.call(request.map(Body::new))
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(options.header_read_timeout).keep_alive(true);
    let connection = builder.serve_connection(io, service);
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(target: LOG_TARGET, remote = %addr, error = %e, "connection error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        assert!(check_path("/EWS/UM2007Legacy.asmx").is_ok());
        assert!(check_path("/").is_ok());
        for bad in ["", "EWS", "/a/{id}", "/a/*", "/a/:x", "/a b", "/\u{e9}", "/a?b"] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        struct Nothing;
        impl SoapService for Nothing {
            async fn handle(&self, _: RequestContext, _: SoapHttpRequest) -> SoapHttpResponse {
                crate::server::accepted()
            }
        }
        assert!(soap_router(Nothing, &[]).is_err());
        assert!(soap_router(Nothing, &["/a", "/a", "/b"]).is_ok());
        assert!(soap_router(Nothing, &["/a", "b"]).is_err());
    }

    /// The fields of one event, as text.
    type EventFields = Vec<(String, String)>;

    /// Collects every event.
    #[derive(Clone, Default)]
    struct Capture(Arc<std::sync::Mutex<Vec<EventFields>>>);

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            struct Fields(Vec<(String, String)>);
            impl tracing::field::Visit for Fields {
                fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                    self.0.push((field.name().to_owned(), format!("{value:?}")));
                }
                fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                    self.0.push((field.name().to_owned(), value.to_owned()));
                }
            }
            let mut fields = Fields(vec![("target".to_owned(), event.metadata().target().to_owned())]);
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn one_log_line_per_request_with_user_action_status_and_latency() {
        struct Ok200;
        impl SoapService for Ok200 {
            async fn handle(&self, _: RequestContext, _: SoapHttpRequest) -> SoapHttpResponse {
                SoapHttpResponse { status: 200, content_type: "text/xml; charset=utf-8".into(), body: String::new() }
            }
        }
        let capture = Capture::default();
        let _guard = tracing::subscriber::set_default(capture.clone());
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let router =
            SoapRouter::new(Ok200).path("/soap").authenticator(BasicAuth::new("r", |u, p| u == "bob" && p == "pw")).build().unwrap();
        let request = |auth: Option<&str>| {
            let mut b = http::Request::post("/soap").header("content-type", "text/xml").header("soapaction", "\"urn:a/Op\"");
            if let Some(a) = auth {
                b = b.header("authorization", a);
            }
            b.body(Body::from("<x/>")).unwrap()
        };
        let statuses: Vec<u16> = rt.block_on(async {
            let mut out = Vec::new();
            for auth in [Some("Basic Ym9iOnB3"), None] {
                let response = router.clone().call(request(auth)).await.unwrap();
                out.push(response.status().as_u16());
            }
            out
        });
        assert_eq!(statuses, [200, 401]);
        // (The wire log, at TRACE under its own target, is tested in tests/observability.rs.)
        let events: Vec<EventFields> =
            capture.0.lock().unwrap().iter().filter(|e| e.iter().any(|(n, v)| n == "target" && v == LOG_TARGET)).cloned().collect();
        assert_eq!(events.len(), 2, "{events:?}");
        let field = |i: usize, name: &str| events[i].iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        assert_eq!(field(0, "target").as_deref(), Some(LOG_TARGET));
        assert_eq!(field(0, "user").as_deref(), Some("bob"));
        assert_eq!(field(0, "action").as_deref(), Some("urn:a/Op"));
        assert_eq!(field(0, "status").as_deref(), Some("200"));
        assert_eq!(field(0, "path").as_deref(), Some("/soap"));
        assert!(field(0, "latency").is_some());
        assert_eq!(field(1, "user").as_deref(), Some("-"));
        assert_eq!(field(1, "status").as_deref(), Some("401"));
    }
}
