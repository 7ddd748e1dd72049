//! Every operation through the generated client, in process (loopback transport, generated
//! dispatcher with the Exchange fault policy), with a manual clock: the call state model of
//! [MS-OXWUMS] 3.1.1.1 / 3.1.2, the faults and error responses with their exact codes and
//! texts, cross-user and cross-family isolation, and persistence across a restart.

mod common;

use std::time::Duration;

use common::*;
use generated::ews::ResponseMessage;
use generated::exchange::messages::{ResponseCodeType, UmCallInfo, UmCallState, UmEventCause, UmGreetingType};
use generated::exchange::types::{
    ConnectingSidType, ConnectionFailureCauseType, ExchangeImpersonationType, ExchangeVersionType, NonEmptyStringType, PhoneCallStateType,
    PrincipalNameType, ResponseClassType,
};
use generated::exchange::um_web_service_soap::{UmWebServiceSoap as _, *};
use generated::faults::FaultDetail;
use um_server::client::UmClientError;
use um_server::service::default_folder;
use um_server::users::verify_password;

const S: fn(u64) -> Duration = Duration::from_secs;

fn info(state: UmCallState, cause: UmEventCause) -> UmCallInfo {
    UmCallInfo { call_state: state, event_cause: cause }
}

/// Asserts that `e` is the operation fault `code` with `reason` and `m:ExceptionType` `code`.
fn assert_fault(e: &UmClientError, code: &str, reason: &str) {
    let UmClientError::Soap(c) = e else { panic!("expected fault {code}, got {e}") };
    let f = c.fault().unwrap_or_else(|| panic!("expected fault {code}, got {c}"));
    assert_eq!(f.code.ns, generated::faults::ERRORS_NS, "{f:?}");
    assert_eq!(f.code.local, code);
    assert_eq!(f.reason(), reason);
    assert_eq!(FaultDetail::from_fault(f).unwrap().exception_type.as_deref(), Some(code));
}

fn assert_ews(e: &UmClientError, code: ResponseCodeType, text: &str) {
    let ews = e.ews().unwrap_or_else(|| panic!("expected {code}, got {e}"));
    assert_eq!(ews.class, ResponseClassType::Error);
    assert_eq!(ews.code, Some(code));
    assert_eq!(ews.message_text.as_deref(), Some(text));
}

const INVALID_CALL_ID: &str = "The call identifier isn't valid.";

#[tokio::test]
async fn is_um_enabled_reflects_the_users_flag() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    assert!(h.client("alice").is_um_enabled().await.unwrap());
    assert!(!h.client("carol").is_um_enabled().await.unwrap());
    // A user the directory does not know, and no user at all, are denied.
    for c in [h.client("mallory"), h.anonymous()] {
        let e = c.is_um_enabled().await.unwrap_err();
        assert_eq!(e.fault_code(), Some("ErrorAccessDenied"), "{e}");
    }
}

#[tokio::test]
async fn um_properties_have_documented_defaults_and_store_every_setter() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let p = alice.get_um_properties().await.unwrap();
    assert!(!p.oof_status);
    assert!(p.missed_call_notification_enabled);
    assert_eq!(p.play_on_phone_dial_string.as_deref(), Some(""));
    assert_eq!(p.telephone_access_numbers.as_deref(), Some("+14255550100"));
    assert_eq!(p.telephone_access_folder_email, Some(default_folder("alice")));

    alice.set_oof_status(true).await.unwrap();
    alice.set_missed_call_notification_enabled(false).await.unwrap();
    alice.set_play_on_phone_dial_string("+1 (425) 555-0123").await.unwrap();
    alice.set_telephone_access_folder_email("AAAAAGsd2rbQLVtLobUGbrq/9IUBAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAAA==").await.unwrap();
    let p = alice.get_um_properties().await.unwrap();
    assert!(p.oof_status);
    assert!(!p.missed_call_notification_enabled);
    assert_eq!(p.play_on_phone_dial_string.as_deref(), Some("+1 (425) 555-0123"));
    assert_eq!(p.telephone_access_folder_email.as_deref(), Some("AAAAAGsd2rbQLVtLobUGbrq/9IUBAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAAA=="));

    // Invalid values are refused and change nothing.
    let e = alice.set_play_on_phone_dial_string("not a number").await.unwrap_err();
    assert_fault(&e, "DialingRulesException", DIALING_TEXT);
    let e = alice.set_telephone_access_folder_email("%%%").await.unwrap_err();
    assert_fault(&e, "InvalidObjectIdException", "The object identifier isn't valid.");
    let p2 = alice.get_um_properties().await.unwrap();
    assert_eq!(p2, p);

    // The empty dial string clears the default.
    alice.set_play_on_phone_dial_string("").await.unwrap();
    assert_eq!(alice.get_um_properties().await.unwrap().play_on_phone_dial_string.as_deref(), Some(""));
}

