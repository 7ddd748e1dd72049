//! Decodes each SOAP envelope given on the command line as a message of one of the checked-in
//! bindings ([MS-OXWUMS], [MS-OXWSCEXT], the Cisco EPAS interface) and prints it re-encoded
//! (`OK <operation> <input|output|fault>` then the XML), or `ERROR <file>:<line>:<column>:
//! <message>` with the error of the binding the envelope came closest to. Exits with status 1
//! if any file failed. Run it as `cargo xtask roundtrip FILE...`.

use std::process::ExitCode;

use generated::cisco_epas::epas_soap_service_binding::EpasSoapServiceBindingMessage;
use generated::exchange::exchange_service_binding::ExchangeServiceBindingMessage;
use generated::exchange::um_web_service_soap::UmWebServiceSoapMessage;
use soapkit::tool::{RoundTrip, keep_furthest, roundtrip};
use soapkit::xml::DecodeError;

/// The first binding whose message set decodes `text`; else the error that got furthest.
fn any_binding(text: &str) -> Result<RoundTrip, DecodeError> {
    let attempts =
        [roundtrip::<UmWebServiceSoapMessage>, roundtrip::<ExchangeServiceBindingMessage>, roundtrip::<EpasSoapServiceBindingMessage>];
    let mut best = None;
    for attempt in attempts {
        match attempt(text) {
            Ok(rt) => return Ok(rt),
            Err(e) => keep_furthest(&mut best, e),
        }
    }
    Err(best.expect("at least one binding was tried"))
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: generated-roundtrip FILE...");
        return ExitCode::from(2);
    }
    match soapkit::tool::roundtrip_files_with(&files, &mut std::io::stdout().lock(), any_binding) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
