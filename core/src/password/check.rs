//! The one password check, used by the live checklist and by the server.

use super::common::is_common;
use super::rule::Rule;
use super::PasswordPolicy;
use serde::{Deserialize, Serialize};

/// What a check knows besides the password.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckContext<'a> {
    /// The account's identifier, for [`Rule::NotIdentifier`]; empty if not known yet.
    pub identifier: &'a str,
}

/// One rule's state for a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleOutcome {
    /// The rule.
    pub rule: Rule,
    /// Whether the password meets it.
    pub met: bool,
    /// The characters that break the rule, each once, in order of appearance (for
    /// [`Rule::Forbidden`] and [`Rule::DigitsOnly`]); empty otherwise. Never the password.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub found: String,
}

/// Every rule's state for `password`, in the policy's order: one outcome per rule.
pub fn check(password: &str, policy: &PasswordPolicy, ctx: CheckContext<'_>) -> Vec<RuleOutcome> {
    policy
        .rules
        .iter()
        .map(|rule| {
            let (met, found) = check_rule(rule, password, ctx);
            RuleOutcome {
                rule: rule.clone(),
                met,
                found,
            }
        })
        .collect()
}

/// Whether every outcome is met.
pub fn is_acceptable(outcomes: &[RuleOutcome]) -> bool {
    outcomes.iter().all(|o| o.met)
}

/// The distinct characters of `password` for which `bad` holds, in order of appearance.
fn culprits(password: &str, bad: impl Fn(char) -> bool) -> String {
    let mut found = String::new();
    for c in password.chars().filter(|&c| bad(c)) {
        if !found.contains(c) {
            found.push(c);
        }
    }
    found
}

fn check_rule(rule: &Rule, password: &str, ctx: CheckContext<'_>) -> (bool, String) {
    let len = password.chars().count();
    match rule {
        Rule::MinLength { min } => (len >= *min, String::new()),
        Rule::MaxLength { max } => (len <= *max, String::new()),
        Rule::Uppercase => (password.chars().any(char::is_uppercase), String::new()),
        Rule::Lowercase => (password.chars().any(char::is_lowercase), String::new()),
        Rule::Digit => (password.chars().any(|c| c.is_ascii_digit()), String::new()),
        Rule::Special { allowed } => (password.chars().any(|c| allowed.contains(c)), String::new()),
        Rule::Forbidden { chars } => {
            let found = culprits(password, |c| chars.contains(c));
            (found.is_empty(), found)
        }
        Rule::DigitsOnly => {
            let found = culprits(password, |c| !c.is_ascii_digit());
            (found.is_empty(), found)
        }
        Rule::NotIdentifier => (
            !contains_identifier(password, ctx.identifier),
            String::new(),
        ),
        Rule::NotCommon => (!is_common(password), String::new()),
    }
}

/// Case-insensitive: equal to the identifier, or containing it when it has 3+ characters.
fn contains_identifier(password: &str, identifier: &str) -> bool {
    let id = identifier.trim().to_lowercase();
    if id.is_empty() {
        return false;
    }
    let pw = password.to_lowercase();
    pw == id || (id.chars().count() >= 3 && pw.contains(&id))
}
