//! The HTTPS client transport.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::bearer::{Bearer, TokenProvider, bearer_challenge};
use super::tls::{certificates_from_pem, crypto_provider};
use crate::client::{SoapRequest, SoapResponse, Transport, TransportError};
use crate::xml::Limits;

/// Default for [`HttpTransportBuilder::connect_timeout`].
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`HttpTransportBuilder::timeout`].
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default for [`HttpTransportBuilder::max_response_size`].
const DEFAULT_MAX_RESPONSE_SIZE: usize = 16 * 1024 * 1024;
/// Default for [`HttpTransportBuilder::pool_idle_timeout`].
const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Default for [`HttpTransportBuilder::pool_max_idle_per_host`].
const DEFAULT_POOL_MAX_IDLE: usize = 8;

/// A [`Transport`] that POSTs each request to one endpoint over HTTPS (HTTP/1.1, rustls with the
/// ring provider), reusing connections from a keep-alive pool.
///
/// Cloning is cheap and the clones share the pool. Build one with [`HttpTransport::builder`]:
///
/// ```no_run
/// # fn main() -> Result<(), soapkit::client::TransportError> {
/// use std::time::Duration;
/// use soapkit::http::HttpTransport;
///
/// let ca = std::fs::read("ca.pem").unwrap_or_default();
/// let transport = HttpTransport::builder("https://mail.example.com/EWS/UM2007Legacy.asmx")
///     .add_root_certificates_pem(&ca)
///     .basic_auth("user@example.com", "secret")
///     .timeout(Some(Duration::from_secs(30)))
///     .build()?;
/// # let _ = transport; Ok(()) }
/// ```
///
/// Errors map onto [`TransportError`]: TLS failures (untrusted or mismatched certificate,
/// handshake, alerts) are [`TransportError::Tls`]; failures to reach the server (name
/// resolution, refused, unreachable) are [`TransportError::Connect`]; the connect timeout and
/// the total timeout are [`TransportError::Timeout`]; a response over the size limit is
/// [`TransportError::TooLarge`]; anything else on an established connection is
/// [`TransportError::Io`]. Every HTTP status is a response, not an error: the caller
/// ([`call`](crate::client::call)) decides what a 401 or a 500 means.
#[derive(Clone)]
pub struct HttpTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    uri: Uri,
    headers: HeaderMap,
    bearer: Option<Arc<Bearer>>,
    #[cfg(feature = "ntlm")]
    ntlm: Option<Arc<super::ntlm::Ntlm>>,
    timeout: Option<Duration>,
    max_response_size: usize,
    limits: Limits,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The headers may carry credentials: show their names only.
        f.debug_struct("HttpTransport")
            .field("uri", &self.uri)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("bearer", &self.bearer.is_some())
            .field("ntlm", &self.ntlm_user())
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Configuration of an [`HttpTransport`]; see [`HttpTransport::builder`].
pub struct HttpTransportBuilder {
    endpoint: String,
    allow_plain_http: bool,
    root_pems: Vec<Vec<u8>>,
    roots: Vec<CertificateDer<'static>>,
    webpki_roots: bool,
    native_roots: bool,
    tls_config: Option<ClientConfig>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_response_size: usize,
    limits: Limits,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    basic_auth: Option<(String, String)>,
    bearer: Option<Arc<dyn TokenProvider>>,
    #[cfg(feature = "ntlm")]
    ntlm: Option<(String, String)>,
    headers: HeaderMap,
}