#[tokio::test]
async fn reset_pin_stores_a_hashed_pin_and_mails_it_to_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    h.client("alice").reset_pin().await.unwrap();
    let store = h.service().store();
    let outbox = store.outbox("alice").unwrap();
    assert_eq!(outbox.len(), 1);
    let mail = &outbox[0];
    assert_eq!(mail.recipient, "alice@example.com");
    assert_eq!(mail.subject, "Your Unified Messaging PIN has been reset");
    let pin = mail.body.lines().find_map(|l| l.strip_prefix("New PIN: ")).expect("PIN in the mail").to_owned();
    assert_eq!(pin.len(), 8);
    assert!(mail.body.contains("+14255550100"));
    let hash = store.pin_hash("alice").unwrap().expect("PIN stored");
    assert!(hash.starts_with("$argon2id$"), "hashed: {hash}");
    assert!(!hash.contains(&pin));
    assert!(verify_password(&pin, &hash));
    // A second reset makes a new PIN and a second mail; nobody else is affected.
    h.client("alice").reset_pin().await.unwrap();
    assert_eq!(store.outbox("alice").unwrap().len(), 2);
    assert_ne!(store.pin_hash("alice").unwrap().unwrap(), hash);
    assert!(store.outbox("bob").unwrap().is_empty());
    assert!(store.pin_hash("bob").unwrap().is_none());
}

