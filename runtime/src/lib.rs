//! soapkit runtime.
#![forbid(unsafe_code)]

pub mod xsd;
