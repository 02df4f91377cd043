//! Loading a configuration from JSON, with errors that name the faulty field. Every rule is
//! here once: [`PortalConfig::problems`] lists what is wrong, [`PortalConfig::validate`] stops
//! at the first, and (feature `check`) `PortalConfig::check` adds where in the text.

use super::PortalConfig;
use crate::account::{Terms, FIRST_LOGIN_DAYS_RANGE, MAX_TERMS_VERSION_CHARS, RESET_MINUTES_RANGE};
use crate::captcha::CaptchaRequired;
use crate::identifier::{IdentifierRule, MAX_IDENTIFIER_LEN};
use crate::method::Step;
use crate::otp::{OtpChannel, CODE_DIGITS, TOTP_PERIODS};
use crate::password::{PasswordPolicy, Rule};

/// Why a JSON configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where: a field path such as `theme.accent`, or `line 3 column 7` for syntax errors.
    pub at: String,
    /// What is wrong, in English, naming the field or value.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "portal configuration, {}: {}", self.at, self.message)
    }
}

impl std::error::Error for ConfigError {}

fn err(at: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        at: at.to_owned(),
        message: message.into(),
    }
}

/// `#rrggbb`.
fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// `x`^2.4 for `x` in [0, 1] with square roots only: `x`² times `x`^0.4, 0.4 taken from its
/// binary expansion 0.0110 0110 0110 0110₂ (error under 10⁻⁵). Square roots are exact IEEE
/// operations, one instruction in wasm: no `powf` from a maths library, the same result on
/// every target.
fn pow_2_4(x: f64) -> f64 {
    const POINT_FOUR: u16 = 0b0110_0110_0110_0110;
    let mut root = x;
    let mut out = x * x;
    for bit in (0..16).rev() {
        root = root.sqrt(); // x^(1/2), x^(1/4)… for bits 15, 14…
        if (POINT_FOUR >> bit) & 1 == 1 {
            out *= root;
        }
    }
    out
}

/// WCAG 2 contrast ratio of white text on `#rrggbb` (1 to 21).
fn contrast_with_white(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            pow_2_4((c + 0.055) / 1.055)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    1.05 / (luminance + 0.05)
}

/// The contrast the accent must give white text (WCAG AA, normal text).
const MIN_CONTRAST: f64 = 4.5;

/// Links must be https:// or relative to the portal (`/…`): never `javascript:` and the like,
/// nor a protocol-relative link in disguise (`//host`, or `/\host`, which browsers read as
/// `//host`): no backslash at all.
pub(crate) fn is_safe_link(s: &str) -> bool {
    (s.starts_with("https://") || (s.starts_with('/') && !s.starts_with("//")))
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// An address the widget can put after `mailto:` as it is: `local@domain.tld`, ASCII letters,
/// digits and `. _ + -` (no `?`, `&`, `:` or space to add headers or change the scheme).
fn is_plain_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-');
    let domain_ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    s.len() <= 254
        && !local.is_empty()
        && local.bytes().all(local_ok)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.bytes().all(domain_ok)
}

/// Collects problems in the order the fields appear in a configuration.
struct Problems(Vec<ConfigError>);

impl Problems {
    fn add(&mut self, at: &str, message: impl Into<String>) {
        self.0.push(err(at, message));
    }
}

