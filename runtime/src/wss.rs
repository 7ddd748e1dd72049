//! WS-Security (OASIS WSS 1.0/1.1) `UsernameToken`: the SOAP header that carries a user name
//! and a password, the most common credential of SOAP services after HTTP's own.
//!
//! Client side, [`UsernameToken`] is an [`ExtraHeaders`] source
//! any generated client can send with every request
//! (`Client::new(transport).with_extra_headers(token)`): a `wsse:Security` header
//! (`mustUnderstand="1"`) with the `wsse:UsernameToken` (the password as text or as the
//! Username Token Profile's digest `Base64(SHA-1(nonce + created + password))`, a fresh
//! `wsse:Nonce` and `wsu:Created` per request) and, if asked, a `wsu:Timestamp`.
//!
//! Server side, [`received_token`] finds the token in a request envelope, [`ReceivedToken`]
//! checks a password against it, and [`ReplayGuard`] refuses a token whose `Created` is
//! outside its window or whose nonce it has already seen. The HTTP server runtime uses them
//! (`SoapRouter::username_token`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;

use crate::client::ExtraHeaders;
use crate::soap::EnvelopeReader;
use crate::xml::{AnyElement, EncodeError, NsTable};
use crate::xsd::DateTime;

/// The WS-Security extension namespace (`wsse`).
pub const WSSE: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// The WS-Security utility namespace (`wsu`).
pub const WSU: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// `Type` of a password sent as text.
pub const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/// `Type` of a password sent as its digest.
pub const PASSWORD_DIGEST: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
/// `EncodingType` of a base64 nonce.
pub const BASE64_BINARY: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

/// How the password travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordType {
    /// As text (over TLS only).
    Text,
    /// As `Base64(SHA-1(nonce + created + password))`.
    Digest,
}

/// A WS-Security UsernameToken to send with every request.
#[derive(Clone)]
pub struct UsernameToken {
    username: String,
    password: String,
    kind: PasswordType,
    nonce: bool,
    timestamp: Option<Duration>,
}

impl fmt::Debug for UsernameToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameToken")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("kind", &self.kind)
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

impl UsernameToken {
    /// A token with the password as text, with a nonce and a creation time.
    pub fn text(username: impl Into<String>, password: impl Into<String>) -> Self {
        UsernameToken { username: username.into(), password: password.into(), kind: PasswordType::Text, nonce: true, timestamp: None }
    }

    /// A token with the password digest (which needs the nonce and the creation time).
    pub fn digest(username: impl Into<String>, password: impl Into<String>) -> Self {
        UsernameToken { kind: PasswordType::Digest, ..UsernameToken::text(username, password) }
    }

    /// Leaves the nonce and creation time out of a text token (some servers want the bare
    /// form); a digest token keeps them.
    #[must_use]
    pub fn without_nonce(mut self) -> Self {
        self.nonce = self.kind == PasswordType::Digest;
        self
    }

    /// Adds a `wsu:Timestamp` that expires `ttl` after the request is made.
    #[must_use]
    pub fn with_timestamp(mut self, ttl: Duration) -> Self {
        self.timestamp = Some(ttl);
        self
    }

    /// The `wsse:Security` header entry for a request made at `now`, with `nonce` (random
    /// bytes; 16 are sent by [`ExtraHeaders::entries`]).
    pub fn header_at(&self, now: SystemTime, nonce: &[u8]) -> Result<AnyElement, EncodeError> {
        let created = utc(now)?;
        let mut token = AnyElement::new(WSSE, "UsernameToken")
            .with_namespace("wsse", WSSE)
            .with_child(AnyElement::new(WSSE, "Username").with_text(self.username.clone()));
        let (kind, password) = match self.kind {
            PasswordType::Text => (PASSWORD_TEXT, self.password.clone()),
            PasswordType::Digest => (PASSWORD_DIGEST, password_digest(nonce, &created, &self.password)),
        };
        token = token.with_child(AnyElement::new(WSSE, "Password").with_attribute("", "Type", kind).with_text(password));
        if self.nonce || self.kind == PasswordType::Digest {
            let b64 = base64::engine::general_purpose::STANDARD.encode(nonce);
            token = token
                .with_child(AnyElement::new(WSSE, "Nonce").with_attribute("", "EncodingType", BASE64_BINARY).with_text(b64))
                .with_child(AnyElement::new(WSU, "Created").with_text(created.clone()));
        }
        let mut security = AnyElement::new(WSSE, "Security").with_namespace("wsse", WSSE).with_namespace("wsu", WSU);
        if let Some(ttl) = self.timestamp {
            let expires = utc(now + ttl)?;
            security = security.with_child(
                AnyElement::new(WSU, "Timestamp")
                    .with_child(AnyElement::new(WSU, "Created").with_text(created))
                    .with_child(AnyElement::new(WSU, "Expires").with_text(expires)),
            );
        }
        Ok(security.with_child(token))
    }
}

