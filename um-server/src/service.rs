//! The 14 operations of [MS-OXWUMS] for the authenticated user (`RequestContext::user`).
//!
//! - Settings (`GetUMProperties`, `SetOofStatus`, `SetMissedCallNotificationEnabled`,
//!   `SetPlayOnPhoneDialString`, `SetTelephoneAccessFolderEmail`, `ResetPIN`) live in the
//!   [`Store`], per user, committed before the response is sent.
//! - Calls (`PlayOnPhone`, `PlayOnPhoneGreeting`, `GetCallInfo`, `Disconnect` — the "legacy"
//!   family — and `PlayOnPhone2`, `GetPhoneCallInformation`, `DisconnectPhoneCall` — the EWS
//!   family) live in [`Calls`], driven by the [`Clock`] and the [`simulation`]
//!   rules.
//! - `IsUMEnabled` answers the user's flag in the [`Directory`]; a user whose flag is off gets
//!   `a:UserNotUmEnabledException` (legacy operations) or `ErrorUnifiedMessagingRequestFailed`
//!   (EWS operations) from every other operation.
//!
//! The legacy operations report errors as SOAP faults (sections 3.1.4.1, 3.1.4.3, 3.1.4.8,
//! 3.1.4.9); the EWS operations as `ResponseClass="Error"` responses (3.1.4.2, 3.1.4.4,
//! 3.1.4.7), built with [`generated::ews`].

// The generated server trait returns `Result<_, Fault>`; the helpers follow it.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use generated::ews::{EwsError, ResponseMessage};
use generated::exchange::messages::{
    DisconnectPhoneCallResponseMessageType, DisconnectResponse, GetCallInfoResponse, GetPhoneCallInformationResponseMessageType,
    GetUmPropertiesResponse, IsUmEnabledResponse, PlayOnPhoneGreetingResponse, PlayOnPhoneResponse, PlayOnPhoneResponse2Type,
    PlayOnPhoneResponseMessageType, ResetPinResponse, ResponseCodeType, SetMissedCallNotificationEnabledResponse, SetOofStatusResponse,
    SetPlayOnPhoneDialStringResponse, SetTelephoneAccessFolderEmailResponse, UmCallInfo, UmCallState, UmEventCause, UmProperties,
};
use generated::exchange::types::{
    ConnectingSidType, ConnectionFailureCauseType, ExchangeImpersonationType, PhoneCallIdType, PhoneCallInformationType,
    PhoneCallStateType, RequestServerVersion, ResponseClassType, ServerVersionInfo,
};
use generated::exchange::um_web_service_soap::*;
use generated::faults::{self, ERRORS_NS, MESSAGES_NS, TYPES_NS};
use soapkit::server::RequestContext;
use soapkit::soap::{Fault, SoapVersion};
use soapkit::xml::AnyElement;
use soapkit::xsd::QName;

use crate::calls::{CallState, CallStatus, Calls, Cause, DEFAULT_MAX_CALLS_PER_USER, Family, Playing, StartError, Timing};
use crate::clock::Clock;
use crate::logging;
use crate::simulation::{self, Dialable};
use crate::store::{OutboxMessage, Store, StoreError, StoredSettings};
use crate::users::{Directory, UserInfo, hash_password};