#[tokio::test]
async fn play_on_phone_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let id = alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    assert!(!id.is_empty() && id.len() <= 512);
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connecting, UmEventCause::None));
    h.advance(RING - S(1));
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connecting, UmEventCause::None));
    h.advance(S(1));
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connected, UmEventCause::None));
    alice.disconnect(&id).await.unwrap();
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::None));
    // Call_timeout: still Disconnected 31 s later, Idle (id invalid) at 32 s.
    h.advance(S(31));
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::None));
    h.advance(S(1));
    assert_fault(&alice.get_call_info(&id).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_fault(&alice.disconnect(&id).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_eq!(h.service().calls().live(h.clock_now()), 0);
}

trait ClockNow {
    fn clock_now(&self) -> Duration;
}

impl ClockNow for Harness {
    fn clock_now(&self) -> Duration {
        use um_server::clock::Clock as _;
        self.clock.now()
    }
}

#[tokio::test]
async fn play_on_phone_greeting_lifecycle_with_hang_up_and_busy_line() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let id = alice.play_on_phone_greeting(UmGreetingType::NormalCustom, "tel:+1-425-555-0100").await.unwrap();
    let busy = alice.play_on_phone_greeting(UmGreetingType::OofCustom, "5550486").await.unwrap();
    assert_ne!(id, busy);
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connecting, UmEventCause::None));
    assert_eq!(alice.get_call_info(&busy).await.unwrap(), info(UmCallState::Connecting, UmEventCause::None));
    h.advance(RING);
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connected, UmEventCause::None));
    assert_eq!(alice.get_call_info(&busy).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::UserBusy));
    // Disconnecting a call that is already Disconnected succeeds and changes nothing.
    alice.disconnect(&busy).await.unwrap();
    assert_eq!(alice.get_call_info(&busy).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::UserBusy));
    // The callee hangs up HANGUP after answering (Phone_hangup).
    h.advance(HANGUP - S(1));
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Connected, UmEventCause::None));
    h.advance(S(1));
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::None));
    h.advance(S(32));
    assert_fault(&alice.get_call_info(&id).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_fault(&alice.get_call_info(&busy).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
}

#[tokio::test]
async fn play_on_phone2_lifecycle_with_soap_headers() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let (id, version) = alice.play_on_phone2(ITEM_ID, "5555551212").await.unwrap();
    assert!(!id.is_empty() && id.len() <= 512);
    let version = version.expect("ServerVersionInfo header");
    assert_eq!(version.version.as_deref(), Some("Exchange2013"), "echoes RequestServerVersion");
    // The request carried the RequestServerVersion header, the response ServerVersionInfo.
    let ex = h.loopback.exchanges();
    let last = ex.last().unwrap();
    assert!(last.request_body.contains("RequestServerVersion") && last.request_body.contains("Exchange2013"), "{}", last.request_body);
    assert!(last.response_body.contains("ServerVersionInfo"), "{}", last.response_body);

    let state = |s, c| (s, c);
    let read = |info: generated::exchange::types::PhoneCallInformationType| {
        assert!(info.sip_response_code.is_none() && info.sip_response_text.is_none());
        (info.phone_call_state, info.connection_failure_cause)
    };
    assert_eq!(
        read(alice.get_phone_call_information(&id).await.unwrap()),
        state(PhoneCallStateType::Connecting, ConnectionFailureCauseType::None)
    );
    h.advance(RING);
    assert_eq!(
        read(alice.get_phone_call_information(&id).await.unwrap()),
        state(PhoneCallStateType::Connected, ConnectionFailureCauseType::None)
    );
    alice.disconnect_phone_call(&id).await.unwrap();
    assert_eq!(
        read(alice.get_phone_call_information(&id).await.unwrap()),
        state(PhoneCallStateType::Disconnected, ConnectionFailureCauseType::None)
    );
    h.advance(S(31));
    assert_eq!(
        read(alice.get_phone_call_information(&id).await.unwrap()),
        state(PhoneCallStateType::Disconnected, ConnectionFailureCauseType::None)
    );
    h.advance(S(1));
    let e = alice.get_phone_call_information(&id).await.unwrap_err();
    assert_ews(&e, ResponseCodeType::ErrorInvalidPhoneCallId, "The phone call ID isn't valid");
    let e = alice.disconnect_phone_call(&id).await.unwrap_err();
    assert_ews(&e, ResponseCodeType::ErrorInvalidPhoneCallId, "The phone call ID isn't valid");

    // A busy line, through the EWS family.
    let (busy, _) = alice.play_on_phone2(ITEM_ID, "+1 425 555 0486").await.unwrap();
    h.advance(RING);
    assert_eq!(
        read(alice.get_phone_call_information(&busy).await.unwrap()),
        state(PhoneCallStateType::Disconnected, ConnectionFailureCauseType::UserBusy)
    );
}

#[tokio::test]
async fn without_request_server_version_the_default_version_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice").with_version(None);
    let (_, version) = alice.play_on_phone2(ITEM_ID, "12345").await.unwrap();
    assert_eq!(version.unwrap().version.as_deref(), Some("Exchange2016"));
}

