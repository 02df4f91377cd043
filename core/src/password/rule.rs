//! One password rule, and its label for the checklist.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// One password rule. Rules are data: a portal's JSON configuration lists them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// At least `min` characters (Unicode scalar values, as NIST SP 800-63B counts them).
    MinLength {
        /// Minimum number of characters.
        min: usize,
    },
    /// At most `max` characters.
    MaxLength {
        /// Maximum number of characters.
        max: usize,
    },
    /// At least one upper-case letter: a character that lower-casing changes (Unicode's
    /// default case mapping, as browsers do it).
    Uppercase,
    /// At least one lower-case letter: a character that upper-casing changes.
    Lowercase,
    /// At least one digit 0–9.
    Digit,
    /// At least one special character taken from `allowed`.
    Special {
        /// The special characters the portal accepts.
        allowed: String,
    },
    /// None of these characters.
    Forbidden {
        /// The refused characters, each named in the checklist.
        chars: String,
    },
    /// Digits 0–9 only.
    DigitsOnly,
    /// Neither equal to nor containing the identifier.
    NotIdentifier,
    /// Not in the list of common passwords shipped with Sésame.
    NotCommon,
    /// For codes of digits: not one digit or a short pattern repeated (`000000`, `121212`,
    /// `123123`), not a run up or down (`123456`, `987654`), not a date (`DDMMYY`, `YYMMDD`,
    /// `DDMMYYYY`, `YYYYMMDD`). Met by anything that is not all digits.
    NotGuessablePin,
}

/// Each character between quotes, for a label: French guillemets with no-break spaces (so a
/// guillemet never ends a line alone), English curly quotes.
fn quoted(chars: &str, lang: Lang) -> String {
    let (open, close) = match lang {
        Lang::Fr => ("«\u{a0}", "\u{a0}»"),
        Lang::En => ("“", "”"),
    };
    spaced_with(chars, open, close)
}

/// `!#$` → `! # $`: each character readable on its own.
fn spaced(chars: &str) -> String {
    spaced_with(chars, "", "")
}

/// Each character of `chars` between `open` and `close`, separated by spaces (pushed one by
/// one: no `format!` nor `join` of a `Vec<String>` in the widget's wasm).
fn spaced_with(chars: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    for c in chars.chars() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(open);
        out.push(c);
        out.push_str(close);
    }
    out
}