/// `TelephoneAccessNumbers` unless configured otherwise (a fictional 555-01xx number).
pub const DEFAULT_TELEPHONE_ACCESS_NUMBERS: &str = "+14255550100";
/// `OofStatus` of a user who never set it.
pub const DEFAULT_OOF_STATUS: bool = false;
/// `MissedCallNotificationEnabled` of a user who never set it.
pub const DEFAULT_MISSED_CALL_NOTIFICATION_ENABLED: bool = true;
/// Number of digits of a PIN made by `ResetPIN`.
pub const PIN_DIGITS: u32 = 8;
/// Subject of the e-mail `ResetPIN` sends.
pub const RESET_PIN_SUBJECT: &str = "Your Unified Messaging PIN has been reset";
/// Reason of the fault for a request without an authenticated (known) user.
pub const ACCESS_DENIED_TEXT: &str = "Access is denied. Check credentials and try again.";
/// Reason / `MessageText` for a user whose mailbox is not enabled for Unified Messaging.
pub const NOT_UM_ENABLED_TEXT: &str = "The user isn't enabled for Unified Messaging.";
/// Reason / `MessageText` when the user already has the maximum number of calls.
pub const TOO_MANY_CALLS_TEXT: &str = "Too many phone calls are in progress for this user.";
/// `MessageText` of `ErrorImpersonationDenied`.
pub const IMPERSONATION_DENIED_TEXT: &str = "The account does not have permission to impersonate the requested user.";
/// Reason / `MessageText` of an internal error.
pub const INTERNAL_ERROR_TEXT: &str = "An internal server error occurred. The operation failed.";
/// Longest `PlayOnPhoneDialString` stored, in characters.
pub const MAX_STORED_DIAL_STRING_CHARS: usize = simulation::MAX_DIAL_STRING_CHARS;
/// `Version` of `ServerVersionInfo` when the request names none.
pub const DEFAULT_SERVER_VERSION: &str = "Exchange2016";

/// Configuration of [`UmService`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UmConfig {
    /// Ring and hang-up delays.
    pub timing: Timing,
    /// Most calls a user may have that are not `Idle`.
    pub max_calls_per_user: usize,
    /// `TelephoneAccessNumbers` (comma-separated); `None` leaves the element out, as the
    /// protocol requires when no number is set.
    pub telephone_access_numbers: Option<String>,
}

impl Default for UmConfig {
    fn default() -> Self {
        UmConfig {
            timing: Timing::default(),
            max_calls_per_user: DEFAULT_MAX_CALLS_PER_USER,
            telephone_access_numbers: Some(DEFAULT_TELEPHONE_ACCESS_NUMBERS.to_owned()),
        }
    }
}

/// The Unified Messaging service: implements [`UmWebServiceSoapServer`]. Serve it with
/// `UmWebServiceSoapDispatcher::new(service).with_fault_policy(ExchangeFaults)`.
pub struct UmService {
    clock: Arc<dyn Clock>,
    calls: Calls,
    store: Arc<Store>,
    directory: Arc<dyn Directory>,
    config: UmConfig,
}

impl std::fmt::Debug for UmService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UmService").field("config", &self.config).finish_non_exhaustive()
    }
}

/// Why a request cannot be served, before operation-specific checks.
#[derive(Debug)]
enum Refusal {
    /// No authenticated user, or one the directory does not know.
    AccessDenied,
    /// The user's mailbox is not enabled for Unified Messaging.
    NotUmEnabled,
    /// Impersonation of another user was requested (EWS operations).
    ImpersonationDenied,
    /// Storage or randomness failed.
    Internal(String),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Internal(e.to_string())
    }
}

fn exception_fault(code: &str, reason: &str) -> Fault {
    let mut exception = AnyElement::new(MESSAGES_NS, "ExceptionType").with_text(code);
    exception.prefix = Some("m".to_owned());
    Fault::new(QName::with_prefix(ERRORS_NS, code, "a"), reason).with_lang("en-US").with_detail_entry(exception)
}

