#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| soapkit_fuzz::xsd_lexical(data));
