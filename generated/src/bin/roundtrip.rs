//! Decodes each SOAP envelope given on the command line as a message of [MS-OXWUMS] and prints
//! it re-encoded (`OK <operation> <input|output|fault>` then the XML), or
//! `ERROR <file>:<line>:<column>: <message>`. Exits with status 1 if any file failed.
//! Run it as `cargo xtask roundtrip FILE...`.

use std::process::ExitCode;

use ms_oxwums::um_web_service_soap::UmWebServiceSoapMessage;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: ms-oxwums-roundtrip FILE...");
        return ExitCode::from(2);
    }
    match soapkit::tool::roundtrip_files::<UmWebServiceSoapMessage>(&files, &mut std::io::stdout().lock()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