impl Refusal {
    /// The SOAP fault of a legacy operation.
    fn fault(&self) -> Fault {
        match self {
            Refusal::AccessDenied | Refusal::ImpersonationDenied => {
                Fault::new(QName::with_prefix(TYPES_NS, "ErrorAccessDenied", "a"), ACCESS_DENIED_TEXT).with_lang("en-US")
            }
            Refusal::NotUmEnabled => exception_fault("UserNotUmEnabledException", NOT_UM_ENABLED_TEXT),
            Refusal::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                Fault::soap(SoapVersion::V11, "Server", INTERNAL_ERROR_TEXT).with_lang("en-US")
            }
        }
    }

    /// The error response of an EWS operation.
    fn ews(&self) -> EwsError {
        match self {
            Refusal::AccessDenied => EwsError::new(ResponseCodeType::ErrorAccessDenied, ACCESS_DENIED_TEXT),
            Refusal::NotUmEnabled => EwsError::new(ResponseCodeType::ErrorUnifiedMessagingRequestFailed, NOT_UM_ENABLED_TEXT),
            Refusal::ImpersonationDenied => EwsError::new(ResponseCodeType::ErrorImpersonationDenied, IMPERSONATION_DENIED_TEXT),
            Refusal::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                EwsError::new(ResponseCodeType::ErrorInternalServerError, INTERNAL_ERROR_TEXT)
            }
        }
    }
}

/// What the log line says about an operation's result.
trait Outcome {
    fn outcome(&self) -> String {
        "ok".to_owned()
    }
}

macro_rules! plain_outcome {
    ($($t:ty),*) => { $(impl Outcome for $t {})* };
}

plain_outcome!(
    IsUmEnabledOutput,
    GetUmPropertiesOutput,
    SetOofStatusOutput,
    SetPlayOnPhoneDialStringOutput,
    SetTelephoneAccessFolderEmailOutput,
    SetMissedCallNotificationEnabledOutput,
    ResetPinOutput,
    PlayOnPhoneOutput,
    GetCallInfoOutput,
    DisconnectOutput,
    PlayOnPhoneGreetingOutput
);

macro_rules! ews_outcome {
    ($($t:ty),*) => {
        $(impl Outcome for $t {
            fn outcome(&self) -> String {
                match self.ews_error() {
                    Some(e) => format!("error {}", e.code_str()),
                    None => "ok".to_owned(),
                }
            }
        })*
    };
}

ews_outcome!(PlayOnPhone2Output, GetPhoneCallInformationOutput, DisconnectPhoneCallOutput);

fn noted<O: Outcome>(operation: &'static str, result: Result<O, Fault>) -> Result<O, Fault> {
    let outcome = match &result {
        Ok(o) => o.outcome(),
        Err(f) => format!("fault {}", f.code.local),
    };
    logging::note(operation, outcome);
    result
}

fn legacy_state(s: CallStatus) -> UmCallInfo {
    UmCallInfo {
        call_state: match s.state {
            CallState::Connecting => UmCallState::Connecting,
            CallState::Connected => UmCallState::Connected,
            CallState::Disconnected => UmCallState::Disconnected,
        },
        event_cause: match s.cause {
            Cause::None => UmEventCause::None,
            Cause::UserBusy => UmEventCause::UserBusy,
        },
    }
}

fn ews_state(s: CallStatus) -> PhoneCallInformationType {
    PhoneCallInformationType {
        phone_call_state: match s.state {
            CallState::Connecting => PhoneCallStateType::Connecting,
            CallState::Connected => PhoneCallStateType::Connected,
            CallState::Disconnected => PhoneCallStateType::Disconnected,
        },
        connection_failure_cause: match s.cause {
            Cause::None => ConnectionFailureCauseType::None,
            Cause::UserBusy => ConnectionFailureCauseType::UserBusy,
        },
        // "MUST NOT be present for a successful GetPhoneCallInformation operation response."
        sip_response_text: None,
        sip_response_code: None,
    }
}

fn server_version(requested: Option<&RequestServerVersion>) -> ServerVersionInfo {
    ServerVersionInfo {
        major_version: Some(15),
        minor_version: Some(1),
        major_build_number: Some(0),
        minor_build_number: Some(0),
        version: Some(requested.map_or(DEFAULT_SERVER_VERSION, |r| r.version.as_str()).to_owned()),
    }
}

