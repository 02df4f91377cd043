//! One-time codes, the second step after the password: where a code comes from
//! ([`OtpChannel`]), a portal's settings ([`OtpSettings`]), how a typed or pasted code is read
//! ([`normalize_code`]), how destinations are shown ([`mask_email`], [`mask_phone`]), and the
//! limits every server applies (the constants below).
//!
//! Codes are generated and checked by the server only (TOTP, or random digits sent by SMS or
//! e-mail); the widget reads a code with [`normalize_code`] before sending it, so a code of the
//! wrong shape never uses up an attempt.

use crate::i18n::{pick, Lang};
use serde::{Deserialize, Serialize};

/// How long a code sent by SMS or e-mail stays valid, in seconds (10 minutes).
pub const CODE_LIFE_SECS: u32 = 600;
/// How long a person waits before asking for another code, in seconds.
pub const RESEND_COOLDOWN_SECS: u32 = 60;
/// Codes sent at most per login attempt: the first and three more.
pub const MAX_SENDS_PER_ATTEMPT: u32 = 4;
/// Wrong codes allowed per login attempt; the attempt then ends (start again from the password).
pub const MAX_WRONG_CODES_PER_ATTEMPT: u32 = 5;
/// How long a login attempt waits for its code step, in seconds (15 minutes: longer than a
/// code, so a code sent late in the attempt still has its whole life).
pub const ATTEMPT_LIFE_SECS: u32 = 900;
/// TOTP steps accepted on either side of the server's (RFC 6238 §5.2 recommends one).
pub const TOTP_SKEW_STEPS: u64 = 1;
/// The length of every code.
pub const CODE_DIGITS: u8 = 6;
/// The TOTP periods a portal may choose, in seconds.
pub const TOTP_PERIODS: [u32; 2] = [30, 60];

/// Where a one-time code comes from.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OtpChannel {
    /// An authenticator app (TOTP, RFC 6238), enrolled with a QR code.
    App,
    /// A code sent by SMS to the account's mobile phone.
    Sms,
    /// A code sent by e-mail to the account's address.
    Email,
}

impl OtpChannel {
    /// Every channel.
    pub const ALL: [OtpChannel; 3] = [OtpChannel::App, OtpChannel::Sms, OtpChannel::Email];

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpChannel::App => "app",
            OtpChannel::Sms => "sms",
            OtpChannel::Email => "email",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<OtpChannel> {
        OtpChannel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether the server sends the code (SMS, e-mail) rather than an app computing it.
    pub fn is_sent(self) -> bool {
        self != OtpChannel::App
    }
}

/// A portal's one-time code settings.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtpSettings {
    /// The authenticator app's period in seconds: 30 or 60 ([`TOTP_PERIODS`]).
    pub period_secs: u32,
    /// The code's length: [`CODE_DIGITS`].
    #[serde(default = "default_digits")]
    pub digits: u8,
    /// The channels offered, in the portal's order: the app alone, or SMS and/or e-mail.
    pub channels: Vec<OtpChannel>,
}

fn default_digits() -> u8 {
    CODE_DIGITS
}

impl OtpSettings {
    /// Settings with `channels`, a `period_secs` TOTP period and 6 digits.
    pub fn new(period_secs: u32, channels: Vec<OtpChannel>) -> OtpSettings {
        OtpSettings {
            period_secs,
            digits: CODE_DIGITS,
            channels,
        }
    }

    /// The channels the server sends codes on (SMS, e-mail), in order.
    pub fn sending_channels(&self) -> impl Iterator<Item = OtpChannel> + '_ {
        self.channels.iter().copied().filter(|c| c.is_sent())
    }

    /// Whether codes come from an authenticator app.
    pub fn uses_app(&self) -> bool {
        self.channels.contains(&OtpChannel::App)
    }

    /// The one sending channel, when there is exactly one: the first code goes there without
    /// asking.
    pub fn only_sending_channel(&self) -> Option<OtpChannel> {
        let mut sent = self.sending_channels();
        match (sent.next(), sent.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }
}

/// Why a typed code cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// Nothing typed.
    Empty,
    /// Not the right number of digits.
    WrongLength {
        /// The length a code has.
        expected: u8,
    },
    /// Something other than digits (spaces, dashes and dots aside).
    NotDigits,
}

impl CodeProblem {
    /// What is wrong and what to do, in words a nurse understands.
    pub fn text(self, lang: Lang) -> String {
        match self {
            CodeProblem::Empty => pick(
                lang,
                "Saisissez le code reçu (ou affiché par votre application).",
                "Type the code you received (or that your app shows).",
            )
            .to_owned(),
            // Put together rather than `replace`d: a substring search costs 2 KB of wasm.
            CodeProblem::WrongLength { expected } => format!(
                "{}{expected}{}",
                pick(lang, "Le code doit comporter ", "The code has "),
                pick(
                    lang,
                    "\u{a0}chiffres. Vérifiez-le et saisissez-le en entier.",
                    " digits. Check it and type all of it.",
                ),
            ),
            CodeProblem::NotDigits => pick(
                lang,
                "Le code ne contient que des chiffres. Recopiez-le sans lettre ni autre signe.",
                "The code has digits only. Copy it again without letters or other signs.",
            )
            .to_owned(),
        }
    }
}

