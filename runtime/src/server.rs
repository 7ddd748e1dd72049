//! Server side, independent of HTTP: the service interface generated dispatchers implement,
//! the request context their handlers see, and the policy that turns decoding errors into
//! faults.

use std::future::Future;
use std::sync::Arc;

use crate::soap::media::{self, ContentType};
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
            return Some(media::soap_action_of(a));
        }
        ContentType::parse(self.content_type.as_deref()?).action().map(str::to_owned)
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
    /// Header entries (`(namespace, local name)`) the transport already processed, such as a
    /// WS-Security header it authenticated the request with: the dispatcher passes over them.
    pub understood_headers: Vec<(String, String)>,
    /// What the request may make the dispatcher read (the router's
    /// [`limits`](crate::http::server::SoapRouter::limits)); a request past them is refused
    /// with the fault for a malformed request.
    pub limits: crate::xml::Limits,
}

/// Records the operation a request was dispatched to on the current span (the router's
/// `soap request` span; a no-op outside one). Generated dispatchers call it once the request
/// has decoded.
pub fn record_operation(name: &'static str) {
    tracing::Span::current().record("operation", name);
}

/// Decodes the request as `M`, the input of `operation`, going on from the envelope the probe
/// opened; once it has decoded, records the operation on the span ([`record_operation`]) and gives the context the
/// header entries the message does not declare. Generated dispatchers call it for each
/// candidate operation, and [`respond`] with what the implementation returns.
pub fn accept<M: SoapMessage>(probed: &soap::Probed<'_>, ctx: &mut RequestContext, operation: &'static str) -> Result<M, DecodeError> {
    let decoded = probed.try_decode::<M>()?;
    record_operation(operation);
    ctx.ignored_headers = decoded.ignored_headers;
    Ok(decoded.message)
}

/// The answer to a request: the implementation's output ([`message_response`]) or its fault
/// ([`fault_response`]).
pub fn respond<M: SoapMessage>(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    result: Result<M, Fault>,
) -> SoapHttpResponse {
    match result {
        Ok(out) => message_response(version, prefixes, &out),
        Err(fault) => fault_response(version, &fault),
    }
}

/// The answer to a one-way request: [`accepted`], or the fault the implementation returned.
pub fn respond_accepted(version: SoapVersion, result: Result<(), Fault>) -> SoapHttpResponse {
    match result {
        Ok(()) => accepted(),
        Err(fault) => fault_response(version, &fault),
    }
}

/// A SOAP service: decodes a request, calls the implementation, encodes the answer.
/// Implemented by generated dispatchers.
pub trait SoapService: Send + Sync + 'static {
    /// Handles one request.
    fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> impl Future<Output = SoapHttpResponse> + Send;

    /// How well a request matches the service, for putting several services on one
    /// endpoint ([`Compose`]). Generated dispatchers answer from their [`Routes`]; the
    /// default knows nothing about the request.
    fn matches(&self, info: &RequestInfo) -> Match {
        let _ = info;
        Match::Version
    }
}

impl<S: SoapService> SoapService for Arc<S> {
    fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> impl Future<Output = SoapHttpResponse> + Send {
        (**self).handle(ctx, request)
    }

    fn matches(&self, info: &RequestInfo) -> Match {
        (**self).matches(info)
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
        DecodeErrorKind::Malformed | DecodeErrorKind::Invalid | DecodeErrorKind::LimitExceeded => {
            Fault::soap(version, version.sender_code(), error.to_string())
        }
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

/// Checks the request's content type and encoding, returning the envelope text. A content
/// type of the other SOAP version is a `VersionMismatch` whose subject is that version's
/// envelope.
pub fn request_text(request: &SoapHttpRequest, version: SoapVersion) -> Result<&str, DecodeError> {
    if let Some(ct) = &request.content_type {
        let ct = ContentType::parse(ct);
        if !ct.is(version.media_type()) {
            let message = format!("unsupported content type '{}'; expected {}", ct.media(), version.media_type());
            return Err(match ct.soap_version() {
                Some(other) => DecodeError::detached(DecodeErrorKind::VersionMismatch, message).with_subject(other.uri(), "Envelope"),
                None => DecodeError::detached(DecodeErrorKind::Malformed, message),
            });
        }
        if let Some(charset) = ct.charset().filter(|c| !c.eq_ignore_ascii_case("utf-8")) {
            return Err(DecodeError::detached(
                DecodeErrorKind::Malformed,
                format!("unsupported charset '{charset}'; only UTF-8 is accepted"),
            ));
        }
    }
    match std::str::from_utf8(&request.body) {
        Ok(t) => Ok(t),
        Err(e) => {
            Err(DecodeError::detached(DecodeErrorKind::Malformed, format!("the request is not valid UTF-8 (byte {})", e.valid_up_to())))
        }
    }
}

/// The response to a request a service of `version` could not decode: the fault `policy`
/// gives. A version mismatch follows SOAP 1.2 Part 1, appendix A and section 5.4.7: a SOAP
/// 1.1 service answers with a SOAP 1.1 fault; a SOAP 1.2 service answers a SOAP 1.1 request
/// with a SOAP 1.1 fault and any other envelope with a SOAP 1.2 one, both carrying an
/// `Upgrade` header block that names the envelope it supports.
pub fn reject(version: SoapVersion, policy: &impl FaultPolicy, error: &DecodeError) -> SoapHttpResponse {
    if error.kind() != DecodeErrorKind::VersionMismatch {
        return fault_response(version, &policy.decode_failed(version, error));
    }
    let asked = error.subject().filter(|(_, local)| *local == "Envelope").and_then(|(ns, _)| match ns {
        crate::xml::ns::SOAP11_ENV => Some(SoapVersion::V11),
        crate::xml::ns::SOAP12_ENV => Some(SoapVersion::V12),
        _ => None,
    });
    let reply = match version {
        SoapVersion::V11 => SoapVersion::V11,
        SoapVersion::V12 => asked.unwrap_or(SoapVersion::V12),
    };
    let fault = policy.decode_failed(reply, error);
    let headers = if version == SoapVersion::V12 { vec![upgrade_header(&[SoapVersion::V12])] } else { Vec::new() };
    match soap::encode_fault_with_headers(reply, &fault, &headers) {
        Ok(body) => SoapHttpResponse { status: fault_status(reply, &fault), content_type: reply.content_type(""), body },
        Err(e) => internal_error(reply, &e.to_string()),
    }
}

/// The SOAP 1.2 `Upgrade` header block listing the envelopes a node supports, most preferred
/// first.
pub fn upgrade_header(supported: &[SoapVersion]) -> AnyElement {
    let env = SoapVersion::V12.uri();
    let mut upgrade = AnyElement::new(env, "Upgrade");
    for v in supported {
        let entry = AnyElement::new(env, "SupportedEnvelope").with_attribute("", "qname", "e:Envelope").with_namespace("e", v.uri());
        upgrade.children.push(AnyNode::Element(entry));
    }
    upgrade
}

// ----- Several services on one endpoint --------------------------------------------------------

/// How a request matches a service, from worst to best (for [`Compose`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// Another SOAP version than the service's.
    None,
    /// The service's SOAP version, nothing more known.
    Version,
    /// An operation of the service has the request's action.
    Action,
    /// An operation of the service takes the request's Body element.
    Body,
}

/// What a request is, as far as choosing a service goes: its envelope's SOAP version, its
/// action, and the namespace URI and local name of the Body's first child.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// The envelope's version, if it is a SOAP 1.1 or 1.2 envelope.
    pub version: Option<SoapVersion>,
    /// The action (SOAPAction header or content-type parameter).
    pub action: Option<String>,
    /// `(namespace URI, local name)` of the Body's first child element.
    pub body: Option<(String, String)>,
}

