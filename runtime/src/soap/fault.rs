//! SOAP faults (1.1 `faultcode`/`faultstring`/`faultactor`/`detail`; 1.2
//! `Code`/`Reason`/`Node`/`Role`/`Detail`).

use std::fmt;

use super::SoapVersion;
use crate::xml::{AnyElement, AnyNode, DecodeError, EncodeError, NsId, Reader, Start, Writer};
use crate::xsd::QName;

/// A SOAP fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode` (1.1) or `Code/Value` (1.2).
    pub code: QName,
    /// `Code/Subcode/Value`s, outermost first (1.2 only).
    pub subcodes: Vec<QName>,
    /// `faultstring` (1.1; one reason) or `Reason/Text`s (1.2).
    pub reasons: Vec<FaultReason>,
    /// `faultactor` (1.1) or `Role` (1.2).
    pub actor: Option<String>,
    /// `Node` (1.2 only).
    pub node: Option<String>,
    /// The `detail` / `Detail` element as received (its name is rewritten for the version
    /// when written).
    pub detail: Option<AnyElement>,
}

/// A human-readable fault reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultReason {
    /// `xml:lang`.
    pub lang: Option<String>,
    /// The text.
    pub text: String,
}

impl Fault {
    /// A fault with a code in the envelope namespace of `version`, e.g. `Client`/`Sender`.
    pub fn soap(version: SoapVersion, code: &str, reason: impl Into<String>) -> Self {
        Fault::new(QName::with_prefix(version.uri(), code, version.prefix()), reason)
    }

    /// A fault with any code.
    pub fn new(code: QName, reason: impl Into<String>) -> Self {
        Fault {
            code,
            subcodes: Vec::new(),
            reasons: vec![FaultReason { lang: None, text: reason.into() }],
            actor: None,
            node: None,
            detail: None,
        }
    }

    /// Sets the language of the (first) reason.
    #[must_use]
    pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
        if let Some(r) = self.reasons.first_mut() {
            r.lang = Some(lang.into());
        }
        self
    }

    /// Appends an element to the detail (creating the detail).
    #[must_use]
    pub fn with_detail_entry(mut self, entry: AnyElement) -> Self {
        self.detail.get_or_insert_with(|| AnyElement::new("", "detail")).children.push(AnyNode::Element(entry));
        self
    }

    /// The first reason text.
    pub fn reason(&self) -> &str {
        self.reasons.first().map_or("", |r| r.text.as_str())
    }

    /// The element entries of the detail.
    pub fn detail_entries(&self) -> impl Iterator<Item = &AnyElement> {
        self.detail.iter().flat_map(|d| d.elements())
    }

    /// The first detail entry `{ns}local`.
    pub fn detail_entry(&self, ns: &str, local: &str) -> Option<&AnyElement> {
        self.detail_entries().find(|e| e.is(ns, local))
    }

    /// Writes the `Fault` element.
    pub fn encode(&self, version: SoapVersion, w: &mut Writer) -> Result<(), EncodeError> {
        let env = version.uri();
        w.start(env, "Fault")?;
        match version {
            SoapVersion::V11 => {
                crate::codec::encode_simple::<QName>(w, "", "faultcode", &self.code)?;
                let r = self.reasons.first();
                w.start("", "faultstring")?;
                if let Some(lang) = r.and_then(|r| r.lang.as_deref()) {
                    w.attr(crate::xml::ns::XML, "lang", lang)?;
                }
                w.text(r.map_or("", |r| r.text.as_str()));
                w.end("", "faultstring")?;
                if let Some(a) = &self.actor {
                    w.text_element("", "faultactor", a)?;
                }
                if let Some(d) = &self.detail {
                    write_detail(w, d, "", "detail")?;
                }
            }
            SoapVersion::V12 => {
                w.start(env, "Code")?;
                crate::codec::encode_simple::<QName>(w, env, "Value", &self.code)?;
                for s in &self.subcodes {
                    w.start(env, "Subcode")?;
                    crate::codec::encode_simple::<QName>(w, env, "Value", s)?;
                }
                for _ in &self.subcodes {
                    w.end(env, "Subcode")?;
                }
                w.end(env, "Code")?;
                w.start(env, "Reason")?;
                for r in &self.reasons {
                    w.start(env, "Text")?;
                    w.attr(crate::xml::ns::XML, "lang", r.lang.as_deref().unwrap_or("en"))?;
                    w.text(&r.text);
                    w.end(env, "Text")?;
                }
                w.end(env, "Reason")?;
                if let Some(n) = &self.node {
                    w.text_element(env, "Node", n)?;
                }
                if let Some(a) = &self.actor {
                    w.text_element(env, "Role", a)?;
                }
                if let Some(d) = &self.detail {
                    write_detail(w, d, env, "Detail")?;
                }
            }
        }
        w.end(env, "Fault")
    }

    /// Decodes a `Fault` element (already read as `start`).
    pub fn decode<'a>(version: SoapVersion, r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        let inner = |r: &mut Reader<'a>| -> Result<Fault, DecodeError> {
            for a in r.attributes(start) {
                let a = a?;
                crate::codec::other_attribute(r, start, &a, None)?;
            }
            match version {
                SoapVersion::V11 => decode11(r, start),
                SoapVersion::V12 => decode12(r, start),
            }
        };
        inner(r).map_err(|e| e.within(start.name()))
    }
}

