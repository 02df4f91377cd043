//! Password policies: a named rule list, how the password is used, and an honest entropy
//! estimate against the CNIL's thresholds (deliberation 2022-100).

use super::rule::Rule;
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// How the portal uses the password, which sets the CNIL entropy threshold.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasswordUsage {
    /// The password alone opens the account: CNIL asks for 80 bits.
    Alone,
    /// The password is one factor among two, or backed by restriction measures (delay,
    /// lockout, captcha): CNIL asks for 50 bits.
    WithRestrictions,
}

impl PasswordUsage {
    /// The CNIL entropy threshold, in bits.
    pub fn cnil_threshold_bits(self) -> u32 {
        match self {
            PasswordUsage::Alone => 80,
            PasswordUsage::WithRestrictions => 50,
        }
    }
}

/// A password policy.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Short name, e.g. "SPICO".
    pub name: String,
    /// The rules, in checklist order.
    pub rules: Vec<Rule>,
    /// How the password is used.
    pub usage: PasswordUsage,
    /// What the policy relies on besides the password (shown to portal administrators).
    pub note: Text,
}

/// The result of comparing a policy's entropy with the CNIL threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntropyAssessment {
    /// Estimated entropy of the shortest accepted password drawn at random, in bits.
    pub bits: f64,
    /// The CNIL threshold for the policy's usage.
    pub threshold_bits: u32,
}

impl EntropyAssessment {
    /// Whether the estimate reaches the threshold.
    pub fn meets_threshold(&self) -> bool {
        self.bits >= f64::from(self.threshold_bits)
    }
}

/// Printable ASCII: the alphabet assumed when the rules do not restrict it.
const PRINTABLE_ASCII: usize = 95;

/// Special characters SPICO accepts: the seed names only the refused ones (`. : + /`).
pub(super) const SPICO_SPECIALS: &str = "!#$%&*-_=?@;,()[]{}<>^~|";

