//! A thin convenience layer over the generated client ([`UmWebServiceSoapClient`]) for the
//! `um-client` tool and the tests: one method per operation with plain arguments, EWS error
//! responses turned into [`UmClientError::Ews`] (through [`ResponseMessage::check`]) and SOAP
//! faults into [`UmClientError::Soap`].

use std::fmt;

use generated::ews::{EwsError, ResponseMessage};
use generated::exchange::messages::DisconnectPhoneCallType;
use generated::exchange::messages::{
    Disconnect, GetCallInfo, GetPhoneCallInformationType, GetUmProperties, IsUmEnabled, PlayOnPhone, PlayOnPhone2Type, PlayOnPhoneGreeting,
    PlayOnPhoneType, ResetPin, SetMissedCallNotificationEnabled, SetOofStatus, SetPlayOnPhoneDialString, SetTelephoneAccessFolderEmail,
    UmCallInfo, UmGreetingType, UmProperties,
};
use generated::exchange::types::{
    ExchangeVersionType, ItemIdType, PhoneCallIdType, PhoneCallInformationType, RequestServerVersion, ServerVersionInfo,
};
use generated::exchange::um_web_service_soap::*;
use generated::faults::FaultDetail;
use soapkit::client::{ClientError, Transport};

/// Why a call failed.
#[derive(Debug)]
pub enum UmClientError {
    /// A SOAP fault, a transport or a decoding problem.
    Soap(ClientError),
    /// A `ResponseClass="Error"` response.
    Ews(EwsError),
    /// The response lacks an element the protocol requires.
    Incomplete(&'static str),
}

impl UmClientError {
    /// The fault code's local name (`InvalidCallIdException`), for a SOAP fault.
    pub fn fault_code(&self) -> Option<&str> {
        match self {
            UmClientError::Soap(e) => e.fault().map(|f| f.code.local.as_str()),
            _ => None,
        }
    }

    /// The EWS error, for an error response.
    pub fn ews(&self) -> Option<&EwsError> {
        match self {
            UmClientError::Ews(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for UmClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UmClientError::Soap(ClientError::Fault(fault)) => {
                write!(f, "SOAP fault {}: {}", fault.code.local, fault.reason().trim())?;
                if let Ok(d) = FaultDetail::from_fault(fault) {
                    if let Some(code) = d.response_code {
                        write!(f, " (ResponseCode {code})")?;
                    }
                    if let Some(v) = fault.detail_entry(generated::faults::ERRORS_NS, "Violation") {
                        write!(f, " [{}]", v.text().trim())?;
                    }
                }
                Ok(())
            }
            UmClientError::Soap(e) => write!(f, "{e}"),
            UmClientError::Ews(e) => write!(f, "EWS error response: {e}"),
            UmClientError::Incomplete(what) => write!(f, "the response has no {what}"),
        }
    }
}

impl std::error::Error for UmClientError {}

impl From<ClientError> for UmClientError {
    fn from(e: ClientError) -> Self {
        UmClientError::Soap(e)
    }
}

impl From<EwsError> for UmClientError {
    fn from(e: EwsError) -> Self {
        UmClientError::Ews(e)
    }
}

/// A client of one server, as one user (the transport carries the credentials).
#[derive(Debug)]
pub struct UmClient<T> {
    inner: UmWebServiceSoapClient<T>,
    version: Option<ExchangeVersionType>,
}

impl<T: Transport> UmClient<T> {
    /// A client over `transport` sending `RequestServerVersion` `Exchange2013` with the EWS
    /// operations (as in the examples of [MS-OXWUMS] 4.2, 4.4 and 4.8).
    pub fn new(transport: T) -> Self {
        UmClient { inner: UmWebServiceSoapClient::new(transport), version: Some(ExchangeVersionType::Exchange2013) }
    }

    /// Sets the `RequestServerVersion` header of the EWS operations (`None`: no header).
    #[must_use]
    pub fn with_version(mut self, version: Option<ExchangeVersionType>) -> Self {
        self.version = version;
        self
    }

    /// The generated client.
    pub fn generated(&self) -> &UmWebServiceSoapClient<T> {
        &self.inner
    }

    fn request_version(&self) -> Option<RequestServerVersion> {
        self.version.map(|version| RequestServerVersion { version, other_attributes: Vec::new() })
    }

    /// `IsUMEnabled`.
    pub async fn is_um_enabled(&self) -> Result<bool, UmClientError> {
        let out = self.inner.is_um_enabled(IsUmEnabledInput { parameters: IsUmEnabled {} }).await?;
        Ok(out.parameters.is_um_enabled_response)
    }

    /// `GetUMProperties`.
    pub async fn get_um_properties(&self) -> Result<UmProperties, UmClientError> {
        let out = self.inner.get_um_properties(GetUmPropertiesInput { parameters: GetUmProperties {} }).await?;
        out.parameters.get_um_properties_response.ok_or(UmClientError::Incomplete("UMProperties"))
    }

    /// `SetOofStatus`.
    pub async fn set_oof_status(&self, status: bool) -> Result<(), UmClientError> {
        self.inner.set_oof_status(SetOofStatusInput { parameters: SetOofStatus { status } }).await?;
        Ok(())
    }

