//! Bad requests never panic the server and get the fault [MS-OXWUMS] 2.2.2.1 prescribes. Each
//! request the spec prints is mutated in many deterministic ways (truncated, a byte dropped or
//! changed, a line dropped or doubled, an element renamed, a value replaced) and sent to the
//! generated dispatcher with the Exchange fault policy. An independent parser (roxmltree)
//! decides what the answer must be:
//! - not well-formed (roxmltree rejects it): `ErrorInvalidRequest`, "The request is invalid.";
//! - well-formed: either the operation is called (the mutation kept the request valid), or
//!   `ErrorSchemaValidation` with "The request failed schema validation" and the line and
//!   position of the problem in the detail.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use generated::exchange::um_web_service_soap::*;
use generated::faults::ExchangeFaults;
use soapkit::server::{RequestContext, SoapHttpRequest, SoapService};
use soapkit::soap::Fault;
use soapkit_tests::{FixtureKind, fixtures_dir, load_manifest, read_fault};

const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
const ERRORS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";
/// How many mutated requests one run sends (about a second in a debug build).
const MUTATIONS: usize = 3000;
const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Whether the document element is a SOAP 1.1 `Envelope`.
fn envelope_is_soap11(text: &str) -> bool {
    roxmltree::Document::parse(text).is_ok_and(|d| {
        let root = d.root_element();
        root.tag_name().namespace() == Some(SOAP11) && root.tag_name().name() == "Envelope"
    })
}

/// Whether an element or attribute name in a tag starts with a colon.
fn colon_leading_name(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(lt) = text[i..].find('<').map(|p| i + p) {
        let mut j = lt + 1;
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        match b.get(j) {
            Some(b':') => return true,
            Some(b'?' | b'!') | None => {
                i = j;
                continue;
            }
            _ => {}
        }
        let mut quote = None;
        while j < b.len() && !(quote.is_none() && b[j] == b'>') {
            match (quote, b[j]) {
                (None, b'"' | b'\'') => quote = Some(b[j]),
                (Some(q), c) if c == q => quote = None,
                (None, c) if c.is_ascii_whitespace() && b.get(j + 1) == Some(&b':') => return true,
                _ => {}
            }
            j += 1;
        }
        i = j;
    }
    false
}

/// Whether some start tag undeclares a prefix (`xmlns:p=""`).
fn undeclares_a_prefix(text: &str) -> bool {
    text.match_indices("xmlns:").any(|(i, _)| {
        let rest = &text[i + 6..];
        rest.find('=').is_some_and(|eq| {
            rest[..eq].chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) && rest[eq + 1..].starts_with("\"\"")
        })
    })
}

/// Every operation answers with this fault, so a call is told apart from a decoding fault.
struct Reached;

fn reached() -> Fault {
    Fault::soap(VERSION, "Server", "reached the operation")
}

impl UmWebServiceSoapServer for Reached {
    async fn is_um_enabled(&self, _: &RequestContext, _: IsUmEnabledInput) -> Result<IsUmEnabledOutput, Fault> {
        Err(reached())
    }
    async fn get_um_properties(&self, _: &RequestContext, _: GetUmPropertiesInput) -> Result<GetUmPropertiesOutput, Fault> {
        Err(reached())
    }
    async fn set_oof_status(&self, _: &RequestContext, _: SetOofStatusInput) -> Result<SetOofStatusOutput, Fault> {
        Err(reached())
    }
    async fn set_play_on_phone_dial_string(
        &self,
        _: &RequestContext,
        _: SetPlayOnPhoneDialStringInput,
    ) -> Result<SetPlayOnPhoneDialStringOutput, Fault> {
        Err(reached())
    }
    async fn set_telephone_access_folder_email(
        &self,
        _: &RequestContext,
        _: SetTelephoneAccessFolderEmailInput,
    ) -> Result<SetTelephoneAccessFolderEmailOutput, Fault> {
        Err(reached())
    }
    async fn set_missed_call_notification_enabled(
        &self,
        _: &RequestContext,
        _: SetMissedCallNotificationEnabledInput,
    ) -> Result<SetMissedCallNotificationEnabledOutput, Fault> {
        Err(reached())
    }
    async fn reset_pin(&self, _: &RequestContext, _: ResetPinInput) -> Result<ResetPinOutput, Fault> {
        Err(reached())
    }
    async fn play_on_phone(&self, _: &RequestContext, _: PlayOnPhoneInput) -> Result<PlayOnPhoneOutput, Fault> {
        Err(reached())
    }
    async fn get_call_info(&self, _: &RequestContext, _: GetCallInfoInput) -> Result<GetCallInfoOutput, Fault> {
        Err(reached())
    }
    async fn disconnect(&self, _: &RequestContext, _: DisconnectInput) -> Result<DisconnectOutput, Fault> {
        Err(reached())
    }
    async fn play_on_phone_greeting(&self, _: &RequestContext, _: PlayOnPhoneGreetingInput) -> Result<PlayOnPhoneGreetingOutput, Fault> {
        Err(reached())
    }
    async fn disconnect_phone_call(&self, _: &RequestContext, _: DisconnectPhoneCallInput) -> Result<DisconnectPhoneCallOutput, Fault> {
        Err(reached())
    }
    async fn get_phone_call_information(
        &self,
        _: &RequestContext,
        _: GetPhoneCallInformationInput,
    ) -> Result<GetPhoneCallInformationOutput, Fault> {
        Err(reached())
    }
    async fn play_on_phone2(&self, _: &RequestContext, _: PlayOnPhone2Input) -> Result<PlayOnPhone2Output, Fault> {
        Err(reached())
    }
}