/// The default `TelephoneAccessFolderEmail` of `user`: a stand-in EntryID of their Inbox,
/// base64 of four zero bytes followed by `Inbox:` and the user name.
pub fn default_folder(user: &str) -> String {
    let mut bytes = vec![0u8; 4];
    bytes.extend_from_slice(b"Inbox:");
    bytes.extend_from_slice(user.as_bytes());
    simulation::base64(&bytes)
}

fn random_pin() -> Result<String, Refusal> {
    let modulus = 10u64.pow(PIN_DIGITS);
    // Rejection sampling: uniform over 0..modulus.
    let limit = u64::MAX - u64::MAX % modulus;
    loop {
        let n = getrandom::u64().map_err(|e| Refusal::Internal(format!("no randomness: {e}")))?;
        if n < limit {
            return Ok(format!("{:0width$}", n % modulus, width = PIN_DIGITS as usize));
        }
    }
}

impl UmService {
    /// A service over `store` and `directory`, with time from `clock`.
    pub fn new(clock: Arc<dyn Clock>, store: Arc<Store>, directory: Arc<dyn Directory>, config: UmConfig) -> Self {
        UmService { calls: Calls::new(config.timing, config.max_calls_per_user), clock, store, directory, config }
    }

    /// The settings store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The calls.
    pub fn calls(&self) -> &Calls {
        &self.calls
    }

    /// The configuration.
    pub fn config(&self) -> &UmConfig {
        &self.config
    }

    fn user(&self, ctx: &RequestContext) -> Result<UserInfo, Refusal> {
        let name = ctx.user.as_deref().ok_or(Refusal::AccessDenied)?;
        self.directory.user(name).ok_or(Refusal::AccessDenied)
    }

    fn um_user(&self, ctx: &RequestContext) -> Result<UserInfo, Refusal> {
        let user = self.user(ctx)?;
        if user.um_enabled { Ok(user) } else { Err(Refusal::NotUmEnabled) }
    }

    /// The user of an EWS operation: impersonation is only allowed of oneself.
    fn ews_user(&self, ctx: &RequestContext, impersonation: Option<&ExchangeImpersonationType>) -> Result<UserInfo, Refusal> {
        let user = self.user(ctx)?;
        if let Some(imp) = impersonation {
            let target = match &imp.connecting_sid {
                ConnectingSidType::PrincipalName(p) => p.value.0.as_str(),
                ConnectingSidType::Sid(s) => s.value.0.as_str(),
                ConnectingSidType::PrimarySmtpAddress(a) => a.value.0.as_str(),
                ConnectingSidType::SmtpAddress(a) => a.value.0.as_str(),
            };
            let target = target.trim();
            if !(target == user.name || target.eq_ignore_ascii_case(&user.email)) {
                return Err(Refusal::ImpersonationDenied);
            }
        }
        if user.um_enabled { Ok(user) } else { Err(Refusal::NotUmEnabled) }
    }

