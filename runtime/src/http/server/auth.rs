//! Authentication of requests from their HTTP headers, before the body is read: the
//! [`Authenticator`] trait, HTTP Basic ([`BasicAuth`]), OAuth 2.0 bearer tokens
//! ([`BearerAuth`]) and either of several ([`AnyOf`]).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};

/// Decides who sent a request, from its headers, before its body is read.
pub trait Authenticator: Send + Sync + 'static {
    /// The authenticated user (`Ok(Some(..))`), an anonymous request that is allowed
    /// (`Ok(None)`), or a refusal.
    ///
    /// This runs on the server's async threads: it should not block for long (verify against
    /// a fast hash or a cache, not a slow remote directory).
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError>;

    /// The `WWW-Authenticate` challenge sent with a 401 answer, if any.
    fn challenge(&self) -> Option<HeaderValue> {
        None
    }

    /// Every `WWW-Authenticate` challenge of the 401 answer to a request refused with `error`
    /// (one per scheme accepted); by default [`challenge`](Authenticator::challenge).
    fn challenges(&self, error: AuthError) -> Vec<HeaderValue> {
        let _ = error;
        self.challenge().into_iter().collect()
    }
}

impl<A: Authenticator> Authenticator for Arc<A> {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError> {
        (**self).authenticate(headers)
    }
    fn challenge(&self) -> Option<HeaderValue> {
        (**self).challenge()
    }
    fn challenges(&self, error: AuthError) -> Vec<HeaderValue> {
        (**self).challenges(error)
    }
}

/// Why a request was not authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No credentials (answered 401 with the challenge).
    Missing,
    /// Credentials that are malformed or wrong (answered 401 with the challenge).
    Invalid,
    /// Valid credentials of a user who may not use the service (answered 403).
    Forbidden,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthError::Missing => "authentication required",
            AuthError::Invalid => "invalid credentials",
            AuthError::Forbidden => "access denied",
        })
    }
}

impl std::error::Error for AuthError {}

type Verify = dyn Fn(&str, &str) -> bool + Send + Sync;

/// HTTP Basic authentication (RFC 7617) against a verification function supplied by the
/// application.
///
/// Use it over HTTPS only: the password travels with every request. The function receives the
/// user name and password exactly as sent (decoded as UTF-8); comparing them in constant time,
/// and hashing stored passwords, is its business.
pub struct BasicAuth {
    challenge: HeaderValue,
    verify: Box<Verify>,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth").field("challenge", &self.challenge).finish_non_exhaustive()
    }
}

/// `realm` as a quoted header parameter may carry it: `"` and `\\` become `'`, characters
/// outside printable ASCII `?`.
fn quotable(realm: &str) -> String {
    realm
        .chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

impl BasicAuth {
    /// Basic authentication for `realm`, accepting the credentials for which `verify` returns
    /// `true`. Characters of `realm` that cannot appear in a quoted header parameter are
    /// replaced by `?`.
    pub fn new(realm: &str, verify: impl Fn(&str, &str) -> bool + Send + Sync + 'static) -> Self {
        let challenge = HeaderValue::from_str(&format!("Basic realm=\"{}\", charset=\"UTF-8\"", quotable(realm)))
            .unwrap_or_else(|_| HeaderValue::from_static("Basic charset=\"UTF-8\""));
        BasicAuth { challenge, verify: Box::new(verify) }
    }
}

impl Authenticator for BasicAuth {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError> {
        let Some(value) = headers.get(AUTHORIZATION) else { return Err(AuthError::Missing) };
        let (user, password) = basic_credentials(value).ok_or(AuthError::Invalid)?;
        if (self.verify)(&user, &password) { Ok(Some(user)) } else { Err(AuthError::Invalid) }
    }

    fn challenge(&self) -> Option<HeaderValue> {
        Some(self.challenge.clone())
    }
}

type Validate = dyn Fn(&str) -> Option<String> + Send + Sync;

/// OAuth 2.0 bearer tokens (RFC 6750) checked by a function supplied by the application: it
/// receives the token as sent and returns the user it was issued to, or `None` for a token
/// that is unknown, expired or revoked (answered 401 with a `Bearer` challenge saying
/// `error="invalid_token"` for a token that was sent, so that a client fetches a new one).
pub struct BearerAuth {
    challenge: HeaderValue,
    invalid: HeaderValue,
    validate: Box<Validate>,
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth").field("challenge", &self.challenge).finish_non_exhaustive()
    }
}

impl BearerAuth {
    /// Bearer tokens for `realm`, valid when `validate` names their user.
    pub fn new(realm: &str, validate: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let realm = quotable(realm);
        let challenge = HeaderValue::from_str(&format!("Bearer realm=\"{realm}\"")).unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
        let invalid = HeaderValue::from_str(&format!("Bearer realm=\"{realm}\", error=\"invalid_token\""))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""));
        BearerAuth { challenge, invalid, validate: Box::new(validate) }
    }
}

impl Authenticator for BearerAuth {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError> {
        let Some(value) = headers.get(AUTHORIZATION) else { return Err(AuthError::Missing) };
        let token = bearer_token(value).ok_or(AuthError::Invalid)?;
        (self.validate)(token).map(Some).ok_or(AuthError::Invalid)
    }

    fn challenge(&self) -> Option<HeaderValue> {
        Some(self.challenge.clone())
    }