impl ExtraHeaders for UsernameToken {
    fn entries(&self) -> Result<Vec<AnyElement>, EncodeError> {
        let mut nonce = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
            .map_err(|_| EncodeError::new("no randomness for the WS-Security nonce"))?;
        Ok(vec![self.header_at(SystemTime::now(), &nonce)?])
    }

    fn must_understand(&self) -> bool {
        true
    }
}

/// `time` as WS-Security writes it: UTC, whole seconds, `Z`.
fn utc(time: SystemTime) -> Result<String, EncodeError> {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_err(|_| EncodeError::new("a time before 1970"))?.as_secs();
    let t = DateTime::from_unix(i64::try_from(secs).unwrap_or(i64::MAX), 0).map_err(|e| EncodeError::new(e.to_string()))?;
    Ok(t.as_str().to_owned())
}

/// The Username Token Profile's password digest: `Base64(SHA-1(nonce + created + password))`.
pub fn password_digest(nonce: &[u8], created: &str, password: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(nonce);
    ctx.update(created.as_bytes());
    ctx.update(password.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(ctx.finish())
}

// ----- the server side ----------------------------------------------------------------------

/// A UsernameToken as a request carried it.
#[derive(Clone)]
pub struct ReceivedToken {
    /// `wsse:Username`.
    pub username: String,
    /// `wsse:Password` (text, or the digest).
    pub password: String,
    /// Its `Type`.
    pub kind: PasswordType,
    /// The decoded `wsse:Nonce`, if sent.
    pub nonce: Option<Vec<u8>>,
    /// `wsu:Created`, if sent.
    pub created: Option<String>,
}

impl fmt::Debug for ReceivedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedToken")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("kind", &self.kind)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl ReceivedToken {
    /// Whether the token proves `password`: equal text, or the digest of it with the token's
    /// nonce and creation time. Compared in constant time.
    pub fn proves(&self, password: &str) -> bool {
        let expected = match self.kind {
            PasswordType::Text => password.to_owned(),
            PasswordType::Digest => match (&self.nonce, &self.created) {
                (Some(n), Some(c)) => password_digest(n, c, password),
                _ => return false,
            },
        };
        constant_time_eq(expected.as_bytes(), self.password.as_bytes())
    }
}

/// The fault for a UsernameToken that is missing, malformed, stale, replayed or wrong: WSS
/// 1.0 section 12's `wsse:FailedAuthentication` ("The security token could not be authenticated
/// or authorized"; the reason stays in the server's log), as the code in SOAP 1.1 and as the
/// `Sender` subcode in SOAP 1.2.
pub fn failed_authentication(version: crate::soap::SoapVersion) -> crate::soap::Fault {
    let code = crate::xsd::QName::with_prefix(WSSE, "FailedAuthentication", "wsse");
    let reason = "The security token could not be authenticated or authorized";
    match version {
        crate::soap::SoapVersion::V11 => crate::soap::Fault::new(code, reason),
        crate::soap::SoapVersion::V12 => {
            let mut f = crate::soap::Fault::soap(version, version.sender_code(), reason);
            f.subcodes.push(code);
            f
        }
    }
}

/// Whether two byte strings are equal, in a time that depends on their lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a request's UsernameToken was refused; each is answered with the `wsse:FailedAuthentication`
/// fault (WSS 1.0 section 12), with this as the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRefused(pub String);

impl fmt::Display for TokenRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `wsse:UsernameToken` of the `wsse:Security` header of `envelope`, if it has one,
/// reading within `limits`.
pub fn received_token(envelope: &str, limits: crate::xml::Limits) -> Result<Option<ReceivedToken>, TokenRefused> {
    let bad = |why: &str| TokenRefused(format!("the wsse:Security header is malformed: {why}"));
    let Ok(mut env) = EnvelopeReader::open(envelope, NsTable::STANDARD, None, limits) else { return Ok(None) };
    let security = loop {
        match env.next_header() {
            Ok(Some(h)) if env.r.ns_uri(h.ns()) == WSSE && h.local() == "Security" => {
                break AnyElement::decode(&mut env.r, &h).map_err(|e| bad(e.message()))?;
            }
            Ok(Some(h)) => env.r.skip(&h).map_err(|e| bad(e.message()))?,
            Ok(None) | Err(_) => return Ok(None),
        }
    };
    let Some(token) = security.child(WSSE, "UsernameToken") else { return Ok(None) };
    let username = token.child(WSSE, "Username").map(|u| u.text().trim().to_owned()).ok_or_else(|| bad("no wsse:Username"))?;
    let password = token.child(WSSE, "Password").ok_or_else(|| bad("no wsse:Password"))?;
    let kind = match password.attribute("", "Type").map(str::trim) {
        None | Some(PASSWORD_TEXT) => PasswordType::Text,
        Some(PASSWORD_DIGEST) => PasswordType::Digest,
        Some(other) => return Err(bad(&format!("unknown password Type '{other}'"))),
    };
    let nonce = match token.child(WSSE, "Nonce") {
        Some(n) => {
            let text: String = n.text().split_whitespace().collect();
            Some(base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| bad("the nonce is not base64"))?)
        }
        None => None,
    };
    let created = token.child(WSU, "Created").map(|c| c.text().trim().to_owned());
    Ok(Some(ReceivedToken { username, password: password.text(), kind, nonce, created }))
}

