//! Client side: the transport abstraction and the call sequence (encode the request, send it,
//! decode the response or the fault).

use std::fmt;
use std::future::Future;

use crate::soap::{self, Fault, SoapMessage, SoapVersion};
use crate::xml::{AnyElement, DecodeError, EncodeError, Limits, NsTable};

/// A SOAP request ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapRequest {
    /// SOAP version (decides the HTTP content type and how the action travels).
    pub version: SoapVersion,
    /// The binding's `soapAction` for the operation (may be empty).
    pub action: &'static str,
    /// The whole envelope.
    pub body: String,
}

impl SoapRequest {
    /// The HTTP headers SOAP requires for this request: `Content-Type` (with the `action`
    /// parameter for SOAP 1.2) and, for SOAP 1.1, the quoted `SOAPAction`.
    pub fn http_headers(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![("Content-Type", self.version.content_type(self.action))];
        if self.version == SoapVersion::V11 {
            h.push(("SOAPAction", crate::soap::media::soap_action_header(self.action)));
        }
        h
    }
}

/// A response as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends requests; implemented by the HTTP transports and by test doubles.
pub trait Transport: Send + Sync {
    /// Sends one request and returns the response, whatever its status.
    fn send(&self, request: SoapRequest) -> impl Future<Output = Result<SoapResponse, TransportError>> + Send;

    /// Where requests go, for logs (the endpoint URL); `None` if there is nothing to say.
    fn endpoint(&self) -> Option<String> {
        None
    }

    /// What a response may make the client read (see [`Limits`]); a response past them is
    /// [`ClientError::Decode`] with [`DecodeErrorKind::LimitExceeded`](crate::xml::DecodeErrorKind::LimitExceeded).
    /// The default limits unless the transport was configured otherwise.
    fn limits(&self) -> Limits {
        Limits::DEFAULT
    }
}

impl<T: Transport> Transport for &T {
    fn send(&self, request: SoapRequest) -> impl Future<Output = Result<SoapResponse, TransportError>> + Send {
        (**self).send(request)
    }
    fn endpoint(&self) -> Option<String> {
        (**self).endpoint()
    }
    fn limits(&self) -> Limits {
        (**self).limits()
    }
}

impl<T: Transport> Transport for std::sync::Arc<T> {
    fn send(&self, request: SoapRequest) -> impl Future<Output = Result<SoapResponse, TransportError>> + Send {
        (**self).send(request)
    }
    fn endpoint(&self) -> Option<String> {
        (**self).endpoint()
    }
    fn limits(&self) -> Limits {
        (**self).limits()
    }
}

/// Why a request could not be exchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The endpoint URL is not usable.
    InvalidUrl(String),
    /// The connection could not be established.
    Connect(String),
    /// TLS failed (certificate, handshake).
    Tls(String),
    /// No response within the configured time.
    Timeout,
    /// The response was larger than the configured limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Any other I/O or protocol error.
    Io(String),
    /// No credentials could be had for the request (an access token could not be obtained).
    Auth(String),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::InvalidUrl(m) => write!(f, "invalid endpoint URL: {m}"),
            TransportError::Connect(m) => write!(f, "cannot connect: {m}"),
            TransportError::Tls(m) => write!(f, "TLS error: {m}"),
            TransportError::Timeout => f.write_str("timed out"),
            TransportError::TooLarge { limit } => write!(f, "response larger than the limit of {limit} bytes"),
            TransportError::Io(m) => write!(f, "I/O error: {m}"),
            TransportError::Auth(m) => write!(f, "authentication failed: {m}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Why a call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be encoded (a value breaks its schema).
    Encode(EncodeError),
    /// The request could not be exchanged.
    Transport(TransportError),
    /// The server answered with a SOAP fault.
    Fault(Box<Fault>),
    /// The server answered with an HTTP status and a body that is not a SOAP response.
    Http {
        /// The status.
        status: u16,
        /// The content type, if any.
        content_type: Option<String>,
        /// The start of the body.
        snippet: String,
    },
    /// The response could not be decoded.
    Decode(DecodeError),
}