    fn challenges(&self, error: AuthError) -> Vec<HeaderValue> {
        vec![if error == AuthError::Invalid { self.invalid.clone() } else { self.challenge.clone() }]
    }
}

/// The token of an `Authorization: Bearer <token>` header value, if it is one.
pub fn bearer_token(value: &HeaderValue) -> Option<&str> {
    let value = value.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whichever of several authenticators the request's `Authorization` scheme is for (Basic
/// and Bearer, say): the first that accepts the request wins; a request none accepts is
/// refused as the most telling of their refusals (forbidden, then invalid, then missing), and a
/// 401 carries every challenge.
#[derive(Default)]
pub struct AnyOf {
    authenticators: Vec<Box<dyn Authenticator>>,
}

impl fmt::Debug for AnyOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyOf").field("challenges", &self.challenges(AuthError::Missing)).finish()
    }
}

impl AnyOf {
    /// No authenticator yet (which refuses everything).
    pub fn new() -> Self {
        AnyOf::default()
    }

    /// Adds an authenticator, tried after the earlier ones.
    #[must_use]
    pub fn with(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticators.push(Box::new(authenticator));
        self
    }
}

impl Authenticator for AnyOf {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<String>, AuthError> {
        let mut worst = AuthError::Missing;
        for a in &self.authenticators {
            match a.authenticate(headers) {
                Ok(user) => return Ok(user),
                Err(AuthError::Forbidden) => worst = AuthError::Forbidden,
                Err(AuthError::Invalid) if worst == AuthError::Missing => worst = AuthError::Invalid,
                Err(_) => {}
            }
        }
        // Credentials of a scheme nobody here takes are no credentials at all.
        if worst == AuthError::Invalid && !headers.contains_key(AUTHORIZATION) {
            worst = AuthError::Missing;
        }
        Err(worst)
    }

    fn challenges(&self, error: AuthError) -> Vec<HeaderValue> {
        self.authenticators.iter().flat_map(|a| a.challenges(error)).collect()
    }
}

/// The user name and password of an `Authorization: Basic ...` header value, if it is one and
/// well formed (valid base64 of UTF-8 `user:password`).
pub fn basic_credentials(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_parsed_strictly() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert_eq!(basic_credentials(&v("Basic YWxpY2U6c2VjcmV0")), Some(("alice".into(), "secret".into())));
        assert_eq!(basic_credentials(&v("basic  YWxpY2U6c2U6Y3JldA==")), Some(("alice".into(), "se:cret".into())));
        assert_eq!(basic_credentials(&v("Bearer YWxpY2U6c2VjcmV0")), None);
        assert_eq!(basic_credentials(&v("Basic")), None);
        assert_eq!(basic_credentials(&v("Basic !!!")), None);
        assert_eq!(basic_credentials(&v("Basic YWxpY2U=")), None); // no colon
        assert_eq!(basic_credentials(&HeaderValue::from_bytes(b"Basic \xff").unwrap()), None);
    }

    #[test]
    fn realm_is_sanitised() {
        let auth = BasicAuth::new("UM \"x\"\n\u{e9}", |_, _| true);
        assert_eq!(auth.challenge().unwrap(), "Basic realm=\"UM 'x'??\", charset=\"UTF-8\"");
    }

    #[test]
    fn bearer_tokens_and_their_challenges() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert_eq!(bearer_token(&v("Bearer abc.def")), Some("abc.def"));
        assert_eq!(bearer_token(&v("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&v("Bearer ")), None);
        assert_eq!(bearer_token(&v("Basic abc")), None);
        let auth = BearerAuth::new("EWS", |t| (t == "good").then(|| "alice".to_owned()));
        let headers = |a: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(a) = a {
                h.insert(AUTHORIZATION, v(a));
            }
            h
        };
        assert_eq!(auth.authenticate(&headers(Some("Bearer good"))), Ok(Some("alice".to_owned())));
        assert_eq!(auth.authenticate(&headers(Some("Bearer bad"))), Err(AuthError::Invalid));
        assert_eq!(auth.authenticate(&headers(None)), Err(AuthError::Missing));
        assert_eq!(auth.challenges(AuthError::Missing), [v("Bearer realm=\"EWS\"")]);
        assert_eq!(auth.challenges(AuthError::Invalid), [v("Bearer realm=\"EWS\", error=\"invalid_token\"")]);
    }

    #[test]
    fn any_of_takes_the_first_that_accepts_and_offers_every_challenge() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        let auth = AnyOf::new()
            .with(BasicAuth::new("r", |u, p| u == "bob" && p == "pw"))
            .with(BearerAuth::new("r", |t| (t == "tok").then(|| "carol".to_owned())));
        let with = |a: &str| {
            let mut h = HeaderMap::new();
            h.insert(AUTHORIZATION, v(a));
            h
        };
        assert_eq!(auth.authenticate(&with("Basic Ym9iOnB3")), Ok(Some("bob".to_owned())));
        assert_eq!(auth.authenticate(&with("Bearer tok")), Ok(Some("carol".to_owned())));
        assert_eq!(auth.authenticate(&with("Bearer nope")), Err(AuthError::Invalid));
        assert_eq!(auth.authenticate(&HeaderMap::new()), Err(AuthError::Missing));
        assert_eq!(auth.challenges(AuthError::Missing).len(), 2);
    }
}