impl PortalConfig {
    /// Steps: a step-by-step method starts with the password, lists each step once, a captcha
    /// step comes right after the password and needs the portal's captcha settings, and a code
    /// step needs OTP settings a server can run (period 30 or 60, 6 digits, the app alone or
    /// SMS and/or e-mail).
    fn check_steps(&self, out: &mut Problems) {
        let mut needs_otp = false;
        let mut needs_captcha = false;
        for (i, offer) in self.methods.iter().enumerate() {
            let at = format!("methods[{i}].steps");
            let steps = offer.steps();
            if !offer.steps.is_empty() && offer.method.default_steps().is_empty() {
                out.add(
                    &at,
                    format!("{} has no steps to list", offer.method.as_str()),
                );
                continue;
            }
            if steps.is_empty() {
                continue;
            }
            if steps[0] != Step::Password {
                out.add(&at, "must start with the password");
            }
            // (A slice's `contains`, not a `HashSet`: a few items, and no hashing code in the
            // widget, which runs these checks on a portal's own configuration.)
            for (i, step) in steps.iter().enumerate() {
                if steps[..i].contains(step) {
                    out.add(&at, format!("{} is listed twice", step.as_str()));
                }
            }
            if let Some(i) = steps.iter().position(|s| *s == Step::Captcha) {
                if i != 1 {
                    out.add(&at, "the captcha step comes right after the password");
                }
                needs_captcha = true;
            }
            needs_otp |= steps.contains(&Step::Code);
        }
        if let Some(captcha) = &self.captcha {
            if let Some(key) = captcha.provider.site_key() {
                let ok = !key.is_empty()
                    && key.len() <= 100
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !ok {
                    out.add(
                        "captcha.provider.site_key",
                        format!("\"{key}\" is not a site key (letters, digits, - and _)"),
                    );
                }
            }
            if captcha.required == CaptchaRequired::AfterFailures(0) {
                out.add(
                    "captcha.required",
                    "after_failures must be at least 1 (use \"always\")",
                );
            }
        } else if needs_captcha {
            out.add(
                "captcha",
                "a captcha step needs the portal's captcha settings",
            );
        }
        let Some(otp) = &self.otp else {
            if needs_otp {
                out.add("otp", "a code step needs the portal's otp settings");
            }
            return;
        };
        if !TOTP_PERIODS.contains(&otp.period_secs) {
            out.add(
                "otp.period_secs",
                format!("{} must be 30 or 60", otp.period_secs),
            );
        }
        if otp.digits != CODE_DIGITS {
            out.add(
                "otp.digits",
                format!("{} must be {CODE_DIGITS}", otp.digits),
            );
        }
        if otp.channels.is_empty() {
            out.add("otp.channels", "must list at least one channel");
        }
        for (i, c) in otp.channels.iter().enumerate() {
            if otp.channels[..i].contains(c) {
                out.add(
                    &format!("otp.channels[{i}]"),
                    format!("{} is listed twice", c.as_str()),
                );
            }
        }
        if otp.uses_app() && otp.channels.len() > 1 {
            out.add(
                "otp.channels",
                format!(
                    "{} cannot be offered with sms or email",
                    OtpChannel::App.as_str()
                ),
            );
        }
    }

