//! Reading and writing SOAP envelopes around generated messages.

use super::{Fault, SoapVersion};
use crate::codec::ElementCodec;
use crate::xml::{AnyElement, DecodeError, DecodeErrorKind, EncodeError, Limits, NsId, NsTable, Reader, Start, Writer};

/// A message that travels in a SOAP envelope: the input or output of an operation.
/// Implemented by generated code.
pub trait SoapMessage {
    /// Decodes the message from an opened envelope: header entries, then the Body.
    fn decode_envelope<'a>(env: &mut EnvelopeReader<'a>) -> Result<Self, DecodeError>
    where
        Self: Sized;
    /// Whether there is any header entry to write (none, for a message without header parts).
    fn has_headers(&self) -> bool {
        false
    }
    /// Writes the header entries (none, for a message without header parts).
    fn encode_headers(&self, w: &mut Writer) -> Result<(), EncodeError> {
        let _ = w;
        Ok(())
    }
    /// Writes the Body's content.
    fn encode_body(&self, w: &mut Writer) -> Result<(), EncodeError>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    InHeader,
    BeforeBody,
    InBody,
    Done,
}

/// Walks a SOAP envelope: header entries first, then the Body.
#[derive(Clone)]
pub struct EnvelopeReader<'a> {
    /// The document reader; generated code decodes header entries and body content with it.
    pub r: Reader<'a>,
    version: SoapVersion,
    envelope: Start<'a>,
    header: Option<Start<'a>>,
    body: Option<Start<'a>>,
    state: State,
    ignored: Vec<AnyElement>,
    /// Header entries processed before decoding (a WS-Security header the server checked):
    /// passed over, whatever their `mustUnderstand`.
    understood: Vec<(String, String)>,
}

impl<'a> EnvelopeReader<'a> {
    /// Reads the prolog and the `Envelope` start tag, reading under `limits`. `expected`
    /// rejects the other SOAP version with a `VersionMismatch` error.
    pub fn open(input: &'a str, table: NsTable, expected: Option<SoapVersion>, limits: Limits) -> Result<Self, DecodeError> {
        let mut r = Reader::new(input, table).with_limits(limits);
        let envelope = r.root()?;
        let version = match SoapVersion::from_ns(envelope.ns()) {
            Some(v) if envelope.local() == "Envelope" => v,
            _ if envelope.local() == "Envelope" => {
                let ns = r.ns_uri(envelope.ns()).to_owned();
                return Err(r
                    .invalid(
                        envelope.offset(),
                        format!("{} is not a SOAP 1.1 or 1.2 envelope", r.expanded(envelope.ns(), envelope.local())),
                    )
                    .with_kind(DecodeErrorKind::VersionMismatch)
                    .with_subject(&ns, "Envelope"));
            }
            _ => {
                return Err(r.invalid(
                    envelope.offset(),
                    format!("the root element is {}, not a SOAP Envelope", r.expanded(envelope.ns(), envelope.local())),
                ));
            }
        };
        if let Some(e) = expected.filter(|&e| e != version) {
            let wanted = if e == SoapVersion::V11 { "1.1" } else { "1.2" };
            return Err(r
                .invalid(envelope.offset(), format!("a SOAP {wanted} envelope was expected"))
                .with_kind(DecodeErrorKind::VersionMismatch)
                .with_subject(version.uri(), "Envelope"));
        }
        check_envelope_attributes(&r, &envelope, version)?;
        Ok(EnvelopeReader {
            r,
            version,
            envelope,
            header: None,
            body: None,
            state: State::Start,
            ignored: Vec::new(),
            understood: Vec::new(),
        })
    }

    /// The SOAP version of the envelope.
    pub fn version(&self) -> SoapVersion {
        self.version
    }

    /// Header entries that were not understood and not required (`mustUnderstand` absent or
    /// false, or targeted at another role), as received.
    pub fn ignored_headers(&self) -> &[AnyElement] {
        &self.ignored
    }

    /// Takes the ignored header entries.
    pub fn take_ignored_headers(&mut self) -> Vec<AnyElement> {
        std::mem::take(&mut self.ignored)
    }