    async fn db<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static) -> Result<T, Refusal> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r.map_err(Refusal::from),
            Err(e) => Err(Refusal::Internal(format!("storage task failed: {e}"))),
        }
    }

    async fn settings(&self, user: &str) -> Result<StoredSettings, Refusal> {
        let name = user.to_owned();
        self.db(move |s| s.settings(&name)).await
    }

    /// The dial string of a legacy call: the request's, or the stored default when the request
    /// has none (section 3.1.4.13).
    async fn legacy_dial(&self, user: &str, requested: Option<&str>) -> Result<Option<Dialable>, Refusal> {
        let requested = requested.map(str::trim).filter(|s| !s.is_empty());
        let dial_string = match requested {
            Some(d) => d.to_owned(),
            None => self.settings(user).await?.play_on_phone_dial_string.unwrap_or_default(),
        };
        Ok(simulation::dial(&dial_string))
    }

    fn start_legacy(&self, user: &UserInfo, dial: Dialable, playing: Playing) -> Result<String, Fault> {
        match self.calls.start(&user.name, Family::Legacy, dial.number, dial.callee, playing, self.clock.now()) {
            Ok(id) => Ok(id),
            Err(StartError::TooManyCalls) => Err(Fault::soap(SoapVersion::V11, "Server", TOO_MANY_CALLS_TEXT).with_lang("en-US")),
            Err(StartError::Random) => Err(Refusal::Internal("no randomness for a call id".into()).fault()),
        }
    }

    async fn do_play_on_phone(&self, ctx: &RequestContext, input: PlayOnPhoneInput) -> Result<PlayOnPhoneOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let entry_id = input.parameters.entry_id.unwrap_or_default();
        if !simulation::well_formed_id(&entry_id) {
            return Err(faults::invalid_object_id());
        }
        let dial = self.legacy_dial(&user.name, input.parameters.dial_string.as_deref()).await.map_err(|r| r.fault())?;
        let dial = dial.ok_or_else(faults::dialing_rules)?;
        let id = self.start_legacy(&user, dial, Playing::Item(entry_id))?;
        Ok(PlayOnPhoneOutput { parameters: PlayOnPhoneResponse { play_on_phone_response: Some(id) } })
    }

    async fn do_play_on_phone_greeting(
        &self,
        ctx: &RequestContext,
        input: PlayOnPhoneGreetingInput,
    ) -> Result<PlayOnPhoneGreetingOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let dial = self.legacy_dial(&user.name, input.parameters.dial_string.as_deref()).await.map_err(|r| r.fault())?;
        let dial = dial.ok_or_else(faults::dialing_rules)?;
        let id = self.start_legacy(&user, dial, Playing::Greeting(input.parameters.greeting_type.as_str().to_owned()))?;
        Ok(PlayOnPhoneGreetingOutput { parameters: PlayOnPhoneGreetingResponse { play_on_phone_greeting_response: Some(id) } })
    }

    fn do_get_call_info(&self, ctx: &RequestContext, input: GetCallInfoInput) -> Result<GetCallInfoOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let id = input.parameters.call_id.ok_or_else(faults::invalid_call_id)?;
        let status = self.calls.status(&user.name, Family::Legacy, id.trim(), self.clock.now()).ok_or_else(faults::invalid_call_id)?;
        Ok(GetCallInfoOutput { parameters: GetCallInfoResponse { get_call_info_response: Some(legacy_state(status)) } })
    }

    fn do_disconnect(&self, ctx: &RequestContext, input: DisconnectInput) -> Result<DisconnectOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let id = input.parameters.call_id.ok_or_else(faults::invalid_call_id)?;
        self.calls.disconnect(&user.name, Family::Legacy, id.trim(), self.clock.now()).ok_or_else(faults::invalid_call_id)?;
        Ok(DisconnectOutput { parameters: DisconnectResponse {} })
    }

    fn do_play_on_phone2(&self, ctx: &RequestContext, input: &PlayOnPhone2Input) -> Result<PlayOnPhoneResponseMessageType, EwsError> {
        let user = self.ews_user(ctx, input.impersonation.as_ref()).map_err(|r| r.ews())?;
        let request = &input.request.play_on_phone;
        if !simulation::well_formed_id(&request.item_id.id) {
            return Err(EwsError::id_malformed());
        }
        // PlayOnPhone2 has no default dial string: SetPlayOnPhoneDialString is for PlayOnPhone
        // and PlayOnPhoneGreeting (section 3.1.4.13).
        let dial = simulation::dial(&request.dial_string).ok_or_else(EwsError::phone_number_not_dialable)?;
        let playing = Playing::Item(request.item_id.id.clone());
        match self.calls.start(&user.name, Family::Ews, dial.number, dial.callee, playing, self.clock.now()) {
            Ok(id) => Ok(PlayOnPhoneResponseMessageType {
                response_class: ResponseClassType::Success,
                message_text: None,
                response_code: Some(ResponseCodeType::NoError),
                descriptive_link_key: None,
                message_xml: None,
                phone_call_id: Some(PhoneCallIdType { id }),
            }),
            Err(StartError::TooManyCalls) => Err(EwsError::new(ResponseCodeType::ErrorServerBusy, TOO_MANY_CALLS_TEXT)),
            Err(StartError::Random) => Err(Refusal::Internal("no randomness for a call id".into()).ews()),
        }
    }

    fn do_get_phone_call_information(
        &self,
        ctx: &RequestContext,
        input: &GetPhoneCallInformationInput,
    ) -> Result<GetPhoneCallInformationResponseMessageType, EwsError> {
        let user = self.ews_user(ctx, input.impersonation.as_ref()).map_err(|r| r.ews())?;
        let id = input.request.phone_call_id.id.trim();
        let status = self.calls.status(&user.name, Family::Ews, id, self.clock.now()).ok_or_else(EwsError::invalid_phone_call_id)?;
        Ok(GetPhoneCallInformationResponseMessageType {
            response_class: ResponseClassType::Success,
            message_text: None,
            response_code: Some(ResponseCodeType::NoError),
            descriptive_link_key: None,
            message_xml: None,
            phone_call_information: Some(ews_state(status)),
        })
    }

    fn do_disconnect_phone_call(
        &self,
        ctx: &RequestContext,
        input: &DisconnectPhoneCallInput,
    ) -> Result<DisconnectPhoneCallResponseMessageType, EwsError> {
        let user = self.ews_user(ctx, input.impersonation.as_ref()).map_err(|r| r.ews())?;
        let id = input.request.phone_call_id.id.trim();
        self.calls.disconnect(&user.name, Family::Ews, id, self.clock.now()).ok_or_else(EwsError::invalid_phone_call_id)?;
        Ok(DisconnectPhoneCallResponseMessageType {
            response_class: ResponseClassType::Success,
            message_text: None,
            response_code: Some(ResponseCodeType::NoError),
            descriptive_link_key: None,
            message_xml: None,
        })
    }

    async fn do_get_um_properties(&self, ctx: &RequestContext) -> Result<GetUmPropertiesOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let s = self.settings(&user.name).await.map_err(|r| r.fault())?;
        Ok(GetUmPropertiesOutput {
            parameters: GetUmPropertiesResponse {
                get_um_properties_response: Some(UmProperties {
                    oof_status: s.oof_status.unwrap_or(DEFAULT_OOF_STATUS),
                    missed_call_notification_enabled: s
                        .missed_call_notification_enabled
                        .unwrap_or(DEFAULT_MISSED_CALL_NOTIFICATION_ENABLED),
                    play_on_phone_dial_string: Some(s.play_on_phone_dial_string.unwrap_or_default()),
                    telephone_access_numbers: self.config.telephone_access_numbers.clone(),
                    telephone_access_folder_email: Some(s.telephone_access_folder_email.unwrap_or_else(|| default_folder(&user.name))),
                }),
            },
        })
    }

    /// Runs the write `f` for `user`; it is committed when this returns.
    async fn write(&self, user: &UserInfo, f: impl FnOnce(&Store, &str) -> Result<(), StoreError> + Send + 'static) -> Result<(), Fault> {
        let name = user.name.clone();
        self.db(move |s| f(s, &name)).await.map_err(|r| r.fault())
    }

    async fn do_reset_pin(&self, ctx: &RequestContext) -> Result<ResetPinOutput, Fault> {
        let user = self.um_user(ctx).map_err(|r| r.fault())?;
        let pin = random_pin().map_err(|r| r.fault())?;
        let numbers = self.config.telephone_access_numbers.clone();
        let created_at = self.clock.unix_time();
        self.db(move |s| {
            let pin_hash = hash_password(&pin).map_err(|e| StoreError::other(e.to_string()))?;
            let mut body = format!("Your Unified Messaging PIN has been reset.\n\nNew PIN: {pin}\n");
            if let Some(n) = numbers {
                body.push_str(&format!("Telephone access numbers: {n}\n"));
            }
            body.push_str("You'll be asked to change this PIN the next time you sign in by phone.\n");
            let mail = OutboxMessage { created_at, recipient: user.email.clone(), subject: RESET_PIN_SUBJECT.to_owned(), body };
            s.reset_pin(&user.name, &pin_hash, &mail)
        })
        .await
        .map_err(|r| r.fault())?;
        Ok(ResetPinOutput { parameters: ResetPinResponse {} })
    }
}

