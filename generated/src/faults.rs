//! The SOAP faults of [MS-OXWUMS] (hand-written; the schemas do not describe them).
//!
//! - [`ExchangeFaults`]: the fault policy of section 2.2.2.1 for requests that cannot be
//!   decoded: `a:ErrorInvalidRequest` for malformed XML (or XML past the reader's limits), `a:ErrorSchemaValidation` for
//!   well-formed XML that breaks the schema, with `ResponseCode` and `Message` in the detail.
//! - [`invalid_call_id`], [`invalid_object_id`], [`dialing_rules`]: the operation faults of
//!   sections 3.1.4.1, 3.1.4.3, 3.1.4.8 and 3.1.4.9.
//! - [`FaultDetail`]: typed access to the detail entries (`ExceptionType`, `ResponseCode`,
//!   `Message`) of a received fault.

use soapkit::server::{FaultPolicy, standard_fault, text_entry};
use soapkit::soap::{Fault, SoapVersion};
use soapkit::xml::{AnyElement, DecodeError, DecodeErrorKind};
use soapkit::xsd::QName;

use crate::exchange::messages::ResponseCodeType;

/// The EWS types namespace (prefix `a` on `faultcode` in section 2.2.2.1).
pub const TYPES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
/// The EWS errors namespace: fault codes of the operation faults and the `ResponseCode` /
/// `Message` detail entries.
pub const ERRORS_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";
/// The EWS messages namespace (`ExceptionType`).
pub const MESSAGES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";

/// `faultstring` of a malformed request (section 2.2.2.1).
pub const INVALID_REQUEST: &str = "The request is invalid.";
/// `faultstring` of a schema-invalid request (section 2.2.2.1).
pub const SCHEMA_VALIDATION: &str = "The request failed schema validation.";

/// The fault for a malformed request: `a:ErrorInvalidRequest`, "The request is invalid.",
/// detail `ResponseCode` `ErrorInvalidRequest` and `Message`.
pub fn invalid_request() -> Fault {
    Fault::new(QName::with_prefix(TYPES_NS, "ErrorInvalidRequest", "a"), INVALID_REQUEST)
        .with_lang("en-US")
        .with_detail_entry(text_entry(ERRORS_NS, "ResponseCode", "e", "ErrorInvalidRequest"))
        .with_detail_entry(text_entry(ERRORS_NS, "Message", "e", INVALID_REQUEST))
}

/// The fault for a well-formed request that breaks the schema: `a:ErrorSchemaValidation`,
/// "The request failed schema validation.", detail `ResponseCode` `ErrorSchemaValidation` and
/// `Message`, followed (as Exchange does) by `LineNumber`, `LinePosition` and `Violation`
/// describing what was wrong.
pub fn schema_validation(line: u32, column: u32, violation: &str) -> Fault {
    let mut f = Fault::new(QName::with_prefix(TYPES_NS, "ErrorSchemaValidation", "a"), SCHEMA_VALIDATION)
        .with_lang("en-US")
        .with_detail_entry(text_entry(ERRORS_NS, "ResponseCode", "e", "ErrorSchemaValidation"))
        .with_detail_entry(text_entry(ERRORS_NS, "Message", "e", "The request failed schema validation"));
    if line > 0 {
        f = f.with_detail_entry(text_entry(ERRORS_NS, "LineNumber", "e", &line.to_string())).with_detail_entry(text_entry(
            ERRORS_NS,
            "LinePosition",
            "e",
            &column.to_string(),
        ));
    }
    f.with_detail_entry(text_entry(ERRORS_NS, "Violation", "e", violation))
}

fn operation_fault(code: &str, reason: &str) -> Fault {
    let mut exception = AnyElement::new(MESSAGES_NS, "ExceptionType").with_text(code);
    exception.prefix = Some("m".to_owned());
    Fault::new(QName::with_prefix(ERRORS_NS, code, "a"), reason).with_lang("en-US").with_detail_entry(exception)
}

/// `a:InvalidCallIdException`: `Disconnect` or `GetCallInfo` with an invalid call id
/// (sections 3.1.4.1 and 3.1.4.3).
pub fn invalid_call_id() -> Fault {
    operation_fault("InvalidCallIdException", "The call identifier isn't valid.")
}

/// `a:InvalidObjectIdException`: `PlayOnPhone` with an invalid item id (section 3.1.4.8).
pub fn invalid_object_id() -> Fault {
    operation_fault("InvalidObjectIdException", "The object identifier isn't valid.")
}