impl Rule {
    /// The rule's stable tag, as in its JSON form (`"rule": "min_length"`): the checklist's
    /// `data-rule` hook.
    pub fn tag(&self) -> &'static str {
        match self {
            Rule::MinLength { .. } => "min_length",
            Rule::MaxLength { .. } => "max_length",
            Rule::Uppercase => "uppercase",
            Rule::Lowercase => "lowercase",
            Rule::Digit => "digit",
            Rule::Special { .. } => "special",
            Rule::Forbidden { .. } => "forbidden",
            Rule::DigitsOnly => "digits_only",
            Rule::NotIdentifier => "not_identifier",
            Rule::NotCommon => "not_common",
            Rule::NotGuessablePin => "not_guessable_pin",
        }
    }

    /// Whether this build cannot check the rule and leaves it to the server: the common-password
    /// list is server-side only ([`HAS_COMMON_LIST`](super::HAS_COMMON_LIST)). The check then
    /// reports it met, and the checklist says "checked on submit".
    pub fn checked_on_submit(&self) -> bool {
        matches!(self, Rule::NotCommon) && !super::HAS_COMMON_LIST
    }

    /// The checklist label: what the rule asks, in plain words.
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Rule::MinLength { min }, Lang::Fr) => format!("Au moins {min} caractères"),
            (Rule::MinLength { min }, Lang::En) => format!("At least {min} characters"),
            (Rule::MaxLength { max }, Lang::Fr) => format!("Au plus {max} caractères"),
            (Rule::MaxLength { max }, Lang::En) => format!("At most {max} characters"),
            (Rule::Uppercase, Lang::Fr) => "Une lettre majuscule".into(),
            (Rule::Uppercase, Lang::En) => "An upper-case letter".into(),
            (Rule::Lowercase, Lang::Fr) => "Une lettre minuscule".into(),
            (Rule::Lowercase, Lang::En) => "A lower-case letter".into(),
            (Rule::Digit, Lang::Fr) => "Un chiffre".into(),
            (Rule::Digit, Lang::En) => "A digit".into(),
            (Rule::Special { allowed }, Lang::Fr) => {
                format!("Un caractère spécial parmi {}", spaced(allowed))
            }
            (Rule::Special { allowed }, Lang::En) => {
                format!("A special character among {}", spaced(allowed))
            }
            (Rule::Forbidden { chars }, Lang::Fr) => {
                format!("Aucun des caractères interdits {}", quoted(chars, lang))
            }
            (Rule::Forbidden { chars }, Lang::En) => {
                format!("None of the refused characters {}", quoted(chars, lang))
            }
            (Rule::DigitsOnly, Lang::Fr) => "Uniquement des chiffres".into(),
            (Rule::DigitsOnly, Lang::En) => "Digits only".into(),
            (Rule::NotIdentifier, Lang::Fr) => "Ne contient pas votre identifiant".into(),
            (Rule::NotIdentifier, Lang::En) => "Does not contain your identifier".into(),
            (Rule::NotCommon, Lang::Fr) => "N'est pas un mot de passe courant".into(),
            (Rule::NotCommon, Lang::En) => "Is not a common password".into(),
            (Rule::NotGuessablePin, Lang::Fr) => {
                "Ni chiffre répété, ni suite, ni date (pas 000000, 123456, 250380)".into()
            }
            (Rule::NotGuessablePin, Lang::En) => {
                "No repeated digits, run or date (not 000000, 123456, 250380)".into()
            }
        }
    }

    /// What is wrong when the rule is not met and `found` names the culprits, e.g.
    /// "Refusé ici : « : »".
    pub fn problem(&self, found: &str, lang: Lang) -> Option<String> {
        match self {
            Rule::Forbidden { .. } if !found.is_empty() => Some(match lang {
                Lang::Fr => format!("Refusé ici\u{a0}: {}", quoted(found, lang)),
                Lang::En => format!("Refused here: {}", quoted(found, lang)),
            }),
            Rule::DigitsOnly if !found.is_empty() => Some(match lang {
                Lang::Fr => format!("Autre chose qu'un chiffre\u{a0}: {}", quoted(found, lang)),
                Lang::En => format!("Not a digit: {}", quoted(found, lang)),
            }),
            _ => None,
        }
    }
}

impl Rule {
    /// Every rule, one of each variant, for tests that must cover them all (JSON tags, the
    /// serde-free reader): the `match` breaks the build when a variant is added without being
    /// listed here.
    #[cfg(test)]
    pub(crate) fn one_of_each() -> Vec<Rule> {
        let all = vec![
            Rule::MinLength { min: 12 },
            Rule::MaxLength { max: 64 },
            Rule::Uppercase,
            Rule::Lowercase,
            Rule::Digit,
            Rule::Special {
                allowed: "!#$".into(),
            },
            Rule::Forbidden {
                chars: ":«".into()
            },
            Rule::DigitsOnly,
            Rule::NotIdentifier,
            Rule::NotCommon,
            Rule::NotGuessablePin,
        ];
        for rule in &all {
            match rule {
                Rule::MinLength { .. }
                | Rule::MaxLength { .. }
                | Rule::Uppercase
                | Rule::Lowercase
                | Rule::Digit
                | Rule::Special { .. }
                | Rule::Forbidden { .. }
                | Rule::DigitsOnly
                | Rule::NotIdentifier
                | Rule::NotCommon
                | Rule::NotGuessablePin => {}
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_quoted_and_spaced_one_by_one() {
        assert_eq!(quoted("<é", Lang::Fr), "«\u{a0}<\u{a0}» «\u{a0}é\u{a0}»");
        assert_eq!(quoted("<é", Lang::En), "“<” “é”");
        assert_eq!(spaced("!#$"), "! # $");
        assert_eq!(spaced(""), "");
    }

    #[test]
    fn tag_is_the_json_tag() {
        let rules = Rule::one_of_each();
        for rule in rules {
            let json = serde_json::to_value(&rule).unwrap();
            assert_eq!(json["rule"], rule.tag(), "{rule:?}");
        }
    }
}
