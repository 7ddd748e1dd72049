//! Running the server: the data directory, the HTTP(S) listener, HTTP Basic authentication
//! against the users file, graceful shutdown. As in the product, [`UM_LEGACY_PATH`] serves the
//! Unified Messaging operations of [MS-OXWUMS] alone, and [`EXCHANGE_PATH`] serves them
//! together with the mail app operations of [MS-OXWSCEXT]: one endpoint, each request routed
//! to its service by its Body element and SOAPAction (`soapkit::server::Compose`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use generated::exchange::exchange_service_binding::ExchangeServiceBindingDispatcher;
use generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher;
use generated::faults::ExchangeFaults;
use soapkit::http::HeaderMap;
use soapkit::http::server::{
    AuthError, Authenticator, SoapRouter, basic_credentials, serve_plain, serve_tls, tls_server_config_from_files,
};
use soapkit::server::Compose;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::apps::AppsService;
use crate::clock::{Clock, SystemClock};
use crate::logging::Logged;
use crate::service::{UmConfig, UmService};
use crate::store::{DB_FILE, Store};
use crate::tls::{CertPaths, ensure_certificate};
use crate::tokens::TokenKey;
use crate::users::{Directory as _, USERS_FILE, UserDb, ensure_users_file};

/// The path of the Unified Messaging operations alone.
pub const UM_LEGACY_PATH: &str = "/EWS/UM2007Legacy.asmx";
/// The path of the Unified Messaging and the mail app operations.
pub const EXCHANGE_PATH: &str = "/EWS/Exchange.asmx";
/// The paths the server answers at.
pub const PATHS: &[&str] = &[UM_LEGACY_PATH, EXCHANGE_PATH];
/// The realm of the Basic challenge.
pub const REALM: &str = "um-server";
/// Default `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
/// Default `--data`.
pub const DEFAULT_DATA_DIR: &str = "./um-data";

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The data directory (created if missing).
    pub data_dir: PathBuf,
    /// Plain HTTP instead of HTTPS (loopback addresses only).
    pub insecure_http: bool,
    /// The service's settings.
    pub um: UmConfig,
    /// The authentication schemes accepted.
    pub auth: AuthMethods,
}

/// Which credentials the server takes (`--auth`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthMethods {
    /// HTTP Basic with a user of the users file.
    pub basic: bool,
    /// `Authorization: Bearer` with a token of `um-server token` ([`crate::tokens`]).
    pub bearer: bool,
    /// A WS-Security `UsernameToken` with the password as text (the users file keeps Argon2id
    /// hashes, which cannot check a digest).
    pub username_token: bool,
}

impl Default for AuthMethods {
    fn default() -> Self {
        AuthMethods { basic: true, bearer: true, username_token: true }
    }
}

impl AuthMethods {
    /// Parses `basic,bearer,usernametoken` (any of them).
    pub fn parse(list: &str) -> Result<AuthMethods, String> {
        let mut m = AuthMethods { basic: false, bearer: false, username_token: false };
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "basic" => m.basic = true,
                "bearer" => m.bearer = true,
                "usernametoken" => m.username_token = true,
                other => return Err(format!("--auth: unknown scheme {other:?} (expected basic, bearer, usernametoken)")),
            }
        }
        if !(m.basic || m.bearer || m.username_token) {
            return Err("--auth: name at least one scheme (basic, bearer, usernametoken)".to_owned());
        }
        Ok(m)
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub struct ServerError(String);

impl ServerError {
    fn new(message: impl Into<String>) -> Self {
        ServerError(message.into())
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServerError {}

/// Parses a `--listen` value: `IP:PORT`, `[IPv6]:PORT` or `localhost:PORT`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, ServerError> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    match s.rsplit_once(':') {
        Some((host, port)) if host.eq_ignore_ascii_case("localhost") => match port.parse::<u16>() {
            Ok(p) => Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p)),
            Err(_) => Err(ServerError::new(format!("invalid port in --listen {s:?}"))),
        },
        _ => Err(ServerError::new(format!("invalid --listen {s:?}: expected IP:PORT (e.g. 127.0.0.1:8443)"))),
    }
}

/// Refuses plain HTTP on an address that is not a loopback one: [MS-OXWUMS] 2.1 requires
/// HTTPS, and Basic credentials must not cross a network in clear.
pub fn check_insecure_http(listen: SocketAddr) -> Result<(), ServerError> {
    if listen.ip().is_loopback() {
        Ok(())
    } else {
        Err(ServerError::new(format!(
            "refusing --insecure-http on {listen}: plain HTTP is only allowed on a loopback address \
             (127.0.0.0/8 or ::1), because MS-OXWUMS requires HTTPS and HTTP Basic would send passwords in clear; \
             drop --insecure-http to serve HTTPS"
        )))
    }
}

