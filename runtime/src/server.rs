//! Server side, independent of HTTP: the service interface generated dispatchers implement,
//! the request context their handlers see, and the policy that turns decoding errors into
//! faults.

use std::future::Future;
use std::sync::Arc;

use crate::soap::{self, Fault, SoapMessage, SoapVersion};
use crate::xml::{AnyElement, AnyNode, DecodeError, DecodeErrorKind};
use crate::xsd::QName;

/// A SOAP request as it arrived over HTTP.
#[derive(Clone, Debug, Default)]
pub struct SoapHttpRequest {
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `SOAPAction` (SOAP 1.1), unquoted.
    pub soap_action: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl SoapHttpRequest {
    /// The action: the `SOAPAction` header (SOAP 1.1) or the `action` parameter of the
    /// content type (SOAP 1.2).
    pub fn action(&self) -> Option<String> {
        if let Some(a) = &self.soap_action {
            let a = a.trim();
            let a = a.strip_prefix('"').and_then(|a| a.strip_suffix('"')).unwrap_or(a);
            return Some(a.to_owned());
        }
        let ct = self.content_type.as_deref()?;
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("action")).then(|| v.trim().trim_matches('"').to_owned())
        })
    }
}

/// A SOAP response to send over HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapHttpResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: String,
}

/// What a handler knows about the request besides its message.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// The authenticated user, if the transport authenticated one.
    pub user: Option<String>,
    /// The action the request carried.
    pub action: Option<String>,
    /// The peer address, if known.
    pub remote_addr: Option<String>,
    /// The request path.
    pub path: Option<String>,
    /// Header entries the operation does not declare and that were not mandatory.
    pub ignored_headers: Vec<AnyElement>,
}

/// A SOAP service: decodes a request, calls the implementation, encodes the answer.
/// Implemented by generated dispatchers.
pub trait SoapService: Send + Sync + 'static {
    /// Handles one request.
    fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> impl Future<Output = SoapHttpResponse> + Send;
}

impl<S: SoapService> SoapService for Arc<S> {
    fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> impl Future<Output = SoapHttpResponse> + Send {
        (**self).handle(ctx, request)
    }
}

/// Turns request problems into the faults a protocol prescribes.
pub trait FaultPolicy: Send + Sync + 'static {
    /// The fault for a request that could not be decoded.
    fn decode_failed(&self, version: SoapVersion, error: &DecodeError) -> Fault {
        standard_fault(version, error)
    }
}

/// The SOAP specification's faults: `Client`/`Sender` with the error message,
/// `VersionMismatch`, `MustUnderstand`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StandardFaults;

impl FaultPolicy for StandardFaults {}

/// The standard fault for a decoding error.
pub fn standard_fault(version: SoapVersion, error: &DecodeError) -> Fault {
    match error.kind() {
        DecodeErrorKind::VersionMismatch => Fault::soap(version, "VersionMismatch", error.to_string()),
        DecodeErrorKind::MustUnderstand => {
            let mut f = Fault::soap(version, "MustUnderstand", error.to_string());
            if let (SoapVersion::V12, Some((ns, local))) = (version, error.subject()) {
                // SOAP 1.2 reports the header in a NotUnderstood header block; as the fault
                // travels alone, put it in the detail too.
                f = f.with_detail_entry(AnyElement::new(version.uri(), "NotUnderstood").with_attribute(
                    "",
                    "qname",
                    format!("{{{ns}}}{local}"),
                ));
            }
            f
        }
        DecodeErrorKind::Malformed | DecodeErrorKind::Invalid => Fault::soap(version, version.sender_code(), error.to_string()),
    }
}

/// The HTTP status of a fault: 500, except SOAP 1.2 `Sender` faults (400).
pub fn fault_status(version: SoapVersion, fault: &Fault) -> u16 {
    if version == SoapVersion::V12 && fault.code == QName::new(version.uri(), "Sender") { 400 } else { 500 }
}

/// A fault response.
pub fn fault_response(version: SoapVersion, fault: &Fault) -> SoapHttpResponse {
    match soap::encode_fault(version, fault) {
        Ok(body) => SoapHttpResponse { status: fault_status(version, fault), content_type: version.content_type(""), body },
        Err(e) => internal_error(version, &e.to_string()),
    }
}

/// A success response.
pub fn message_response<M: SoapMessage>(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    msg: &M,
) -> SoapHttpResponse {
    match soap::encode_message(version, prefixes, msg) {
        Ok(body) => SoapHttpResponse { status: 200, content_type: version.content_type(""), body },
        Err(e) => internal_error(version, &format!("the response could not be encoded: {e}")),
    }
}

/// The response to a one-way operation.
pub fn accepted() -> SoapHttpResponse {
    SoapHttpResponse { status: 202, content_type: String::new(), body: String::new() }
}

fn internal_error(version: SoapVersion, message: &str) -> SoapHttpResponse {
    let fault = Fault::soap(version, version.receiver_code(), message);
    let body = soap::encode_fault(version, &fault).unwrap_or_default();
    SoapHttpResponse { status: 500, content_type: version.content_type(""), body }
}

/// Checks the request's content type and encoding, returning the envelope text.
pub fn request_text(request: &SoapHttpRequest, version: SoapVersion) -> Result<&str, DecodeError> {
    if let Some(ct) = &request.content_type {
        let media = ct.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case(version.media_type()) {
            let kind = if media.eq_ignore_ascii_case("application/soap+xml") || media.eq_ignore_ascii_case("text/xml") {
                DecodeErrorKind::VersionMismatch
            } else {
                DecodeErrorKind::Malformed
            };
            return Err(DecodeError::detached(kind, format!("unsupported content type '{media}'; expected {}", version.media_type())));
        }
        for p in ct.split(';').skip(1) {
            if let Some((k, v)) = p.split_once('=') {
                let v = v.trim().trim_matches('"');
                if k.trim().eq_ignore_ascii_case("charset") && !v.eq_ignore_ascii_case("utf-8") {
                    return Err(DecodeError::detached(
                        DecodeErrorKind::Malformed,
                        format!("unsupported charset '{v}'; only UTF-8 is accepted"),
                    ));
                }
            }
        }
    }
    match std::str::from_utf8(&request.body) {
        Ok(t) => Ok(t),
        Err(e) => {
            Err(DecodeError::detached(DecodeErrorKind::Malformed, format!("the request is not valid UTF-8 (byte {})", e.valid_up_to())))
        }
    }
}

/// Builds a detail entry with one text child, for faults.
pub fn text_entry(ns: &str, local: &str, prefix: &str, text: &str) -> AnyElement {
    AnyElement {
        ns: ns.to_owned().into(),
        local: local.to_owned(),
        prefix: Some(prefix.to_owned()),
        namespaces: Vec::new(),
        attributes: Vec::new(),
        children: vec![AnyNode::Text(text.to_owned())],
    }
}