impl fmt::Debug for HttpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransportBuilder")
            .field("endpoint", &self.endpoint)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("roots", &(self.root_pems.len() + self.roots.len()))
            .field("webpki_roots", &self.webpki_roots)
            .field("native_roots", &self.native_roots)
            .field("custom_tls_config", &self.tls_config.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .field("limits", &self.limits)
            .field("basic_auth_user", &self.basic_auth.as_ref().map(|(u, _)| u))
            .field("bearer", &self.bearer.is_some())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// Starts configuring a transport to `endpoint`, an `https://` URL (the WSDL names no
    /// address: it is configuration).
    ///
    /// Defaults: no trusted roots (add some, or enable `webpki_roots`/`native_roots`), connect
    /// timeout 10 s, total timeout 60 s, responses up to 16 MiB, at most 8 idle connections
    /// kept for 90 s, no authentication.
    pub fn builder(endpoint: impl Into<String>) -> HttpTransportBuilder {
        HttpTransportBuilder {
            endpoint: endpoint.into(),
            allow_plain_http: false,
            root_pems: Vec::new(),
            roots: Vec::new(),
            webpki_roots: false,
            native_roots: false,
            tls_config: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            limits: Limits::DEFAULT,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE,
            basic_auth: None,
            bearer: None,
            #[cfg(feature = "ntlm")]
            ntlm: None,
            headers: HeaderMap::new(),
        }
    }

    /// The same transport (sharing its connection pool and token cache) with `name: value`
    /// added to every request: for headers that depend on the caller, such as Exchange's
    /// `X-AnchorMailbox` naming the impersonated mailbox. Cheap: make one per mailbox and a
    /// generated client over each.
    #[must_use]
    pub fn with_header(&self, name: HeaderName, value: HeaderValue) -> Self {
        let mut t = self.clone();
        t.headers.insert(name, value);
        t
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Uri {
        &self.uri
    }

    /// The NTLM user, if the transport authenticates with NTLM.
    fn ntlm_user(&self) -> Option<String> {
        #[cfg(feature = "ntlm")]
        if let Some(ntlm) = &self.ntlm {
            return Some(ntlm.user().to_owned());
        }
        None
    }
}

impl HttpTransportBuilder {
    /// Accepts an `http://` endpoint (no TLS). Off by default: [MS-OXWUMS] requires HTTPS, and
    /// without TLS the credentials of [`basic_auth`](Self::basic_auth) travel in clear. For
    /// loopback and tests.
    #[must_use]
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Trusts every certificate in `pem` (one or more `CERTIFICATE` sections) as a root.
    /// A PEM without a certificate makes [`build`](Self::build) fail with
    /// [`TransportError::Tls`].
    #[must_use]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.root_pems.push(pem.to_vec());
        self
    }

    /// Trusts `cert` (DER) as a root.
    #[must_use]
    pub fn add_root_certificate_der(mut self, cert: impl Into<Vec<u8>>) -> Self {
        self.roots.push(CertificateDer::from(cert.into()));
        self
    }

    /// Also trusts Mozilla's root certificates, as compiled into the `webpki-roots` crate.
    #[cfg(feature = "client-webpki-roots")]
    #[must_use]
    pub fn webpki_roots(mut self, enable: bool) -> Self {
        self.webpki_roots = enable;
        self
    }

    /// Also trusts the operating system's root certificates (read when [`build`](Self::build)
    /// runs; unreadable ones are skipped, none at all is a [`TransportError::Tls`]).
    #[cfg(feature = "client-native-roots")]
    #[must_use]
    pub fn native_roots(mut self, enable: bool) -> Self {
        self.native_roots = enable;
        self
    }

    /// Uses `config` as is (client certificates, pinned verifiers, other protocol versions...),
    /// instead of building one from the roots above, which are then ignored. Build it with the
    /// [`rustls`](super::rustls) this crate re-exports; its ALPN list is cleared (HTTP/1.1
    /// needs none).
    #[must_use]
    pub fn tls_config(mut self, config: ClientConfig) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// How long establishing the TCP connection may take (`None`: no limit besides the total
    /// timeout). Exceeding it is [`TransportError::Timeout`].
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole exchange may take, from connecting (or taking a pooled connection) to
    /// the last byte of the response (`None`: no limit). Exceeding it is
    /// [`TransportError::Timeout`].
    #[must_use]
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes. A larger `Content-Length` is refused
    /// before the body is read; a body that grows past the limit is abandoned (and its
    /// connection closed) as soon as it does. Either is [`TransportError::TooLarge`].
    #[must_use]
    pub fn max_response_size(mut self, limit: usize) -> Self {
        self.max_response_size = limit;
        self
    }

    /// What one response may make the client read: nesting depth, attributes per element,
    /// name, text and attribute value sizes, number of elements (see [`Limits`]; the defaults
    /// otherwise). A response past them is [`ClientError::Decode`](crate::client::ClientError)
    /// with [`DecodeErrorKind::LimitExceeded`](crate::xml::DecodeErrorKind::LimitExceeded).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long an idle connection stays in the pool (`None`: until the server closes it).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections the pool keeps (0 disables reuse).
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Sends `Authorization: Basic ...` with these credentials on every request (preemptively,
    /// as Exchange expects).
    #[must_use]
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((username.into(), password.into()));
        self.bearer = None;
        #[cfg(feature = "ntlm")]
        {
            self.ntlm = None;
        }
        self
    }

    /// Sends `Authorization: Bearer <token>` with tokens from `provider` (OAuth 2.0, RFC 6750),
    /// as Exchange Online requires: a token is fetched when there is none or the one held
    /// expires within a minute, and once more when the server answers 401 with a Bearer
    /// challenge (the request is then retried once). See [`super::bearer`]. Replaces
    /// [`basic_auth`](Self::basic_auth).
    #[must_use]
    pub fn bearer(mut self, provider: impl TokenProvider) -> Self {
        self.bearer = Some(Arc::new(provider));
        self.basic_auth = None;
        #[cfg(feature = "ntlm")]
        {
            self.ntlm = None;
        }
        self
    }

    /// Authenticates with NTLM (or Negotiate carrying NTLM), as on-premises Exchange and other
    /// IIS-hosted services take it (feature `ntlm`): `username` is `DOMAIN\user`,
    /// `user@domain` or `user`. Each connection is authenticated once by the challenge handshake
    /// and then reused; see [`super::ntlm`]. Replaces [`basic_auth`](Self::basic_auth) and
    /// [`bearer`](Self::bearer).
    #[cfg(feature = "ntlm")]
    #[must_use]
    pub fn ntlm(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.ntlm = Some((username.into(), password.into()));
        self.basic_auth = None;
        self.bearer = None;
        self
    }

    /// Adds a header to every request (appending to earlier ones of the same name). The SOAP
    /// headers (`Content-Type`, `SOAPAction`) are always the request's own; a `User-Agent`
    /// given here replaces the default `soapkit/<version>`.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Checks the configuration and builds the transport (it must be used within a Tokio
    /// runtime).
    ///
    /// Fails with [`TransportError::InvalidUrl`] for an endpoint that is not an absolute
    /// `https://` URL (or `http://` when allowed), or that carries credentials, and with
    /// [`TransportError::Tls`] for unusable certificates.
    pub fn build(self) -> Result<HttpTransport, TransportError> {
        let uri = parse_endpoint(&self.endpoint, self.allow_plain_http)?;
        let mut tls = match self.tls_config {
            Some(config) => config,
            None => {
                let mut roots = RootCertStore::empty();
                for pem in &self.root_pems {
                    let certs = certificates_from_pem(pem).map_err(|e| TransportError::Tls(format!("root certificates: {e}")))?;
                    for cert in certs {
                        roots.add(cert).map_err(|e| TransportError::Tls(format!("unusable root certificate: {e}")))?;
                    }
                }
                for cert in self.roots {
                    roots.add(cert).map_err(|e| TransportError::Tls(format!("unusable root certificate: {e}")))?;
                }
                #[cfg(feature = "client-webpki-roots")]
                if self.webpki_roots {
                    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                }
                #[cfg(feature = "client-native-roots")]
                if self.native_roots {
                    let native = rustls_native_certs::load_native_certs();
                    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
                    if added == 0 {
                        let why = native.errors.first().map(|e| format!(": {e}")).unwrap_or_default();
                        return Err(TransportError::Tls(format!("no usable root certificate in the system store{why}")));
                    }
                }
                ClientConfig::builder_with_provider(crypto_provider())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| TransportError::Tls(e.to_string()))?
                    .with_root_certificates(roots)
                    .with_no_client_auth()
            }
        };
        // hyper-rustls sets ALPN itself (none for HTTP/1.1 only) and refuses a preset list.
        tls.alpn_protocols.clear();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(self.connect_timeout);
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls);
        let https = if self.allow_plain_http { https.https_or_http() } else { https.https_only() };
        let connector = https.enable_http1().wrap_connector(http);
        #[cfg(feature = "ntlm")]
        let ntlm = match &self.ntlm {
            Some((user, password)) => {
                Some(Arc::new(super::ntlm::Ntlm::new(user, password, connector.clone(), self.pool_max_idle_per_host)?))
            }
            None => None,
        };

        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .build(connector);

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("soapkit/", env!("CARGO_PKG_VERSION"))));
        for name in self.headers.keys() {
            headers.remove(name);
        }
        headers.extend(self.headers);
        if let Some((user, password)) = self.basic_auth {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            let mut value = HeaderValue::from_str(&format!("Basic {token}"))
                .map_err(|_| TransportError::InvalidUrl("the Basic credentials cannot form a header".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }

        let bearer = self.bearer.map(|p| Arc::new(Bearer::new(p)));
        Ok(HttpTransport {
            client,
            uri,
            headers,
            bearer,
            #[cfg(feature = "ntlm")]
            ntlm,
            timeout: self.timeout,
            max_response_size: self.max_response_size,
            limits: self.limits,
        })
    }
}