/// `a:DialingRulesException`: `PlayOnPhone` or `PlayOnPhoneGreeting` with a dial string the
/// dialing rules forbid (sections 3.1.4.8 and 3.1.4.9).
pub fn dialing_rules() -> Fault {
    operation_fault("DialingRulesException", "Dialing restrictions are preventing the phone number that was entered from being dialed.")
}

/// The fault policy [MS-OXWUMS] 2.2.2.1 prescribes for requests that cannot be decoded;
/// SOAP's own `VersionMismatch` and `MustUnderstand` faults are kept.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExchangeFaults;

impl FaultPolicy for ExchangeFaults {
    fn decode_failed(&self, version: SoapVersion, error: &DecodeError) -> Fault {
        match error.kind() {
            DecodeErrorKind::Malformed | DecodeErrorKind::LimitExceeded => invalid_request(),
            DecodeErrorKind::Invalid => {
                let mut violation = error.message().to_owned();
                let path = error.path();
                if !path.is_empty() {
                    violation.push_str(&format!(" (at {path})"));
                }
                schema_validation(error.line(), error.column(), &violation)
            }
            DecodeErrorKind::VersionMismatch | DecodeErrorKind::MustUnderstand => standard_fault(version, error),
        }
    }
}

/// The detail of a fault, typed: the entries [MS-OXWUMS] 2.2.3 defines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultDetail {
    /// `m:ExceptionType` (section 2.2.3.1), e.g. `InvalidCallIdException`.
    pub exception_type: Option<String>,
    /// `ResponseCode` (section 2.2.3.3) in the errors namespace.
    pub response_code: Option<ResponseCodeType>,
    /// `Message` (section 2.2.3.2) in the errors namespace.
    pub message: Option<String>,
}

/// A detail entry that is not what [MS-OXWUMS] defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultDetailError(pub String);

impl std::fmt::Display for FaultDetailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultDetailError {}

impl FaultDetail {
    /// Reads the detail entries of `fault`. Entries of other names are left alone (Exchange
    /// adds more, e.g. `Violation`); a `ResponseCode` that is not a value of
    /// `ResponseCodeType` is an error.
    pub fn from_fault(fault: &Fault) -> Result<Self, FaultDetailError> {
        let mut d = FaultDetail::default();
        for e in fault.detail_entries() {
            let text = e.text();
            if e.is(MESSAGES_NS, "ExceptionType") {
                d.exception_type = Some(text.trim().to_owned());
            } else if e.is(ERRORS_NS, "ResponseCode") {
                let code = text.trim();
                let parsed =
                    code.parse::<ResponseCodeType>().map_err(|_| FaultDetailError(format!("'{code}' is not a ResponseCodeType value")))?;
                d.response_code = Some(parsed);
            } else if e.is(ERRORS_NS, "Message") {
                d.message = Some(text);
            }
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_distinguishes_malformed_from_invalid() {
        let malformed = DecodeError::detached(DecodeErrorKind::Malformed, "not XML");
        let f = ExchangeFaults.decode_failed(SoapVersion::V11, &malformed);
        assert_eq!(f.code, QName::new(TYPES_NS, "ErrorInvalidRequest"));
        assert_eq!(f.reason(), "The request is invalid.");
        let d = FaultDetail::from_fault(&f).unwrap();
        assert_eq!(d.response_code, Some(ResponseCodeType::ErrorInvalidRequest));
        assert_eq!(d.message.as_deref(), Some("The request is invalid."));

        let invalid = DecodeError::new(DecodeErrorKind::Invalid, "unexpected element {u}X", "<a>\n<X/></a>", 4);
        let f = ExchangeFaults.decode_failed(SoapVersion::V11, &invalid);
        assert_eq!(f.code, QName::new(TYPES_NS, "ErrorSchemaValidation"));
        let d = FaultDetail::from_fault(&f).unwrap();
        assert_eq!(d.response_code, Some(ResponseCodeType::ErrorSchemaValidation));
        assert_eq!(d.message.as_deref(), Some("The request failed schema validation"));
        assert_eq!(f.detail_entry(ERRORS_NS, "LineNumber").map(AnyElement::text).as_deref(), Some("2"));
    }

    #[test]
    fn operation_faults_carry_their_exception_type() {
        let f = invalid_call_id();
        assert_eq!(f.code, QName::new(ERRORS_NS, "InvalidCallIdException"));
        assert_eq!(FaultDetail::from_fault(&f).unwrap().exception_type.as_deref(), Some("InvalidCallIdException"));
        assert_eq!(dialing_rules().reason(), "Dialing restrictions are preventing the phone number that was entered from being dialed.");
        assert_eq!(invalid_object_id().reason(), "The object identifier isn't valid.");
    }
}
