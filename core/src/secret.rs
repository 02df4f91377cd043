//! A secret typed by a person (password, PIN, one-time code).
//!
//! **Invariant:** a [`Secret`] never shows its value in `Debug` output, so it cannot end up in a
//! log line by accident, and the `String` it owns is zeroed when dropped. Code that needs the
//! value asks for it explicitly with [`Secret::expose`].
//!
//! Only that `String` is zeroed: not the request body the value was parsed from (the HTTP
//! buffers, serde's scratch space, the JSON the widget serialises), nor a copy taken with
//! `expose().to_owned()`, nor a reallocation's old buffer. It narrows how long a password lies
//! in memory; it does not guarantee no copy remains.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A secret string: redacted in `Debug`, its own buffer zeroed on drop.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret's value, for the code that must use it (hashing, checking rules, sending).
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("Tr0ub4dor&3");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(&s)).contains("Tr0ub"));
        assert_eq!(s.expose(), "Tr0ub4dor&3");
    }

    #[test]
    fn serde_is_transparent() {
        let s: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"abc\"");
    }
}
