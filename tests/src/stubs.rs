//! Stubs of the two Exchange services (MS-OXWUMS, MS-OXWSCEXT) on the generated server
//! traits: every call is counted and answered with a recognisable `Server` fault. For tests
//! that need a service behind a dispatcher but not its behaviour, and for the dispatcher fuzz
//! target, which checks that a request reaches the service exactly when it decodes.

// The generated server trait returns `Result<_, Fault>`.
#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicUsize, Ordering};

macro_rules! fault_stubs {
    ($server:path, $ty:ident, $text:ident, $version:path: $($method:ident($input:ident) -> $output:ident;)*) => {
        /// A stub: counts its calls and answers each with a `Server` fault whose reason is
        #[doc = concat!("[`", stringify!($text), "`].")]
        #[derive(Debug, Default)]
        pub struct $ty {
            calls: AtomicUsize,
        }

        impl $ty {
            /// How many calls reached the stub.
            pub fn calls(&self) -> usize {
                self.calls.load(Ordering::Relaxed)
            }
        }

        impl $server for $ty {
            $(
                async fn $method(&self, _: &soapkit::server::RequestContext, _: $input) -> Result<$output, soapkit::soap::Fault> {
                    self.calls.fetch_add(1, Ordering::Relaxed);
                    Err(soapkit::soap::Fault::soap($version, "Server", $text))
                }
            )*
        }
    };
}

/// The reason of every fault [`NoUm`] answers.
pub const NO_UM: &str = "no UM here";
/// The reason of every fault [`NoApps`] answers.
pub const NO_APPS: &str = "no apps here";

mod um {
    use super::*;
    use generated::exchange::um_web_service_soap::*;
    fault_stubs!(UmWebServiceSoapServer, NoUm, NO_UM, VERSION:
        is_um_enabled(IsUmEnabledInput) -> IsUmEnabledOutput;
        get_um_properties(GetUmPropertiesInput) -> GetUmPropertiesOutput;
        set_oof_status(SetOofStatusInput) -> SetOofStatusOutput;
        set_play_on_phone_dial_string(SetPlayOnPhoneDialStringInput) -> SetPlayOnPhoneDialStringOutput;
        set_telephone_access_folder_email(SetTelephoneAccessFolderEmailInput) -> SetTelephoneAccessFolderEmailOutput;
        set_missed_call_notification_enabled(SetMissedCallNotificationEnabledInput) -> SetMissedCallNotificationEnabledOutput;
        reset_pin(ResetPinInput) -> ResetPinOutput;
        play_on_phone(PlayOnPhoneInput) -> PlayOnPhoneOutput;
        get_call_info(GetCallInfoInput) -> GetCallInfoOutput;
        disconnect(DisconnectInput) -> DisconnectOutput;
        play_on_phone_greeting(PlayOnPhoneGreetingInput) -> PlayOnPhoneGreetingOutput;
        disconnect_phone_call(DisconnectPhoneCallInput) -> DisconnectPhoneCallOutput;
        get_phone_call_information(GetPhoneCallInformationInput) -> GetPhoneCallInformationOutput;
        play_on_phone2(PlayOnPhone2Input) -> PlayOnPhone2Output;
    );
}

mod cext {
    use super::*;
    use generated::exchange::exchange_service_binding::*;
    fault_stubs!(ExchangeServiceBindingServer, NoApps, NO_APPS, VERSION:
        disable_app(DisableAppInput) -> DisableAppOutput;
        get_app_manifests(GetAppManifestsInput) -> GetAppManifestsOutput;
        get_app_marketplace_url(GetAppMarketplaceUrlInput) -> GetAppMarketplaceUrlOutput;
        get_client_access_token(GetClientAccessTokenInput) -> GetClientAccessTokenOutput;
        install_app(InstallAppInput) -> InstallAppOutput;
        uninstall_app(UninstallAppInput) -> UninstallAppOutput;
    );
}

pub use cext::NoApps;
pub use um::NoUm;