impl ClientError {
    /// The fault, if the server sent one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            ClientError::Fault(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Encode(e) => write!(f, "cannot encode the request: {e}"),
            ClientError::Transport(e) => write!(f, "{e}"),
            ClientError::Fault(fault) => write!(f, "{fault}"),
            ClientError::Http { status, content_type, snippet } => {
                write!(f, "HTTP {status} with a non-SOAP body ({}): {snippet}", content_type.as_deref().unwrap_or("no content type"))
            }
            ClientError::Decode(e) => write!(f, "cannot decode the response: {e}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Encode(e) => Some(e),
            ClientError::Transport(e) => Some(e),
            ClientError::Fault(f) => Some(&**f),
            ClientError::Decode(e) => Some(e),
            ClientError::Http { .. } => None,
        }
    }
}

/// What a call needs to know about its binding.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// SOAP version.
    pub version: SoapVersion,
    /// Namespaces known to the generated code.
    pub namespaces: NsTable,
    /// Prefixes declared on the Envelope.
    pub prefixes: &'static [(&'static str, &'static str)],
}

/// SOAP header entries a client adds to every request, made anew for each (a WS-Security
/// token with its fresh nonce, [`crate::wss::UsernameToken`]; fixed entries, [`FixedHeaders`]).
/// Generated clients take one with `with_extra_headers`.
pub trait ExtraHeaders: Send + Sync + 'static {
    /// The entries for the next request.
    fn entries(&self) -> Result<Vec<AnyElement>, EncodeError>;

    /// Whether the entries carry `mustUnderstand="1"` (the server must process them or fail).
    fn must_understand(&self) -> bool {
        false
    }
}

/// A client's [`ExtraHeaders`], if it has any: what generated clients hold.
#[derive(Clone, Default)]
pub struct HeaderSource(Option<std::sync::Arc<dyn ExtraHeaders>>);

impl HeaderSource {
    /// No extra headers.
    pub const NONE: HeaderSource = HeaderSource(None);

    /// The entries of `source`.
    pub fn new(source: impl ExtraHeaders) -> Self {
        HeaderSource(Some(std::sync::Arc::new(source)))
    }

    /// The entries for one request in `version` (with `mustUnderstand` as the source says).
    pub fn entries(&self, version: SoapVersion) -> Result<Vec<AnyElement>, EncodeError> {
        let Some(source) = &self.0 else { return Ok(Vec::new()) };
        let mut entries = source.entries()?;
        if source.must_understand() {
            for e in &mut entries {
                e.attributes.push(crate::xml::AnyAttribute {
                    ns: std::borrow::Cow::Borrowed(version.uri()),
                    local: "mustUnderstand".to_owned(),
                    prefix: None,
                    value: "1".to_owned(),
                });
            }
        }
        Ok(entries)
    }
}

impl fmt::Debug for HeaderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "HeaderSource(..)" } else { "HeaderSource(none)" })
    }
}

/// The same header entries on every request: typed values of global elements captured once
/// (`generated::...::REQUEST_SERVER_VERSION.capture(&value)`), for the headers an EWS client
/// sends with every call (`RequestServerVersion`, `ExchangeImpersonation`). Leave the same
/// header out of the inputs, or it is sent twice.
#[derive(Clone, Debug, Default)]
pub struct FixedHeaders(Vec<AnyElement>);

impl FixedHeaders {
    /// No entries yet.
    pub fn new() -> Self {
        FixedHeaders(Vec::new())
    }

    /// Adds an entry.
    #[must_use]
    pub fn with(mut self, entry: AnyElement) -> Self {
        self.0.push(entry);
        self
    }
}

impl ExtraHeaders for FixedHeaders {
    fn entries(&self) -> Result<Vec<AnyElement>, EncodeError> {
        Ok(self.0.clone())
    }
}

