//! Login methods and their assurance levels.

use crate::i18n::{pick, Lang};
use serde::{Deserialize, Serialize};

/// A way of logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Identifier and password alone.
    Password,
    /// Identifier, password and a one-time code (app, SMS or e-mail).
    Otp,
    /// A QR code scanned and approved with a phone app.
    Qr,
    /// A CPS smart card and its 4-digit PIN.
    Cps,
    /// Pro Santé Connect (CPS card or e-CPS app), the national OpenID Connect provider.
    ProSanteConnect,
    /// A regional single sign-on service (ESEA secure service, PASS…).
    RegionalSso,
}

/// How strongly a login proves who the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssuranceLevel {
    /// One factor (password alone): temporary use only.
    Weak,
    /// Two factors or a certified means (OTP, QR approved on an enrolled phone, CPS, PSC).
    Strong,
}

impl Method {
    /// Every method, in a default order.
    pub const ALL: [Method; 6] = [
        Method::Password,
        Method::Otp,
        Method::Qr,
        Method::Cps,
        Method::ProSanteConnect,
        Method::RegionalSso,
    ];

    /// The assurance level a successful login with this method gives.
    pub fn assurance(self) -> AssuranceLevel {
        match self {
            Method::Password => AssuranceLevel::Weak,
            Method::Otp
            | Method::Qr
            | Method::Cps
            | Method::ProSanteConnect
            | Method::RegionalSso => AssuranceLevel::Strong,
        }
    }

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::Otp => "otp",
            Method::Qr => "qr",
            Method::Cps => "cps",
            Method::ProSanteConnect => "pro_sante_connect",
            Method::RegionalSso => "regional_sso",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl AssuranceLevel {
    /// A short label.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AssuranceLevel::Weak => {
                pick(lang, "simple (usage temporaire)", "basic (temporary use)")
            }
            AssuranceLevel::Strong => pick(lang, "forte", "strong"),
        }
    }

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            AssuranceLevel::Weak => "weak",
            AssuranceLevel::Strong => "strong",
        }
    }

    /// Whether a service requiring `required` is open at this level.
    pub fn satisfies(self, required: AssuranceLevel) -> bool {
        self >= required
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_password_alone_is_weak() {
        for m in Method::ALL {
            let expected = if m == Method::Password {
                AssuranceLevel::Weak
            } else {
                AssuranceLevel::Strong
            };
            assert_eq!(m.assurance(), expected, "{m:?}");
            assert_eq!(Method::parse(m.as_str()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.as_str())
            );
        }
        assert!(AssuranceLevel::Strong.satisfies(AssuranceLevel::Weak));
        assert!(!AssuranceLevel::Weak.satisfies(AssuranceLevel::Strong));
    }
}