impl PasswordPolicy {
    /// The `inputmode` of a field for this policy's passwords: `numeric` when digits only
    /// (a phone shows its number pad), `text` otherwise.
    pub fn input_mode(&self) -> &'static str {
        if self.rules.contains(&Rule::DigitsOnly) {
            "numeric"
        } else {
            "text"
        }
    }

    /// The shortest length the rules accept (0 without a minimum).
    pub fn min_length(&self) -> usize {
        self.rules
            .iter()
            .filter_map(|r| match r {
                Rule::MinLength { min } => Some(*min),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// The longest length the rules accept, if bounded.
    pub fn max_length(&self) -> Option<usize> {
        self.rules
            .iter()
            .filter_map(|r| match r {
                Rule::MaxLength { max } => Some(*max),
                _ => None,
            })
            .min()
    }

    /// Size of the alphabet the rules allow: 10 for digits only; letters, digits and the
    /// allowed specials when a special set is named; printable ASCII otherwise.
    pub fn alphabet_size(&self) -> usize {
        if self.rules.contains(&Rule::DigitsOnly) {
            return 10;
        }
        let specials = self.rules.iter().find_map(|r| match r {
            Rule::Special { allowed } => Some(allowed.chars().count()),
            _ => None,
        });
        match specials {
            Some(n) => 26 + 26 + 10 + n,
            None => PRINTABLE_ASCII,
        }
    }

    /// Entropy of a random password of the minimum length over the allowed alphabet — the
    /// CNIL's way of counting. It is an upper bound: a password a person chooses has less.
    pub fn entropy(&self) -> EntropyAssessment {
        EntropyAssessment {
            bits: self.min_length() as f64 * (self.alphabet_size() as f64).log2(),
            threshold_bits: self.usage.cnil_threshold_bits(),
        }
    }

    /// SPICO (e-santé Occitanie): 12+ characters with an upper-case letter, a lower-case
    /// letter, a digit and an allowed special character; `. : + /` refused.
    pub fn spico() -> PasswordPolicy {
        PasswordPolicy {
            name: "SPICO".into(),
            rules: vec![
                Rule::MinLength { min: 12 },
                Rule::MaxLength { max: 128 },
                Rule::Uppercase,
                Rule::Lowercase,
                Rule::Digit,
                Rule::Special {
                    allowed: SPICO_SPECIALS.into(),
                },
                Rule::Forbidden {
                    chars: ".:+/".into(),
                },
                Rule::NotIdentifier,
                Rule::NotCommon,
            ],
            usage: PasswordUsage::WithRestrictions,
            note: Text::new(
                "Environ 77 bits pour 12 caractères\u{a0}: juste sous les 80 bits que la CNIL \
                 demande pour un mot de passe seul. SPICO exige un code à usage unique (SMS ou \
                 e-mail) en plus pour l'accès fort\u{a0}; blocage après 10 erreurs.",
                "About 77 bits for 12 characters: just under the 80 bits the CNIL asks of a \
                 password used alone. SPICO requires a one-time code (SMS or e-mail) on top for \
                 strong access; lockout after 10 failures.",
            ),
        }
    }

    /// Entr'Actes: exactly 6 digits. About 20 bits: far below any CNIL threshold, it relies on
    /// the captcha, the lockout and the verification code sent by SMS or e-mail.
    pub fn entractes() -> PasswordPolicy {
        PasswordPolicy {
            name: "Entr'Actes".into(),
            rules: vec![
                Rule::MinLength { min: 6 },
                Rule::MaxLength { max: 6 },
                Rule::DigitsOnly,
                Rule::NotGuessablePin,
            ],
            usage: PasswordUsage::WithRestrictions,
            note: Text::new(
                "6 chiffres ≈ 20 bits, bien en dessous des 50 bits de la CNIL\u{a0}: ce mot de passe \
                 ne protège que grâce au captcha, au blocage après 10 erreurs et au code de \
                 vérification envoyé par SMS ou e-mail.",
                "6 digits ≈ 20 bits, far below the CNIL's 50 bits: this password only protects \
                 thanks to the captcha, the lockout after 10 failures and the verification code \
                 sent by SMS or e-mail.",
            ),
        }
    }

    /// NIST SP 800-63B style, password used alone: length only (15+), long passwords
    /// accepted, no composition rules, not the identifier, not a common password.
    pub fn nist_alone() -> PasswordPolicy {
        PasswordPolicy {
            name: "NIST SP 800-63B".into(),
            rules: Self::nist_rules(15),
            usage: PasswordUsage::Alone,
            note: Text::new(
                "15 caractères au moins, sans règle de composition (NIST SP 800-63B)\u{a0}: ≈ 99 bits \
                 au plus pour un mot de passe tiré au hasard\u{a0}; la liste des mots de passe \
                 courants écarte les pires choix humains.",
                "At least 15 characters, no composition rules (NIST SP 800-63B): ≈ 99 bits at \
                 most for a random password; the common-password list rules out the worst \
                 human choices.",
            ),
        }
    }

    /// NIST SP 800-63B style, password with a second factor: 8+ characters.
    pub fn nist_with_second_factor() -> PasswordPolicy {
        PasswordPolicy {
            name: "NIST SP 800-63B (2FA)".into(),
            rules: Self::nist_rules(8),
            usage: PasswordUsage::WithRestrictions,
            note: Text::new(
                "8 caractères au moins avec un second facteur (NIST SP 800-63B)\u{a0}: ≈ 53 bits au \
                 plus, au-dessus des 50 bits de la CNIL avec mesures complémentaires.",
                "At least 8 characters with a second factor (NIST SP 800-63B): ≈ 53 bits at \
                 most, above the CNIL's 50 bits with additional measures.",
            ),
        }
    }

    fn nist_rules(min: usize) -> Vec<Rule> {
        vec![
            Rule::MinLength { min },
            Rule::MaxLength { max: 128 },
            Rule::NotIdentifier,
            Rule::NotCommon,
        ]
    }
}