impl RequestInfo {
    /// Reads what routing needs from a request (the Header is skipped, the Body's first
    /// child is looked at, nothing else is checked), reading within `limits`.
    pub fn of(request: &SoapHttpRequest, limits: crate::xml::Limits) -> RequestInfo {
        let mut info = RequestInfo { action: request.action(), ..RequestInfo::default() };
        if let Ok(text) = std::str::from_utf8(&request.body)
            && let Ok(probed) = soap::Probed::open(text, crate::xml::NsTable::STANDARD, None, limits)
        {
            info.version = Some(probed.probe.version);
            info.body = probed.body_name().map(|(ns, local)| (ns.into_owned(), local.to_owned()));
        } else {
            // An envelope that cannot be read that far (not XML, or past the limits) still goes
            // to a service of the version its content type names, which answers with the fault.
            info.version = request.content_type.as_deref().and_then(|ct| ContentType::parse(ct).soap_version());
        }
        info
    }
}

/// The requests a generated dispatcher takes: its SOAP version, the elements its operations'
/// Bodies can start with, and their actions.
#[derive(Clone, Copy, Debug)]
pub struct Routes {
    /// The binding's SOAP version.
    pub version: SoapVersion,
    /// `(namespace URI, local name)` of every element an operation's Body can start with (an
    /// operation whose Body starts with a wildcard, or may be empty, is found by action or
    /// version).
    pub body: &'static [(&'static str, &'static str)],
    /// The operations' non-empty actions.
    pub actions: &'static [&'static str],
}

impl Routes {
    /// How `info` matches these routes.
    pub fn matches(&self, info: &RequestInfo) -> Match {
        if info.version.is_some_and(|v| v != self.version) {
            return Match::None;
        }
        if let Some((ns, local)) = &info.body
            && self.body.iter().any(|(n, l)| n == ns && l == local)
        {
            return Match::Body;
        }
        if info.action.as_deref().is_some_and(|a| self.actions.contains(&a)) {
            return Match::Action;
        }
        Match::Version
    }
}

/// Two services on one endpoint (nest it for more): each request goes to the service it
/// matches best (see [`SoapService::matches`]): by the Body's element, then by the action,
/// then by the SOAP version; on a tie, to the first. A request neither takes is answered by
/// the first that speaks its SOAP version (with the fault for an unknown operation), or by
/// the first with a version mismatch fault.
#[derive(Clone, Debug)]
pub struct Compose<A, B> {
    first: A,
    second: B,
}

impl<A: SoapService, B: SoapService> Compose<A, B> {
    /// `first` and `second` on one endpoint.
    pub fn new(first: A, second: B) -> Self {
        Compose { first, second }
    }

    /// The first service.
    pub fn first(&self) -> &A {
        &self.first
    }

    /// The second service.
    pub fn second(&self) -> &B {
        &self.second
    }
}

impl<A: SoapService, B: SoapService> SoapService for Compose<A, B> {
    async fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> SoapHttpResponse {
        let info = RequestInfo::of(&request, ctx.limits);
        if self.second.matches(&info) > self.first.matches(&info) {
            self.second.handle(ctx, request).await
        } else {
            self.first.handle(ctx, request).await
        }
    }

    fn matches(&self, info: &RequestInfo) -> Match {
        self.first.matches(info).max(self.second.matches(info))
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