/// Runs a future that never waits (the dispatcher over an in-process service does not).
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the dispatcher waited"),
    }
}

/// A small deterministic generator (64-bit LCG), so that every run tries the same mutations.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

fn boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One mutation of `text`, and what it was.
fn mutate(text: &str, rng: &mut Lcg) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    match rng.below(7) {
        0 => {
            let at = boundary(text, rng.below(text.len()));
            (text[..at].to_owned(), format!("truncated at byte {at}"))
        }
        1 => {
            let at = boundary(text, rng.below(text.len()));
            let next = text[at..].chars().next().map_or(0, char::len_utf8);
            (format!("{}{}", &text[..at], &text[at + next..]), format!("character at byte {at} dropped"))
        }
        2 => {
            let at = boundary(text, rng.below(text.len()));
            let next = text[at..].chars().next().map_or(0, char::len_utf8);
            let c = ['<', '>', '&', '"', 'x', ':', '/', ' ', '='][rng.below(9)];
            (format!("{}{c}{}", &text[..at], &text[at + next..]), format!("character at byte {at} replaced by {c:?}"))
        }
        3 => {
            let n = rng.below(lines.len());
            let mut l = lines.clone();
            l.remove(n);
            (l.join("\n"), format!("line {} dropped", n + 1))
        }
        4 => {
            let n = rng.below(lines.len());
            let mut l = lines.clone();
            l.insert(n, lines[n]);
            (l.join("\n"), format!("line {} doubled", n + 1))
        }
        5 => {
            // An element renamed (start and end tag alike).
            let names: Vec<&str> = text
                .match_indices('<')
                .filter_map(|(i, _)| {
                    let rest = &text[i + 1..];
                    let end = rest.find([' ', '>', '/', '\n', '\r', '\t'])?;
                    let name = &rest[..end];
                    (!name.is_empty() && !name.starts_with(['?', '!', '/'])).then_some(name)
                })
                .collect();
            let name = names[rng.below(names.len())];
            let renamed = format!("{name}X");
            let mutated =
                text.replace(&format!("<{name}"), &format!("<{renamed}")).replace(&format!("</{name}>"), &format!("</{renamed}>"));
            (mutated, format!("element <{name}> renamed <{renamed}>"))
        }
        _ => {
            // A text or attribute value replaced.
            let values: Vec<(usize, usize)> = text
                .match_indices('>')
                .filter_map(|(i, _)| {
                    let end = i + 1 + text[i + 1..].find('<')?;
                    (!text[i + 1..end].trim().is_empty()).then_some((i + 1, end))
                })
                .chain(text.match_indices("=\"").filter_map(|(i, _)| Some((i + 2, i + 2 + text[i + 2..].find('"')?))))
                .collect();
            if values.is_empty() {
                return (text.to_owned(), "no value to replace".to_owned());
            }
            let (s, e) = values[rng.below(values.len())];
            let v = ["", "maybe", "-1", "99999999999999999999", "not a date", "\u{e9}"][rng.below(6)];
            (format!("{}{v}{}", &text[..s], &text[e..]), format!("value {:?} replaced by {v:?}", &text[s..e]))
        }
    }
}

