//! The phone call state model of [MS-OXWUMS] 3.1.1.1 with the `Call_timeout` timer of 3.1.2.
//!
//! A call is created in `Connecting` by `PlayOnPhone`, `PlayOnPhoneGreeting` or `PlayOnPhone2`
//! (`*_request`). The simulated callee ([`crate::simulation::Callee`]) answers after the ring
//! delay (`Call_connected`) and later hangs up (`Phone_hangup`), or is busy; `Disconnect` /
//! `DisconnectPhoneCall` (`*_request`) disconnect it earlier. 32 seconds after a call enters
//! `Disconnected`, `Call_timeout` takes it to `Idle`: it is forgotten and its identifier is no
//! longer valid. States are computed from the [`Clock`](crate::clock::Clock) when read, so no
//! background task is needed and a manual clock drives every transition.
//!
//! Identifiers are 32 random bytes in base64 (44 characters, within the 512 the protocol
//! allows), unguessable. Each belongs to one user and one [`Family`]: looking it up as another
//! user, or through the other family's operations, finds nothing — exactly as an identifier
//! that was never issued.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::clock::Tick;
use crate::simulation::{Callee, base64};

/// `Call_timeout` ([MS-OXWUMS] 3.1.2): from `Disconnected` to `Idle`.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(32);
/// Longest call identifier the protocol allows ([MS-OXWUMS] 2.2.4.1, 3.1.4.3.2.1).
pub const MAX_CALL_ID_CHARS: usize = 512;

/// Which operations a call identifier is for ([MS-OXWUMS] 3.2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Issued by `PlayOnPhone` or `PlayOnPhoneGreeting`; for `GetCallInfo` and `Disconnect`.
    Legacy,
    /// Issued by `PlayOnPhone2`; for `GetPhoneCallInformation` and `DisconnectPhoneCall`.
    Ews,
}

/// The states a call identifier can be read in (`Idle` has no identifier).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallState {
    /// Dialing, or waiting for the callee to answer.
    Connecting,
    /// The callee answered.
    Connected,
    /// Disconnected; `Idle` follows [`CALL_TIMEOUT`] later.
    Disconnected,
}

/// Why a call was disconnected (`UMEventCause` / `ConnectionFailureCauseType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Not disconnected, or disconnected for no particular reason (a disconnect request or the
    /// callee hanging up).
    None,
    /// The callee's line was busy.
    UserBusy,
}

/// A call's state and cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallStatus {
    /// The state.
    pub state: CallState,
    /// The cause: [`Cause::None`] unless [`CallState::Disconnected`].
    pub cause: Cause,
}

/// Timing of the simulated calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// From `Connecting` to `Connected` (or, for a busy line, to `Disconnected`).
    pub ring_delay: Duration,
    /// From `Connected` to the callee hanging up.
    pub hangup_after: Duration,
}

impl Default for Timing {
    /// Rings 3 s, hangs up 120 s after answering.
    fn default() -> Self {
        Timing { ring_delay: Duration::from_secs(3), hangup_after: Duration::from_secs(120) }
    }
}

/// What a call plays (logged when it starts; the simulation does not depend on it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Playing {
    /// A mailbox item.
    Item(String),
    /// A greeting (`NormalCustom` or `OofCustom`).
    Greeting(String),
}

#[derive(Clone, Debug)]
struct Call {
    owner: String,
    family: Family,
    started: Tick,
    callee: Callee,
    /// Set by a disconnect request that came before the callee's own disconnection.
    disconnected: Option<Tick>,
}

impl Call {
    /// When and why the call is (or will be) disconnected.
    fn disconnection(&self, timing: Timing) -> (Tick, Cause) {
        if let Some(t) = self.disconnected {
            return (t, Cause::None);
        }
        match self.callee {
            Callee::Busy => (self.started.saturating_add(timing.ring_delay), Cause::UserBusy),
            Callee::Answers => (self.started.saturating_add(timing.ring_delay).saturating_add(timing.hangup_after), Cause::None),
        }
    }

