//! NTLM and Negotiate HTTP authentication (feature `ntlm`), as on-premises Exchange and other
//! IIS-hosted services take it.
//!
//! The NTLM messages ([MS-NLMP]) come from the `sspi` crate (Devolutions' SSPI in Rust, used by
//! IronRDP): type 1 (negotiate) and type 3 (authenticate, NTLMv2) from the user's credentials and
//! the server's type 2 challenge. This module carries them over HTTP as [MS-NTHT] describes:
//!
//! - authentication is per connection, so the handshake runs on a connection of its own (not one
//!   the pool might hand to another request between the legs): the request goes out with
//!   `Authorization: NTLM <type 1>`, the server answers 401 with `WWW-Authenticate: NTLM <type 2>`,
//!   and the request is sent again on the same connection with `Authorization: NTLM <type 3>`;
//! - the connection then stays authenticated: later requests on it carry no `Authorization` and
//!   are answered directly. Authenticated connections are kept (up to the transport's
//!   `pool_max_idle_per_host`) and reused; one the server closed, or one that gets a 401 again
//!   (the server forgot it), is authenticated anew;
//! - a server that offers only `Negotiate` gets the same NTLM messages under that scheme (SPNEGO
//!   acceptors, Windows' and pyspnego's, take a raw NTLM token). Kerberos is not implemented.
//!
//! The request body is sent with each leg (SOAP requests are small, and servers that answer a
//! leg with 401 discard it). A wrong password is the server's 401 after the type 3 message,
//! returned as that response; the caller sees an HTTP 401.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use sspi::{
    AuthIdentity, BufferType, ClientRequestFlags, CredentialUse, DataRepresentation, SecurityBuffer, SecurityStatus, Sspi, SspiImpl,
    Username,
};
use tower_service::Service as _;

use super::client::Answer;
use crate::client::{SoapResponse, TransportError};

/// The NTLM state of a transport: the credentials, and the authenticated connections.
pub(crate) struct Ntlm {
    identity: AuthIdentity,
    connector: HttpsConnector<HttpConnector>,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
    max_idle: usize,
    /// Whether the server offered only `Negotiate` last time (then the next handshake starts
    /// with it rather than with `NTLM`).
    negotiate: AtomicBool,
}

impl fmt::Debug for Ntlm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ntlm").field("user", &self.identity.username.inner()).finish_non_exhaustive()
    }
}

/// The `WWW-Authenticate` scheme of a leg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Ntlm,
    Negotiate,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Ntlm => "NTLM",
            Scheme::Negotiate => "Negotiate",
        }
    }
}

impl Ntlm {
    /// NTLM as `username` (`DOMAIN\user`, `user@domain` or `user`) with `password`, connecting
    /// through `connector`.
    pub(crate) fn new(
        username: &str,
        password: &str,
        connector: HttpsConnector<HttpConnector>,
        max_idle: usize,
    ) -> Result<Self, TransportError> {
        let username =
            Username::parse(username).map_err(|e| TransportError::Auth(format!("the NTLM user name '{username}' is not usable: {e}")))?;
        let identity = AuthIdentity { username, password: password.to_owned().into() };
        Ok(Ntlm { identity, connector, idle: Mutex::new(Vec::new()), max_idle, negotiate: AtomicBool::new(false) })
    }

    /// The user name, as given.
    pub(crate) fn user(&self) -> &str {
        self.identity.username.inner()
    }

    /// Sends one request (`headers` hold everything but `Authorization`), authenticating a
    /// connection first if none is ready; `read` reads a response body within the transport's
    /// limit.
    pub(crate) async fn send<R, F>(&self, uri: &Uri, headers: &HeaderMap, body: &Bytes, read: R) -> Result<SoapResponse, TransportError>
    where
        R: Fn(hyper::Response<hyper::body::Incoming>) -> F,
        F: std::future::Future<Output = Result<Answer, TransportError>>,
    {
        while let Some(mut conn) = self.take_idle() {
            if conn.ready().await.is_err() {
                continue;
            }
            let answer = match post(&mut conn, uri, headers.clone(), body.clone(), &read).await {
                Ok(a) => a,
                // The server closed the idle connection as the request went out: try another.
                Err(_) if conn.is_closed() => continue,
                Err(e) => return Err(e),
            };
            if answer.response.status != 401 {
                self.put_idle(conn);
                return Ok(answer.response);
            }
            // No longer authenticated: authenticate this connection again if it is still open.
            if !conn.is_closed() {
                return self.handshake(conn, uri, headers, body, &read).await;
            }
        }
        let conn = self.connect(uri).await?;
        self.handshake(conn, uri, headers, body, &read).await
    }