/// The data directory, ready for use.
#[derive(Debug)]
pub struct DataDir {
    /// Its path.
    pub path: PathBuf,
    /// The users.
    pub users: Arc<UserDb>,
    /// The settings store.
    pub store: Arc<Store>,
    /// The TLS certificate (`None` when serving plain HTTP and no certificate existed).
    pub cert: Option<CertPaths>,
    /// The demo user's password, if the users file was created now (show it once).
    pub demo_password: Option<String>,
}

/// Creates the data directory (mode 0700) if it does not exist.
pub fn create_data_dir(path: &Path) -> Result<(), ServerError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        b.mode(0o700);
    }
    b.create(path).map_err(|e| ServerError::new(format!("cannot create the data directory {}: {e}", path.display())))
}

/// Opens the data directory, creating it, the users file (with the demo user), the database
/// and, when `need_cert`, the certificate as needed.
pub fn open_data_dir(path: &Path, need_cert: bool) -> Result<DataDir, ServerError> {
    create_data_dir(path)?;
    let demo_password = ensure_users_file(&path.join(USERS_FILE)).map_err(|e| ServerError::new(e.to_string()))?;
    let users = Arc::new(UserDb::open(&path.join(USERS_FILE)).map_err(|e| ServerError::new(e.to_string()))?);
    let store = Arc::new(Store::open(&path.join(DB_FILE)).map_err(|e| ServerError::new(e.to_string()))?);
    let cert = if need_cert { Some(ensure_certificate(path).map_err(ServerError::new)?) } else { None };
    Ok(DataDir { path: path.to_owned(), users, store, cert, demo_password })
}

/// HTTP Basic authentication against the users file, and bearer tokens of `um-server token`
/// for users of that file, as configured. Failed attempts are logged here (the request goes
/// no further), successful ones by [`Logged`].
#[derive(Debug, Clone)]
pub struct UsersAuth {
    users: Arc<UserDb>,
    basic: bool,
    tokens: Option<Arc<TokenKey>>,
}

impl UsersAuth {
    /// Basic authentication against `users`.
    pub fn new(users: Arc<UserDb>) -> Self {
        UsersAuth { users, basic: true, tokens: None }
    }

    /// The schemes of `methods`, tokens checked with `key`.
    pub fn with_methods(users: Arc<UserDb>, methods: AuthMethods, key: Arc<TokenKey>) -> Self {
        UsersAuth { users, basic: methods.basic, tokens: methods.bearer.then_some(key) }
    }

    fn bearer(&self, key: &TokenKey, token: &str) -> Result<Option<String>, AuthError> {
        let refused = |user: Option<&str>, outcome: String| {
            tracing::info!(user = ?user.unwrap_or("-"), operation = "-", outcome = %outcome, status = 401, latency_ms = 0.0, "request");
            AuthError::Invalid
        };
        match key.verify(token, SystemTime::now()) {
            Ok(user) if self.users.user(&user).is_some() => Ok(Some(user)),
            Ok(user) => Err(refused(Some(&user), "unauthorized (token of a user who is no longer in the users file)".to_owned())),
            Err(e) => Err(refused(None, format!("unauthorized (bearer token {e})"))),
        }
    }
}

impl Authenticator for UsersAuth {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError> {
        // The user name is the client's, unverified: logged quoted and escaped.
        let refused = |user: Option<&str>, outcome: &str, e: AuthError| {
            tracing::info!(user = ?user.unwrap_or("-"), operation = "-", outcome = %outcome, status = 401, latency_ms = 0.0, "request");
            e
        };
        let Some(value) = headers.get("authorization") else {
            return Err(refused(None, "unauthorized (no credentials)", AuthError::Missing));
        };
        if let Some(token) = soapkit::http::server::bearer_token(value) {
            return match &self.tokens {
                Some(key) => self.bearer(key, token),
                None => Err(refused(None, "unauthorized (bearer tokens are not accepted)", AuthError::Invalid)),
            };
        }
        if !self.basic {
            return Err(refused(None, "unauthorized (Basic is not accepted)", AuthError::Invalid));
        }
        let Some((user, password)) = basic_credentials(value) else {
            return Err(refused(None, "unauthorized (malformed credentials)", AuthError::Invalid));
        };
        // A password verified before is recognised by a cheap digest, here. A full Argon2id
        // check takes milliseconds of CPU: on a multi-threaded runtime, let the other tasks
        // move to another worker meanwhile (handing the worker over costs a thread switch, so
        // only that check pays it).
        let check = || self.users.authenticate(&user, &password);
        let ok = match self.users.remembered(&user, &password) {
            Some(ok) => ok,
            None => match tokio::runtime::Handle::try_current() {
                Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(check),
                _ => check(),
            },
        };
        if ok { Ok(Some(user)) } else { Err(refused(Some(&user), "unauthorized (wrong user or password)", AuthError::Invalid)) }
    }