/// Several sources of extra headers, in order (a UsernameToken and fixed EWS headers).
impl<A: ExtraHeaders, B: ExtraHeaders> ExtraHeaders for (A, B) {
    fn entries(&self) -> Result<Vec<AnyElement>, EncodeError> {
        let mut v = self.0.entries()?;
        v.extend(self.1.entries()?);
        Ok(v)
    }
}

/// The target of the client's call events.
pub const LOG_TARGET: &str = "soapkit::client";

/// Performs one request-response operation (`operation` is its name, for logs), with the
/// client's extra header entries.
///
/// Each call runs in a `tracing` span (target [`LOG_TARGET`], INFO, named `soap call`, with the
/// operation, the endpoint and the SOAP version) and ends with one event with the HTTP status,
/// the outcome and the latency; the envelopes go to the [`wire`](crate::wire) log.
pub async fn call<T, I, O>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    operation: &'static str,
    action: &'static str,
    input: &I,
) -> Result<O, ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
    O: SoapMessage,
{
    perform(transport, binding, extra, operation, action, input, decode_response).await
}

/// The call sequence of [`call`] and [`call_one_way`]: span, exchange, `decode`, outcome event.
async fn perform<T, I, R>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    operation: &'static str,
    action: &'static str,
    input: &I,
    decode: fn(Binding, Limits, SoapResponse) -> Result<R, ClientError>,
) -> Result<R, ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
{
    let span = call_span(transport, binding, operation);
    let exchange = async {
        let start = std::time::Instant::now();
        let result = match exchange(transport, binding, extra, action, input).await {
            Ok(response) => {
                let status = response.status;
                (decode(binding, transport.limits(), response), Some(status))
            }
            Err(e) => (Err(e), None),
        };
        log_outcome(&result.0, result.1, start);
        result.0
    };
    tracing::Instrument::instrument(exchange, span).await
}

fn call_span<T: Transport + ?Sized>(transport: &T, binding: Binding, operation: &'static str) -> tracing::Span {
    if !tracing::enabled!(target: LOG_TARGET, tracing::Level::INFO)
        && !tracing::enabled!(target: crate::wire::TARGET, tracing::Level::TRACE)
    {
        return tracing::Span::none();
    }
    let endpoint = transport.endpoint();
    tracing::info_span!(target: LOG_TARGET, "soap call", operation, endpoint = endpoint.as_deref().unwrap_or("-"), version = binding.version.label())
}

/// Encodes, logs and sends a request, and logs the response.
async fn exchange<T, I>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    action: &'static str,
    input: &I,
) -> Result<SoapResponse, ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
{
    let extra = extra.entries(binding.version).map_err(ClientError::Encode)?;
    let body = soap::encode_message_with(binding.version, binding.prefixes, &extra, input).map_err(ClientError::Encode)?;
    let request = SoapRequest { version: binding.version, action, body };
    if tracing::enabled!(target: crate::wire::TARGET, tracing::Level::TRACE) {
        let headers = request.http_headers();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        crate::wire::log("client", "request", &headers, request.body.as_bytes());
    }
    let response = transport.send(request).await.map_err(ClientError::Transport)?;
    if tracing::enabled!(target: crate::wire::TARGET, tracing::Level::TRACE) {
        let status = response.status.to_string();
        let mut headers = vec![("status", status.as_str())];
        if let Some(ct) = &response.content_type {
            headers.push(("Content-Type", ct.as_str()));
        }
        crate::wire::log("client", "response", &headers, &response.body);
    }
    Ok(response)
}

/// The event that ends a call: its HTTP status, outcome and latency.
fn log_outcome<T>(result: &Result<T, ClientError>, status: Option<u16>, start: std::time::Instant) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(ClientError::Fault(_)) => "fault",
        Err(ClientError::Http { .. }) => "http error",
        Err(ClientError::Transport(_)) => "transport error",
        Err(ClientError::Encode(_)) => "encode error",
        Err(ClientError::Decode(_)) => "decode error",
    };
    match status {
        Some(s) => tracing::info!(target: LOG_TARGET, status = s, outcome, latency = ?start.elapsed(), "SOAP call"),
        None => tracing::info!(target: LOG_TARGET, status = "-", outcome, latency = ?start.elapsed(), "SOAP call"),
    }
}