    fn env_child(&mut self) -> Result<Option<Start<'a>>, DecodeError> {
        let env = self.envelope;
        self.r.next_child(&env)
    }

    /// The next header entry, or `None` when there are no more. Entries must be consumed
    /// (decoded, or passed to [`EnvelopeReader::unknown_header`]) before the next call.
    pub fn next_header(&mut self) -> Result<Option<Start<'a>>, DecodeError> {
        if self.state == State::Start
            && let Some(c) = self.header_or_body()?
        {
            check_envelope_attributes(&self.r, &c, self.version)?;
            self.header = Some(c);
            self.state = State::InHeader;
        }
        if self.state != State::InHeader {
            return Ok(None);
        }
        let header = self.header.expect("state InHeader implies a Header");
        match self.r.next_child(&header)? {
            Some(entry) => {
                if entry.ns() == NsId::NONE {
                    return Err(self.r.invalid(entry.offset(), format!("header entry <{}> must be namespace-qualified", entry.name())));
                }
                self.r.set_soap_scope(Some(entry.offset()));
                Ok(Some(entry))
            }
            None => {
                self.state = State::BeforeBody;
                Ok(None)
            }
        }
    }

    /// For a look ahead whose reader is then thrown away (the routing probe): passes over the
    /// Header without reading its entries (see [`Reader::skip_unchecked`]), and says whether
    /// there was one.
    fn pass_over_header(&mut self) -> Result<bool, DecodeError> {
        if self.state == State::Start
            && let Some(c) = self.header_or_body()?
        {
            self.r.skip_unchecked(&c)?;
            self.state = State::BeforeBody;
            return Ok(true);
        }
        Ok(false)
    }

    /// The Envelope's first child: the Header, returned, or the Body, kept for
    /// [`EnvelopeReader::body`] (then `None`); anything else is an error.
    fn header_or_body(&mut self) -> Result<Option<Start<'a>>, DecodeError> {
        let v = self.version.ns();
        match self.env_child()? {
            Some(c) if c.is(v, "Header") => Ok(Some(c)),
            Some(c) if c.is(v, "Body") => {
                self.body = Some(c);
                self.state = State::BeforeBody;
                Ok(None)
            }
            Some(c) => Err(self.r.unexpected_element(&c, &[(v, "Header"), (v, "Body")])),
            None => Err(self.r.missing_element(&self.envelope, None, &[(v, "Body")])),
        }
    }

    /// Handles a header entry the message does not declare: a `mustUnderstand` entry
    /// targeted at this node is an error; any other is kept in
    /// [`EnvelopeReader::ignored_headers`].
    pub fn unknown_header(&mut self, entry: &Start<'a>) -> Result<(), DecodeError> {
        if self.understood.iter().any(|(ns, local)| entry.local() == local && self.r.ns_uri(entry.ns()) == ns) {
            return self.r.skip(entry);
        }
        let mut must = false;
        let mut targeted = true;
        for a in self.r.attributes(entry) {
            let a = a?;
            if a.ns != self.version.ns() {
                continue;
            }
            match (self.version, a.local) {
                (_, "mustUnderstand") => {
                    must = match (self.version, a.value.trim()) {
                        (_, "1") => true,
                        (_, "0") => false,
                        (SoapVersion::V12, "true") => true,
                        (SoapVersion::V12, "false") => false,
                        (_, other) => {
                            return Err(self.r.invalid(entry.offset(), format!("invalid mustUnderstand value '{other}'")));
                        }
                    }
                }
                (SoapVersion::V11, "actor") => targeted = a.value.trim() == "http://schemas.xmlsoap.org/soap/actor/next",
                (SoapVersion::V12, "role") => {
                    targeted = matches!(
                        a.value.trim(),
                        "http://www.w3.org/2003/05/soap-envelope/role/next"
                            | "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
                    )
                }
                _ => {}
            }
        }
        if must && targeted {
            let e = self
                .r
                .invalid(
                    entry.offset(),
                    format!("header {} is mandatory (mustUnderstand) but not understood", self.r.expanded(entry.ns(), entry.local())),
                )
                .with_kind(DecodeErrorKind::MustUnderstand)
                .with_subject(self.r.ns_uri(entry.ns()), entry.local());
            return Err(e);
        }
        let captured = AnyElement::decode(&mut self.r, entry).map_err(|e| e.within(entry.name()))?;
        self.ignored.push(captured);
        Ok(())
    }

    /// Passes any header entries left, then returns the `Body` start tag.
    pub fn body(&mut self) -> Result<Start<'a>, DecodeError> {
        while let Some(h) = self.next_header()? {
            self.unknown_header(&h)?;
        }
        let v = self.version.ns();
        let body = match self.body.take() {
            Some(b) => b,
            None => match self.env_child()? {
                Some(c) if c.is(v, "Body") => c,
                Some(c) => return Err(self.r.unexpected_element(&c, &[(v, "Body")])),
                None => return Err(self.r.missing_element(&self.envelope, None, &[(v, "Body")])),
            },
        };
        check_envelope_attributes(&self.r, &body, self.version)?;
        self.r.set_soap_scope(Some(body.offset()));
        self.body = Some(body);
        self.state = State::InBody;
        Ok(body)
    }

    /// Reads a Body holding one element `{ns}local`, decoded with `E`, through the end of the
    /// document (the header entries left are passed over as by [`EnvelopeReader::body`]): the
    /// body of the usual document-literal message.
    pub fn body_element<E: ElementCodec>(&mut self, ns: NsId, local: &'static str) -> Result<E::Value, DecodeError> {
        let body = self.body()?;
        let mut cur = self.r.next_child(&body)?;
        let v = crate::codec::one::<E>(&mut self.r, &body, &mut cur, ns, local)?;
        self.end_body(&body, cur)?;
        Ok(v)
    }

    /// After the Body's content: `cur` is the child after the last one consumed (an error if
    /// present). Checks the end of the Body, the Envelope and the document.
    pub fn end_body(&mut self, body: &Start<'a>, cur: Option<Start<'a>>) -> Result<(), DecodeError> {
        if let Some(c) = cur {
            return Err(self.r.unexpected_element(&c, &[]).within(body.name()));
        }
        self.finish()
    }

    /// Checks the end of the Envelope and of the document (the Body must be closed).
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        if let Some(extra) = self.env_child()? {
            return Err(self.r.invalid(extra.offset(), format!("element <{}> after the SOAP Body is not allowed", extra.name())));
        }
        self.state = State::Done;
        self.r.end_document()
    }

    /// Adds the envelope path to an error from inside the envelope.
    pub fn locate(&self, e: DecodeError) -> DecodeError {
        let e = match self.state {
            State::InHeader => e.within(self.header.map_or("Header", |h| h.name())),
            State::InBody => e.within(self.body.map_or("Body", |b| b.name())),
            _ => e,
        };
        e.within(self.envelope.name())
    }
}