    fn challenge(&self) -> Option<soapkit::http::HeaderValue> {
        soapkit::http::HeaderValue::from_str(&format!("Basic realm=\"{REALM}\", charset=\"UTF-8\"")).ok()
    }

    fn challenges(&self, error: AuthError) -> Vec<soapkit::http::HeaderValue> {
        let mut out = Vec::new();
        if self.basic {
            out.extend(self.challenge());
        }
        if self.tokens.is_some() {
            // error="invalid_token" tells a client holding a token to get a new one (RFC 6750 3.1).
            let v = if error == AuthError::Invalid {
                format!("Bearer realm=\"{REALM}\", error=\"invalid_token\"")
            } else {
                format!("Bearer realm=\"{REALM}\"")
            };
            out.extend(soapkit::http::HeaderValue::from_str(&v).ok());
        }
        out
    }
}

/// The router authenticating as `methods` say.
fn with_auth<S: soapkit::server::SoapService>(
    router: SoapRouter<S>,
    auth: &UsersAuth,
    methods: AuthMethods,
    users: &Arc<UserDb>,
) -> SoapRouter<S> {
    let router = if methods.basic || methods.bearer { router.authenticator(auth.clone()) } else { router };
    if methods.username_token {
        let users = users.clone();
        router.username_token(move |t| username_token_user(&users, t))
    } else {
        router
    }
}

/// The user of a WS-Security UsernameToken with the password as text, checked against the
/// users file (a digest cannot be: the file keeps password hashes).
fn username_token_user(users: &UserDb, token: &soapkit::wss::ReceivedToken) -> Option<String> {
    if token.kind != soapkit::wss::PasswordType::Text {
        tracing::info!(user = ?token.username, outcome = "unauthorized (PasswordDigest needs the password in clear)", "request");
        return None;
    }
    let check = || users.authenticate(&token.username, &token.password);
    let ok = match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(check),
        _ => check(),
    };
    ok.then(|| token.username.clone())
}

/// A server that is listening.
#[derive(Debug)]
pub struct RunningServer {
    /// The address it listens on (with the real port when 0 was asked for).
    pub local_addr: SocketAddr,
    /// `https` or `http`.
    pub scheme: &'static str,
    /// The certificate clients must trust (HTTPS only).
    pub cert_path: Option<PathBuf>,
    /// The demo password, if the data directory was created now.
    pub demo_password: Option<String>,
    /// The users file.
    pub users_path: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// The URL of `path` on this server (`https://127.0.0.1:PORT/EWS/Exchange.asmx`).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.local_addr, path)
    }

    /// Stops accepting connections, lets open requests finish, and waits for that.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server stops (after the shutdown future given to [`start`] completes).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

/// Opens the data directory, binds `config.listen` and serves in a background task, with time
/// from the system clock. The server stops when [`RunningServer::shutdown`] is called or
/// `shutdown` completes.
pub async fn start(
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    start_with_clock(config, Arc::new(SystemClock::new()), shutdown).await
}

