//! Bearer tokens the server issues itself (`um-server token NAME`), for clients that
//! authenticate as Exchange Online's do: `Authorization: Bearer <token>`.
//!
//! A token is `v1.<user>.<expiry>.<mac>`: the user name (base64url), the expiry in Unix
//! seconds, and an HMAC-SHA256 of the first three parts under a 256-bit key kept in the data
//! directory (`token.key`, 0600, created on first use). It is valid until it expires, for a
//! user who is still in the users file; deleting `token.key` revokes every token.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::hmac;

/// The key file in the data directory.
pub const KEY_FILE: &str = "token.key";

/// The longest lifetime a token may be issued with (30 days).
pub const MAX_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The signing key.
pub struct TokenKey {
    key: hmac::Key,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey([redacted])")
    }
}

/// Why a token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token of this server (wrong form or signature).
    Invalid,
    /// Expired at the given Unix time.
    Expired(u64),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Invalid => f.write_str("not a token of this server"),
            TokenError::Expired(at) => write!(f, "expired at {at} (Unix time)"),
        }
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl TokenKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        TokenKey { key: hmac::Key::new(hmac::HMAC_SHA256, bytes) }
    }

    /// The key of the data directory `dir`, created (random, 0600) if there is none.
    pub fn open_or_create(dir: &Path) -> Result<TokenKey, String> {
        let path: PathBuf = dir.join(KEY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let bytes: [u8; 32] =
                    bytes.try_into().map_err(|_| format!("{} is not a 32-byte key: delete it to make a new one", path.display()))?;
                Ok(TokenKey::from_bytes(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the token key: {e}"))?;
                write_private(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(TokenKey::from_bytes(&bytes))
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// A token for `user` valid for `ttl` from `now`.
    pub fn issue(&self, user: &str, ttl: Duration, now: SystemTime) -> String {
        let expiry = unix(now) + ttl.as_secs();
        let payload = format!("v1.{}.{expiry}", B64.encode(user));
        let mac = hmac::sign(&self.key, payload.as_bytes());
        format!("{payload}.{}", B64.encode(mac.as_ref()))
    }

    /// The user of a token this key signed that has not expired at `now`.
    pub fn verify(&self, token: &str, now: SystemTime) -> Result<String, TokenError> {
        let (payload, mac) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let mac = B64.decode(mac).map_err(|_| TokenError::Invalid)?;
        hmac::verify(&self.key, payload.as_bytes(), &mac).map_err(|_| TokenError::Invalid)?;
        let mut parts = payload.split('.');
        let (Some("v1"), Some(user), Some(expiry), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Invalid);
        };
        let user = String::from_utf8(B64.decode(user).map_err(|_| TokenError::Invalid)?).map_err(|_| TokenError::Invalid)?;
        let expiry: u64 = expiry.parse().map_err(|_| TokenError::Invalid)?;
        if unix(now) >= expiry {
            return Err(TokenError::Expired(expiry));
        }
        Ok(user)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_until_they_expire_and_only_under_their_key() {
        let key = TokenKey::from_bytes(&[7; 32]);
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let t = key.issue("alice", Duration::from_secs(60), now);
        assert!(t.starts_with("v1.YWxpY2U.1000060."), "{t}");
        assert_eq!(key.verify(&t, now), Ok("alice".to_owned()));
        assert_eq!(key.verify(&t, now + Duration::from_secs(59)), Ok("alice".to_owned()));
        assert_eq!(key.verify(&t, now + Duration::from_secs(60)), Err(TokenError::Expired(1_000_060)));
        // Another key, a changed user or expiry, garbage: not ours.
        assert_eq!(TokenKey::from_bytes(&[8; 32]).verify(&t, now), Err(TokenError::Invalid));
        let forged = t.replacen("YWxpY2U", &B64.encode("mallory"), 1);
        assert_eq!(key.verify(&forged, now), Err(TokenError::Invalid));
        let later = t.replacen("1000060", "9000060", 1);
        assert_eq!(key.verify(&later, now), Err(TokenError::Invalid));
        for junk in ["", "v1", "a.b.c.d", "v1.x.1.%%%"] {
            assert_eq!(key.verify(junk, now), Err(TokenError::Invalid), "{junk}");
        }
    }

    #[test]
    fn the_key_is_created_once_private() {
        let dir = std::env::temp_dir().join(format!("um-token-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let now = SystemTime::now();
        let t = TokenKey::open_or_create(&dir).unwrap().issue("bob", Duration::from_secs(60), now);
        assert_eq!(TokenKey::open_or_create(&dir).unwrap().verify(&t, now), Ok("bob".to_owned()), "the same key again");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(dir.join(KEY_FILE)).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(dir.join(KEY_FILE), b"short").unwrap();
        assert!(TokenKey::open_or_create(&dir).unwrap_err().contains("not a 32-byte key"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
