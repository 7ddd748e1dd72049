//! Property tests: arbitrary values of every message of the seeded bindings (and so of every
//! type those messages reach), and of the UCCN payloads' root elements, encode, decode and
//! compare equal.
//!
//! The values come from the strategies the generator writes (`generated`'s `proptest`
//! feature): facets honoured, occurrence bounds kept, strings with every character XML
//! escapes, CR, TAB and astral characters, numbers at their limits, dates with negative and
//! five-digit years and every time-zone offset (see `soapkit::arbitrary`). For each value:
//!
//! - the message is encoded in its envelope and decoded as its own type: the same value;
//! - encoding the decoded value again gives the same bytes;
//! - the binding's message set (the dispatcher's and `soapkit roundtrip`'s decoding, which
//!   routes on the Body's first child) decodes the envelope to a message that encodes to the
//!   same bytes, and is this message (no two messages of a seeded binding share a wire form).
//!
//! Runs are deterministic (a fixed seed) unless `PROPTEST_RNG_SEED` is set;
//! `PROPTEST_CASES` sets the cases per message (default 256).

use std::fmt::Debug;

use soapkit::arbitrary::proptest;
use soapkit::soap::{SoapMessage, SoapVersion, decode_message, encode_message};
use soapkit::tool::MessageSet;
use soapkit::xml::{Limits, NsTable};

use proptest::arbitrary::{Arbitrary, any};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

fn runner() -> TestRunner {
    // Types with patterns in several derivation steps take candidates of one step and keep
    // those the others accept: many are rejected.
    let mut config = Config { failure_persistence: None, max_local_rejects: 1 << 22, ..Config::default() };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x050a_9c17);
    }
    TestRunner::new(config)
}

/// The facts every binding's messages share.
struct Binding {
    version: SoapVersion,
    prefixes: &'static [(&'static str, &'static str)],
    namespaces: NsTable,
}

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

