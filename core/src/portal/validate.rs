//! Loading a configuration from JSON, with errors that name the faulty field.

use super::PortalConfig;
use crate::captcha::CaptchaRequired;
use crate::method::Step;
use crate::otp::{OtpChannel, CODE_DIGITS, TOTP_PERIODS};
use crate::password::Rule;

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

/// Links must be https:// or relative to the portal (`/…`): never `javascript:` and the like,
/// nor a protocol-relative link in disguise (`//host`, or `/\host`, which browsers read as
/// `//host`): no backslash at all.
fn is_safe_link(s: &str) -> bool {
    (s.starts_with("https://") || (s.starts_with('/') && !s.starts_with("//")))
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

impl PortalConfig {
    /// Steps: a step-by-step method starts with the password, lists each step once, a captcha
    /// step comes right after the password and needs the portal's captcha settings, and a code
    /// step needs OTP settings a server can run (period 30 or 60, 6 digits, the app alone or
    /// SMS and/or e-mail).
    fn validate_steps(&self) -> Result<(), ConfigError> {
        let mut needs_otp = false;
        let mut needs_captcha = false;
        for (i, offer) in self.methods.iter().enumerate() {
            let at = format!("methods[{i}].steps");
            let steps = offer.steps();
            if !offer.steps.is_empty() && offer.method.default_steps().is_empty() {
                return Err(err(
                    &at,
                    format!("{} has no steps to list", offer.method.as_str()),
                ));
            }
            if steps.is_empty() {
                continue;
            }
            if steps[0] != Step::Password {
                return Err(err(&at, "must start with the password"));
            }
            // (A slice's `contains`, not a `HashSet`: a few items, and no hashing code in the
            // widget, which runs these checks on a portal's own configuration.)
            for (i, step) in steps.iter().enumerate() {
                if steps[..i].contains(step) {
                    return Err(err(&at, format!("{} is listed twice", step.as_str())));
                }
            }
            if let Some(i) = steps.iter().position(|s| *s == Step::Captcha) {
                if i != 1 {
                    return Err(err(&at, "the captcha step comes right after the password"));
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
                    return Err(err(
                        "captcha.provider.site_key",
                        format!("\"{key}\" is not a site key (letters, digits, - and _)"),
                    ));
                }
            }
            if captcha.required == CaptchaRequired::AfterFailures(0) {
                return Err(err(
                    "captcha.required",
                    "after_failures must be at least 1 (use \"always\")",
                ));
            }
        } else if needs_captcha {
            return Err(err(
                "captcha",
                "a captcha step needs the portal's captcha settings",
            ));
        }
        let Some(otp) = &self.otp else {
            return if needs_otp {
                Err(err("otp", "a code step needs the portal's otp settings"))
            } else {
                Ok(())
            };
        };
        if !TOTP_PERIODS.contains(&otp.period_secs) {
            return Err(err(
                "otp.period_secs",
                format!("{} must be 30 or 60", otp.period_secs),
            ));
        }
        if otp.digits != CODE_DIGITS {
            return Err(err(
                "otp.digits",
                format!("{} must be {CODE_DIGITS}", otp.digits),
            ));
        }
        if otp.channels.is_empty() {
            return Err(err("otp.channels", "must list at least one channel"));
        }
        for (i, c) in otp.channels.iter().enumerate() {
            if otp.channels[..i].contains(c) {
                return Err(err(
                    "otp.channels",
                    format!("{} is listed twice", c.as_str()),
                ));
            }
        }
        if otp.uses_app() && otp.channels.len() > 1 {
            return Err(err(
                "otp.channels",
                format!(
                    "{} cannot be offered with sms or email",
                    OtpChannel::App.as_str()
                ),
            ));
        }
        Ok(())
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

    /// Checks what types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty() {
            return Err(err("name", "must not be empty"));
        }
        if self.methods.is_empty() {
            return Err(err("methods", "must offer at least one method"));
        }
        for (i, offer) in self.methods.iter().enumerate() {
            if self.methods[..i].iter().any(|o| o.method == offer.method) {
                return Err(err(
                    &format!("methods[{i}].method"),
                    format!("{} is offered twice", offer.method.as_str()),
                ));
            }
        }
        self.validate_steps()?;
        if !is_hex_colour(&self.theme.accent) {
            return Err(err(
                "theme.accent",
                format!("\"{}\" is not a #rrggbb colour", self.theme.accent),
            ));
        }
        let links = [
            ("links.forgot_identifier", &self.links.forgot_identifier),
            ("links.forgot_password", &self.links.forgot_password),
            ("links.create_account", &self.links.create_account),
            ("support.form", &self.support.form),
        ];
        for (at, link) in links {
            if let Some(link) = link {
                if !is_safe_link(link) {
                    return Err(err(
                        at,
                        format!("\"{link}\" must start with https:// or / and contain no spaces"),
                    ));
                }
            }
        }
        if let Some(phone) = &self.support.phone {
            let ok = !phone.trim().is_empty()
                && phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'));
            if !ok {
                return Err(err(
                    "support.phone",
                    format!("\"{phone}\" is not a phone number"),
                ));
            }
        }
        let policy = &self.password;
        if policy.rules.is_empty() {
            return Err(err("password.rules", "must list at least one rule"));
        }
        if let Some(max) = policy.max_length() {
            if max < policy.min_length() {
                return Err(err(
                    "password.rules",
                    format!(
                        "max_length {max} is below min_length {}",
                        policy.min_length()
                    ),
                ));
            }
        }
        for (i, rule) in policy.rules.iter().enumerate() {
            let empty = match rule {
                Rule::Special { allowed } => allowed.is_empty(),
                Rule::Forbidden { chars } => chars.is_empty(),
                _ => false,
            };
            if empty {
                return Err(err(
                    &format!("password.rules[{i}]"),
                    "the character list must not be empty",
                ));
            }
        }
        Ok(())
    }
}
