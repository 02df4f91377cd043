//! Login methods and their assurance levels.

use crate::i18n::{pick, Lang};
use serde::{Deserialize, Serialize};

/// A way of logging in. The default is [`Method::Password`] (what a login request without a
/// method means).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Identifier and password alone.
    #[default]
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

/// One step of a login method, as a portal's preset lists them ([`crate::portal::MethodOffer`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Identifier and password.
    Password,
    /// "I am not a robot" (arrives with its own issue; no server runs it yet).
    Captcha,
    /// A one-time code (app, SMS or e-mail).
    Code,
}

impl Step {
    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Password => "password",
            Step::Captcha => "captcha",
            Step::Code => "code",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<Step> {
        [Step::Password, Step::Captcha, Step::Code]
            .into_iter()
            .find(|step| step.as_str() == s)
    }

    /// **The** rule of the assurance a login reaches with the steps `done`: a password and a
    /// one-time code are two factors (strong); a password alone, or anything less, is weak.
    /// The server applies it; the widget only shows what the server answered.
    pub fn assurance(done: &[Step]) -> AssuranceLevel {
        if done.contains(&Step::Password) && done.contains(&Step::Code) {
            AssuranceLevel::Strong
        } else {
            AssuranceLevel::Weak
        }
    }

    /// The method a session records after the steps `done`: `otp` once a code was checked
    /// (identifier, password and a one-time code), `password` otherwise. Its
    /// [`Method::assurance`] is [`Step::assurance`] of the same steps.
    pub fn session_method(done: &[Step]) -> Method {
        if Step::assurance(done) == AssuranceLevel::Strong {
            Method::Otp
        } else {
            Method::Password
        }
    }
}

impl Method {
    /// The steps of this method when a preset lists none: a password, then for `otp` a
    /// one-time code. Methods that are not step-by-step forms (QR, card, SSO) have none.
    pub fn default_steps(self) -> &'static [Step] {
        match self {
            Method::Password => &[Step::Password],
            Method::Otp => &[Step::Password, Step::Code],
            Method::Qr | Method::Cps | Method::ProSanteConnect | Method::RegionalSso => &[],
        }
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

    #[test]
    fn assurance_comes_from_the_steps_done() {
        use Step::*;
        let cases: [(&[Step], AssuranceLevel); 5] = [
            (&[], AssuranceLevel::Weak),
            (&[Password], AssuranceLevel::Weak),
            (&[Password, Captcha], AssuranceLevel::Weak),
            (&[Code], AssuranceLevel::Weak),
            (&[Password, Captcha, Code], AssuranceLevel::Strong),
        ];
        for (done, level) in cases {
            assert_eq!(Step::assurance(done), level, "{done:?}");
            // A session stores its method: it must give back the same level.
            assert_eq!(Step::session_method(done).assurance(), level, "{done:?}");
        }
        assert_eq!(
            Step::assurance(Method::Otp.default_steps()),
            AssuranceLevel::Strong
        );
        assert_eq!(
            Step::assurance(Method::Password.default_steps()),
            AssuranceLevel::Weak
        );
        for step in [Password, Captcha, Code] {
            assert_eq!(Step::parse(step.as_str()), Some(step));
            assert_eq!(
                serde_json::to_string(&step).unwrap(),
                format!("\"{}\"", step.as_str())
            );
        }
    }
}