#[tokio::test]
async fn play_on_phone_faults_have_the_exact_codes_and_texts() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    for bad_entry in ["", "not base64!", "A"] {
        let e = alice.play_on_phone(bad_entry, "12345").await.unwrap_err();
        assert_fault(&e, "InvalidObjectIdException", "The object identifier isn't valid.");
    }
    for bad_dial in ["12", "abc", "900 555 1212", "+1-900-555-1212", "1234567890123456"] {
        let e = alice.play_on_phone(ENTRY_ID, bad_dial).await.unwrap_err();
        assert_fault(&e, "DialingRulesException", DIALING_TEXT);
        let e = alice.play_on_phone_greeting(UmGreetingType::NormalCustom, bad_dial).await.unwrap_err();
        assert_fault(&e, "DialingRulesException", DIALING_TEXT);
    }
    // No dial string and no stored default: not dialable.
    assert_fault(&alice.play_on_phone(ENTRY_ID, "").await.unwrap_err(), "DialingRulesException", DIALING_TEXT);
    // The wire form: a:InvalidObjectIdException in the errors namespace, faultstring in en-US.
    alice.play_on_phone("%", "12345").await.unwrap_err();
    let body = h.last_response();
    assert!(body.contains("http://schemas.microsoft.com/exchange/services/2006/errors"), "{body}");
    assert!(body.contains(":InvalidObjectIdException</faultcode>"), "{body}");
    assert!(body.contains(r#"xml:lang="en-US">The object identifier isn't valid.</faultstring>"#), "{body}");
    assert!(body.contains(">InvalidObjectIdException</m:ExceptionType>"), "{body}");

    for missing in ["", "unknown-call-id", &"A".repeat(513)] {
        assert_fault(&alice.get_call_info(missing).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
        assert_fault(&alice.disconnect(missing).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    }
    // CallId absent altogether (the appendix schema makes it optional; 3.1.4.1 requires a fault).
    let (status, body) = h
        .raw(
            "alice",
            "http://schemas.microsoft.com/exchange/services/2006/messages/Disconnect",
            r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Disconnect xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"/></soap:Body></soap:Envelope>"#,
        )
        .await;
    assert_eq!(status, 500);
    assert!(body.contains(":InvalidCallIdException</faultcode>"), "{body}");
}

#[tokio::test]
async fn play_on_phone_uses_the_stored_default_dial_string() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    alice.set_play_on_phone_dial_string("555 0486").await.unwrap();
    let id = alice.play_on_phone(ENTRY_ID, "").await.unwrap();
    let greeting = alice.play_on_phone_greeting(UmGreetingType::NormalCustom, "").await.unwrap();
    h.advance(RING);
    // The stored default is busy: both calls dialed it.
    assert_eq!(alice.get_call_info(&id).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::UserBusy));
    assert_eq!(alice.get_call_info(&greeting).await.unwrap(), info(UmCallState::Disconnected, UmEventCause::UserBusy));
    // PlayOnPhone2 has no default (its DialString MUST be present).
    let e = alice.play_on_phone2(ITEM_ID, "").await.unwrap_err();
    assert_ews(&e, ResponseCodeType::ErrorPhoneNumberNotDialable, DIALING_TEXT);
}

#[tokio::test]
async fn play_on_phone2_error_responses_match_the_spec_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");

    let e = alice.play_on_phone2("Id: not base64", "12345").await.unwrap_err();
    assert_ews(&e, ResponseCodeType::ErrorInvalidIdMalformed, "Id is malformed.");
    let body = h.last_response();
    assert_eq!(h.loopback.exchanges().last().unwrap().status, 200);
    assert!(body.contains(r#"ResponseClass="Error""#), "{body}");
    let expected = "<m:MessageText>Id is malformed.</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:PlayOnPhoneResponse>";
    assert!(body.contains(expected), "{body}");
    assert!(!body.contains("PhoneCallId"), "{body}");

    let e = alice.play_on_phone2(ITEM_ID, "900-555-0100").await.unwrap_err();
    assert_ews(&e, ResponseCodeType::ErrorPhoneNumberNotDialable, DIALING_TEXT);
    let body = h.last_response();
    let expected = format!(
        "<m:MessageText>{DIALING_TEXT}</m:MessageText><m:ResponseCode>ErrorPhoneNumberNotDialable</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
    );
    assert!(body.contains(&expected), "{body}");

    // The typed view of the generated output, without the convenience client.
    let out = alice
        .generated()
        .play_on_phone2(PlayOnPhone2Input {
            request: generated::exchange::messages::PlayOnPhone2Type {
                play_on_phone: generated::exchange::messages::PlayOnPhoneType {
                    item_id: generated::exchange::types::ItemIdType { id: "!".into(), change_key: None },
                    dial_string: "12345".into(),
                },
            },
            impersonation: None,
            mailbox_culture: None,
            request_version: None,
        })
        .await
        .unwrap();
    let err = out.check().unwrap_err();
    assert_eq!(err.to_string(), "Error ErrorInvalidIdMalformed: Id is malformed.");
}

#[tokio::test]
async fn calls_are_private_to_their_user() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let (alice, bob) = (h.client("alice"), h.client("bob"));
    let legacy = alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    let (ews, _) = alice.play_on_phone2(ITEM_ID, "12345").await.unwrap();
    h.advance(RING);
    // Bob can neither read nor disconnect Alice's calls: her ids are invalid ids for him.
    assert_fault(&bob.get_call_info(&legacy).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_fault(&bob.disconnect(&legacy).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_ews(
        &bob.get_phone_call_information(&ews).await.unwrap_err(),
        ResponseCodeType::ErrorInvalidPhoneCallId,
        "The phone call ID isn't valid",
    );
    assert_ews(
        &bob.disconnect_phone_call(&ews).await.unwrap_err(),
        ResponseCodeType::ErrorInvalidPhoneCallId,
        "The phone call ID isn't valid",
    );
    // ... and his attempts changed nothing.
    assert_eq!(alice.get_call_info(&legacy).await.unwrap(), info(UmCallState::Connected, UmEventCause::None));
    assert_eq!(alice.get_phone_call_information(&ews).await.unwrap().phone_call_state, PhoneCallStateType::Connected);
    // Settings are per user too.
    alice.set_oof_status(true).await.unwrap();
    alice.set_play_on_phone_dial_string("4255550100").await.unwrap();
    let p = bob.get_um_properties().await.unwrap();
    assert!(!p.oof_status);
    assert_eq!(p.play_on_phone_dial_string.as_deref(), Some(""));
    assert_eq!(p.telephone_access_folder_email, Some(default_folder("bob")));
}

#[tokio::test]
async fn call_ids_are_only_valid_in_their_family() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let legacy = alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    let greeting = alice.play_on_phone_greeting(UmGreetingType::NormalCustom, "12345").await.unwrap();
    let (ews, _) = alice.play_on_phone2(ITEM_ID, "12345").await.unwrap();
    for id in [&legacy, &greeting] {
        assert_ews(
            &alice.get_phone_call_information(id).await.unwrap_err(),
            ResponseCodeType::ErrorInvalidPhoneCallId,
            "The phone call ID isn't valid",
        );
        assert_ews(
            &alice.disconnect_phone_call(id).await.unwrap_err(),
            ResponseCodeType::ErrorInvalidPhoneCallId,
            "The phone call ID isn't valid",
        );
    }
    assert_fault(&alice.get_call_info(&ews).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    assert_fault(&alice.disconnect(&ews).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
    // None of the wrong-family disconnects took effect.
    assert_eq!(alice.get_call_info(&legacy).await.unwrap().call_state, UmCallState::Connecting);
    assert_eq!(alice.get_phone_call_information(&ews).await.unwrap().phone_call_state, PhoneCallStateType::Connecting);
}

#[tokio::test]
async fn settings_survive_a_restart_and_calls_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let h = Harness::in_dir(dir.path());
        let alice = h.client("alice");
        alice.set_oof_status(true).await.unwrap();
        alice.set_missed_call_notification_enabled(false).await.unwrap();
        alice.set_play_on_phone_dial_string("4255550199").await.unwrap();
        alice.set_telephone_access_folder_email("AQID").await.unwrap();
        alice.reset_pin().await.unwrap();
        h.client("bob").set_oof_status(true).await.unwrap();
        alice.play_on_phone(ENTRY_ID, "12345").await.unwrap()
    };
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let p = alice.get_um_properties().await.unwrap();
    assert!(p.oof_status);
    assert!(!p.missed_call_notification_enabled);
    assert_eq!(p.play_on_phone_dial_string.as_deref(), Some("4255550199"));
    assert_eq!(p.telephone_access_folder_email.as_deref(), Some("AQID"));
    assert!(h.client("bob").get_um_properties().await.unwrap().oof_status);
    assert!(h.service().store().pin_hash("alice").unwrap().is_some());
    assert_eq!(h.service().store().outbox("alice").unwrap().len(), 1);
    // Calls are not persisted: a call of the previous server is unknown.
    assert_fault(&alice.get_call_info(&id).await.unwrap_err(), "InvalidCallIdException", INVALID_CALL_ID);
}

#[tokio::test]
async fn users_not_enabled_for_um_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let carol = h.client("carol");
    let text = "The user isn't enabled for Unified Messaging.";
    assert_fault(&carol.get_um_properties().await.unwrap_err(), "UserNotUmEnabledException", text);
    assert_fault(&carol.set_oof_status(true).await.unwrap_err(), "UserNotUmEnabledException", text);
    assert_fault(&carol.reset_pin().await.unwrap_err(), "UserNotUmEnabledException", text);
    assert_fault(&carol.play_on_phone(ENTRY_ID, "12345").await.unwrap_err(), "UserNotUmEnabledException", text);
    assert_ews(&carol.play_on_phone2(ITEM_ID, "12345").await.unwrap_err(), ResponseCodeType::ErrorUnifiedMessagingRequestFailed, text);
}

#[tokio::test]
async fn impersonating_another_user_is_denied() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    let input = |name: &str| PlayOnPhone2Input {
        request: generated::exchange::messages::PlayOnPhone2Type {
            play_on_phone: generated::exchange::messages::PlayOnPhoneType {
                item_id: generated::exchange::types::ItemIdType { id: ITEM_ID.into(), change_key: None },
                dial_string: "12345".into(),
            },
        },
        impersonation: Some(ExchangeImpersonationType {
            other_attributes: Vec::new(),
            connecting_sid: ConnectingSidType::PrincipalName(PrincipalNameType { value: NonEmptyStringType(name.into()) }),
        }),
        mailbox_culture: None,
        request_version: Some(generated::exchange::types::RequestServerVersion {
            version: ExchangeVersionType::Exchange2013,
            other_attributes: Vec::new(),
        }),
    };
    let out = alice.generated().play_on_phone2(input("bob")).await.unwrap();
    let e = out.check().unwrap_err();
    assert_eq!(e.code, Some(ResponseCodeType::ErrorImpersonationDenied));
    // Naming oneself is allowed.
    let out = alice.generated().play_on_phone2(input("alice")).await.unwrap().check().unwrap();
    assert!(out.play_on_phone_result.play_on_phone_response.phone_call_id.is_some());
}

