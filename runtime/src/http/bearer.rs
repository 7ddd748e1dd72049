//! OAuth 2.0 bearer tokens for the client (RFC 6750): where they come from
//! ([`TokenProvider`]), a fixed one ([`StaticToken`]), the client-credentials grant
//! ([`ClientCredentials`], feature `oauth2`), and the cache the transport keeps.
//!
//! The transport asks for a token before a request when it has none or when the one it has
//! expires within [`REFRESH_MARGIN`], and once more after a `401` whose `WWW-Authenticate`
//! names the Bearer scheme (the token was revoked or expired early), retrying the request with
//! the new token a single time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderValue;

/// A token is refreshed when it expires within this margin.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// An access token and how long it is valid.
#[derive(Clone)]
pub struct AccessToken {
    /// The token.
    pub secret: String,
    /// How long from now it is valid, if the issuer said (`expires_in`).
    pub expires_in: Option<Duration>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("secret", &"[redacted]").field("expires_in", &self.expires_in).finish()
    }
}

/// Why no token could be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError(pub String);

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TokenError {}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Where bearer tokens come from. The transport calls it when it needs a new token (see the
/// module docs); it does not need to cache.
pub trait TokenProvider: Send + Sync + 'static {
    /// A fresh token.
    fn token(&self) -> TokenFuture<'_>;
}

/// A fixed token (issued out of band), used as long as the server accepts it.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// The token `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        StaticToken(secret.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([redacted])")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let t = AccessToken { secret: self.0.clone(), expires_in: None };
        Box::pin(async move { Ok(t) })
    }
}

/// The transport's token cache around a provider.
pub(crate) struct Bearer {
    provider: Arc<dyn TokenProvider>,
    cached: tokio::sync::Mutex<Option<Cached>>,
}

struct Cached {
    header: HeaderValue,
    expires_at: Option<Instant>,
}

impl Bearer {
    pub(crate) fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Bearer { provider, cached: tokio::sync::Mutex::new(None) }
    }

    /// The `Authorization` value to send: the cached token unless it is missing, about to
    /// expire or `stale` (the server refused it), in which case a new one is fetched (one
    /// fetch at a time: concurrent requests wait for it).
    pub(crate) async fn header(&self, stale: Option<&HeaderValue>) -> Result<HeaderValue, TokenError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref() {
            let fresh = c.expires_at.is_none_or(|at| at > Instant::now() + REFRESH_MARGIN);
            // A token another request already replaced after the same refusal is used as is.
            if fresh && stale.is_none_or(|s| *s != c.header) {
                return Ok(c.header.clone());
            }
        }
        let token = self.provider.token().await?;
        let mut header = HeaderValue::from_str(&format!("Bearer {}", token.secret))
            .map_err(|_| TokenError("the access token cannot be sent in a header".to_owned()))?;
        header.set_sensitive(true);
        *cached = Some(Cached { header: header.clone(), expires_at: token.expires_in.map(|d| Instant::now() + d) });
        Ok(header)
    }
}

/// Whether a 401's `WWW-Authenticate` values name the Bearer scheme.
pub(crate) fn bearer_challenge<'a>(mut values: impl Iterator<Item = &'a HeaderValue>) -> bool {
    values.any(|v| v.to_str().is_ok_and(|s| s.trim_start().get(..6).is_some_and(|p| p.eq_ignore_ascii_case("bearer"))))
}

#[cfg(feature = "oauth2")]
mod client_credentials {
    use super::*;
    use oauth2::basic::BasicClient;
    use oauth2::{ClientId, ClientSecret, EndpointNotSet, EndpointSet, Scope, TokenResponse, TokenUrl};

    /// The OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), through the `oauth2`
    /// crate: the client's id and secret are exchanged at the token endpoint for an access
    /// token, as Microsoft Entra ID issues them for Exchange Online
    /// (`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`, scope
    /// `https://outlook.office365.com/.default`).
    ///
    /// The token endpoint is reached over HTTPS with the given roots (a
    /// [`HttpTransport`](crate::http::HttpTransport) configuration: use the same builder
    /// settings as for the service, or any other).
    pub struct ClientCredentials {
        client: BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>,
        scopes: Vec<Scope>,
        http: crate::http::HttpTransport,
    }