fn parse_endpoint(endpoint: &str, allow_plain_http: bool) -> Result<Uri, TransportError> {
    let invalid = |why: &str| TransportError::InvalidUrl(format!("'{endpoint}': {why}"));
    let uri: Uri = endpoint.trim().parse().map_err(|e| invalid(&format!("{e}")))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_plain_http => {}
        Some("http") => {
            return Err(invalid(
                "plain http:// is refused because the service requires HTTPS; use an https:// URL, or allow_plain_http(true) for loopback and tests",
            ));
        }
        Some(other) => return Err(invalid(&format!("unsupported scheme '{other}'; expected https"))),
        None => return Err(invalid("not an absolute URL; expected https://host/path")),
    }
    let Some(authority) = uri.authority() else { return Err(invalid("no host")) };
    if authority.as_str().contains('@') {
        return Err(invalid("credentials do not belong in the URL; use basic_auth()"));
    }
    if authority.host().is_empty() {
        return Err(invalid("no host"));
    }
    Ok(uri)
}

impl HttpTransport {
    async fn exchange(&self, request: SoapRequest) -> Result<SoapResponse, TransportError> {
        let body = Bytes::from(request.body.clone().into_bytes());
        let mut headers = self.headers.clone();
        for (name, value) in request.http_headers() {
            let value =
                HeaderValue::from_str(&value).map_err(|_| TransportError::Io(format!("the {name} header cannot carry {value:?}")))?;
            headers.insert(HeaderName::from_static(if name == "SOAPAction" { "soapaction" } else { "content-type" }), value);
        }
        #[cfg(feature = "ntlm")]
        if let Some(ntlm) = &self.ntlm {
            return ntlm.send(&self.uri, &headers, &body, |r| self.answer(r)).await;
        }
        let Some(bearer) = &self.bearer else { return self.post(headers, body).await.map(|a| a.response) };
        let token = bearer.header(None).await.map_err(|e| TransportError::Auth(e.0))?;
        headers.insert(AUTHORIZATION, token.clone());
        let Answer { response, challenges } = self.post(headers.clone(), body.clone()).await?;
        if response.status != 401 || !bearer_challenge(challenges.iter()) {
            return Ok(response);
        }
        // The token was refused (revoked, or expired early): one more, one retry.
        let token = bearer.header(Some(&token)).await.map_err(|e| TransportError::Auth(e.0))?;
        headers.insert(AUTHORIZATION, token);
        self.post(headers, body).await.map(|a| a.response)
    }