    /// The status at `now`; `None` once the call is `Idle`.
    fn status(&self, now: Tick, timing: Timing) -> Option<CallStatus> {
        let (at, cause) = self.disconnection(timing);
        if now >= at {
            return (now < at.saturating_add(CALL_TIMEOUT)).then_some(CallStatus { state: CallState::Disconnected, cause });
        }
        let state = if now >= self.started.saturating_add(timing.ring_delay) { CallState::Connected } else { CallState::Connecting };
        Some(CallStatus { state, cause: Cause::None })
    }
}

/// Why a call could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartError {
    /// The user already has the maximum number of calls that are not `Idle`.
    TooManyCalls,
    /// No random identifier could be drawn.
    Random,
}

/// Every call that has not reached `Idle`.
#[derive(Debug)]
pub struct Calls {
    timing: Timing,
    max_per_user: usize,
    calls: Mutex<HashMap<String, Call>>,
}

/// Most calls a user may have that are not `Idle`, by default.
pub const DEFAULT_MAX_CALLS_PER_USER: usize = 16;

impl Calls {
    /// No calls yet.
    pub fn new(timing: Timing, max_per_user: usize) -> Self {
        Calls { timing, max_per_user, calls: Mutex::new(HashMap::new()) }
    }

    /// The timing.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Call>> {
        // A panic while holding the lock cannot leave the map inconsistent (every update is a
        // single insert or field write), so a poisoned lock is still usable.
        self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a call for `owner` (`*_request`): `Connecting`.
    pub fn start(
        &self,
        owner: &str,
        family: Family,
        number: String,
        callee: Callee,
        playing: Playing,
        now: Tick,
    ) -> Result<String, StartError> {
        let mut calls = self.lock();
        let timing = self.timing;
        calls.retain(|_, c| c.status(now, timing).is_some());
        if calls.values().filter(|c| c.owner == owner).count() >= self.max_per_user {
            return Err(StartError::TooManyCalls);
        }
        let id = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|_| StartError::Random)?;
            let id = base64(&bytes);
            if !calls.contains_key(&id) {
                break id;
            }
        };
        // The number and what is played are only for the record: the simulated callee is
        // already decided (`callee`).
        tracing::debug!(call = %id, owner, number, ?playing, "call started");
        calls.insert(id.clone(), Call { owner: owner.to_owned(), family, started: now, callee, disconnected: None });
        Ok(id)
    }

    /// The status of call `id` as `owner` sees it through `family`'s operations; `None` if the
    /// identifier is not valid for them (never issued, another user's, the other family's, or
    /// `Idle`).
    pub fn status(&self, owner: &str, family: Family, id: &str, now: Tick) -> Option<CallStatus> {
        if id.chars().count() > MAX_CALL_ID_CHARS {
            return None;
        }
        let mut calls = self.lock();
        let call = calls.get(id).filter(|c| c.owner == owner && c.family == family)?;
        let status = call.status(now, self.timing);
        if status.is_none() {
            calls.remove(id);
        }
        status
    }

    /// Disconnects call `id` (`Disconnect_request` / `DisconnectPhoneCall_request`). A call that
    /// is already `Disconnected` stays as it is (its `Call_timeout` keeps running). Returns the
    /// status after the request, `None` if the identifier is not valid (as for
    /// [`Calls::status`]).
    pub fn disconnect(&self, owner: &str, family: Family, id: &str, now: Tick) -> Option<CallStatus> {
        if id.chars().count() > MAX_CALL_ID_CHARS {
            return None;
        }
        let mut calls = self.lock();
        let timing = self.timing;
        let call = calls.get_mut(id).filter(|c| c.owner == owner && c.family == family)?;
        match call.status(now, timing) {
            None => {
                calls.remove(id);
                None
            }
            Some(s) if s.state == CallState::Disconnected => Some(s),
            Some(_) => {
                call.disconnected = Some(now);
                call.status(now, timing)
            }
        }
    }

    /// How many calls are not `Idle` (for tests and diagnostics).
    pub fn live(&self, now: Tick) -> usize {
        let timing = self.timing;
        self.lock().values().filter(|c| c.status(now, timing).is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn calls() -> Calls {
        Calls::new(Timing { ring_delay: S(3), hangup_after: S(60) }, 2)
    }

    fn st(state: CallState, cause: Cause) -> Option<CallStatus> {
        Some(CallStatus { state, cause })
    }

    #[test]
    fn answered_call_lifecycle() {
        let c = calls();
        let id = c.start("alice", Family::Legacy, "123".into(), Callee::Answers, Playing::Item("x".into()), S(10)).unwrap();
        assert_eq!(id.len(), 44);
        assert_eq!(c.status("alice", Family::Legacy, &id, S(12)), st(CallState::Connecting, Cause::None));
        assert_eq!(c.status("alice", Family::Legacy, &id, S(13)), st(CallState::Connected, Cause::None));
        assert_eq!(c.disconnect("alice", Family::Legacy, &id, S(20)), st(CallState::Disconnected, Cause::None));
        // A second disconnect changes nothing; the timeout runs from the first.
        assert_eq!(c.disconnect("alice", Family::Legacy, &id, S(40)), st(CallState::Disconnected, Cause::None));
        assert_eq!(c.status("alice", Family::Legacy, &id, S(51)), st(CallState::Disconnected, Cause::None));
        assert_eq!(c.status("alice", Family::Legacy, &id, S(52)), None);
        assert_eq!(c.live(S(52)), 0);
        assert_eq!(c.disconnect("alice", Family::Legacy, &id, S(53)), None);
    }

    #[test]
    fn callee_hangs_up_and_busy_lines_disconnect() {
        let c = calls();
        let id = c.start("alice", Family::Ews, "123".into(), Callee::Answers, Playing::Item("x".into()), S(0)).unwrap();
        assert_eq!(c.status("alice", Family::Ews, &id, S(62)), st(CallState::Connected, Cause::None));
        assert_eq!(c.status("alice", Family::Ews, &id, S(63)), st(CallState::Disconnected, Cause::None));
        assert_eq!(c.status("alice", Family::Ews, &id, S(95)), None);

        let busy = c.start("alice", Family::Ews, "486".into(), Callee::Busy, Playing::Greeting("NormalCustom".into()), S(100)).unwrap();
        assert_eq!(c.status("alice", Family::Ews, &busy, S(102)), st(CallState::Connecting, Cause::None));
        assert_eq!(c.status("alice", Family::Ews, &busy, S(103)), st(CallState::Disconnected, Cause::UserBusy));
        assert_eq!(c.disconnect("alice", Family::Ews, &busy, S(104)), st(CallState::Disconnected, Cause::UserBusy));
        assert_eq!(c.status("alice", Family::Ews, &busy, S(135)), None);
    }

    #[test]
    fn ids_are_private_to_owner_and_family() {
        let c = calls();
        let id = c.start("alice", Family::Legacy, "123".into(), Callee::Answers, Playing::Item("x".into()), S(0)).unwrap();
        assert_eq!(c.status("bob", Family::Legacy, &id, S(1)), None);
        assert_eq!(c.disconnect("bob", Family::Legacy, &id, S(1)), None);
        assert_eq!(c.status("alice", Family::Ews, &id, S(1)), None);
        assert_eq!(c.disconnect("alice", Family::Ews, &id, S(1)), None);
        assert_eq!(c.status("alice", Family::Legacy, &id, S(1)), st(CallState::Connecting, Cause::None));
        assert_eq!(c.status("alice", Family::Legacy, &"A".repeat(600), S(1)), None);
    }

    #[test]
    fn calls_per_user_are_limited_until_they_go_idle() {
        let c = calls();
        let p = || Playing::Item("x".into());
        c.start("alice", Family::Legacy, "1".into(), Callee::Busy, p(), S(0)).unwrap();
        c.start("alice", Family::Ews, "1".into(), Callee::Busy, p(), S(0)).unwrap();
        assert_eq!(c.start("alice", Family::Legacy, "1".into(), Callee::Busy, p(), S(1)), Err(StartError::TooManyCalls));
        assert!(c.start("bob", Family::Legacy, "1".into(), Callee::Busy, p(), S(1)).is_ok());
        // Busy calls are Idle 3 + 32 s after they started.
        assert!(c.start("alice", Family::Legacy, "1".into(), Callee::Busy, p(), S(35)).is_ok());
    }
}