fn required<T>(value: Option<T>, what: &str) -> Result<T, Fault> {
    value.ok_or_else(|| faults::schema_validation(0, 0, &format!("the element '{what}' is required")))
}

impl UmWebServiceSoapServer for UmService {
    async fn is_um_enabled(&self, ctx: &RequestContext, _input: IsUmEnabledInput) -> Result<IsUmEnabledOutput, Fault> {
        let r = self
            .user(ctx)
            .map(|u| IsUmEnabledOutput { parameters: IsUmEnabledResponse { is_um_enabled_response: u.um_enabled } })
            .map_err(|r| r.fault());
        noted("IsUMEnabled", r)
    }

    async fn get_um_properties(&self, ctx: &RequestContext, _input: GetUmPropertiesInput) -> Result<GetUmPropertiesOutput, Fault> {
        noted("GetUMProperties", self.do_get_um_properties(ctx).await)
    }

    async fn set_oof_status(&self, ctx: &RequestContext, input: SetOofStatusInput) -> Result<SetOofStatusOutput, Fault> {
        let r = async {
            let user = self.um_user(ctx).map_err(|r| r.fault())?;
            let on = input.parameters.status;
            self.write(&user, move |s, u| s.set_oof_status(u, on)).await?;
            Ok(SetOofStatusOutput { parameters: SetOofStatusResponse {} })
        }
        .await;
        noted("SetOofStatus", r)
    }