    /// POSTs `body` to the endpoint through the pool.
    async fn post(&self, headers: HeaderMap, body: Bytes) -> Result<Answer, TransportError> {
        let mut req = Request::new(Full::new(body));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = self.uri.clone();
        *req.headers_mut() = headers;
        let response = self.client.request(req).await.map_err(map_client_error)?;
        self.answer(response).await
    }

    /// Reads a response within the size limit.
    async fn answer(&self, response: hyper::Response<Incoming>) -> Result<Answer, TransportError> {
        let (parts, body) = response.into_parts();
        let content_type = parts.headers.get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let challenges = parts.headers.get_all(WWW_AUTHENTICATE).iter().cloned().collect();
        let body = read_limited(body, &parts.headers, self.max_response_size).await?;
        Ok(Answer { response: SoapResponse { status: parts.status.as_u16(), content_type, body }, challenges })
    }

    /// Sends any request through the transport's pool and TLS settings (for the OAuth 2.0
    /// token endpoint), within its timeout and response size limit.
    #[cfg(feature = "oauth2")]
    pub(crate) async fn raw(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let exchange = async {
            let (parts, body) = request.into_parts();
            let mut req = Request::from_parts(parts, Full::new(Bytes::from(body)));
            if !req.headers().contains_key(USER_AGENT)
                && let Some(ua) = self.headers.get(USER_AGENT)
            {
                req.headers_mut().insert(USER_AGENT, ua.clone());
            }
            let response = self.client.request(req).await.map_err(map_client_error)?;
            let (parts, body) = response.into_parts();
            let body = read_limited(body, &parts.headers, self.max_response_size).await?;
            Ok(http::Response::from_parts(parts, body))
        };
        match self.timeout {
            Some(limit) => tokio::time::timeout(limit, exchange).await.unwrap_or(Err(TransportError::Timeout)),
            None => exchange.await,
        }
    }
}

