//! Shared test harness: a `UmService` with a manual clock and a SQLite store in a temporary
//! directory, behind the generated dispatcher with the Exchange fault policy, reached through
//! the in-process loopback transport.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher;
use generated::faults::ExchangeFaults;
use soapkit::loopback::Loopback;
use um_server::calls::Timing;
use um_server::client::UmClient;
use um_server::clock::ManualClock;
use um_server::service::{UmConfig, UmService};
use um_server::store::{DB_FILE, Store};
use um_server::users::{StaticDirectory, UserInfo};

pub type Dispatcher = UmWebServiceSoapDispatcher<UmService, ExchangeFaults>;

/// Ring delay of the tests' calls.
pub const RING: Duration = Duration::from_secs(3);
/// Hang-up delay of the tests' calls.
pub const HANGUP: Duration = Duration::from_secs(60);

pub struct Harness {
    pub clock: ManualClock,
    pub loopback: Loopback<Dispatcher>,
}

pub fn users() -> StaticDirectory {
    let u = |name: &str, um: bool| UserInfo { name: name.into(), um_enabled: um, email: format!("{name}@example.com") };
    StaticDirectory(vec![u("alice", true), u("bob", true), u("carol", false)])
}

pub fn config() -> UmConfig {
    UmConfig { timing: Timing { ring_delay: RING, hangup_after: HANGUP }, ..UmConfig::default() }
}

impl Harness {
    /// A server whose database is in `dir`.
    pub fn in_dir(dir: &Path) -> Harness {
        let clock = ManualClock::new();
        let store = Arc::new(Store::open(&dir.join(DB_FILE)).expect("store"));
        let service = UmService::new(Arc::new(clock.clone()), store, Arc::new(users()), config());
        let dispatcher = UmWebServiceSoapDispatcher::new(service).with_fault_policy(ExchangeFaults);
        Harness { clock, loopback: Loopback::new(dispatcher) }
    }

    pub fn client(&self, user: &str) -> UmClient<Loopback<Dispatcher>> {
        UmClient::new(self.loopback.as_user(user))
    }

    pub fn anonymous(&self) -> UmClient<Loopback<Dispatcher>> {
        UmClient::new(self.loopback.clone())
    }

    pub fn service(&self) -> &UmService {
        self.loopback.service().service()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// The response body of the last exchange.
    pub fn last_response(&self) -> String {
        self.loopback.exchanges().last().map(|e| e.response_body.clone()).unwrap_or_default()
    }

    /// Sends a raw SOAP 1.1 envelope as `user`; returns (status, body).
    pub async fn raw(&self, user: &str, action: &'static str, envelope: &str) -> (u16, String) {
        use soapkit::client::Transport as _;
        let request = soapkit::client::SoapRequest { version: soapkit::soap::SoapVersion::V11, action, body: envelope.to_owned() };
        let r = self.loopback.as_user(user).send(request).await.expect("loopback");
        (r.status, String::from_utf8(r.body).expect("utf-8"))
    }
}

pub const ENTRY_ID: &str = "AAAAAGsd2rbQLVtLobUGbrq/9IUHAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAACxVpE1+KVVL1957wp//x6UAGAetcDUAAA=";
pub const ITEM_ID: &str = "AkAjzQTbY/i=";
pub const DIALING_TEXT: &str = "Dialing restrictions are preventing the phone number that was entered from being dialed.";