/// Decodes a response, reading within `limits`: the output message, a fault, or an HTTP error.
pub fn decode_response<O: SoapMessage>(binding: Binding, limits: Limits, response: SoapResponse) -> Result<O, ClientError> {
    let soap_type =
        response.content_type.as_deref().is_none_or(|ct| crate::soap::media::ContentType::parse(ct).is(binding.version.media_type()));
    let text = match std::str::from_utf8(&response.body) {
        Ok(t) if soap_type => t,
        _ => return Err(http_error(&response)),
    };
    if (200..300).contains(&response.status) {
        // One reading: routed on the Body's first child, a fault (which may come even with a
        // success status) or the output message.
        let probed = match soap::Probed::open(text, binding.namespaces, Some(binding.version), limits) {
            Ok(probed) => probed,
            Err(e) => {
                // Not an envelope of the binding's version, maybe: a fault of the other version
                // is still the server's answer.
                if let Ok(Some((fault, _))) = soap::decode_fault(text, binding.namespaces, limits) {
                    return Err(ClientError::Fault(Box::new(fault)));
                }
                return Err(ClientError::Decode(e));
            }
        };
        return match probed.fault() {
            Ok(Some((fault, _))) => Err(ClientError::Fault(Box::new(fault))),
            Ok(None) => probed.decode::<O>().map(|d| d.message).map_err(ClientError::Decode),
            Err(e) => Err(ClientError::Decode(e)),
        };
    }
    match soap::decode_fault(text, binding.namespaces, limits) {
        Ok(Some((fault, _))) => Err(ClientError::Fault(Box::new(fault))),
        _ => Err(http_error(&response)),
    }
}

/// [`call`] with the input taken by value: the future a generated client method returns as it
/// is (the output type comes from the method's signature).
pub async fn invoke<T, I, O>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    operation: &'static str,
    action: &'static str,
    input: I,
) -> Result<O, ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
    O: SoapMessage,
{
    call(transport, binding, extra, operation, action, &input).await
}

/// [`call_one_way`] with the input taken by value, as [`invoke`].
pub async fn invoke_one_way<T, I>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    operation: &'static str,
    action: &'static str,
    input: I,
) -> Result<(), ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
{
    call_one_way(transport, binding, extra, operation, action, &input).await
}

/// Performs one one-way operation (an input and no output), logged as [`call`] is.
pub async fn call_one_way<T, I>(
    transport: &T,
    binding: Binding,
    extra: &HeaderSource,
    operation: &'static str,
    action: &'static str,
    input: &I,
) -> Result<(), ClientError>
where
    T: Transport + ?Sized,
    I: SoapMessage,
{
    perform(transport, binding, extra, operation, action, input, decode_accepted).await
}

/// Decodes the response to a one-way request: success for HTTP 202 or 200 with an empty body
/// (or an envelope with an empty Body, as some servers send), the fault if the server sent
/// one, and an error for anything else (a message where none is expected is not dropped).
pub fn decode_accepted(binding: Binding, limits: Limits, response: SoapResponse) -> Result<(), ClientError> {
    let blank = response.body.iter().all(|b| b.is_ascii_whitespace());
    if matches!(response.status, 200 | 202) && blank {
        return Ok(());
    }
    if blank {
        return Err(http_error(&response));
    }
    let soap_type =
        response.content_type.as_deref().is_none_or(|ct| crate::soap::media::ContentType::parse(ct).is(binding.version.media_type()));
    let text = match std::str::from_utf8(&response.body) {
        Ok(t) if soap_type => t,
        _ => return Err(http_error(&response)),
    };
    if let Ok(Some((fault, _))) = soap::decode_fault(text, binding.namespaces, limits) {
        return Err(ClientError::Fault(Box::new(fault)));
    }
    if !(200..300).contains(&response.status) {
        return Err(http_error(&response));
    }
    soap::decode_message::<NoMessage>(text, binding.namespaces, Some(binding.version), limits).map(drop).map_err(ClientError::Decode)
}