fn check_envelope_attributes<'a>(r: &Reader<'a>, el: &Start<'a>, _version: SoapVersion) -> Result<(), DecodeError> {
    for a in r.attributes(el) {
        let a = a?;
        if a.ns == NsId::NONE {
            return Err(r.unexpected_attribute(el, &a));
        }
    }
    Ok(())
}

/// A decoded message with what else the envelope carried.
#[derive(Debug)]
pub struct Decoded<M> {
    /// The message.
    pub message: M,
    /// SOAP version of the envelope.
    pub version: SoapVersion,
    /// Header entries not declared by the message and not mandatory.
    pub ignored_headers: Vec<AnyElement>,
}

/// Decodes a whole envelope into `M`.
pub fn decode_message<M: SoapMessage>(
    input: &str,
    table: NsTable,
    expected: Option<SoapVersion>,
    limits: Limits,
) -> Result<Decoded<M>, DecodeError> {
    EnvelopeReader::open(input, table, expected, limits).and_then(decode_opened).map_err(|e| settle(input, table, limits, e))
}

fn decode_opened<M: SoapMessage>(mut env: EnvelopeReader<'_>) -> Result<Decoded<M>, DecodeError> {
    match M::decode_envelope(&mut env) {
        Ok(message) => Ok(Decoded { message, version: env.version, ignored_headers: env.take_ignored_headers() }),
        Err(e) => Err(env.locate(e)),
    }
}