    /// Runs the handshake on `conn` with the request as payload; the final answer.
    async fn handshake<R, F>(
        &self,
        mut conn: SendRequest<Full<Bytes>>,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
        read: &R,
    ) -> Result<SoapResponse, TransportError>
    where
        R: Fn(hyper::Response<hyper::body::Incoming>) -> F,
        F: std::future::Future<Output = Result<Answer, TransportError>>,
    {
        let mut scheme = if self.negotiate.load(Ordering::Relaxed) { Scheme::Negotiate } else { Scheme::Ntlm };
        let mut switched = false;
        loop {
            let mut context = Context::new(&self.identity)?;
            let first = context.first()?;
            let answer = self.leg(&mut conn, uri, headers, body, read, scheme, &first).await?;
            if answer.response.status != 401 {
                // Authenticated by the first leg (or not authentication-protected at all).
                self.put_idle(conn);
                return Ok(answer.response);
            }
            let Some(challenge) = token_of(&answer.challenges, scheme) else {
                // No challenge in our scheme: the server offers the other one, or neither.
                let other = if scheme == Scheme::Ntlm { Scheme::Negotiate } else { Scheme::Ntlm };
                if !switched && offers(&answer.challenges, other) && !conn.is_closed() {
                    switched = true;
                    scheme = other;
                    self.negotiate.store(scheme == Scheme::Negotiate, Ordering::Relaxed);
                    continue;
                }
                return Ok(answer.response);
            };
            if conn.is_closed() {
                return Err(TransportError::Auth(
                    "the server closed the connection after its NTLM challenge; NTLM needs the connection kept alive".to_owned(),
                ));
            }
            let last = context.answer(&challenge)?;
            let answer = self.leg(&mut conn, uri, headers, body, read, scheme, &last).await?;
            if answer.response.status != 401 {
                self.put_idle(conn);
            }
            return Ok(answer.response);
        }
    }

    /// One leg of the handshake: the request with `Authorization: <scheme> <token>`.
    #[allow(clippy::too_many_arguments)]
    async fn leg<R, F>(
        &self,
        conn: &mut SendRequest<Full<Bytes>>,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
        read: &R,
        scheme: Scheme,
        token: &[u8],
    ) -> Result<Answer, TransportError>
    where
        R: Fn(hyper::Response<hyper::body::Incoming>) -> F,
        F: std::future::Future<Output = Result<Answer, TransportError>>,
    {
        conn.ready().await.map_err(|e| TransportError::Io(format!("the NTLM connection: {e}")))?;
        let mut headers = headers.clone();
        let b64 = base64::engine::general_purpose::STANDARD.encode(token);
        let mut value = HeaderValue::from_str(&format!("{} {b64}", scheme.name())).expect("base64 is a valid header value");
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
        post(conn, uri, headers, body.clone(), read).await
    }

    fn take_idle(&self) -> Option<SendRequest<Full<Bytes>>> {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop()
    }

    fn put_idle(&self, conn: SendRequest<Full<Bytes>>) {
        if conn.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        idle.retain(|c| !c.is_closed());
        if idle.len() < self.max_idle {
            idle.push(conn);
        }
    }

    /// A new connection of its own to the endpoint (TLS for `https://`).
    async fn connect(&self, uri: &Uri) -> Result<SendRequest<Full<Bytes>>, TransportError> {
        let mut connector = self.connector.clone();
        let io = connector.call(uri.clone()).await.map_err(|e| super::client::map_connect_error(e.as_ref()))?;
        let (send, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| TransportError::Connect(format!("HTTP/1.1 handshake: {}", super::client::describe(&e))))?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(target: crate::client::LOG_TARGET, error = %e, "NTLM connection closed");
            }
        });
        Ok(send)
    }
}