/// An envelope whose Body is empty: what a one-way operation may be answered with.
struct NoMessage;

impl SoapMessage for NoMessage {
    fn decode_envelope<'a>(env: &mut soap::EnvelopeReader<'a>) -> Result<Self, DecodeError> {
        let body = env.body()?;
        let first = env.r.next_child(&body)?;
        if let Some(c) = &first {
            let e = env.r.invalid(c.offset(), format!("the response to a one-way operation carries a message <{}>", c.name()));
            return Err(e.within(body.name()));
        }
        env.end_body(&body, first).map(|()| NoMessage)
    }
    fn encode_body(&self, _: &mut crate::xml::Writer) -> Result<(), EncodeError> {
        Ok(())
    }
}

fn http_error(response: &SoapResponse) -> ClientError {
    let text = String::from_utf8_lossy(&response.body);
    let mut snippet: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        snippet.push('…');
    }
    ClientError::Http { status: response.status, content_type: response.content_type.clone(), snippet }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: Option<&str>, body: &str) -> SoapResponse {
        SoapResponse { status, content_type: content_type.map(str::to_owned), body: body.as_bytes().to_vec() }
    }

    const BINDING: Binding = Binding { version: SoapVersion::V11, namespaces: NsTable::STANDARD, prefixes: &[] };

    #[test]
    fn one_way_responses_are_judged_exactly() {
        // Accepted: 202 or 200 with nothing, or an envelope whose Body is empty.
        assert!(decode_accepted(BINDING, Limits::DEFAULT, response(202, None, "")).is_ok());
        assert!(decode_accepted(BINDING, Limits::DEFAULT, response(200, Some("text/xml"), " \r\n")).is_ok());
        let empty = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
        assert!(decode_accepted(BINDING, Limits::DEFAULT, response(200, Some("text/xml; charset=utf-8"), empty)).is_ok());
        // A fault, whatever the status.
        let fault = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring></s:Fault></s:Body></s:Envelope>"#;
        for status in [200, 500] {
            match decode_accepted(BINDING, Limits::DEFAULT, response(status, Some("text/xml"), fault)) {
                Err(ClientError::Fault(f)) => assert_eq!(f.reason(), "no"),
                other => panic!("{status}: {other:?}"),
            }
        }
        // A message where none is expected is not dropped.
        let message =
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x:Ack xmlns:x="urn:x"/></s:Body></s:Envelope>"#;
        match decode_accepted(BINDING, Limits::DEFAULT, response(200, Some("text/xml"), message)) {
            Err(ClientError::Decode(e)) => assert!(e.to_string().contains("carries a message <x:Ack>"), "{e}"),
            other => panic!("{other:?}"),
        }
        // Errors without a SOAP body.
        assert!(matches!(decode_accepted(BINDING, Limits::DEFAULT, response(404, None, "")), Err(ClientError::Http { status: 404, .. })));
        assert!(matches!(
            decode_accepted(BINDING, Limits::DEFAULT, response(503, Some("text/html"), "<html/>")),
            Err(ClientError::Http { status: 503, .. })
        ));
    }

    #[test]
    fn soap11_headers_quote_the_action() {
        let r = SoapRequest { version: SoapVersion::V11, action: "urn:x/Op", body: String::new() };
        assert_eq!(
            r.http_headers(),
            vec![("Content-Type", "text/xml; charset=utf-8".to_owned()), ("SOAPAction", "\"urn:x/Op\"".to_owned())]
        );
        let r = SoapRequest { version: SoapVersion::V12, action: "urn:x/Op", body: String::new() };
        assert_eq!(r.http_headers(), vec![("Content-Type", "application/soap+xml; charset=utf-8; action=\"urn:x/Op\"".to_owned())]);
    }
}
