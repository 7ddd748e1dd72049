//! The server's TLS certificate: self-signed (rcgen) for `localhost`, `127.0.0.1` and `::1`,
//! created on first start as `cert.pem` / `key.pem` in the data directory and reused after.
//! Clients trust `cert.pem` (e.g. `um-client --ca-cert DATA/cert.pem`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rcgen::{CertificateParams, DnType, KeyPair};

/// The certificate's file name in the data directory.
pub const CERT_FILE: &str = "cert.pem";
/// The private key's file name in the data directory (mode 0600).
pub const KEY_FILE: &str = "key.pem";
/// The names the certificate is valid for.
pub const SUBJECT_ALT_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// Where the certificate and key are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertPaths {
    /// `cert.pem`.
    pub cert: PathBuf,
    /// `key.pem`.
    pub key: PathBuf,
    /// Whether this call created them.
    pub created: bool,
}

fn write_private(path: &Path, contents: &str, mode: u32) -> std::io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

/// Returns the certificate and key in `dir`, generating them if either is missing.
pub fn ensure_certificate(dir: &Path) -> Result<CertPaths, String> {
    let cert = dir.join(CERT_FILE);
    let key = dir.join(KEY_FILE);
    if cert.is_file() && key.is_file() {
        return Ok(CertPaths { cert, key, created: false });
    }
    let names: Vec<String> = SUBJECT_ALT_NAMES.iter().map(|s| (*s).to_owned()).collect();
    let mut params = CertificateParams::new(names).map_err(|e| format!("cannot prepare the certificate: {e}"))?;
    params.distinguished_name.push(DnType::CommonName, "um-server (localhost)");
    let key_pair = KeyPair::generate().map_err(|e| format!("cannot generate a key: {e}"))?;
    let certificate = params.self_signed(&key_pair).map_err(|e| format!("cannot sign the certificate: {e}"))?;
    for p in [&cert, &key] {
        if p.exists() {
            fs::remove_file(p).map_err(|e| format!("cannot replace {}: {e}", p.display()))?;
        }
    }
    write_private(&key, &key_pair.serialize_pem(), 0o600).map_err(|e| format!("cannot write {}: {e}", key.display()))?;
    write_private(&cert, &certificate.pem(), 0o644).map_err(|e| format!("cannot write {}: {e}", cert.display()))?;
    Ok(CertPaths { cert, key, created: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = ensure_certificate(dir.path()).unwrap();
        assert!(first.created);
        let pem = fs::read_to_string(&first.cert).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(fs::read_to_string(&first.key).unwrap().contains("PRIVATE KEY"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&first.key).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let second = ensure_certificate(dir.path()).unwrap();
        assert!(!second.created);
        assert_eq!(fs::read_to_string(&second.cert).unwrap(), pem);
    }
}