    impl fmt::Debug for ClientCredentials {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("ClientCredentials")
                .field("token_url", &self.client.token_uri().as_str())
                .field("client_id", &self.client.client_id().as_str())
                .field("scopes", &self.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>())
                .finish_non_exhaustive()
        }
    }

    impl ClientCredentials {
        /// The grant at `token_url` for the client `client_id` with `client_secret`, asking for
        /// `scopes`; `http` is the transport the token requests go through (its endpoint is
        /// ignored: each request goes to `token_url`).
        pub fn new(
            token_url: &str,
            client_id: impl Into<String>,
            client_secret: impl Into<String>,
            scopes: impl IntoIterator<Item = impl Into<String>>,
            http: crate::http::HttpTransport,
        ) -> Result<Self, TokenError> {
            let token_url = TokenUrl::new(token_url.to_owned()).map_err(|e| TokenError(format!("token URL '{token_url}': {e}")))?;
            let client = BasicClient::new(ClientId::new(client_id.into()))
                .set_client_secret(ClientSecret::new(client_secret.into()))
                .set_token_uri(token_url);
            Ok(ClientCredentials { client, scopes: scopes.into_iter().map(|s| Scope::new(s.into())).collect(), http })
        }
    }

    /// The token requests go through the transport (a clone: it shares the pool).
    struct Via(crate::http::HttpTransport);

    impl<'c> oauth2::AsyncHttpClient<'c> for Via {
        type Error = crate::client::TransportError;
        type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c>>;
        fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
            Box::pin(self.0.raw(request))
        }
    }

    impl TokenProvider for ClientCredentials {
        fn token(&self) -> TokenFuture<'_> {
            Box::pin(async move {
                let http = Via(self.http.clone());
                let response = self
                    .client
                    .exchange_client_credentials()
                    .add_scopes(self.scopes.iter().cloned())
                    .request_async(&http)
                    .await
                    .map_err(|e| TokenError(describe(&e)))?;
                Ok(AccessToken { secret: response.access_token().secret().clone(), expires_in: response.expires_in() })
            })
        }
    }

    /// The error with its causes ("server returned error response: invalid_client: ...").
    fn describe(e: &(dyn std::error::Error + 'static)) -> String {
        let mut s = format!("cannot obtain an access token: {e}");
        let mut cur = e.source();
        while let Some(c) = cur {
            s.push_str(&format!(": {c}"));
            cur = c.source();
        }
        s
    }
}

#[cfg(feature = "oauth2")]
pub use client_credentials::ClientCredentials;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        calls: AtomicUsize,
        expires_in: Option<Duration>,
    }

    impl TokenProvider for Counting {
        fn token(&self) -> TokenFuture<'_> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let t = AccessToken { secret: format!("t{n}"), expires_in: self.expires_in };
            Box::pin(async move { Ok(t) })
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn tokens_are_cached_refreshed_before_expiry_and_replaced_when_refused() {
        let long = Arc::new(Counting { calls: AtomicUsize::new(0), expires_in: Some(Duration::from_secs(3600)) });
        let b = Bearer::new(long.clone());
        let first = block_on(b.header(None)).unwrap();
        assert_eq!(first, "Bearer t1");
        assert!(first.is_sensitive());
        assert_eq!(block_on(b.header(None)).unwrap(), "Bearer t1", "cached");
        // Refused by the server: a new one, once; a second request refused with the old one
        // uses the replacement.
        assert_eq!(block_on(b.header(Some(&first))).unwrap(), "Bearer t2");
        assert_eq!(block_on(b.header(Some(&first))).unwrap(), "Bearer t2");
        assert_eq!(long.calls.load(Ordering::SeqCst), 2);

        // A token that expires within the margin is refreshed on every use.
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), expires_in: Some(Duration::from_secs(30)) });
        let b = Bearer::new(short.clone());
        assert_eq!(block_on(b.header(None)).unwrap(), "Bearer t1");
        assert_eq!(block_on(b.header(None)).unwrap(), "Bearer t2");
        assert!(format!("{:?}", AccessToken { secret: "s".into(), expires_in: None }).contains("[redacted]"));
    }

    #[test]
    fn bearer_challenges_are_recognised() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert!(bearer_challenge([v("Bearer realm=\"x\", error=\"invalid_token\"")].iter()));
        assert!(bearer_challenge([v("Basic realm=\"x\""), v("bearer")].iter()));
        assert!(!bearer_challenge([v("Basic realm=\"x\"")].iter()));
        assert!(!bearer_challenge([v("Negotiate")].iter()));
    }
}
