//! The one password check, used by the live checklist and by the server.

use super::common::is_common;
use super::rule::Rule;
use super::PasswordPolicy;
use serde::{Deserialize, Serialize};

/// What a check knows besides the password.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    /// The account's identifier, for [`Rule::NotIdentifier`]; empty if not known yet.
    pub identifier: &'a str,
    /// Unicode lower-casing, for [`Rule::NotIdentifier`]'s case-insensitive comparison and
    /// [`Rule::Uppercase`]: [`str::to_lowercase`] by default. The widget passes the browser's
    /// `toLowerCase` (the same Unicode default case mapping): Rust's would bring its case tables
    /// into the wasm (BENCHMARKS.md, lever table).
    pub lowercase: fn(&str) -> String,
    /// Unicode upper-casing, for [`Rule::Lowercase`]: [`str::to_uppercase`] by default, the
    /// browser's `toUpperCase` in the widget.
    pub uppercase: fn(&str) -> String,
}

impl<'a> CheckContext<'a> {
    /// The context for `identifier`, with Rust's lower-casing.
    pub fn new(identifier: &'a str) -> CheckContext<'a> {
        CheckContext {
            identifier,
            lowercase: str::to_lowercase,
            uppercase: str::to_uppercase,
        }
    }
}

impl Default for CheckContext<'_> {
    fn default() -> Self {
        CheckContext::new("")
    }
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
        if !has(&found, c) {
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
        // A letter with case, judged by the case mappings (the same in Rust and in browsers)
        // rather than by `char::is_uppercase`, whose tables the widget's wasm does without.
        Rule::Uppercase => ((ctx.lowercase)(password) != password, String::new()),
        Rule::Lowercase => ((ctx.uppercase)(password) != password, String::new()),
        Rule::Digit => (password.chars().any(|c| c.is_ascii_digit()), String::new()),
        Rule::Special { allowed } => (password.chars().any(|c| has(allowed, c)), String::new()),
        Rule::Forbidden { chars } => {
            let found = culprits(password, |c| has(chars, c));
            (found.is_empty(), found)
        }
        Rule::DigitsOnly => {
            let found = culprits(password, |c| !c.is_ascii_digit());
            (found.is_empty(), found)
        }
        Rule::NotIdentifier => (!contains_identifier(password, ctx), String::new()),
        Rule::NotCommon => (!is_common(password), String::new()),
        Rule::NotGuessablePin => (!is_guessable_pin(password), String::new()),
    }
}

/// Digits (4 or more) that an attacker tries first: one digit or a short pattern repeated, a
/// run up or down, or a date.
pub fn is_guessable_pin(code: &str) -> bool {
    let d: Vec<u8> = code.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if d.len() < 4 || d.iter().any(|&x| x > 9) {
        return false;
    }
    let repeated = (1..=d.len() / 2)
        .filter(|p| d.len().is_multiple_of(*p))
        .any(|p| d.chunks(p).all(|c| c == &d[..p]));
    let run = |step: i8| {
        d.windows(2)
            .all(|w| i8::try_from(w[1]).unwrap_or(0) - i8::try_from(w[0]).unwrap_or(0) == step)
    };
    repeated || run(1) || run(-1) || is_date(&d)
}

/// `DDMMYY`, `YYMMDD`, `DDMMYYYY` or `YYYYMMDD` with a plausible day and month.
fn is_date(d: &[u8]) -> bool {
    let num = |s: &[u8]| s.iter().fold(0u32, |n, &x| n * 10 + u32::from(x));
    let day_month = |day: u32, month: u32| (1..=31).contains(&day) && (1..=12).contains(&month);
    let century = |year: u32| (1900..=2099).contains(&year);
    match d.len() {
        6 => day_month(num(&d[0..2]), num(&d[2..4])) || day_month(num(&d[4..6]), num(&d[2..4])),
        8 => {
            (day_month(num(&d[0..2]), num(&d[2..4])) && century(num(&d[4..8])))
                || (century(num(&d[0..4])) && day_month(num(&d[6..8]), num(&d[4..6])))
        }
        _ => false,
    }
}

/// Case-insensitive: equal to the identifier, or containing it when it has 3+ characters.
fn contains_identifier(password: &str, ctx: CheckContext<'_>) -> bool {
    let id = (ctx.lowercase)(ctx.identifier.trim());
    if id.is_empty() {
        return false;
    }
    let pw = (ctx.lowercase)(password);
    pw == id || (id.chars().count() >= 3 && contains(&pw, &id))
}

/// `s.contains(c)`, character by character: `str::contains` looks for a non-ASCII character
/// with the substring search, which the widget's wasm can do without (see [`contains`]).
fn has(s: &str, c: char) -> bool {
    s.chars().any(|x| x == c)
}

/// `haystack.contains(needle)`, byte by byte: UTF-8 matches only on character boundaries, so
/// the answer is the same, without the two-way substring search (2 KB of the widget's wasm).
fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::PasswordPolicy;

    #[test]
    fn searches_judge_as_str_does() {
        for (hay, needle) in [
            ("motdepasse-éloïse", "éloïse"),
            ("éloïse", "loï"),
            ("eloise", "éloïse"),
            ("aé", "\u{301}"),
            ("abc", "abc"),
            ("ab", "abc"),
        ] {
            assert_eq!(
                contains(hay, needle),
                hay.contains(needle),
                "{hay} {needle}"
            );
        }
        for c in ['é', 'e', '€', '\0'] {
            assert_eq!(has("café €", c), "café €".contains(c), "{c}");
        }
    }

    #[test]
    fn letter_rules_follow_the_case_mappings() {
        let policy = PasswordPolicy {
            rules: vec![Rule::Uppercase, Rule::Lowercase],
            ..PasswordPolicy::spico()
        };
        let met = |pw: &str| -> Vec<bool> {
            check(pw, &policy, CheckContext::default())
                .iter()
                .map(|o| o.met)
                .collect()
        };
        assert_eq!(met("école"), [false, true]);
        assert_eq!(met("ÉCOLE"), [true, false]);
        assert_eq!(met("Σοφία"), [true, true]);
        assert_eq!(met("ß"), [false, true]);
        // A title-case letter changes both ways; digits and CJK have no case.
        assert_eq!(met("ǅ"), [true, true]);
        assert_eq!(met("2026-日本"), [false, false]);
    }

    #[test]
    fn guessable_pins() {
        for pin in [
            "000000", "111111", "121212", "123123", "123456", "012345", "987654", "654321",
            "250380", "800325", "01012000", "20001231", "1234",
        ] {
            assert!(is_guessable_pin(pin), "{pin}");
        }
        for pin in ["482915", "739164", "13579", "abcdef", "12345a", "123"] {
            assert!(!is_guessable_pin(pin), "{pin}");
        }
    }

    #[test]
    fn entractes_refuses_guessable_pins_and_spico_common_passwords() {
        let ctx = CheckContext::default();
        let entractes = PasswordPolicy::entractes();
        assert!(!is_acceptable(&check("123456", &entractes, ctx)));
        assert!(!is_acceptable(&check("000000", &entractes, ctx)));
        assert!(is_acceptable(&check("482915", &entractes, ctx)));
        assert!(PasswordPolicy::spico().rules.contains(&Rule::NotCommon));
    }
}
