//! The inputs of the codec benchmarks: every example envelope of the three seeded systems
//! that their bindings read, and two large payloads. Each benchmark uses part of it.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use soapkit::tool::MessageSet;

/// One example envelope and the binding that reads it.
pub struct Case {
    /// The seeded system (or `large`).
    pub system: &'static str,
    /// The example's file stem.
    pub name: String,
    /// The envelope.
    pub text: String,
    /// Decodes with the binding's message set.
    pub decode: fn(&str) -> usize,
    /// Decodes once and returns a closure that encodes the message into a buffer it reuses
    /// (`encode_into`, as the encode floor writes into a reused buffer).
    pub encode: fn(&str) -> Box<dyn FnMut() -> usize>,
    /// Decodes and encodes.
    pub reencode: fn(&str) -> String,
}

impl Case {
    fn of<S: MessageSet + 'static>(system: &'static str, name: String, text: String) -> Case {
        Case { system, name, text, decode: decode_with::<S>, encode: encode_with::<S>, reencode: reencode_with::<S> }
    }

    /// The benchmark's parameter: system and message.
    pub fn id(&self) -> String {
        format!("{}-{}", self.system, self.name)
    }
}

fn reencode_with<S: MessageSet>(text: &str) -> String {
    S::decode(text).expect("decodes").encode().expect("encodes")
}

fn decode_with<S: MessageSet>(text: &str) -> usize {
    let m = S::decode(text).expect("decodes");
    std::mem::size_of_val(&m)
}

fn encode_with<S: MessageSet + 'static>(text: &str) -> Box<dyn FnMut() -> usize> {
    let m = S::decode(text).expect("decodes");
    let mut out = String::new();
    Box::new(move || {
        out.clear();
        black_box(&m).encode_into(&mut out).expect("encodes");
        out.len()
    })
}

/// Every example envelope under `tests/fixtures/<dir>` that the binding `S` reads (the
/// `.as-printed` copies keep the spec's broken text and are left out; so are the few
/// examples that are meant to be refused).
fn cases<S: MessageSet + 'static>(system: &'static str, dir: &str) -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml") && !p.to_string_lossy().contains(".as-printed"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            S::decode(&text).ok()?;
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some(Case::of::<S>(system, name, text))
        })
        .collect()
}

/// A `GetPhoneCallInformation` response of about 1 MB whose `MessageXml` (`xs:any`) holds
/// `items` elements.
fn large_any_response(items: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="Exchange2016" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><GetPhoneCallInformationResponse ResponseClass="Warning" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><MessageText>Partial information.</MessageText><ResponseCode>NoError</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey><MessageXml>"#,
    );
    for i in 0..items {
        s.push_str(&format!(
            r#"<t:Value Name="Diagnostic{i}" Kind="trace">Call leg {i} connected after {} ms; codec G.711 &amp; SRTP</t:Value>"#,
            i * 7
        ));
    }
    s.push_str(
        r#"</MessageXml><PhoneCallInformation><t:PhoneCallState>Connected</t:PhoneCallState><t:ConnectionFailureCause>None</t:ConnectionFailureCause><t:SIPResponseText>OK</t:SIPResponseText><t:SIPResponseCode>200</t:SIPResponseCode></PhoneCallInformation></GetPhoneCallInformationResponse></s:Body></s:Envelope>"#,
    );
    s
}

/// An `InstallApp` request whose `Manifest` (`xs:base64Binary`) is `bytes` long, base64 in
/// lines of 76 characters.
fn large_base64_request(bytes: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for i in 0..bytes.div_ceil(3) {
        for k in 0..4 {
            b64.push(ALPHABET[(i * 7 + k * 13) % 64] as char);
        }
        if (i + 1) % 19 == 0 {
            b64.push('\n');
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header><soap:Body><m:InstallApp><m:Manifest>{b64}</m:Manifest></m:InstallApp></soap:Body></soap:Envelope>"#
    )
}

pub fn all_cases() -> Vec<Case> {
    use generated::cisco_epas::epas_soap_service_binding::EpasSoapServiceBindingMessage;
    use generated::exchange::exchange_service_binding::ExchangeServiceBindingMessage;
    use generated::exchange::um_web_service_soap::UmWebServiceSoapMessage;
    let mut all = cases::<UmWebServiceSoapMessage>("MS-OXWUMS", "ms-oxwums");
    all.extend(cases::<ExchangeServiceBindingMessage>("MS-OXWSCEXT", "ms-oxwscext"));
    all.extend(cases::<EpasSoapServiceBindingMessage>("EPAS", "cisco-cup/epas"));
    all.push(Case::of::<UmWebServiceSoapMessage>("large", "1MB-10k-any-children".to_owned(), large_any_response(10_000)));
    all.push(Case::of::<ExchangeServiceBindingMessage>("large", "1MB-base64".to_owned(), large_base64_request(3 << 18)));
    all
}