impl Transport for HttpTransport {
    async fn send(&self, request: SoapRequest) -> Result<SoapResponse, TransportError> {
        match self.timeout {
            Some(limit) => tokio::time::timeout(limit, self.exchange(request)).await.unwrap_or(Err(TransportError::Timeout)),
            None => self.exchange(request).await,
        }
    }

    fn endpoint(&self) -> Option<String> {
        Some(self.uri.to_string())
    }

    fn limits(&self) -> Limits {
        self.limits
    }
}

/// A response, with its `WWW-Authenticate` values (what the authentication schemes read).
pub(crate) struct Answer {
    pub(crate) response: SoapResponse,
    pub(crate) challenges: Vec<HeaderValue>,
}

/// Reads a body, never holding more than `limit` bytes of it.
async fn read_limited(mut body: Incoming, headers: &HeaderMap, limit: usize) -> Result<Vec<u8>, TransportError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(TransportError::TooLarge { limit });
    }
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize).min(limit).min(64 * 1024));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| TransportError::Io(format!("reading the response: {}", describe(&e))))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - buf.len() {
                // Dropping the body closes the connection instead of draining it.
                return Err(TransportError::TooLarge { limit });
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

/// Sorts a client error into TLS, connect, timeout or I/O.
fn map_client_error(e: hyper_util::client::legacy::Error) -> TransportError {
    if e.is_connect() {
        return map_connect_error(&e);
    }
    if let Some(tls) = find::<rustls::Error>(&e) {
        return TransportError::Tls(tls.to_string());
    }
    if find_io(&e, |io| io.kind() == io::ErrorKind::TimedOut) {
        return TransportError::Timeout;
    }
    TransportError::Io(describe(&e))
}

/// Sorts an error establishing a connection into TLS, timeout or connect.
pub(crate) fn map_connect_error(e: &(dyn StdError + 'static)) -> TransportError {
    if let Some(tls) = find::<rustls::Error>(e) {
        return TransportError::Tls(tls.to_string());
    }
    if find_io(e, |io| io.kind() == io::ErrorKind::TimedOut) {
        return TransportError::Timeout;
    }
    TransportError::Connect(describe(e))
}

/// The first error of type `T` in the chain, looking inside `io::Error`s too (whose
/// `source()` skips the error they wrap).
fn find<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        if let Some(inner) = err.downcast_ref::<io::Error>().and_then(|io| io.get_ref())
            && let Some(t) = find::<T>(inner)
        {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// Whether an `io::Error` in the chain satisfies `pred`.
fn find_io(e: &(dyn StdError + 'static), pred: impl Fn(&io::Error) -> bool + Copy) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if pred(io) {
                return true;
            }
            if let Some(inner) = io.get_ref()
                && find_io(inner, pred)
            {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// The messages of the chain, joined ("tcp connect error: Connection refused (os error
/// 111)"), without hyper-util's uninformative "client error (Connect)" head.
pub(crate) fn describe(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        let msg = err.to_string();
        let skip = err.downcast_ref::<hyper_util::client::legacy::Error>().is_some() && err.source().is_some();
        if !skip && !msg.is_empty() && parts.last().is_none_or(|last| !last.contains(&msg)) {
            parts.push(msg);
        }
        cur = err.source();
    }
    if parts.is_empty() { e.to_string() } else { parts.join(": ") }
}

// A pooled client must be shareable between tasks.
const _: fn() = || {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<HttpTransport>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked() {
        assert!(parse_endpoint("https://mail.example.com/EWS/UM2007Legacy.asmx", false).is_ok());
        assert!(parse_endpoint("https://[::1]:8443/x", false).is_ok());
        let err = parse_endpoint("http://mail.example.com/x", false).unwrap_err();
        assert!(matches!(&err, TransportError::InvalidUrl(m) if m.contains("HTTPS") && m.contains("allow_plain_http")), "{err}");
        assert!(parse_endpoint("http://127.0.0.1:8080/x", true).is_ok());
        for bad in ["", "mail.example.com/x", "/x", "ftp://h/x", "https://user:pw@h/x", "https:///x", "https://h /x"] {
            assert!(matches!(parse_endpoint(bad, true), Err(TransportError::InvalidUrl(_))), "{bad}");
        }
    }
}
