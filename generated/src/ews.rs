//! EWS response messages (hand-written): typed access to the `ResponseClass` /
//! `ResponseCode` / `MessageText` of the responses that extend `m:ResponseMessageType`
//! ([MS-OXWSCDATA] 2.2.4.67), so that a client sees a `ResponseClass="Error"` response as a
//! typed error, and a server builds one in a single call.
//!
//! [MS-OXWSCEXT]'s operations answer this way too (their response types extend
//! `m:ResponseMessageType`, and `GetClientAccessToken` has one per token request).
//!
//! In [MS-OXWUMS] three operations answer this way instead of with a SOAP fault:
//! `PlayOnPhone2` (section 3.1.4.7: `ErrorInvalidIdMalformed`, `ErrorPhoneNumberNotDialable`),
//! `GetPhoneCallInformation` (3.1.4.4) and `DisconnectPhoneCall` (3.1.4.2)
//! (`ErrorInvalidPhoneCallId`).
//!
//! ```
//! use generated::ews::{EwsError, ResponseMessage};
//! use generated::exchange::messages::{GetPhoneCallInformationResponseMessageType, ResponseCodeType};
//!
//! // What a server sends for an unknown call id ...
//! let response = GetPhoneCallInformationResponseMessageType::error(EwsError::invalid_phone_call_id());
//! // ... and what a client makes of it.
//! let err = response.check().unwrap_err();
//! assert_eq!(err.code, Some(ResponseCodeType::ErrorInvalidPhoneCallId));
//! assert_eq!(err.to_string(), "Error ErrorInvalidPhoneCallId: The phone call ID isn't valid");
//! ```

use std::fmt;

use crate::exchange::exchange_service_binding::{
    DisableAppOutput, GetAppManifestsOutput, GetAppMarketplaceUrlOutput, InstallAppOutput, UninstallAppOutput,
};
use crate::exchange::messages::{
    ArrayOfAppManifestsType, DisableAppResponseType, DisconnectPhoneCallResponseMessageType, GetAppManifestsResponseType,
    GetAppMarketplaceUrlResponseMessageType, GetClientAccessTokenResponseMessageType, GetPhoneCallInformationResponseMessageType,
    InstallAppResponseType, PlayOnPhoneResponseMessageType, ResponseCodeType, ResponseMessageType, UninstallAppResponseType,
};
use crate::exchange::types::ResponseClassType;
use crate::exchange::um_web_service_soap::{DisconnectPhoneCallOutput, GetPhoneCallInformationOutput, PlayOnPhone2Output};

/// `MessageText` of `ErrorInvalidPhoneCallId` ([MS-OXWUMS] 3.1.4.2 and 3.1.4.4).
pub const INVALID_PHONE_CALL_ID_TEXT: &str = "The phone call ID isn't valid";
/// `MessageText` of `ErrorInvalidIdMalformed` ([MS-OXWUMS] 3.1.4.7; the response body the
/// section prints, which the response MUST match, ends the sentence with a period).
pub const ID_MALFORMED_TEXT: &str = "Id is malformed.";
/// `MessageText` of `ErrorPhoneNumberNotDialable` ([MS-OXWUMS] 3.1.4.7).
pub const PHONE_NUMBER_NOT_DIALABLE_TEXT: &str = "Dialing restrictions are preventing the phone number that was entered from being dialed.";

/// A response whose `ResponseClass` is not `Success`, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EwsError {
    /// `ResponseClass`: `Error` (or `Warning` for [`ResponseMessage::warning`]).
    pub class: ResponseClassType,
    /// `ResponseCode`, if the response had one.
    pub code: Option<ResponseCodeType>,
    /// `MessageText`, if the response had one.
    pub message_text: Option<String>,
}

impl EwsError {
    /// An `Error` with `code` and `message_text`.
    pub fn new(code: ResponseCodeType, message_text: impl Into<String>) -> Self {
        EwsError { class: ResponseClassType::Error, code: Some(code), message_text: Some(message_text.into()) }
    }

    /// `ErrorInvalidPhoneCallId`, "The phone call ID isn't valid" (`GetPhoneCallInformation`,
    /// `DisconnectPhoneCall`).
    pub fn invalid_phone_call_id() -> Self {
        Self::new(ResponseCodeType::ErrorInvalidPhoneCallId, INVALID_PHONE_CALL_ID_TEXT)
    }

    /// `ErrorInvalidIdMalformed`, "Id is malformed." (`PlayOnPhone2` with a malformed `ItemId`).
    pub fn id_malformed() -> Self {
        Self::new(ResponseCodeType::ErrorInvalidIdMalformed, ID_MALFORMED_TEXT)
    }

