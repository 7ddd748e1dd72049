//! SOAP over HTTP(S): a pooled HTTPS client transport and an HTTPS server runtime.
//!
//! Both sides are behind cargo features, so that a crate that needs only the generated types
//! and the codec compiles no HTTP stack:
//!
//! | feature | what it brings |
//! | --- | --- |
//! | `client` | `HttpTransport`: a [`Transport`](crate::client::Transport) over hyper-util's pooled client and rustls (ring) |
//! | `client-webpki-roots` | `HttpTransportBuilder::webpki_roots`: Mozilla's root certificates, compiled in |
//! | `client-native-roots` | `HttpTransportBuilder::native_roots`: the operating system's root certificates |
//! | `oauth2` | `bearer::ClientCredentials`: OAuth 2.0 access tokens by the client-credentials grant, through the `oauth2` crate |
//! | `ntlm` | `HttpTransportBuilder::ntlm`: NTLM and Negotiate (NTLM inside) authentication, with the `sspi` crate's NTLM |
//! | `server` | the `server` module: an axum router for any [`SoapService`](crate::server::SoapService), HTTP Basic authentication, serving over HTTPS (or plain HTTP) with graceful shutdown |
//!
//! TLS is rustls with the `ring` crypto provider on both sides (no cmake, no aws-lc), passed
//! explicitly to every configuration rather than installed process-wide. [MS-OXWUMS] requires
//! HTTPS: the client refuses `http://` endpoints unless `allow_plain_http(true)` says
//! otherwise, and the server's `serve_plain` is meant for loopback and tests.
//!
//! Only HTTP/1.1 is spoken: it is what SOAP 1.1 stacks (and Exchange) use.

#[cfg(feature = "client")]
pub mod bearer;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "ntlm")]
pub mod ntlm;
#[cfg(feature = "server")]
pub mod server;
pub mod tls;

#[cfg(feature = "client")]
pub use client::{HttpTransport, HttpTransportBuilder};

pub use ::http::{HeaderMap, HeaderName, HeaderValue};
/// The rustls version this module is built against, for building a
/// [`ClientConfig`](rustls::ClientConfig) or [`ServerConfig`](rustls::ServerConfig) by hand.
pub use rustls;