    /// `SetMissedCallNotificationEnabled`.
    pub async fn set_missed_call_notification_enabled(&self, status: bool) -> Result<(), UmClientError> {
        let input = SetMissedCallNotificationEnabledInput { parameters: SetMissedCallNotificationEnabled { status } };
        self.inner.set_missed_call_notification_enabled(input).await?;
        Ok(())
    }

    /// `SetPlayOnPhoneDialString`.
    pub async fn set_play_on_phone_dial_string(&self, dial_string: &str) -> Result<(), UmClientError> {
        let input = SetPlayOnPhoneDialStringInput { parameters: SetPlayOnPhoneDialString { dial_string: Some(dial_string.to_owned()) } };
        self.inner.set_play_on_phone_dial_string(input).await?;
        Ok(())
    }

    /// `SetTelephoneAccessFolderEmail`.
    pub async fn set_telephone_access_folder_email(&self, base64_folder_id: &str) -> Result<(), UmClientError> {
        let input = SetTelephoneAccessFolderEmailInput {
            parameters: SetTelephoneAccessFolderEmail { base64_folder_id: Some(base64_folder_id.to_owned()) },
        };
        self.inner.set_telephone_access_folder_email(input).await?;
        Ok(())
    }

    /// `ResetPIN`.
    pub async fn reset_pin(&self) -> Result<(), UmClientError> {
        self.inner.reset_pin(ResetPinInput { parameters: ResetPin {} }).await?;
        Ok(())
    }

    /// `PlayOnPhone`: returns the call id (for [`UmClient::get_call_info`] and
    /// [`UmClient::disconnect`]). An empty `dial_string` uses the stored default.
    pub async fn play_on_phone(&self, entry_id: &str, dial_string: &str) -> Result<String, UmClientError> {
        let input =
            PlayOnPhoneInput { parameters: PlayOnPhone { entry_id: Some(entry_id.to_owned()), dial_string: Some(dial_string.to_owned()) } };
        let out = self.inner.play_on_phone(input).await?;
        out.parameters.play_on_phone_response.ok_or(UmClientError::Incomplete("call id"))
    }

    /// `PlayOnPhoneGreeting`: returns the call id.
    pub async fn play_on_phone_greeting(&self, greeting: UmGreetingType, dial_string: &str) -> Result<String, UmClientError> {
        let input = PlayOnPhoneGreetingInput {
            parameters: PlayOnPhoneGreeting { greeting_type: greeting, dial_string: Some(dial_string.to_owned()) },
        };
        let out = self.inner.play_on_phone_greeting(input).await?;
        out.parameters.play_on_phone_greeting_response.ok_or(UmClientError::Incomplete("call id"))
    }

    /// `GetCallInfo`.
    pub async fn get_call_info(&self, call_id: &str) -> Result<UmCallInfo, UmClientError> {
        let out = self.inner.get_call_info(GetCallInfoInput { parameters: GetCallInfo { call_id: Some(call_id.to_owned()) } }).await?;
        out.parameters.get_call_info_response.ok_or(UmClientError::Incomplete("UMCallInfo"))
    }

    /// `Disconnect`.
    pub async fn disconnect(&self, call_id: &str) -> Result<(), UmClientError> {
        self.inner.disconnect(DisconnectInput { parameters: Disconnect { call_id: Some(call_id.to_owned()) } }).await?;
        Ok(())
    }

    /// `PlayOnPhone2`: returns the phone call id (for [`UmClient::get_phone_call_information`] and
    /// [`UmClient::disconnect_phone_call`]) and the server version.
    pub async fn play_on_phone2(&self, item_id: &str, dial_string: &str) -> Result<(String, Option<ServerVersionInfo>), UmClientError> {
        let input = PlayOnPhone2Input {
            request: PlayOnPhone2Type {
                play_on_phone: PlayOnPhoneType {
                    item_id: ItemIdType { id: item_id.to_owned(), change_key: None },
                    dial_string: dial_string.to_owned(),
                },
            },
            impersonation: None,
            mailbox_culture: None,
            request_version: self.request_version(),
        };
        let out = self.inner.play_on_phone2(input).await?.check()?;
        let id = out.play_on_phone_result.play_on_phone_response.phone_call_id.ok_or(UmClientError::Incomplete("PhoneCallId"))?;
        Ok((id.id, out.server_version))
    }

    /// `GetPhoneCallInformation`.
    pub async fn get_phone_call_information(&self, phone_call_id: &str) -> Result<PhoneCallInformationType, UmClientError> {
        let input = GetPhoneCallInformationInput {
            request: GetPhoneCallInformationType { phone_call_id: PhoneCallIdType { id: phone_call_id.to_owned() } },
            impersonation: None,
            mailbox_culture: None,
            request_version: self.request_version(),
        };
        let out = self.inner.get_phone_call_information(input).await?.check()?;
        out.get_phone_call_information_result.phone_call_information.ok_or(UmClientError::Incomplete("PhoneCallInformation"))
    }

    /// `DisconnectPhoneCall`.
    pub async fn disconnect_phone_call(&self, phone_call_id: &str) -> Result<(), UmClientError> {
        let input = DisconnectPhoneCallInput {
            request: DisconnectPhoneCallType { phone_call_id: PhoneCallIdType { id: phone_call_id.to_owned() } },
            impersonation: None,
            mailbox_culture: None,
            request_version: self.request_version(),
        };
        self.inner.disconnect_phone_call(input).await?.check()?;
        Ok(())
    }
}