/// If the envelope's Body holds a Fault, decodes it.
pub fn decode_fault(input: &str, table: NsTable, limits: Limits) -> Result<Option<(Fault, SoapVersion)>, DecodeError> {
    decode_fault_unsettled(input, table, limits).map_err(|e| settle(input, table, limits, e))
}

fn decode_fault_unsettled(input: &str, table: NsTable, limits: Limits) -> Result<Option<(Fault, SoapVersion)>, DecodeError> {
    fault_opened(EnvelopeReader::open(input, table, None, limits)?)
}

fn fault_opened(mut env: EnvelopeReader<'_>) -> Result<Option<(Fault, SoapVersion)>, DecodeError> {
    let result = (|| {
        let body = env.body()?;
        let Some(first) = env.r.next_child(&body)? else { return Ok(None) };
        if !first.is(env.version.ns(), "Fault") {
            return Ok(None);
        }
        let fault = Fault::decode(env.version, &mut env.r, &first)?;
        let next = env.r.next_child(&body)?;
        env.end_body(&body, next)?;
        Ok(Some((fault, env.version)))
    })();
    result.map_err(|e| env.locate(e))
}

/// Writes `msg` in an envelope. `prefixes` are declared on the Envelope.
pub fn encode_message<M: SoapMessage>(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    msg: &M,
) -> Result<String, EncodeError> {
    encode_message_with(version, prefixes, &[], msg)
}

/// Writes a message in an envelope whose Header starts with the entries `extra` (WS-Security,
/// headers a client adds to every request), before the message's own.
pub fn encode_message_with<M: SoapMessage>(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    extra: &[AnyElement],
    msg: &M,
) -> Result<String, EncodeError> {
    let headers = |w: &mut Writer| {
        extra.iter().try_for_each(|e| e.encode(w))?;
        msg.encode_headers(w)
    };
    let has_headers = msg.has_headers() || !extra.is_empty();
    encode_to_string(|out| write_envelope_into(version, prefixes, has_headers, headers, |w| msg.encode_body(w), out))
}

/// Writes a fault in an envelope.
pub fn encode_fault(version: SoapVersion, fault: &Fault) -> Result<String, EncodeError> {
    encode_fault_with_headers(version, fault, &[])
}

/// Writes a fault in an envelope whose Header holds `headers` (e.g. SOAP 1.2's `Upgrade` or
/// `NotUnderstood` blocks).
pub fn encode_fault_with_headers(version: SoapVersion, fault: &Fault, headers: &[AnyElement]) -> Result<String, EncodeError> {
    let write_headers = |w: &mut Writer| headers.iter().try_for_each(|h| h.encode(w));
    encode_to_string(|out| write_envelope_into(version, &[], !headers.is_empty(), write_headers, |w| fault.encode(version, w), out))
}

/// Appends `msg` in an envelope to `out` (nothing on error): [`encode_message`] into a buffer
/// the caller keeps, so that a message costs no allocation once the buffer has grown.
pub fn encode_message_into<M: SoapMessage + ?Sized>(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    msg: &M,
    out: &mut String,
) -> Result<(), EncodeError> {
    write_envelope_into(version, prefixes, msg.has_headers(), |w| msg.encode_headers(w), |w| msg.encode_body(w), out)
}

/// Appends a fault in an envelope to `out` (nothing on error).
pub fn encode_fault_into(version: SoapVersion, fault: &Fault, out: &mut String) -> Result<(), EncodeError> {
    write_envelope_into(version, &[], false, |_| Ok(()), |w| fault.encode(version, w), out)
}

/// A new string holding what `encode` appends to it, allocated at the size of the last one
/// made on this thread (so that it is written without growing, as a rule).
pub fn encode_to_string(encode: impl FnOnce(&mut String) -> Result<(), EncodeError>) -> Result<String, EncodeError> {
    let mut out = String::with_capacity(LAST_LENGTH.get().max(256));
    encode(&mut out)?;
    LAST_LENGTH.set(out.len());
    Ok(out)
}

thread_local! {
    static LAST_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Writers are reused per thread: their scope and scratch buffers survive between
    /// messages.
    static WRITER: std::cell::RefCell<Writer> = const { std::cell::RefCell::new(Writer::new()) };
}

