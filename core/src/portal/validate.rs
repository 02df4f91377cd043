//! Loading a configuration from JSON, with errors that name the faulty field.

use super::PortalConfig;
use crate::password::Rule;
use std::collections::HashSet;

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
        let mut seen = HashSet::new();
        for (i, offer) in self.methods.iter().enumerate() {
            if !seen.insert(offer.method) {
                return Err(err(
                    &format!("methods[{i}].method"),
                    format!("{} is offered twice", offer.method.as_str()),
                ));
            }
        }
        if !is_hex_colour(&self.theme.accent) {
            return Err(err(
                "theme.accent",
                format!("{:?} is not a #rrggbb colour", self.theme.accent),
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
                        format!("{link:?} must start with https:// or / and contain no spaces"),
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
                    format!("{phone:?} is not a phone number"),
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