/// POSTs on `conn` (which must be ready).
async fn post<R, F>(
    conn: &mut SendRequest<Full<Bytes>>,
    uri: &Uri,
    mut headers: HeaderMap,
    body: Bytes,
    read: &R,
) -> Result<Answer, TransportError>
where
    R: Fn(hyper::Response<hyper::body::Incoming>) -> F,
    F: std::future::Future<Output = Result<Answer, TransportError>>,
{
    // A connection of our own speaks origin-form with a Host header (the pooled client does this
    // itself).
    if let Some(authority) = uri.authority() {
        headers.insert(HOST, HeaderValue::from_str(authority.as_str()).map_err(|_| TransportError::InvalidUrl(uri.to_string()))?);
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut req = Request::new(Full::new(body));
    *req.method_mut() = Method::POST;
    *req.uri_mut() = path.parse().map_err(|_| TransportError::InvalidUrl(uri.to_string()))?;
    *req.headers_mut() = headers;
    let response = conn.send_request(req).await.map_err(|e| TransportError::Io(super::client::describe(&e)))?;
    read(response).await
}

/// Whether the challenges offer `scheme` (with or without a token).
fn offers(challenges: &[HeaderValue], scheme: Scheme) -> bool {
    challenges.iter().filter_map(|v| v.to_str().ok()).any(|v| {
        let name = v.trim().split(' ').next().unwrap_or("");
        name.eq_ignore_ascii_case(scheme.name())
    })
}

/// The token of the `scheme` challenge, if there is one with a token.
fn token_of(challenges: &[HeaderValue], scheme: Scheme) -> Option<Vec<u8>> {
    challenges.iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (name, token) = v.trim().split_once(' ')?;
        if !name.eq_ignore_ascii_case(scheme.name()) {
            return None;
        }
        base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()
    })
}

/// One NTLM security context, client side.
struct Context {
    ntlm: sspi::Ntlm,
    credentials: Option<sspi::AuthIdentityBuffers>,
}

fn sspi_error(stage: &str, e: &sspi::Error) -> TransportError {
    TransportError::Auth(format!("NTLM {stage}: {e}"))
}

impl Context {
    fn new(identity: &AuthIdentity) -> Result<Self, TransportError> {
        let mut ntlm = sspi::Ntlm::new();
        let acquired = ntlm
            .acquire_credentials_handle()
            .with_credential_use(CredentialUse::Outbound)
            .with_auth_data(identity)
            .execute(&mut ntlm)
            .map_err(|e| sspi_error("credentials", &e))?;
        Ok(Context { ntlm, credentials: acquired.credentials_handle })
    }

    /// The type 1 (negotiate) message.
    fn first(&mut self) -> Result<Vec<u8>, TransportError> {
        self.step(None)
    }

    /// The type 3 (authenticate) message answering the server's type 2 `challenge`.
    fn answer(&mut self, challenge: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.step(Some(challenge))
    }

    fn step(&mut self, input: Option<&[u8]>) -> Result<Vec<u8>, TransportError> {
        let stage = if input.is_some() { "authenticate message" } else { "negotiate message" };
        let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
        let mut input = input.map(|i| vec![SecurityBuffer::new(i.to_vec(), BufferType::Token)]);
        let mut builder = self
            .ntlm
            .initialize_security_context()
            .with_credentials_handle(&mut self.credentials)
            .with_context_requirements(ClientRequestFlags::ALLOCATE_MEMORY)
            .with_target_data_representation(DataRepresentation::Native)
            .with_output(&mut output);
        if let Some(input) = input.as_mut() {
            builder = builder.with_input(input);
        }
        let result = self
            .ntlm
            .initialize_security_context_impl(&mut builder)
            .and_then(|mut r| r.resolve_to_result())
            .map_err(|e| sspi_error(stage, &e))?;
        if matches!(result.status, SecurityStatus::CompleteAndContinue | SecurityStatus::CompleteNeeded) {
            self.ntlm.complete_auth_token(&mut output).map_err(|e| sspi_error(stage, &e))?;
        }
        Ok(std::mem::take(&mut output[0].buffer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_by_scheme() {
        let h = |s: &str| HeaderValue::from_str(s).unwrap();
        let challenges = [h("Negotiate"), h("NTLM TlRMTVNTUAACAAAA")];
        assert!(offers(&challenges, Scheme::Negotiate) && offers(&challenges, Scheme::Ntlm));
        assert_eq!(token_of(&challenges, Scheme::Ntlm).unwrap(), b"NTLMSSP\0\x02\0\0\0");
        assert_eq!(token_of(&challenges, Scheme::Negotiate), None);
        assert!(!offers(&[h("Basic realm=\"x\"")], Scheme::Ntlm));
        assert!(!offers(&[h("NTLMX")], Scheme::Ntlm));
    }

    #[test]
    fn the_negotiate_message_is_an_ntlm_type_1() {
        let identity = AuthIdentity { username: Username::parse("CORP\\ada").unwrap(), password: "pw".to_owned().into() };
        let token = Context::new(&identity).unwrap().first().unwrap();
        assert_eq!(&token[..12], b"NTLMSSP\0\x01\0\0\0");
    }
}