    async fn set_play_on_phone_dial_string(
        &self,
        ctx: &RequestContext,
        input: SetPlayOnPhoneDialStringInput,
    ) -> Result<SetPlayOnPhoneDialStringOutput, Fault> {
        let r = async {
            let user = self.um_user(ctx).map_err(|r| r.fault())?;
            let dial_string = required(input.parameters.dial_string, "dialString")?;
            // The empty string clears the default; anything else must be dialable.
            if !dial_string.trim().is_empty() && simulation::dial(&dial_string).is_none() {
                return Err(faults::dialing_rules());
            }
            self.write(&user, move |s, u| s.set_play_on_phone_dial_string(u, dial_string.trim())).await?;
            Ok(SetPlayOnPhoneDialStringOutput { parameters: SetPlayOnPhoneDialStringResponse {} })
        }
        .await;
        noted("SetPlayOnPhoneDialString", r)
    }

    async fn set_telephone_access_folder_email(
        &self,
        ctx: &RequestContext,
        input: SetTelephoneAccessFolderEmailInput,
    ) -> Result<SetTelephoneAccessFolderEmailOutput, Fault> {
        let r = async {
            let user = self.um_user(ctx).map_err(|r| r.fault())?;
            let folder = required(input.parameters.base64_folder_id, "base64FolderId")?;
            if !simulation::well_formed_id(&folder) {
                return Err(faults::invalid_object_id());
            }
            let folder: String = folder.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            self.write(&user, move |s, u| s.set_telephone_access_folder_email(u, &folder)).await?;
            Ok(SetTelephoneAccessFolderEmailOutput { parameters: SetTelephoneAccessFolderEmailResponse {} })
        }
        .await;
        noted("SetTelephoneAccessFolderEmail", r)
    }

