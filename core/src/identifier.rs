//! What an identifier looks like on a portal.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The shape of a portal's identifiers.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum IdentifierRule {
    /// Any non-empty text up to 254 characters (e-mail addresses, prénom.nom…).
    #[default]
    Free,
    /// Exactly `len` ASCII digits (Entr'Actes: 5).
    Digits {
        /// The number of digits.
        len: usize,
    },
}

/// The longest identifier accepted anywhere (the longest e-mail address).
pub const MAX_IDENTIFIER_LEN: usize = 254;

impl IdentifierRule {
    /// Whether `identifier` (trimmed) has the right shape.
    pub fn accepts(&self, identifier: &str) -> bool {
        let id = identifier.trim();
        if id.is_empty() || id.chars().count() > MAX_IDENTIFIER_LEN || id.bytes().any(|b| b == 0) {
            return false;
        }
        match self {
            IdentifierRule::Free => true,
            IdentifierRule::Digits { len } => {
                id.len() == *len && id.bytes().all(|b| b.is_ascii_digit())
            }
        }
    }

    /// The one stored and compared form of an identifier: trimmed, and lower-cased where the
    /// shape allows it (free identifiers are e-mail addresses or `prénom.nom`, which people type
    /// in any case; digits have no case).
    pub fn canonical(&self, identifier: &str) -> String {
        let id = identifier.trim();
        match self {
            IdentifierRule::Free => id.to_lowercase(),
            IdentifierRule::Digits { .. } => id.to_owned(),
        }
    }

    /// A hint shown under the field, if the shape is constrained.
    pub fn hint(&self, lang: Lang) -> Option<String> {
        match self {
            IdentifierRule::Free => None,
            IdentifierRule::Digits { len } => Some(match lang {
                Lang::Fr => format!("{len} chiffres, reçus à l'inscription"),
                Lang::En => format!("{len} digits, received when you signed up"),
            }),
        }
    }

    /// The HTML `inputmode` fitting the shape.
    pub fn input_mode(&self) -> &'static str {
        match self {
            IdentifierRule::Free => "text",
            IdentifierRule::Digits { .. } => "numeric",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_rule() {
        let r = IdentifierRule::Digits { len: 5 };
        assert!(r.accepts("12345"));
        assert!(r.accepts(" 12345 "));
        assert!(!r.accepts("1234"));
        assert!(!r.accepts("123456"));
        assert!(!r.accepts("1234a"));
        assert!(
            !r.accepts("１２３４５"),
            "full-width digits are not ASCII digits"
        );
        assert!(IdentifierRule::Free.accepts("marie.dupont"));
        assert!(!IdentifierRule::Free.accepts("   "));
        assert!(!IdentifierRule::Free.accepts("a\0b"));
        assert!(!IdentifierRule::Free.accepts(&"a".repeat(255)));
    }

    #[test]
    fn canonical_form() {
        assert_eq!(
            IdentifierRule::Free.canonical("  Marie.Dupont "),
            "marie.dupont"
        );
        assert_eq!(
            IdentifierRule::Digits { len: 5 }.canonical(" 12345 "),
            "12345"
        );
    }
}
