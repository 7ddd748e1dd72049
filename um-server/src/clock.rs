//! Time, as the call simulation sees it: a monotonic [`Clock`] with a real implementation
//! ([`SystemClock`]) and one that only moves when told to ([`ManualClock`]), so that tests can
//! go past the ring delay and the 32-second `Call_timeout` without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A point on a [`Clock`]: the time since that clock's origin.
pub type Tick = Duration;

/// A monotonic clock.
pub trait Clock: Send + Sync + 'static {
    /// The time elapsed since the clock's origin; never decreases.
    fn now(&self) -> Tick;

    /// Wall-clock time, for records that outlive the process (the outbox): seconds since the
    /// Unix epoch.
    fn unix_time(&self) -> i64;
}

/// The real clock: [`Instant`] for calls, [`SystemTime`] for records.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        SystemClock { origin: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Tick {
        self.origin.elapsed()
    }

    fn unix_time(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0)
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it. Clones share the time.
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

/// The Unix time [`ManualClock`] reports at its origin (2024-01-01T00:00:00Z).
pub const MANUAL_EPOCH: i64 = 1_704_067_200;

impl ManualClock {
    /// A clock at its origin.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let add = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // fetch_update cannot fail with a closure that always returns Some.
        let _ = self.nanos.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(n.saturating_add(add)));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Tick {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }

    fn unix_time(&self) -> i64 {
        MANUAL_EPOCH.saturating_add(i64::try_from(self.now().as_secs()).unwrap_or(i64::MAX))
    }
}

impl<C: Clock> Clock for Arc<C> {
    fn now(&self) -> Tick {
        (**self).now()
    }

    fn unix_time(&self) -> i64 {
        (**self).unix_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let c = ManualClock::new();
        let shared = c.clone();
        assert_eq!(c.now(), Duration::ZERO);
        shared.advance(Duration::from_secs(3));
        assert_eq!(c.now(), Duration::from_secs(3));
        assert_eq!(c.unix_time(), MANUAL_EPOCH + 3);
    }

    #[test]
    fn system_clock_is_monotonic() {
        let c = SystemClock::new();
        let a = c.now();
        let b = c.now();
        assert!(b >= a);
        assert!(c.unix_time() > MANUAL_EPOCH);
    }
}
