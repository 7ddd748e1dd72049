//! TLS helpers shared by the client and the server: the crypto provider (ring) and PEM loading.

use std::fmt;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The crypto provider every configuration built here uses: rustls' `ring` provider.
///
/// It is passed explicitly rather than installed process-wide, so it cannot clash with another
/// library's choice.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A certificate, key or TLS configuration could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsConfigError(String);

impl TlsConfigError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        TlsConfigError(message.into())
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsConfigError {}

/// Every `CERTIFICATE` section of a PEM document, in order (for a chain: the end-entity
/// certificate first). Other sections are skipped; no certificate at all is an error.
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsConfigError::new(format!("invalid PEM certificate: {e}")))?;
    if certs.is_empty() {
        return Err(TlsConfigError::new("no CERTIFICATE section in the PEM data"));
    }
    Ok(certs)
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) of a PEM document.
pub fn private_key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer<'static>, TlsConfigError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| TlsConfigError::new(format!("no usable private key in the PEM data: {e}")))
}

/// Reads a whole file, naming it in the error.
#[cfg(feature = "server")]
pub(crate) fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, TlsConfigError> {
    std::fs::read(path).map_err(|e| TlsConfigError::new(format!("cannot read the {what} file {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_garbage_pem_is_an_error_not_a_panic() {
        assert!(certificates_from_pem(b"").is_err());
        assert!(certificates_from_pem(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n").is_err());
        assert!(private_key_from_pem(b"not pem").is_err());
        assert!(private_key_from_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA").is_err());
    }
}
