//! The brute-force schedule for one account (ANS référentiel d'identification, EXI 25):
//! a growing delay after 5 consecutive failures, a lock after 10. Pure functions of the failure
//! count and of times given in Unix seconds: the server brings the clock.

/// Failures allowed before the delay starts.
pub const FREE_FAILURES: u32 = 5;
/// Consecutive failures that lock the account.
pub const LOCK_AFTER_FAILURES: u32 = 10;
/// How long a lock lasts, in seconds (30 minutes), after which the count starts again.
pub const LOCK_SECONDS: i64 = 30 * 60;
/// The longest delay between two attempts before the lock, in seconds.
pub const MAX_DELAY_SECONDS: i64 = 60;

/// Whether an attempt may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Check the password.
    Open,
    /// Too soon after the last failure: refuse without checking until `until`.
    Delayed {
        /// Unix seconds.
        until: i64,
    },
    /// Locked until `until`.
    Locked {
        /// Unix seconds.
        until: i64,
    },
}

/// The delay imposed after `failures` consecutive failures: none up to 5, then 1, 2, 4, 8…
/// seconds, capped at [`MAX_DELAY_SECONDS`].
pub fn delay_after(failures: u32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let exp = (failures - FREE_FAILURES).min(30);
    (1i64 << exp).min(MAX_DELAY_SECONDS)
}

/// The gate for an account with `failures` consecutive failures, the last at `last_failure`.
pub fn gate(failures: u32, last_failure: Option<i64>, now: i64) -> Gate {
    let Some(last) = last_failure else {
        return Gate::Open;
    };
    if failures >= LOCK_AFTER_FAILURES {
        let until = last.saturating_add(LOCK_SECONDS);
        return if now < until {
            Gate::Locked { until }
        } else {
            Gate::Open
        };
    }
    let until = last.saturating_add(delay_after(failures));
    if now < until {
        Gate::Delayed { until }
    } else {
        Gate::Open
    }
}

/// The failure count to start from for a new attempt: a lock that has run out starts the
/// count again.
pub fn effective_failures(failures: u32, last_failure: Option<i64>, now: i64) -> u32 {
    match last_failure {
        Some(last)
            if failures >= LOCK_AFTER_FAILURES && now >= last.saturating_add(LOCK_SECONDS) =>
        {
            0
        }
        _ => failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn schedule() {
        assert_eq!(gate(0, None, 100), Gate::Open);
        assert_eq!(gate(4, Some(100), 100), Gate::Open);
        assert_eq!(gate(5, Some(100), 100), Gate::Delayed { until: 101 });
        assert_eq!(gate(5, Some(100), 101), Gate::Open);
        assert_eq!(gate(7, Some(100), 103), Gate::Delayed { until: 104 });
        assert_eq!(gate(9, Some(100), 115), Gate::Delayed { until: 116 });
        assert_eq!(
            gate(10, Some(100), 100 + LOCK_SECONDS - 1),
            Gate::Locked {
                until: 100 + LOCK_SECONDS
            }
        );
        assert_eq!(gate(10, Some(100), 100 + LOCK_SECONDS), Gate::Open);
        assert_eq!(effective_failures(10, Some(100), 100 + LOCK_SECONDS), 0);
        assert_eq!(effective_failures(10, Some(100), 101), 10);
        assert_eq!(effective_failures(3, Some(100), 1_000_000), 3);
    }

    proptest! {
        #[test]
        fn delay_grows_and_is_bounded(f in 0u32..1000) {
            prop_assert!(delay_after(f) <= delay_after(f + 1));
            prop_assert!(delay_after(f) <= MAX_DELAY_SECONDS);
        }

        #[test]
        fn gate_never_panics_and_opens_eventually(f in 0u32..u32::MAX, last in i64::MIN..i64::MAX) {
            let g = gate(f, Some(last), last);
            let _ = g;
            prop_assert_eq!(gate(f, Some(last), i64::MAX), Gate::Open);
        }
    }
}
