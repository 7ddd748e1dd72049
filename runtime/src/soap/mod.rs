//! SOAP 1.1 and 1.2 envelopes and faults.

mod envelope;
mod fault;
pub mod media;

pub use envelope::{
    BodyProbe, Decoded, EnvelopeReader, Probed, SoapMessage, decode_fault, decode_message, encode_fault, encode_fault_into,
    encode_fault_with_headers, encode_message, encode_message_into, encode_message_with, encode_to_string, probe_body, settle, unroutable,
    well_formed,
};
pub use fault::{Fault, FaultReason};

use crate::xml::NsId;
use crate::xml::ns::{SOAP11_ENV, SOAP12_ENV};

/// A SOAP version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`).
    V11,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`).
    V12,
}

impl SoapVersion {
    /// The envelope namespace URI.
    pub fn uri(self) -> &'static str {
        match self {
            SoapVersion::V11 => SOAP11_ENV,
            SoapVersion::V12 => SOAP12_ENV,
        }
    }

    /// The envelope namespace id.
    pub fn ns(self) -> NsId {
        match self {
            SoapVersion::V11 => NsId::SOAP11,
            SoapVersion::V12 => NsId::SOAP12,
        }
    }

    /// The version of an envelope namespace id.
    pub fn from_ns(ns: NsId) -> Option<SoapVersion> {
        match ns {
            NsId::SOAP11 => Some(SoapVersion::V11),
            NsId::SOAP12 => Some(SoapVersion::V12),
            _ => None,
        }
    }

    /// The HTTP `Content-Type` of a message. SOAP 1.2 carries the action as a parameter;
    /// SOAP 1.1 carries it in the `SOAPAction` header instead (see [`media`]).
    pub fn content_type(self, action: &str) -> String {
        media::content_type(self, action)
    }

    /// `SOAP 1.1` or `SOAP 1.2`, for logs and messages.
    pub fn label(self) -> &'static str {
        match self {
            SoapVersion::V11 => "SOAP 1.1",
            SoapVersion::V12 => "SOAP 1.2",
        }
    }

    /// The media type of the version (`text/xml` or `application/soap+xml`).
    pub fn media_type(self) -> &'static str {
        match self {
            SoapVersion::V11 => "text/xml",
            SoapVersion::V12 => "application/soap+xml",
        }
    }

    /// The prefix written for the envelope namespace.
    pub fn prefix(self) -> &'static str {
        "soap"
    }

    /// The fault code for a problem in the request (`Client` / `Sender`).
    pub fn sender_code(self) -> &'static str {
        match self {
            SoapVersion::V11 => "Client",
            SoapVersion::V12 => "Sender",
        }
    }

    /// The fault code for a problem in the server (`Server` / `Receiver`).
    pub fn receiver_code(self) -> &'static str {
        match self {
            SoapVersion::V11 => "Server",
            SoapVersion::V12 => "Receiver",
        }
    }
}