#[test]
fn mutated_requests_get_the_prescribed_fault_and_never_a_panic() {
    let dir = fixtures_dir();
    let rows = load_manifest(&dir).expect("MANIFEST.md");
    let requests: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.kind == FixtureKind::Request && !r.is_as_printed())
        .map(|r| (r.file.clone(), std::fs::read_to_string(dir.join(&r.file)).expect("fixture")))
        .collect();
    assert!(requests.len() >= 14, "one request per operation at least: {}", requests.len());
    let dispatcher = UmWebServiceSoapDispatcher::new(Reached).with_fault_policy(ExchangeFaults);
    let send = |body: &str| {
        let request =
            SoapHttpRequest { content_type: Some("text/xml; charset=utf-8".to_owned()), soap_action: None, body: body.as_bytes().to_vec() };
        let response =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(dispatcher.handle(RequestContext::default(), request))));
        response.map(|r| r.body)
    };
    // Unmutated, every request reaches its operation.
    for (file, text) in &requests {
        let answer = send(text).unwrap_or_else(|_| panic!("{file}: the dispatcher panicked"));
        let fault = read_fault(&answer).unwrap_or_else(|e| panic!("{file}: {e}\n{answer}"));
        assert_eq!(fault.string, "reached the operation", "{file}: {answer}");
    }

    let mut rng = Lcg(0x0f0a_75ee_d5ee_d000);
    let (mut reached, mut malformed, mut invalid) = (0, 0, 0);
    let mut problems = Vec::new();
    for i in 0..MUTATIONS {
        let (file, text) = &requests[rng.below(requests.len())];
        let (mutated, what) = mutate(text, &mut rng);
        let label = format!("#{i} {file}: {what}");
        let Ok(answer) = send(&mutated) else {
            problems.push(format!("{label}: the dispatcher panicked"));
            continue;
        };
        let fault = match read_fault(&answer) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{label}: the answer is not a SOAP fault ({e}):\n{answer}"));
                continue;
            }
        };
        // roxmltree does not judge some things the XML specifications make errors, and that
        // the server refuses as malformed: an encoding other than the one the bytes are in
        // (the requests are UTF-8) and a prefix undeclared with xmlns:p="" (allowed only in
        // Namespaces in XML 1.1).
        let other_encoding = mutated
            .strip_prefix("<?xml")
            .and_then(|d| d.split("?>").next())
            .and_then(|d| {
                d.split_once("encoding=").map(|(_, v)| v.get(1..).unwrap_or("").split(['"', '\'']).next().unwrap_or("").to_owned())
            })
            .is_some_and(|e| !e.eq_ignore_ascii_case("utf-8"));
        let undeclared_prefix = mutated.contains("=\"\"") && undeclares_a_prefix(&mutated);
        // Nor the version number (VersionNum is '1.' followed by digits).
        let bad_version = mutated
            .strip_prefix("<?xml version=")
            .map(|v| v.get(1..).unwrap_or("").split(['"', '\'']).next().unwrap_or(""))
            .is_some_and(|v| !v.strip_prefix("1.").is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())));
        // Nor a processing instruction target running into its data (`<?xmlversion="1.0"`:
        // PITarget must be followed by white space).
        let bad_target =
            mutated.strip_prefix("<?").map(|t| t.split(|c: char| c.is_whitespace() || c == '?').next().unwrap_or("")).is_some_and(|t| {
                !t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    || t.contains(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c)))
            });
        // Nor a name that starts with a colon (`<:a`, ` :b="1"`), not a QName.
        let colon_name = colon_leading_name(&mutated);
        let well_formed = roxmltree::Document::parse(&mutated).is_ok()
            && !other_encoding
            && !undeclared_prefix
            && !bad_version
            && !bad_target
            && !colon_name;
        // A well-formed envelope in another namespace is a SOAP VersionMismatch (SOAP 1.1 4.4.1).
        let version_mismatch = well_formed && !envelope_is_soap11(&mutated);
        let code = (fault.code.0.as_str(), fault.code.1.as_str());
        let entry = |local: &str| fault.detail.iter().find(|(ns, l, _)| ns == ERRORS && l == local).map(|(_, _, t)| t.as_str());
        match (well_formed, code) {
            (false, (TYPES, "ErrorInvalidRequest")) => {
                malformed += 1;
                if fault.string != "The request is invalid." || entry("ResponseCode") != Some("ErrorInvalidRequest") {
                    problems.push(format!("{label}: ErrorInvalidRequest without its text or detail:\n{answer}"));
                }
            }
            (true, (TYPES, "ErrorSchemaValidation")) => {
                invalid += 1;
                let positioned = entry("LineNumber").is_some_and(|l| l.parse::<u32>().is_ok_and(|n| n > 0))
                    && entry("LinePosition").is_some_and(|l| l.parse::<u32>().is_ok_and(|n| n > 0));
                if fault.string != "The request failed schema validation." || !positioned {
                    problems.push(format!("{label}: ErrorSchemaValidation without its text or line and position:\n{answer}"));
                }
            }
            (true, _) if fault.string == "reached the operation" => reached += 1,
            (true, (SOAP11, "VersionMismatch")) if version_mismatch => invalid += 1,
            _ => problems.push(format!(
                "{label}: {} by roxmltree{}, answered {{{}}}{} \"{}\"{}",
                if well_formed { "well-formed" } else { "not well-formed" },
                roxmltree::Document::parse(&mutated).err().map(|e| format!(" ({e})")).unwrap_or_default(),
                code.0,
                code.1,
                fault.string,
                if std::env::var_os("SHOW_MUTATIONS").is_some() { format!("\n{mutated}\n{answer}") } else { String::new() },
            )),
        }
    }
    eprintln!("{MUTATIONS} mutated requests: {malformed} not well-formed, {invalid} schema-invalid, {reached} still valid");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(malformed >= 1000 && invalid >= 500 && reached >= 100, "{malformed} / {invalid} / {reached}");
}