fn write_envelope_into(
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    headers: bool,
    write_headers: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
    write_body: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
    out: &mut String,
) -> Result<(), EncodeError> {
    let write = |w: &mut Writer| {
        w.set_preferred_prefixes(prefixes);
        let at = out.len();
        // The caller's buffer is the output meanwhile.
        let own = w.swap_output(std::mem::take(out));
        let result = write_into(w, version, version.uri(), prefixes, headers, write_headers, write_body);
        *out = w.swap_output(own);
        w.reset();
        if result.is_err() {
            out.truncate(at);
        }
        result
    };
    WRITER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut w) => write(&mut w),
        // An envelope written while writing one (a value's encoding that writes a message).
        Err(_) => write(&mut Writer::new()),
    })
}

fn write_into(
    w: &mut Writer,
    version: SoapVersion,
    env: &'static str,
    prefixes: &'static [(&'static str, &'static str)],
    headers: bool,
    write_headers: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
    write_body: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    w.declaration();
    w.start_root(version.prefix(), env, "Envelope", prefixes)?;
    if headers {
        w.start(env, "Header")?;
        write_headers(w)?;
        w.end(env, "Header")?;
    }
    w.start(env, "Body")?;
    write_body(w)?;
    w.end(env, "Body")?;
    w.end(env, "Envelope")
}

/// What a server needs to route a request: the SOAP version, the first element of the Body
/// and that element's first child.
#[derive(Clone, Copy, Debug)]
pub struct BodyProbe<'a> {
    /// SOAP version of the envelope.
    pub version: SoapVersion,
    /// The Body's first child element.
    pub child: Option<Start<'a>>,
    /// That element's first child element.
    pub grandchild: Option<Start<'a>>,
    /// The qualified names of the Envelope and the Body as written (for error paths).
    pub names: (&'a str, &'a str),
    /// Byte offset of the Body start tag (for errors about an empty Body).
    pub body_offset: usize,
}

/// Reads just far enough into an envelope to route it (the rest is checked when decoding).
pub fn probe_body<'a>(input: &'a str, table: NsTable, expected: Option<SoapVersion>, limits: Limits) -> Result<BodyProbe<'a>, DecodeError> {
    EnvelopeReader::open(input, table, expected, limits)
        .and_then(|env| probe_opened(env, false))
        .map(|(probe, _)| probe)
        .map_err(|e| settle(input, table, limits, e))
}

/// Checks that `input` is a well-formed, namespace-well-formed XML document (reading all of
/// it); the first problem otherwise.
pub fn well_formed(input: &str, table: NsTable, limits: Limits) -> Result<(), DecodeError> {
    let mut r = Reader::new(input, table).with_limits(limits);
    let root = r.root()?;
    r.skip_checked(&root)?;
    r.end_document()
}

/// The error to report for `input`. Decoding stops at the first problem, so a schema error
/// can be found before a later part of the document turns out not to be well-formed; such a
/// document is reported as not well-formed (servers answer the two with different faults,
/// e.g. [MS-OXWUMS] 2.2.2.1), with the place of that problem. Only the error path pays for
/// the extra reading. A document refused by a limit later on is reported as refused, too.
pub fn settle(input: &str, table: NsTable, limits: Limits, e: DecodeError) -> DecodeError {
    if e.kind() != DecodeErrorKind::Invalid {
        return e;
    }
    match well_formed(input, table, limits) {
        Err(m) if matches!(m.kind(), DecodeErrorKind::Malformed | DecodeErrorKind::LimitExceeded) => m,
        _ => e,
    }
}

/// An envelope read once for routing and decoding: what [`probe_body`] finds, and a reader
/// after the Envelope start tag from which any number of candidate messages are decoded
/// without reading the Envelope again.
pub struct Probed<'a> {
    /// What routing needs.
    pub probe: BodyProbe<'a>,
    /// Where decoding starts: the Envelope opened or, when it has no Header, its Body's start
    /// tag read (the probe's own reader at that point).
    env: EnvelopeReader<'a>,
    input: &'a str,
    table: NsTable,
    limits: Limits,
}

