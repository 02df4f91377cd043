//! Counting an attempt **before** checking it, against core's lockout schedule: the one
//! pattern every secret check of the demo uses (passwords in [`crate::credentials`], one-time
//! codes in [`crate::routes::code`]).
//!
//! The gate is computed on the count just read; the attempt is counted by one conditional
//! `UPDATE … WHERE failures = <that count> RETURNING failures`. Attempts sent in parallel race
//! for that statement: each checked attempt has been counted first, and one that lost the race
//! re-reads the count (and so meets the delay or the lock). When nothing is counted (no such
//! account, closed gate, lost race), the `timing_decoy` row is written instead, so every path
//! makes the same disk writes.

use crate::db::{self, Counter, Db};
use sesame_core::lockout::{self, Gate};

/// How many times a reservation is retried when other attempts keep changing the count.
const RESERVE_TRIES: usize = 8;

/// The outcome of a reservation.
#[derive(Debug)]
pub struct Reservation {
    /// The gate, as computed on the count that was (or could not be) reserved.
    pub gate: Gate,
    /// The counter as last read.
    pub counter: Counter,
    /// Whether this attempt was counted: only then may the secret be checked for real.
    pub reserved: bool,
}

impl Reservation {
    /// Whether the secret may be checked: counted, with the gate open.
    pub fn may_check(&self) -> bool {
        self.reserved && self.gate == Gate::Open
    }
}

/// Reserves an attempt on `counter` (as read); `known` is false when there is no account (the
/// same statement runs, and matches no row).
pub async fn reserve(
    db: &Db,
    mut counter: Counter,
    known: bool,
    now: i64,
) -> sqlx::Result<Reservation> {
    let mut gate = Gate::Open;
    let mut reserved = false;
    for _ in 0..RESERVE_TRIES {
        gate = if known {
            lockout::gate(counter.failure_count(), counter.last_failure(), now)
        } else {
            Gate::Open
        };
        let expected = if gate == Gate::Open {
            counter.failures()
        } else {
            // A count no row has: the statement runs, and changes nothing.
            -1
        };
        match db::reserve_attempt(db, &counter, expected, now).await? {
            Some(_) => {
                reserved = true;
                break;
            }
            None if !known || gate != Gate::Open => break,
            // Another attempt changed the count between our read and our write: read again.
            None => match db::read_counter(db, &counter).await? {
                Some(fresh) => counter = fresh,
                None => break,
            },
        }
    }
    if known && gate == Gate::Open && !reserved {
        // Still racing after every try: treat it as delayed.
        gate = Gate::Delayed { until: now };
    }
    if !reserved {
        db::write_decoy(db).await?;
    }
    Ok(Reservation {
        gate,
        counter,
        reserved,
    })
}