/// Refuses replayed tokens: a `Created` more than `window` from now, and a nonce already seen
/// within the window (nonces are remembered that long).
pub struct ReplayGuard {
    window: Duration,
    seen: Mutex<HashMap<Vec<u8>, SystemTime>>,
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard").field("window", &self.window).finish_non_exhaustive()
    }
}

impl ReplayGuard {
    /// A guard with a window of `window` on each side of now (WSS practice: 5 minutes).
    pub fn new(window: Duration) -> Self {
        ReplayGuard { window, seen: Mutex::new(HashMap::new()) }
    }

    /// Checks a token's freshness at `now` and remembers its nonce.
    pub fn check(&self, token: &ReceivedToken, now: SystemTime) -> Result<(), TokenRefused> {
        if let Some(created) = &token.created {
            let at = created
                .parse::<DateTime>()
                .ok()
                .and_then(|d| d.to_system_time())
                .ok_or_else(|| TokenRefused(format!("wsu:Created '{created}' is not a dateTime with a time zone")))?;
            let off = now.duration_since(at).unwrap_or_else(|e| e.duration());
            if off > self.window {
                return Err(TokenRefused(format!("wsu:Created {created} is more than {} s from now", self.window.as_secs())));
            }
        }
        if let Some(nonce) = &token.nonce {
            let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let window = self.window;
            seen.retain(|_, at| now.duration_since(*at).map_or(true, |d| d <= window * 2));
            if seen.insert(nonce.clone(), now).is_some() {
                return Err(TokenRefused("the nonce was already used (a replayed request)".to_owned()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(header: &AnyElement) -> String {
        let mut w = crate::xml::Writer::new();
        w.start(crate::xml::ns::SOAP11_ENV, "Envelope").unwrap();
        w.start(crate::xml::ns::SOAP11_ENV, "Header").unwrap();
        header.encode(&mut w).unwrap();
        w.end(crate::xml::ns::SOAP11_ENV, "Header").unwrap();
        w.text_element(crate::xml::ns::SOAP11_ENV, "Body", "").unwrap();
        w.end(crate::xml::ns::SOAP11_ENV, "Envelope").unwrap();
        w.into_string()
    }

    #[test]
    fn the_profile_digest() {
        // Expected value computed independently (Python: base64(sha1(nonce + created + password))).
        let nonce = base64::engine::general_purpose::STANDARD.decode("LKqI6G/AikKCQrN0zqZFlg==").unwrap();
        assert_eq!(password_digest(&nonce, "2010-09-16T07:50:45Z", "userpassword"), "tuOSpGlFlIXsozq4HFNeeGeFLEI=");
    }

    #[test]
    fn a_token_round_trips_and_proves_its_password() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_770_400);
        for token in [UsernameToken::text("bob", "pw"), UsernameToken::digest("bob", "pw").with_timestamp(Duration::from_secs(300))] {
            let header = token.header_at(at, b"0123456789abcdef").unwrap();
            let xml = envelope(&header);
            assert!(xml.contains("<wsu:Created>2025-12-03T14:00:00Z</wsu:Created>"), "{xml}");
            let got = received_token(&xml, crate::xml::Limits::DEFAULT).unwrap().expect("found");
            assert_eq!(got.username, "bob");
            assert_eq!(got.nonce.as_deref(), Some(&b"0123456789abcdef"[..]));
            assert!(got.proves("pw") && !got.proves("wrong"), "{got:?}");
        }
        let bare = envelope(&UsernameToken::text("bob", "pw").without_nonce().header_at(at, b"n").unwrap());
        assert!(!bare.contains("Nonce") && !bare.contains("Created"), "{bare}");
        assert!(received_token("<a/>", crate::xml::Limits::DEFAULT).unwrap().is_none());
    }

    #[test]
    fn replays_and_stale_tokens_are_refused() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_770_400);
        let guard = ReplayGuard::new(Duration::from_secs(300));
        let xml = envelope(&UsernameToken::text("bob", "pw").header_at(at, b"once").unwrap());
        let token = received_token(&xml, crate::xml::Limits::DEFAULT).unwrap().unwrap();
        assert_eq!(guard.check(&token, at + Duration::from_secs(10)), Ok(()));
        assert_eq!(guard.check(&token, at + Duration::from_secs(20)).unwrap_err().0, "the nonce was already used (a replayed request)");
        let late = envelope(&UsernameToken::text("bob", "pw").header_at(at, b"twice").unwrap());
        let late = received_token(&late, crate::xml::Limits::DEFAULT).unwrap().unwrap();
        assert!(guard.check(&late, at + Duration::from_secs(301)).unwrap_err().0.contains("more than 300 s from now"));
    }
}