impl<'a> Probed<'a> {
    /// Opens and probes the envelope (see [`probe_body`]).
    pub fn open(input: &'a str, table: NsTable, expected: Option<SoapVersion>, limits: Limits) -> Result<Self, DecodeError> {
        let opened = EnvelopeReader::open(input, table, expected, limits).and_then(|env| {
            let (probe, at_body) = probe_opened(env.clone(), true)?;
            Ok((probe, at_body.unwrap_or(env)))
        });
        match opened {
            Ok((probe, env)) => Ok(Probed { probe, env, input, table, limits }),
            Err(e) => Err(settle(input, table, limits, e)),
        }
    }

    /// Header entries (`(namespace, local name)`) that were processed before decoding, such as
    /// the WS-Security header the server runtime checked: decoding passes over them instead of
    /// failing on their `mustUnderstand`.
    #[must_use]
    pub fn understanding(mut self, understood: &[(String, String)]) -> Self {
        self.env.understood = understood.to_vec();
        self
    }

    /// Decodes the envelope as `M`: the same as [`decode_message`] on the same input.
    pub fn decode<M: SoapMessage>(&self) -> Result<Decoded<M>, DecodeError> {
        self.try_decode().map_err(|e| self.settle(e))
    }

    /// Decodes the envelope as `M`, for trying several candidate messages: an error is where
    /// decoding as `M` stopped, not yet [settled](settle) (a schema error in the part read, even
    /// if the document is not well-formed further on), so that failed candidates cost no second
    /// reading. Pass the error finally reported through [`Probed::settle`].
    pub fn try_decode<M: SoapMessage>(&self) -> Result<Decoded<M>, DecodeError> {
        decode_opened(self.env.clone())
    }

    /// [`Probed::try_decode`] as `M`, the message wrapped by `wrap` (a variant of a message
    /// set) and the ignored header entries dropped: what a message set's decoding tries for
    /// each candidate.
    pub fn decode_as<M: SoapMessage, T>(&self, wrap: fn(M) -> T) -> Result<T, DecodeError> {
        self.try_decode().map(|d| wrap(d.message))
    }

    /// If the Body holds a Fault, decodes it, going on from the envelope already read (the same
    /// as [`decode_fault`] on the same input, without reading the document a second time).
    pub fn fault(&self) -> Result<Option<(Fault, SoapVersion)>, DecodeError> {
        if !self.probe.child.is_some_and(|c| c.is(self.probe.version.ns(), "Fault")) {
            return Ok(None);
        }
        fault_opened(self.env.clone()).map_err(|e| self.settle(e))
    }

    /// The error to report for this envelope, given one from [`Probed::try_decode`] (see
    /// [`settle`]).
    pub fn settle(&self, e: DecodeError) -> DecodeError {
        settle(self.input, self.table, self.limits, e)
    }

    /// The namespace URI and local name of the Body's first child element, if any.
    pub fn body_name(&self) -> Option<(std::borrow::Cow<'static, str>, &'a str)> {
        self.probe.child.map(|c| (self.env.r.ns_uri_cow(c.ns()), c.local()))
    }

    /// The error for an envelope whose Body matches no operation (see [`unroutable`]).
    pub fn unroutable(&self) -> DecodeError {
        settle(self.input, self.table, self.limits, unroutable(self.input, &self.probe))
    }
}

/// Probes the envelope `env` opened. With `resume` and no Header, also returns the reader as it
/// is once the Body's start tag is read, for decoding to go on from there: the same state
/// decoding reaches by reading the Envelope's first child itself.
fn probe_opened(mut env: EnvelopeReader<'_>, resume: bool) -> Result<(BodyProbe<'_>, Option<EnvelopeReader<'_>>), DecodeError> {
    let result = (|| {
        // Pass over the header entries without reading them: the message decoded after routing
        // reads and judges them (and decides what it understands).
        let had_header = env.pass_over_header()?;
        let at_body = (resume && !had_header).then(|| env.clone());
        let body = env.body()?;
        let child = env.r.next_child(&body)?;
        let grandchild = match child {
            // Attributes of the child are not needed; its first child element is (this reader
            // is the probe's own).
            Some(c) => first_child_element(&mut env.r, &c)?,
            None => None,
        };
        let probe =
            BodyProbe { version: env.version, child, grandchild, names: (env.envelope.name(), body.name()), body_offset: body.offset() };
        Ok((probe, at_body))
    })();
    result.map_err(|e| env.locate(e))
}