/// What a paste may add around or inside a code: spaces (plain, no-break, thin), dashes and
/// dots ("123 456", "123-456", "123.456").
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\u{a0}'
            | '\u{2009}'
            | '\u{202f}'
            | '\u{2007}'
            | '-'
            | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2212}'
            | '.'
    )
}

/// The code as the server compares it (ASCII digits only), from what was typed or pasted.
pub fn normalize_code(input: &str, digits: u8) -> Result<String, CodeProblem> {
    let code: String = input.chars().filter(|&c| !is_separator(c)).collect();
    if code.is_empty() {
        return Err(CodeProblem::Empty);
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeProblem::NotDigits);
    }
    if code.len() != usize::from(digits) {
        return Err(CodeProblem::WrongLength { expected: digits });
    }
    Ok(code)
}

/// An e-mail address as shown to whoever passed the password step: the first letter of the
/// mailbox and the whole domain ("m•••@exemple.fr").
pub fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

/// A phone number as shown: its first two and last two digits ("06 •• •• •• 12"); the
/// international form keeps its prefix ("+33 6 •• •• •• 12").
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return "••".to_owned();
    }
    let last: String = digits[digits.len() - 2..].iter().collect();
    if let Some(rest) = number.trim().strip_prefix("+33") {
        let national: Vec<char> = rest.chars().filter(char::is_ascii_digit).collect();
        if let Some(first) = national.first() {
            return format!("+33 {first} •• •• •• {last}");
        }
    }
    let first: String = digits[..2].iter().collect();
    format!("{first} •• •• •• {last}")
}

/// The secret of an authenticator app in groups of four, as people type it ("ABCD EFGH …").
pub fn group_in_fours(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_codes_are_accepted() {
        for input in [
            "123456",
            "123 456",
            " 123-456 ",
            "123\u{a0}456",
            "123\u{202f}456",
            "12.34.56",
            "123–456",
        ] {
            assert_eq!(
                normalize_code(input, 6).as_deref(),
                Ok("123456"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn other_codes_are_refused_with_what_to_do() {
        assert_eq!(normalize_code("", 6), Err(CodeProblem::Empty));
        assert_eq!(normalize_code(" - ", 6), Err(CodeProblem::Empty));
        assert_eq!(
            normalize_code("12345", 6),
            Err(CodeProblem::WrongLength { expected: 6 })
        );
        assert_eq!(
            normalize_code("1234567", 6),
            Err(CodeProblem::WrongLength { expected: 6 })
        );
        for input in ["12a456", "١٢٣٤٥٦", "123_456", "12345６"] {
            assert_eq!(
                normalize_code(input, 6),
                Err(CodeProblem::NotDigits),
                "{input}"
            );
        }
        for p in [
            CodeProblem::Empty,
            CodeProblem::WrongLength { expected: 6 },
            CodeProblem::NotDigits,
        ] {
            assert_ne!(p.text(Lang::Fr), p.text(Lang::En));
        }
        assert!(CodeProblem::WrongLength { expected: 6 }
            .text(Lang::Fr)
            .contains("6\u{a0}chiffres"));
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_email("marie.dupont@exemple.fr"), "m•••@exemple.fr");
        assert_eq!(mask_email("nope"), "•••");
        assert_eq!(mask_phone("06 12 34 56 12"), "06 •• •• •• 12");
        assert_eq!(mask_phone("0612345612"), "06 •• •• •• 12");
        assert_eq!(mask_phone("+33 6 12 34 56 78"), "+33 6 •• •• •• 78");
        assert_eq!(mask_phone("12"), "••");
    }

    #[test]
    fn channels_and_settings() {
        for c in OtpChannel::ALL {
            assert_eq!(OtpChannel::parse(c.as_str()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        let both = OtpSettings::new(30, vec![OtpChannel::Sms, OtpChannel::Email]);
        assert_eq!(both.only_sending_channel(), None);
        assert!(!both.uses_app());
        let email = OtpSettings::new(30, vec![OtpChannel::Email]);
        assert_eq!(email.only_sending_channel(), Some(OtpChannel::Email));
        let app = OtpSettings::new(60, vec![OtpChannel::App]);
        assert!(app.uses_app());
        assert_eq!(app.only_sending_channel(), None);
        let read: OtpSettings =
            serde_json::from_str(r#"{"period_secs":30,"channels":["sms"]}"#).unwrap();
        assert_eq!(read.digits, CODE_DIGITS);
        assert_eq!(group_in_fours("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
