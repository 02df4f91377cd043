//! Password rules as data, checked by one function used by the widget (live checklist) and the
//! server (enforcement).
//!
//! - [`Rule`]: one rule (minimum length, a required class, forbidden characters…);
//! - [`PasswordPolicy`]: a named list of rules with its honest entropy estimate;
//! - [`check`]: every rule's state for a password, in the policy's order.

mod check;
mod common;
mod policy;
mod rule;

pub use check::{check, is_acceptable, is_guessable_pin, CheckContext, RuleOutcome};
pub use common::{is_common, HAS_COMMON_LIST};
pub use policy::{EntropyAssessment, PasswordPolicy, PasswordUsage};
pub use rule::Rule;