fn first_child_element<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Option<Start<'a>>, DecodeError> {
    while let Some(node) = r.next_node(el)? {
        if let crate::xml::Node::Element(s) = node {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// The error for a request whose Body matches no operation.
pub fn unroutable(input: &str, probe: &BodyProbe<'_>) -> DecodeError {
    let e = match probe.child {
        Some(c) => DecodeError::new(
            DecodeErrorKind::Invalid,
            format!("the SOAP Body element <{}> does not match any operation of the service", c.name()),
            input,
            c.offset(),
        ),
        None => DecodeError::new(
            DecodeErrorKind::Invalid,
            "the SOAP Body is empty and no operation takes an empty Body",
            input,
            probe.body_offset,
        ),
    };
    e.within(probe.names.1).within(probe.names.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:soapkit:test";
    const PREFIXES: &[(&str, &str)] = &[("t", NS)];

    /// `<t:Note>text</t:Note>`; with `fail`, an error after the element is written; with
    /// `nested`, the Note's text is an envelope of its own, encoded while this one is.
    struct Note {
        text: &'static str,
        fail: bool,
        nested: bool,
    }

    impl SoapMessage for Note {
        fn decode_envelope<'a>(_: &mut EnvelopeReader<'a>) -> Result<Self, DecodeError> {
            unreachable!("encoded only")
        }
        fn encode_body(&self, w: &mut Writer) -> Result<(), EncodeError> {
            let text = if self.nested {
                encode_message(SoapVersion::V12, PREFIXES, &Note { text: self.text, fail: false, nested: false })?
            } else {
                self.text.to_owned()
            };
            w.text_element(NS, "Note", &text)?;
            if self.fail { Err(EncodeError::new("refused")) } else { Ok(()) }
        }
    }

    #[test]
    fn encode_into_appends_the_envelope_encode_message_makes() {
        let note = Note { text: "a<b", fail: false, nested: false };
        let alone = encode_message(SoapVersion::V11, PREFIXES, &note).unwrap();
        assert_eq!(
            alone,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:t=\"urn:soapkit:test\"><soap:Body><t:Note>a&lt;b</t:Note></soap:Body></soap:Envelope>"
        );
        let mut out = String::from("kept|");
        encode_message_into(SoapVersion::V11, PREFIXES, &note, &mut out).unwrap();
        assert_eq!(out, format!("kept|{alone}"));
        // Again into the same buffer, and a fresh encode after it: the writer was left clean.
        encode_message_into(SoapVersion::V11, PREFIXES, &note, &mut out).unwrap();
        assert_eq!(out, format!("kept|{alone}{alone}"));
        assert_eq!(encode_message(SoapVersion::V11, PREFIXES, &note).unwrap(), alone);
    }

    #[test]
    fn encode_into_leaves_the_buffer_as_it_was_on_error() {
        let mut out = String::from("kept");
        let err = encode_message_into(SoapVersion::V11, PREFIXES, &Note { text: "x", fail: true, nested: false }, &mut out);
        assert!(err.is_err());
        assert_eq!(out, "kept");
        let good = Note { text: "x", fail: false, nested: false };
        assert_eq!(encode_message(SoapVersion::V11, PREFIXES, &good).unwrap().matches("<t:Note>").count(), 1);
    }

    #[test]
    fn an_envelope_encoded_while_another_is_gets_a_writer_of_its_own() {
        let outer = encode_message(SoapVersion::V11, PREFIXES, &Note { text: "inner", fail: false, nested: true }).unwrap();
        let inner = encode_message(SoapVersion::V12, PREFIXES, &Note { text: "inner", fail: false, nested: false }).unwrap();
        let mut escaped = String::new();
        crate::xml::writer::escape_text(&mut escaped, &inner);
        assert!(outer.contains(&format!("<t:Note>{escaped}</t:Note></soap:Body></soap:Envelope>")), "{outer}");
        assert!(outer.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""
        ));
    }
}

#[cfg(test)]
mod probe_tests {
    use super::*;

    /// A message that reads its headers as unknown ones and skips the Body's content.
    struct Skim;

    impl SoapMessage for Skim {
        fn decode_envelope<'a>(env: &mut EnvelopeReader<'a>) -> Result<Self, DecodeError> {
            let body = env.body()?;
            while let Some(c) = env.r.next_child(&body)? {
                env.r.skip_checked(&c)?;
            }
            env.finish()?;
            Ok(Skim)
        }
        fn encode_body(&self, _: &mut Writer) -> Result<(), EncodeError> {
            Ok(())
        }
    }

    fn doc(header: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>{header}</s:Header><s:Body><t:Note xmlns:t="urn:t"><t:Line/></t:Note></s:Body></s:Envelope>"#
        )
    }

    #[test]
    fn the_probe_passes_over_headers_and_the_decode_judges_them() {
        // What quick-xml lets through and the reader refuses: an undeclared attribute prefix,
        // a repeated attribute, a misplaced `<` deep inside an entry.
        for (header, refusal) in [
            (r#"<t:X xmlns:t="urn:t" u:a="1"><deep><er/></deep></t:X>"#, "prefix 'u'"),
            (r#"<t:X xmlns:t="urn:t"><deep a="1" a="2"/></t:X>"#, "appears twice"),
            (r#"<t:X xmlns:t="urn:t"><deep><er a="<"/></deep></t:X>"#, "'<' is not allowed"),
        ] {
            let doc = doc(header);
            let probed = Probed::open(&doc, NsTable::STANDARD, None, Limits::DEFAULT).unwrap_or_else(|e| panic!("{header}: {e}"));
            assert_eq!(probed.probe.child.map(|c| c.local()), Some("Note"));
            assert_eq!(probed.probe.grandchild.map(|c| c.local()), Some("Line"));
            let err = probed.decode::<Skim>().err().unwrap_or_else(|| panic!("{header} decoded"));
            assert!(err.message().contains(refusal), "{header}: {err}");
            // The same error as reading the document from the start.
            let whole = decode_message::<Skim>(&doc, NsTable::STANDARD, None, Limits::DEFAULT).err().unwrap();
            assert_eq!(whole.to_string(), err.to_string());
        }
        let good = doc(r#"<t:X xmlns:t="urn:t"><deep><t:X/></deep></t:X><t:Y xmlns:t="urn:t"/>"#);
        let probed = Probed::open(&good, NsTable::STANDARD, None, Limits::DEFAULT).unwrap();
        assert_eq!(probed.decode::<Skim>().unwrap().ignored_headers.len(), 2);
    }

    #[test]
    fn without_a_header_decoding_goes_on_from_the_body_as_from_the_start() {
        // The probe hands over its reader at the Body's start tag: what the Body's own tag
        // says (its declarations, its attributes) and what follows must read as from the start.
        const S: &str = r#"xmlns:s="http://schemas.xmlsoap.org/soap/envelope/""#;
        for doc in [
            format!(r#"<s:Envelope {S}><s:Body xmlns:t="urn:t"><t:Note><t:Line/></t:Note></s:Body></s:Envelope>"#),
            format!(r#"<s:Envelope {S}><s:Body a="1"><t:Note xmlns:t="urn:t"/></s:Body></s:Envelope>"#),
            format!(r#"<s:Envelope {S}><s:Body><t:Note xmlns:t="urn:t"/></s:Body><s:Body/></s:Envelope>"#),
            format!(r#"<s:Envelope {S}><s:Body><t:Note xmlns:t="urn:t"><u:x/></t:Note></s:Body></s:Envelope>"#),
            format!(r#"<s:Envelope {S}><s:Body></s:Body></s:Envelope>"#),
            format!(r#"<s:Envelope {S}><s:Body><t:Note xmlns:t="urn:t"/></s:Body></s:Envelope>trailing"#),
        ] {
            let whole = decode_message::<Skim>(&doc, NsTable::STANDARD, None, Limits::DEFAULT).map(|d| d.ignored_headers.len());
            let probed = Probed::open(&doc, NsTable::STANDARD, None, Limits::DEFAULT).and_then(|p| p.decode::<Skim>());
            let probed = probed.map(|d| d.ignored_headers.len());
            assert_eq!(probed.map_err(|e| e.to_string()), whole.map_err(|e| e.to_string()), "{doc}");
        }
    }
}