    async fn set_missed_call_notification_enabled(
        &self,
        ctx: &RequestContext,
        input: SetMissedCallNotificationEnabledInput,
    ) -> Result<SetMissedCallNotificationEnabledOutput, Fault> {
        let r = async {
            let user = self.um_user(ctx).map_err(|r| r.fault())?;
            let on = input.parameters.status;
            self.write(&user, move |s, u| s.set_missed_call_notification_enabled(u, on)).await?;
            Ok(SetMissedCallNotificationEnabledOutput { parameters: SetMissedCallNotificationEnabledResponse {} })
        }
        .await;
        noted("SetMissedCallNotificationEnabled", r)
    }

    async fn reset_pin(&self, ctx: &RequestContext, _input: ResetPinInput) -> Result<ResetPinOutput, Fault> {
        noted("ResetPIN", self.do_reset_pin(ctx).await)
    }

    async fn play_on_phone(&self, ctx: &RequestContext, input: PlayOnPhoneInput) -> Result<PlayOnPhoneOutput, Fault> {
        noted("PlayOnPhone", self.do_play_on_phone(ctx, input).await)
    }

    async fn get_call_info(&self, ctx: &RequestContext, input: GetCallInfoInput) -> Result<GetCallInfoOutput, Fault> {
        noted("GetCallInfo", self.do_get_call_info(ctx, input))
    }

    async fn disconnect(&self, ctx: &RequestContext, input: DisconnectInput) -> Result<DisconnectOutput, Fault> {
        noted("Disconnect", self.do_disconnect(ctx, input))
    }

    async fn play_on_phone_greeting(
        &self,
        ctx: &RequestContext,
        input: PlayOnPhoneGreetingInput,
    ) -> Result<PlayOnPhoneGreetingOutput, Fault> {
        noted("PlayOnPhoneGreeting", self.do_play_on_phone_greeting(ctx, input).await)
    }

    async fn disconnect_phone_call(
        &self,
        ctx: &RequestContext,
        input: DisconnectPhoneCallInput,
    ) -> Result<DisconnectPhoneCallOutput, Fault> {
        let result = match self.do_disconnect_phone_call(ctx, &input) {
            Ok(r) => r,
            Err(e) => DisconnectPhoneCallResponseMessageType::error(e),
        };
        let out = DisconnectPhoneCallOutput {
            disconnect_phone_call_result: result,
            server_version: Some(server_version(input.request_version.as_ref())),
        };
        noted("DisconnectPhoneCall", Ok(out))
    }

    async fn get_phone_call_information(
        &self,
        ctx: &RequestContext,
        input: GetPhoneCallInformationInput,
    ) -> Result<GetPhoneCallInformationOutput, Fault> {
        let result = match self.do_get_phone_call_information(ctx, &input) {
            Ok(r) => r,
            Err(e) => GetPhoneCallInformationResponseMessageType::error(e),
        };
        let out = GetPhoneCallInformationOutput {
            get_phone_call_information_result: result,
            server_version: Some(server_version(input.request_version.as_ref())),
        };
        noted("GetPhoneCallInformation", Ok(out))
    }

    async fn play_on_phone2(&self, ctx: &RequestContext, input: PlayOnPhone2Input) -> Result<PlayOnPhone2Output, Fault> {
        let response = match self.do_play_on_phone2(ctx, &input) {
            Ok(r) => r,
            Err(e) => PlayOnPhoneResponseMessageType::error(e),
        };
        let out = PlayOnPhone2Output {
            play_on_phone_result: PlayOnPhoneResponse2Type { play_on_phone_response: response },
            server_version: Some(server_version(input.request_version.as_ref())),
        };
        noted("PlayOnPhone2", Ok(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_eight_digits() {
        for _ in 0..20 {
            let p = random_pin().unwrap();
            assert_eq!(p.len(), 8);
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn default_folder_is_base64() {
        assert!(simulation::well_formed_id(&default_folder("demo")));
        assert_eq!(default_folder("a"), "AAAAAEluYm94OmE=");
    }
}