/// Checks one message type `M` of a binding whose message set is `S`, `wrap` making the set's
/// message of an `M`; returns how many values the set decoded as another operation's message.
fn message<M, S>(b: &Binding, name: &str, wrap: fn(M) -> S) -> usize
where
    M: SoapMessage + Arbitrary + PartialEq + Debug + Clone,
    S: MessageSet + PartialEq + Debug,
{
    let twins = std::cell::Cell::new(0);
    let result = runner().run(&any::<M>(), |v| {
        let xml = encode_message(b.version, b.prefixes, &v).map_err(|e| fail(format!("{name}: {v:?} not encoded: {e}")))?;
        let back = decode_message::<M>(&xml, b.namespaces, Some(b.version), Limits::DEFAULT)
            .map_err(|e| fail(format!("{name}: its own envelope not decoded: {e}\n{xml}")))?
            .message;
        proptest::prop_assert_eq!(&back, &v, "{} decoded differently from\n{}", name, xml);
        let again = encode_message(b.version, b.prefixes, &back).map_err(|e| fail(format!("{name}: decoded value not encoded: {e}")))?;
        proptest::prop_assert_eq!(&again, &xml, "{}: encoding the decoded value gives other bytes", name);
        let routed = S::decode(&xml).map_err(|e| fail(format!("{name}: the message set does not decode it: {e}\n{xml}")))?;
        let routed_xml = routed.encode().map_err(|e| fail(format!("{name}: the routed message not encoded: {e}")))?;
        proptest::prop_assert_eq!(&routed_xml, &xml, "{}: the message set decoded it as {:?}", name, routed);
        if routed != wrap(v) {
            twins.set(twins.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    twins.get()
}

macro_rules! messages {
    ($binding:expr, $module:path, $set:ident, $ops:ident, [$($msg:ident),* $(,)?]) => {{
        use $module as m;
        let mut twins = Vec::new();
        $(
            if message::<m::$msg, m::$set>(&$binding, stringify!($msg), m::$set::$msg) > 0 {
                twins.push(stringify!($msg));
            }
        )*
        // Every input and output of every operation (all request-response) is listed.
        let listed = [$(stringify!($msg)),*].len();
        let expected = m::$ops::ALL.len() * 2;
        assert_eq!(listed, expected, "messages listed for {}", stringify!($set));
        twins
    }};
}

#[test]
fn ms_oxwums_messages() {
    let b = Binding {
        version: generated::exchange::um_web_service_soap::VERSION,
        prefixes: generated::exchange::PREFIXES,
        namespaces: generated::exchange::NAMESPACES,
    };
    let twins = messages!(
        b,
        generated::exchange::um_web_service_soap,
        UmWebServiceSoapMessage,
        UmWebServiceSoapOperation,
        [
            IsUmEnabledInput,
            IsUmEnabledOutput,
            GetUmPropertiesInput,
            GetUmPropertiesOutput,
            SetOofStatusInput,
            SetOofStatusOutput,
            SetPlayOnPhoneDialStringInput,
            SetPlayOnPhoneDialStringOutput,
            SetTelephoneAccessFolderEmailInput,
            SetTelephoneAccessFolderEmailOutput,
            SetMissedCallNotificationEnabledInput,
            SetMissedCallNotificationEnabledOutput,
            ResetPinInput,
            ResetPinOutput,
            PlayOnPhoneInput,
            PlayOnPhoneOutput,
            GetCallInfoInput,
            GetCallInfoOutput,
            DisconnectInput,
            DisconnectOutput,
            PlayOnPhoneGreetingInput,
            PlayOnPhoneGreetingOutput,
            DisconnectPhoneCallInput,
            DisconnectPhoneCallOutput,
            GetPhoneCallInformationInput,
            GetPhoneCallInformationOutput,
            PlayOnPhone2Input,
            PlayOnPhone2Output,
        ]
    );
    assert!(twins.is_empty(), "{twins:?}");
}

#[test]
fn ms_oxwscext_messages() {
    let b = Binding {
        version: generated::exchange::exchange_service_binding::VERSION,
        prefixes: generated::exchange::PREFIXES,
        namespaces: generated::exchange::NAMESPACES,
    };
    let twins = messages!(
        b,
        generated::exchange::exchange_service_binding,
        ExchangeServiceBindingMessage,
        ExchangeServiceBindingOperation,
        [
            DisableAppInput,
            DisableAppOutput,
            GetAppManifestsInput,
            GetAppManifestsOutput,
            GetAppMarketplaceUrlInput,
            GetAppMarketplaceUrlOutput,
            GetClientAccessTokenInput,
            GetClientAccessTokenOutput,
            InstallAppInput,
            InstallAppOutput,
            UninstallAppInput,
            UninstallAppOutput,
        ]
    );
    assert!(twins.is_empty(), "{twins:?}");
}

#[test]
fn cisco_epas_messages() {
    let b = Binding {
        version: generated::cisco_epas::epas_soap_service_binding::VERSION,
        prefixes: generated::cisco_epas::PREFIXES,
        namespaces: generated::cisco_epas::NAMESPACES,
    };
    let twins = messages!(
        b,
        generated::cisco_epas::epas_soap_service_binding,
        EpasSoapServiceBindingMessage,
        EpasSoapServiceBindingOperation,
        [
            LoginInput,
            LoginOutput,
            LogoutInput,
            LogoutOutput,
            GetAllConfigInput,
            GetAllConfigOutput,
            GetSystemConfigInput,
            GetSystemConfigOutput,
            GetUserConfigInput,
            GetUserConfigOutput,
            SetUserConfigInput,
            SetUserConfigOutput,
            GetContactListInput,
            GetContactListOutput,
            AddGroupInput,
            AddGroupOutput,
            ModifyGroupInput,
            ModifyGroupOutput,
            DeleteGroupInput,
            DeleteGroupOutput,
            AddContactInput,
            AddContactOutput,
            ModifyContactInput,
            ModifyContactOutput,
            DeleteContactInput,
            DeleteContactOutput,
            GetPresenceRulesInput,
            GetPresenceRulesOutput,
            SetPresenceRulesInput,
            SetPresenceRulesOutput,
            DeletePresenceRulesInput,
            DeletePresenceRulesOutput,
            GetDialingRulesInput,
            GetDialingRulesOutput,
            AddRecentCommInput,
            AddRecentCommOutput,
            GetRecentCommInput,
            GetRecentCommOutput,
            GetLicensingFeaturesInput,
            GetLicensingFeaturesOutput,
            PublishPresStatusInput,
            PublishPresStatusOutput,
            UnpublishPresStatusInput,
            UnpublishPresStatusOutput,
            GetAclInput,
            GetAclOutput,
            AddAclInput,
            AddAclOutput,
            DeleteAclInput,
            DeleteAclOutput,
            GetCalendaringInput,
            GetCalendaringOutput,
            SetCalendaringInput,
            SetCalendaringOutput,
        ]
    );
    assert!(twins.is_empty(), "{twins:?}");
}

/// The UCCN schema has no messages: each of its root elements, encoded as a document and
/// decoded.
fn root_element<E>(name: &str, el: soapkit::codec::RootElement<E>)
where
    E: soapkit::codec::ElementCodec,
    E::Value: Arbitrary + PartialEq + Debug,
{
    let result = runner().run(&any::<E::Value>(), |v| {
        let xml = el.encode(&v).map_err(|e| fail(format!("{name}: {v:?} not encoded: {e}")))?;
        let back = el.decode(&xml).map_err(|e| fail(format!("{name}: its own document not decoded: {e}\n{xml}")))?;
        proptest::prop_assert_eq!(&back, &v, "{} decoded differently from\n{}", name, xml);
        let again = el.encode(&back).map_err(|e| fail(format!("{name}: decoded value not encoded: {e}")))?;
        proptest::prop_assert_eq!(&again, &xml, "{}: encoding the decoded value gives other bytes", name);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn cisco_uccn_root_elements() {
    use generated::cisco_uccn::uccn;
    root_element("UPCConfigChange", uccn::UPC_CONFIG_CHANGE);
    root_element("Group", uccn::GROUP);
    root_element("Property", uccn::PROPERTY);
}
