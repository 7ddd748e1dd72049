//! A reference [MS-OXWUMS] Unified Messaging server on the generated bindings: the 14
//! operations of the Voice Mail Settings Web Service over HTTPS, with a simulated telephone
//! network, per-user settings in SQLite and HTTP Basic users from a users file; and, beside
//! them on `/EWS/Exchange.asmx`, the 6 mail app operations of [MS-OXWSCEXT].
//!
//! - [`service`]: the Unified Messaging operations ([`service::UmService`]);
//! - [`apps`]: the mail app operations ([`apps::AppsService`]);
//! - [`client`]: a convenience client over the generated one;
//! - [`calls`]: the phone call state model of 3.1.1.1 and its `Call_timeout`;
//! - [`simulation`]: dialing rules, the simulated callee, identifier checks;
//! - [`clock`]: real and manual time;
//! - [`store`]: the SQLite store of settings and apps;
//! - [`users`]: the users file and password checks;
//! - [`tls`]: the self-signed certificate;
//! - [`logging`]: one log line per request;
//! - [`server`]: the data directory and the HTTPS listener.
//!
//! See README.md of this crate for the commands and the simulation rules.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod apps;
pub mod calls;
pub mod client;
pub mod clock;
pub mod logging;
pub mod server;
pub mod service;
pub mod simulation;
pub mod store;
pub mod tls;
pub mod tokens;
pub mod users;