/// [`start`] with another clock.
pub async fn start_with_clock(
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    if config.insecure_http {
        check_insecure_http(config.listen)?;
    }
    let data = open_data_dir(&config.data_dir, !config.insecure_http)?;
    let tls = match (&data.cert, config.insecure_http) {
        (Some(cert), false) => Some(Arc::new(
            tls_server_config_from_files(&cert.cert, &cert.key)
                .map_err(|e| ServerError::new(format!("cannot load the certificate: {e}")))?,
        )),
        _ => None,
    };
    // One UM service (its calls are one state) behind both endpoints.
    let um = Arc::new(UmService::new(clock.clone(), data.store.clone(), data.users.clone(), config.um.clone()));
    let apps = AppsService::new(clock, data.store.clone(), data.users.clone());
    let um_dispatcher = || UmWebServiceSoapDispatcher::new(um.clone()).with_fault_policy(ExchangeFaults);
    let key = Arc::new(TokenKey::open_or_create(&data.path).map_err(ServerError::new)?);
    let auth = UsersAuth::with_methods(data.users.clone(), config.auth, key);
    let legacy = with_auth(SoapRouter::new(Logged::new(um_dispatcher())), &auth, config.auth, &data.users)
        .paths(&[UM_LEGACY_PATH])
        .build()
        .map_err(|e| ServerError::new(e.to_string()))?;
    let exchange = Compose::new(um_dispatcher(), ExchangeServiceBindingDispatcher::new(apps).with_fault_policy(ExchangeFaults));
    let router = with_auth(SoapRouter::new(Logged::new(exchange)), &auth, config.auth, &data.users)
        .paths(&[EXCHANGE_PATH])
        .build()
        .map_err(|e| ServerError::new(e.to_string()))?
        .merge(legacy);
    let listener =
        TcpListener::bind(config.listen).await.map_err(|e| ServerError::new(format!("cannot listen on {}: {e}", config.listen)))?;
    let local_addr = listener.local_addr().map_err(|e| ServerError::new(format!("cannot read the listening address: {e}")))?;
    let (stop, stopped) = oneshot::channel::<()>();
    let signal = async move {
        tokio::select! {
            _ = stopped => {}
            () = shutdown => {}
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let task = match tls {
        Some(tls) => tokio::spawn(serve_tls(listener, tls, router, signal)),
        None => tokio::spawn(serve_plain(listener, router, signal)),
    };
    Ok(RunningServer {
        local_addr,
        scheme,
        cert_path: data.cert.filter(|_| scheme == "https").map(|c| c.cert),
        demo_password: data.demo_password,
        users_path: data.users.path().to_owned(),
        stop: Some(stop),
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen("127.0.0.1:8443").unwrap(), "127.0.0.1:8443".parse().unwrap());
        assert_eq!(parse_listen("localhost:1").unwrap(), "127.0.0.1:1".parse().unwrap());
        assert_eq!(parse_listen("[::1]:8443").unwrap(), "[::1]:8443".parse().unwrap());
        assert!(parse_listen("example.com:80").is_err());
        assert!(parse_listen("localhost:x").is_err());
        assert!(parse_listen("8443").is_err());
    }

    #[test]
    fn auth_methods_and_their_challenges() {
        assert_eq!(AuthMethods::parse("basic, bearer,usernametoken").unwrap(), AuthMethods::default());
        assert_eq!(AuthMethods::parse("bearer").unwrap(), AuthMethods { basic: false, bearer: true, username_token: false });
        assert!(AuthMethods::parse("").unwrap_err().contains("at least one"));
        assert!(AuthMethods::parse("ntlm").unwrap_err().contains("unknown scheme \"ntlm\""));
        let dir = std::env::temp_dir().join(format!("um-auth-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        crate::users::add_user(&dir.join(USERS_FILE), "alice", "pw", true, None).unwrap();
        let users = Arc::new(UserDb::open(&dir.join(USERS_FILE)).unwrap());
        let key = Arc::new(TokenKey::from_bytes(&[1; 32]));
        let both = UsersAuth::with_methods(users.clone(), AuthMethods::default(), key.clone());
        let shown = |a: &UsersAuth, e| a.challenges(e).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(
            shown(&both, AuthError::Missing),
            [format!("Basic realm=\"{REALM}\", charset=\"UTF-8\""), format!("Bearer realm=\"{REALM}\"")]
        );
        assert_eq!(shown(&both, AuthError::Invalid)[1], format!("Bearer realm=\"{REALM}\", error=\"invalid_token\""));
        let bearer_only =
            UsersAuth::with_methods(users.clone(), AuthMethods { basic: false, bearer: true, username_token: false }, key.clone());
        assert_eq!(shown(&bearer_only, AuthError::Missing), [format!("Bearer realm=\"{REALM}\"")]);
        let mut h = HeaderMap::new();
        h.insert("authorization", soapkit::http::HeaderValue::from_static("Basic YWxpY2U6cHc="));
        assert_eq!(both.authenticate(&h), Ok(Some("alice".to_owned())));
        assert_eq!(bearer_only.authenticate(&h), Err(AuthError::Invalid), "Basic is off");
        let token = key.issue("alice", std::time::Duration::from_secs(60), SystemTime::now());
        h.insert("authorization", soapkit::http::HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
        assert_eq!(bearer_only.authenticate(&h), Ok(Some("alice".to_owned())));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in ["127.0.0.1:1", "127.1.2.3:1", "[::1]:1"] {
            assert!(check_insecure_http(ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for bad in ["0.0.0.0:1", "192.0.2.1:1", "[::]:1"] {
            let e = check_insecure_http(bad.parse().unwrap()).unwrap_err().to_string();
            assert!(e.starts_with("refusing --insecure-http"), "{e}");
        }
    }
}