    /// `ErrorPhoneNumberNotDialable` with the dialing-restrictions text (`PlayOnPhone2` with a
    /// dial string the dialing rules forbid).
    pub fn phone_number_not_dialable() -> Self {
        Self::new(ResponseCodeType::ErrorPhoneNumberNotDialable, PHONE_NUMBER_NOT_DIALABLE_TEXT)
    }

    /// `ErrorExtensionNotFound`: no app with the ID is installed for the mailbox
    /// ([MS-OXWSCEXT] `DisableApp`, `UninstallApp`, `GetClientAccessToken`).
    pub fn extension_not_found(id: &str) -> Self {
        Self::new(ResponseCodeType::ErrorExtensionNotFound, format!("No app with ID '{id}' is installed for this mailbox."))
    }

    /// The response code's name (`"ErrorInvalidPhoneCallId"`), or `""` without one.
    pub fn code_str(&self) -> &'static str {
        self.code.map(|c| c.as_str()).unwrap_or("")
    }
}

impl fmt::Display for EwsError {
    /// `Error ErrorInvalidPhoneCallId: The phone call ID isn't valid`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.class)?;
        if let Some(code) = self.code {
            write!(f, " {code}")?;
        }
        if let Some(text) = &self.message_text {
            write!(f, ": {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EwsError {}

/// A response message that extends `m:ResponseMessageType`.
pub trait ResponseMessage: Sized {
    /// `ResponseClass`.
    fn response_class(&self) -> ResponseClassType;
    /// `ResponseCode`.
    fn response_code(&self) -> Option<ResponseCodeType>;
    /// `MessageText`.
    fn message_text(&self) -> Option<&str>;

    /// An error response carrying `error`: its class, code and text, `DescriptiveLinkKey` 0
    /// (as the bodies printed in [MS-OXWUMS] 3.1.4.7) and no operation-specific content
    /// (which "MUST NOT be present" in an error response).
    fn error(error: EwsError) -> Self;

    /// The error this response carries, if its `ResponseClass` is `Error`.
    fn ews_error(&self) -> Option<EwsError> {
        (self.response_class() == ResponseClassType::Error).then(|| EwsError {
            class: ResponseClassType::Error,
            code: self.response_code(),
            message_text: self.message_text().map(str::to_owned),
        })
    }

    /// The response if it succeeded (`Success`, or `Warning`, which EWS uses for a partial
    /// success), its error otherwise.
    fn check(self) -> Result<Self, EwsError> {
        match self.ews_error() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }

    /// The warning this response carries, if its `ResponseClass` is `Warning`.
    fn warning(&self) -> Option<EwsError> {
        (self.response_class() == ResponseClassType::Warning).then(|| EwsError {
            class: ResponseClassType::Warning,
            code: self.response_code(),
            message_text: self.message_text().map(str::to_owned),
        })
    }
}

macro_rules! response_message {
    ($ty:ty { $($extra:ident),* }) => {
        impl ResponseMessage for $ty {
            fn response_class(&self) -> ResponseClassType {
                self.response_class
            }
            fn response_code(&self) -> Option<ResponseCodeType> {
                self.response_code
            }
            fn message_text(&self) -> Option<&str> {
                self.message_text.as_deref()
            }
            fn error(error: EwsError) -> Self {
                Self {
                    response_class: error.class,
                    message_text: error.message_text,
                    response_code: error.code,
                    descriptive_link_key: Some(0),
                    message_xml: None,
                    $($extra: None,)*
                }
            }
        }
    };
}

response_message!(ResponseMessageType {});
response_message!(DisconnectPhoneCallResponseMessageType {});
response_message!(GetPhoneCallInformationResponseMessageType { phone_call_information });
response_message!(PlayOnPhoneResponseMessageType { phone_call_id });
// [MS-OXWSCEXT]
response_message!(DisableAppResponseType {});
response_message!(InstallAppResponseType {});
response_message!(UninstallAppResponseType {});
response_message!(GetAppMarketplaceUrlResponseMessageType { app_marketplace_url });
response_message!(GetClientAccessTokenResponseMessageType { token });

impl ResponseMessage for GetAppManifestsResponseType {
    fn response_class(&self) -> ResponseClassType {
        self.response_class
    }
    fn response_code(&self) -> Option<ResponseCodeType> {
        self.response_code
    }
    fn message_text(&self) -> Option<&str> {
        self.message_text.as_deref()
    }
    /// The schema requires `Manifests` even in an error response: it is empty.
    fn error(error: EwsError) -> Self {
        GetAppManifestsResponseType {
            response_class: error.class,
            message_text: error.message_text,
            response_code: error.code,
            descriptive_link_key: Some(0),
            message_xml: None,
            manifests: ArrayOfAppManifestsType { manifest: Vec::new() },
        }
    }
}

macro_rules! response_output {
    ($ty:ty, $field:ident, $inner:ty) => {
        impl ResponseMessage for $ty {
            fn response_class(&self) -> ResponseClassType {
                self.$field.response_class()
            }
            fn response_code(&self) -> Option<ResponseCodeType> {
                self.$field.response_code()
            }
            fn message_text(&self) -> Option<&str> {
                self.$field.message_text()
            }
            fn error(error: EwsError) -> Self {
                Self { $field: <$inner>::error(error), server_version: None }
            }
        }
    };
}

response_output!(DisconnectPhoneCallOutput, disconnect_phone_call_result, DisconnectPhoneCallResponseMessageType);
response_output!(GetPhoneCallInformationOutput, get_phone_call_information_result, GetPhoneCallInformationResponseMessageType);
response_output!(DisableAppOutput, disable_app_result, DisableAppResponseType);
response_output!(InstallAppOutput, install_app_result, InstallAppResponseType);
response_output!(UninstallAppOutput, uninstall_app_result, UninstallAppResponseType);
response_output!(GetAppManifestsOutput, get_app_manifests_result, GetAppManifestsResponseType);
response_output!(GetAppMarketplaceUrlOutput, get_app_marketplace_url_result, GetAppMarketplaceUrlResponseMessageType);

impl ResponseMessage for PlayOnPhone2Output {
    fn response_class(&self) -> ResponseClassType {
        self.play_on_phone_result.play_on_phone_response.response_class()
    }
    fn response_code(&self) -> Option<ResponseCodeType> {
        self.play_on_phone_result.play_on_phone_response.response_code()
    }
    fn message_text(&self) -> Option<&str> {
        self.play_on_phone_result.play_on_phone_response.message_text()
    }
    fn error(error: EwsError) -> Self {
        PlayOnPhone2Output {
            play_on_phone_result: crate::exchange::messages::PlayOnPhoneResponse2Type {
                play_on_phone_response: PlayOnPhoneResponseMessageType::error(error),
            },
            server_version: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::types::{PhoneCallIdType, PhoneCallInformationType, PhoneCallStateType};

    #[test]
    fn error_responses_round_trip_through_check() {
        let r = PlayOnPhoneResponseMessageType::error(EwsError::id_malformed());
        assert_eq!(r.descriptive_link_key, Some(0));
        assert!(r.phone_call_id.is_none());
        let e = r.check().unwrap_err();
        assert_eq!(e.class, ResponseClassType::Error);
        assert_eq!(e.code, Some(ResponseCodeType::ErrorInvalidIdMalformed));
        assert_eq!(e.message_text.as_deref(), Some("Id is malformed."));
        assert_eq!(e.to_string(), "Error ErrorInvalidIdMalformed: Id is malformed.");
        assert_eq!(e.code_str(), "ErrorInvalidIdMalformed");

        let out = PlayOnPhone2Output::error(EwsError::phone_number_not_dialable());
        assert_eq!(out.check().unwrap_err().code, Some(ResponseCodeType::ErrorPhoneNumberNotDialable));
        let out = DisconnectPhoneCallOutput::error(EwsError::invalid_phone_call_id());
        assert_eq!(out.ews_error(), Some(EwsError::invalid_phone_call_id()));
    }

    #[test]
    fn success_and_warning_pass_check() {
        let ok = GetPhoneCallInformationResponseMessageType {
            response_class: ResponseClassType::Success,
            message_text: None,
            response_code: Some(ResponseCodeType::NoError),
            descriptive_link_key: None,
            message_xml: None,
            phone_call_information: Some(PhoneCallInformationType {
                phone_call_state: PhoneCallStateType::Connected,
                connection_failure_cause: crate::exchange::types::ConnectionFailureCauseType::None,
                sip_response_text: None,
                sip_response_code: None,
            }),
        };
        assert!(ok.clone().check().is_ok());
        assert!(ok.warning().is_none());
        let warn = PlayOnPhoneResponseMessageType {
            response_class: ResponseClassType::Warning,
            message_text: Some("partial".into()),
            response_code: Some(ResponseCodeType::NoError),
            descriptive_link_key: None,
            message_xml: None,
            phone_call_id: Some(PhoneCallIdType { id: "x".into() }),
        };
        assert_eq!(warn.warning().map(|w| w.to_string()).as_deref(), Some("Warning NoError: partial"));
        assert!(warn.check().is_ok());
    }
}