#[tokio::test]
async fn calls_per_user_are_limited() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let alice = h.client("alice");
    for _ in 0..um_server::calls::DEFAULT_MAX_CALLS_PER_USER {
        alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
    }
    let e = alice.play_on_phone(ENTRY_ID, "12345").await.unwrap_err();
    assert_eq!(e.fault_code(), Some("Server"), "{e}");
    assert_ews(
        &alice.play_on_phone2(ITEM_ID, "12345").await.unwrap_err(),
        ResponseCodeType::ErrorServerBusy,
        "Too many phone calls are in progress for this user.",
    );
    // Others are not affected; after the calls end and time out, Alice can call again.
    h.client("bob").play_on_phone(ENTRY_ID, "12345").await.unwrap();
    h.advance(RING + HANGUP + S(32));
    alice.play_on_phone(ENTRY_ID, "12345").await.unwrap();
}

#[tokio::test]
async fn malformed_and_wrongly_shaped_requests_get_the_exchange_faults() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let action = "http://schemas.microsoft.com/exchange/services/2006/messages/PlayOnPhone";
    let (status, body) = h.raw("alice", action, "<soap:Envelope").await;
    assert_eq!(status, 500);
    assert!(body.contains(":ErrorInvalidRequest</faultcode>") && body.contains("The request is invalid."), "{body}");
    // The shape zeep and gSOAP produce for PlayOnPhone2 (the type= part wrapped in an element
    // named after the part) is not what the binding describes: refused, not guessed at.
    let wrapped = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body><request><m:PlayOnPhone><m:ItemId Id="AkAjzQTbY/i="/><m:DialString>5555551212</m:DialString></m:PlayOnPhone></request></soap:Body></soap:Envelope>"#;
    let (status, body) = h.raw("alice", action, wrapped).await;
    assert_eq!(status, 500);
    assert!(body.contains(":ErrorSchemaValidation</faultcode>"), "{body}");
    assert_eq!(h.service().calls().live(h.clock_now()), 0);
    // The spec's own 4.8 request is accepted.
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <soap:Header><t:RequestServerVersion Version="Exchange2013" /></soap:Header>
  <soap:Body><m:PlayOnPhone><m:ItemId Id="AkAjzQTbY/i=" /><m:DialString>5555551212</m:DialString></m:PlayOnPhone></soap:Body>
