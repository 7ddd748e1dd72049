#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| soapkit_fuzz::dispatcher(data));