fn write_detail(w: &mut Writer, d: &AnyElement, ns: &str, local: &str) -> Result<(), EncodeError> {
    w.start(ns, local)?;
    for (p, u) in &d.namespaces {
        w.declare_here(p, u)?;
    }
    for a in &d.attributes {
        a.encode(w)?;
    }
    for c in &d.children {
        match c {
            AnyNode::Text(t) => w.text(t),
            AnyNode::Element(e) => e.encode(w)?,
        }
    }
    w.end(ns, local)
}

fn expect<'a>(r: &mut Reader<'a>, parent: &Start<'a>, cur: Option<Start<'a>>, ns: NsId, local: &str) -> Result<Start<'a>, DecodeError> {
    match cur {
        Some(c) if c.is(ns, local) => Ok(c),
        other => Err(r.missing_element(parent, other.as_ref(), &[(ns, local)])),
    }
}

fn lang_only<'a>(r: &Reader<'a>, el: &Start<'a>) -> Result<Option<String>, DecodeError> {
    let mut lang = None;
    for a in r.attributes(el) {
        let a = a?;
        if a.is(NsId::XML, "lang") {
            lang = Some(a.value.into_owned());
        } else {
            crate::codec::other_attribute(r, el, &a, None)?;
        }
    }
    Ok(lang)
}

fn decode11<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Fault, DecodeError> {
    let cur = r.next_child(start)?;
    let c = expect(r, start, cur, NsId::NONE, "faultcode")?;
    let code: QName = crate::codec::decode_simple::<QName>(r, &c)?;
    let cur = r.next_child(start)?;
    let s = expect(r, start, cur, NsId::NONE, "faultstring")?;
    let lang = lang_only(r, &s).map_err(|e| e.within(s.name()))?;
    let text = r.read_text(&s)?.into_owned();
    let mut fault = Fault { code, subcodes: Vec::new(), reasons: vec![FaultReason { lang, text }], actor: None, node: None, detail: None };
    let mut cur = r.next_child(start)?;
    if let Some(c) = cur.filter(|c| c.is(NsId::NONE, "faultactor")) {
        fault.actor = Some(crate::codec::decode_simple::<String>(r, &c)?);
        cur = r.next_child(start)?;
    }
    if let Some(c) = cur.filter(|c| c.is(NsId::NONE, "detail")) {
        fault.detail = Some(crate::codec::decode_any(r, &c)?);
        cur = r.next_child(start)?;
    }
    if let Some(c) = cur {
        return Err(r.unexpected_element(&c, &[]));
    }
    Ok(fault)
}

fn decode12<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Fault, DecodeError> {
    let env = NsId::SOAP12;
    let cur = r.next_child(start)?;
    let code_el = expect(r, start, cur, env, "Code")?;
    let (code, subcodes) = decode_code(r, &code_el).map_err(|e| e.within(code_el.name()))?;
    let cur = r.next_child(start)?;
    let reason_el = expect(r, start, cur, env, "Reason")?;
    let mut reasons = Vec::new();
    while let Some(t) = r.next_child(&reason_el)? {
        if !t.is(env, "Text") {
            return Err(r.unexpected_element(&t, &[(env, "Text")]).within(reason_el.name()));
        }
        let lang = lang_only(r, &t)?;
        reasons.push(FaultReason { lang, text: r.read_text(&t)?.into_owned() });
    }
    if reasons.is_empty() {
        return Err(r.missing_element(&reason_el, None, &[(env, "Text")]).within(reason_el.name()));
    }
    let mut fault = Fault { code, subcodes, reasons, actor: None, node: None, detail: None };
    let mut cur = r.next_child(start)?;
    if let Some(c) = cur.filter(|c| c.is(env, "Node")) {
        fault.node = Some(crate::codec::decode_simple::<String>(r, &c)?);
        cur = r.next_child(start)?;
    }
    if let Some(c) = cur.filter(|c| c.is(env, "Role")) {
        fault.actor = Some(crate::codec::decode_simple::<String>(r, &c)?);
        cur = r.next_child(start)?;
    }
    if let Some(c) = cur.filter(|c| c.is(env, "Detail")) {
        fault.detail = Some(crate::codec::decode_any(r, &c)?);
        cur = r.next_child(start)?;
    }
    if let Some(c) = cur {
        return Err(r.unexpected_element(&c, &[]));
    }
    Ok(fault)
}

fn decode_code<'a>(r: &mut Reader<'a>, code_el: &Start<'a>) -> Result<(QName, Vec<QName>), DecodeError> {
    let env = NsId::SOAP12;
    let cur = r.next_child(code_el)?;
    let v = expect(r, code_el, cur, env, "Value")?;
    let code: QName = crate::codec::decode_simple::<QName>(r, &v)?;
    let mut subcodes = Vec::new();
    let mut parent = *code_el;
    let mut opened = Vec::new();
    while let Some(sub) = r.next_child(&parent)? {
        if !sub.is(env, "Subcode") {
            return Err(r.unexpected_element(&sub, &[(env, "Subcode")]));
        }
        let cur = r.next_child(&sub)?;
        let v = expect(r, &sub, cur, env, "Value")?;
        subcodes.push(crate::codec::decode_simple::<QName>(r, &v)?);
        opened.push(parent);
        parent = sub;
    }
    // Close the nested Subcode elements from the innermost out.
    while let Some(outer) = opened.pop() {
        if let Some(extra) = r.next_child(&outer)? {
            return Err(r.unexpected_element(&extra, &[]));
        }
    }
    Ok((code, subcodes))
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.code, self.reason())
    }
}

impl std::error::Error for Fault {}