</soap:Envelope>"#;
    let (status, body) = h.raw("alice", action, spec).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(r#"ResponseClass="Success""#)
            && body.contains("<m:ResponseCode>NoError</m:ResponseCode>")
            && body.contains("PhoneCallId"),
        "{body}"
    );
}

#[tokio::test]
async fn every_operation_once() {
    // A compact pass over all 14 operations through the generated client trait.
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::in_dir(dir.path());
    let c = h.client("alice");
    let g = c.generated();
    use generated::exchange::messages::*;
    assert!(g.is_um_enabled(IsUmEnabledInput { parameters: IsUmEnabled {} }).await.unwrap().parameters.is_um_enabled_response);
    assert!(
        g.get_um_properties(GetUmPropertiesInput { parameters: GetUmProperties {} })
            .await
            .unwrap()
            .parameters
            .get_um_properties_response
            .is_some()
    );
    g.set_oof_status(SetOofStatusInput { parameters: SetOofStatus { status: true } }).await.unwrap();
    g.set_play_on_phone_dial_string(SetPlayOnPhoneDialStringInput {
        parameters: SetPlayOnPhoneDialString { dial_string: Some("12345".into()) },
    })
    .await
    .unwrap();
    g.set_telephone_access_folder_email(SetTelephoneAccessFolderEmailInput {
        parameters: SetTelephoneAccessFolderEmail { base64_folder_id: Some("AQID".into()) },
    })
    .await
    .unwrap();
    g.set_missed_call_notification_enabled(SetMissedCallNotificationEnabledInput {
        parameters: SetMissedCallNotificationEnabled { status: false },
    })
    .await
    .unwrap();
    g.reset_pin(ResetPinInput { parameters: ResetPin {} }).await.unwrap();
    let id = g
        .play_on_phone(PlayOnPhoneInput { parameters: PlayOnPhone { entry_id: Some(ENTRY_ID.into()), dial_string: Some("12345".into()) } })
        .await
        .unwrap()
        .parameters
        .play_on_phone_response
        .unwrap();
    let ci = g.get_call_info(GetCallInfoInput { parameters: GetCallInfo { call_id: Some(id.clone()) } }).await.unwrap();
    assert_eq!(ci.parameters.get_call_info_response.unwrap().call_state, UmCallState::Connecting);
    g.disconnect(DisconnectInput { parameters: Disconnect { call_id: Some(id) } }).await.unwrap();
    let gid = g
        .play_on_phone_greeting(PlayOnPhoneGreetingInput {
            parameters: PlayOnPhoneGreeting { greeting_type: UmGreetingType::OofCustom, dial_string: None },
        })
        .await
        .unwrap()
        .parameters
        .play_on_phone_greeting_response
        .unwrap();
    assert!(!gid.is_empty());
    let (pid, _) = c.play_on_phone2(ITEM_ID, "12345").await.unwrap();
    let info = c.get_phone_call_information(&pid).await.unwrap();
    assert_eq!(info.phone_call_state, PhoneCallStateType::Connecting);
    c.disconnect_phone_call(&pid).await.unwrap();
    let ops: Vec<_> = h.loopback.exchanges().iter().map(|e| e.status).collect();
    assert_eq!(ops.len(), 14, "one exchange per operation");
    assert!(ops.iter().all(|s| *s == 200), "{ops:?}");
}
