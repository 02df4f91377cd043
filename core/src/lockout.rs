//! The brute-force schedule for one account (ANS référentiel d'identification, EXI 25; NIST
//! SP 800-63B § 5.2.2): a growing delay after 5 consecutive failures, a 30-minute lock after 10.
//! The count goes on until a success: once a lock has run out, each further failure locks again,
//! and after [`BLOCK_AFTER_FAILURES`] consecutive failures the account is blocked until a reset
//! (support). Pure functions of the failure count and of times given in Unix seconds: the server
//! brings the clock.

/// Failures allowed before the delay starts.
pub const FREE_FAILURES: u32 = 5;
/// Consecutive failures that lock the account.
pub const LOCK_AFTER_FAILURES: u32 = 10;
/// How long a lock lasts, in seconds (30 minutes). The count does not start again after it.
pub const LOCK_SECONDS: i64 = 30 * 60;
/// Consecutive failures that block the account until a reset (NIST SP 800-63B: at most 100).
pub const BLOCK_AFTER_FAILURES: u32 = 100;
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
    /// Blocked until a reset: only support lifts it.
    Blocked,
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
    if failures >= BLOCK_AFTER_FAILURES {
        return Gate::Blocked;
    }
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
        // The count goes on: the next failure locks again.
        assert_eq!(
            gate(11, Some(200), 201),
            Gate::Locked {
                until: 200 + LOCK_SECONDS
            }
        );
        assert_eq!(
            gate(BLOCK_AFTER_FAILURES - 1, Some(100), i64::MAX),
            Gate::Open
        );
        assert_eq!(
            gate(BLOCK_AFTER_FAILURES, Some(100), i64::MAX),
            Gate::Blocked
        );
        assert_eq!(gate(BLOCK_AFTER_FAILURES, None, 0), Gate::Blocked);
    }

    proptest! {
        #[test]
        fn delay_grows_and_is_bounded(f in 0u32..1000) {
            prop_assert!(delay_after(f) <= delay_after(f + 1));
            prop_assert!(delay_after(f) <= MAX_DELAY_SECONDS);
        }

        #[test]
        fn gate_never_panics_and_opens_eventually_below_the_block(
            f in 0u32..BLOCK_AFTER_FAILURES,
            last in i64::MIN..i64::MAX,
        ) {
            let g = gate(f, Some(last), last);
            let _ = g;
            prop_assert_eq!(gate(f, Some(last), i64::MAX), Gate::Open);
        }
    }
}