    /// Parses and validates a configuration. Unknown fields and bad values are refused with a
    /// message that names them.
    pub fn from_json(json: &str) -> Result<PortalConfig, ConfigError> {
        let config: PortalConfig = serde_json::from_str(json).map_err(|e| {
            err(
                &format!("line {} column {}", e.line(), e.column()),
                e.to_string(),
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what types alone cannot; the first problem found ([`PortalConfig::problems`]
    /// lists them all).
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every problem types alone cannot catch, each with its field path (`methods[2].steps`),
    /// field by field; empty when the configuration is valid.
    pub fn problems(&self) -> Vec<ConfigError> {
        // In the fields' order: the methods and identifier, the password, the links, the rest.
        let mut out = Problems(Vec::new());
        self.check_methods(&mut out);
        check_password(&self.password, &mut out);
        self.check_links(&mut out);
        self.check_account(&mut out);
        self.check_care(&mut out);
        out.0
    }

    /// The problems of [`PortalConfig::problems`] that would make the widget unsafe or unable
    /// to run: the name, the methods and their steps, the identifier's shape, the links (no
    /// `javascript:`). The widget checks these itself on a configuration a page names
    /// (`config=`, [`PortalConfig::read`]); the others — a password policy no password meets,
    /// the support's phone and e-mail shapes, the accent colour and its contrast — are the
    /// portal team's to fix before publishing, and `check-config` and the server's start
    /// (`SESAME_PORTALS`) refuse them. Their code costs the widget 6.4 KB brotli
    /// (BENCHMARKS.md): not every visitor's browser pays for a check of the team's file.
    pub fn essential_problems(&self) -> Vec<ConfigError> {
        let mut out = Problems(Vec::new());
        self.check_methods(&mut out);
        self.check_links(&mut out);
        out.0
    }

    /// The name, the methods and their steps, the identifier's shape.
    fn check_methods(&self, out: &mut Problems) {
        if self.name.trim().is_empty() {
            out.add("name", "must not be empty");
        }
        if self.methods.is_empty() {
            out.add("methods", "must offer at least one method");
        }
        for (i, offer) in self.methods.iter().enumerate() {
            if self.methods[..i].iter().any(|o| o.method == offer.method) {
                out.add(
                    &format!("methods[{i}].method"),
                    format!("{} is offered twice", offer.method.as_str()),
                );
            }
        }
        self.check_steps(out);
        if let IdentifierRule::Digits { len } = self.identifier.rule {
            if len == 0 || len > MAX_IDENTIFIER_LEN {
                out.add(
                    "identifier.rule.len",
                    format!("{len} must be between 1 and {MAX_IDENTIFIER_LEN}"),
                );
            }
        }
    }

    /// The links: `https://` or the portal's own paths, never `javascript:`.
    fn check_links(&self, out: &mut Problems) {
        let links = [
            (
                "links.forgot_identifier",
                self.links.forgot_identifier.as_deref(),
            ),
            (
                "links.forgot_password",
                self.links.forgot_password.as_deref(),
            ),
            ("links.create_account", self.links.create_account.as_deref()),
            ("support.form", self.support.form.as_deref()),
            ("terms.url", self.terms.as_ref().map(|t| t.url.as_str())),
        ];
        for (at, link) in links {
            if let Some(link) = link {
                if !is_safe_link(link) {
                    out.add(
                        at,
                        format!("\"{link}\" must start with https:// or / and contain no spaces"),
                    );
                }
            }
        }
    }

    /// The account journeys' link lives and page, and the terms' version: the server's to use,
    /// not the widget's (its link, `terms.url`, is among [`PortalConfig::check_links`]').
    fn check_account(&self, out: &mut Problems) {
        let (lo, hi) = FIRST_LOGIN_DAYS_RANGE;
        if !(lo..=hi).contains(&self.account.first_login_days) {
            out.add(
                "account.first_login_days",
                "must be between 1 and 60 (days)",
            );
        }
        let (lo, hi) = RESET_MINUTES_RANGE;
        if !(lo..=hi).contains(&self.account.reset_minutes) {
            out.add(
                "account.reset_minutes",
                "must be between 5 and 1440 (minutes)",
            );
        }
        if let Some(page) = &self.account.page {
            if !is_safe_link(page) || page.contains('#') {
                out.add(
                    "account.page",
                    format!("\"{page}\" must start with https:// or / and contain no spaces nor #"),
                );
            }
        }
        if let Some(terms) = &self.terms {
            if !Terms::is_version(&terms.version) {
                out.add(
                    "terms.version",
                    format!("must be 1 to {MAX_TERMS_VERSION_CHARS} printable ASCII characters"),
                );
            }
        }
    }

    /// The support's phone and e-mail, the accent colour and its contrast.
    fn check_care(&self, out: &mut Problems) {
        if let Some(phone) = &self.support.phone {
            let ok = !phone.trim().is_empty()
                && phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'));
            if !ok {
                out.add(
                    "support.phone",
                    format!("\"{phone}\" is not a phone number"),
                );
            }
        }
        if let Some(email) = &self.support.email {
            if !is_plain_email(email) {
                out.add(
                    "support.email",
                    format!("\"{email}\" is not an e-mail address (name@domain.fr)"),
                );
            }
        }
        let accent = &self.theme.accent;
        if !is_hex_colour(accent) {
            out.add(
                "theme.accent",
                format!("\"{accent}\" is not a #rrggbb colour"),
            );
        } else {
            let ratio = contrast_with_white(accent);
            if ratio < MIN_CONTRAST {
                // Tenths written as integers: no float formatting (several KB of the standard
                // library) in the widget, which runs these checks.
                let tenths = (ratio * 10.0) as u32;
                out.add(
                    "theme.accent",
                    format!(
                        "{accent} is too light for white text (contrast {}.{}:1, at least \
                         4.5:1)",
                        tenths / 10,
                        tenths % 10
                    ),
                );
            }
        }
    }
}

/// A policy some password can meet, each rule once.
fn check_password(policy: &PasswordPolicy, out: &mut Problems) {
    let rules = &policy.rules;
    if rules.is_empty() {
        out.add("password.rules", "must list at least one rule");
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("password.rules[{i}]");
        if rules[..i].iter().any(|r| r.tag() == rule.tag()) {
            out.add(&at, format!("{} is listed twice", rule.tag()));
        }
        let empty = match rule {
            Rule::Special { allowed } => allowed.is_empty(),
            Rule::Forbidden { chars } => chars.is_empty(),
            _ => false,
        };
        if empty {
            out.add(&at, "the character list must not be empty");
        }
        if *rule == (Rule::MaxLength { max: 0 }) {
            out.add(&at, "max 0 accepts no password");
        }
    }
    let min = policy.min_length();
    if let Some(max) = policy.max_length() {
        if max < min {
            out.add(
                "password.rules",
                format!("max_length {max} is below min_length {min}"),
            );
        }
    }
    let has = |r: &Rule| rules.contains(r);
    let forbidden: String = rules
        .iter()
        .filter_map(|r| match r {
            Rule::Forbidden { chars } => Some(chars.as_str()),
            _ => None,
        })
        .collect();
    let special = rules.iter().find_map(|r| match r {
        Rule::Special { allowed } => Some(allowed.as_str()),
        _ => None,
    });
    if has(&Rule::DigitsOnly) {
        for other in [Rule::Uppercase, Rule::Lowercase] {
            if has(&other) {
                out.add(
                    "password.rules",
                    format!("digits_only and {} cannot both be met", other.tag()),
                );
            }
        }
        if special.is_some_and(|s| !s.bytes().any(|b| b.is_ascii_digit())) {
            out.add(
                "password.rules",
                "digits_only and special cannot both be met",
            );
        }
    }
    if (has(&Rule::DigitsOnly) || has(&Rule::Digit)) && ('0'..='9').all(|d| forbidden.contains(d)) {
        out.add("password.rules", "forbidden refuses every digit");
    }
    if let Some(allowed) = special {
        if let Some(c) = allowed.chars().find(|c| forbidden.contains(*c)) {
            out.add(
                "password.rules",
                format!("\"{c}\" is both a special character and forbidden"),
            );
        }
    }
    // One character per kind asked for: upper, lower, digit and a special (when the specials
    // are not letters or digits themselves).
    let kinds = [Rule::Uppercase, Rule::Lowercase, Rule::Digit]
        .iter()
        .filter(|r| has(r))
        .count()
        + usize::from(special.is_some_and(|s| !s.chars().any(|c| c.is_ascii_alphanumeric())));
    if let Some(max) = policy.max_length() {
        if max < kinds {
            out.add(
                "password.rules",
                format!("max_length {max} leaves no room for the {kinds} kinds of character asked"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_2_4_is_powf_within_a_hundred_thousandth() {
        for i in 0..=1000 {
            let x = f64::from(i) / 1000.0;
            assert!((pow_2_4(x) - x.powf(2.4)).abs() < 1e-5, "{x}");
        }
    }

    #[test]
    fn contrast_with_white_follows_wcag() {
        assert!((contrast_with_white("#000000") - 21.0).abs() < 1e-3);
        assert!((contrast_with_white("#ffffff") - 1.0).abs() < 1e-3);
        // WebAIM's checker: #767676 on white is 4.54:1, #777777 4.48:1.
        assert!((contrast_with_white("#767676") - 4.54).abs() < 0.01);
        assert!(contrast_with_white("#777777") < MIN_CONTRAST);
    }
}
