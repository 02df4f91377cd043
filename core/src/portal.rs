//! Portal configuration: which methods a portal offers and in what order, in its own words;
//! its identifier and password rules, links, support contact and colour. Built-in presets for
//! the five seed portals ([`PortalConfig::preset`]); any other portal loads one from JSON
//! ([`PortalConfig::from_json`]).

#[cfg(feature = "check")]
mod check;
mod presets;
mod read;
#[cfg(feature = "schema")]
pub(crate) mod schema;
mod validate;

use crate::account::{AccountJourneys, Terms};
use crate::captcha::CaptchaSettings;
use crate::i18n::{Lang, Text};
use crate::identifier::IdentifierRule;
use crate::method::{Method, Step};
use crate::otp::OtpSettings;
use crate::password::PasswordPolicy;
use serde::{Deserialize, Serialize};

#[cfg(feature = "check")]
pub use check::ConfigProblem;
#[cfg(feature = "schema")]
pub use schema::SCHEMA_FILE;
pub(crate) use validate::is_safe_link;
pub use validate::ConfigError;

/// A portal's short identifier: 1–32 characters among `a-z`, `0-9` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortalId(String);

/// Why a portal id was refused. Its message does not echo the id: `Debug`-quoting a string
/// would bring `core::fmt`'s escaping and Unicode tables into the wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPortalId;

impl std::fmt::Display for InvalidPortalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a portal id must be 1 to 32 characters among a-z, 0-9 and '-'")
    }
}

impl std::error::Error for InvalidPortalId {}

impl PortalId {
    /// Validates and wraps an identifier.
    pub fn new(id: &str) -> Result<PortalId, InvalidPortalId> {
        let ok = !id.is_empty()
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(PortalId(id.to_owned()))
        } else {
            Err(InvalidPortalId)
        }
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PortalId {
    type Error = InvalidPortalId;
    fn try_from(value: String) -> Result<PortalId, InvalidPortalId> {
        PortalId::new(&value)
    }
}

impl From<PortalId> for String {
    fn from(id: PortalId) -> String {
        id.0
    }
}

impl std::fmt::Display for PortalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One method as a portal offers it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodOffer {
    /// The method.
    pub method: Method,
    /// Its label in the portal's own words.
    pub label: Text,
    /// A notice shown with the method (e.g. "temporary use only").
    #[serde(default)]
    pub notice: Option<Text>,
    /// The method's steps, in order; empty means the method's own
    /// ([`Method::default_steps`]). A [`Step::Code`] needs the portal's [`PortalConfig::otp`], a
    /// [`Step::Captcha`] (right after the password) its [`PortalConfig::captcha`].
    #[serde(default)]
    pub steps: Vec<Step>,
}

impl MethodOffer {
    /// The steps a login with this offer goes through.
    pub fn steps(&self) -> &[Step] {
        if self.steps.is_empty() {
            self.method.default_steps()
        } else {
            &self.steps
        }
    }
}

/// How the identifier field looks.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifierField {
    /// The field's label ("Identifiant", "Utilisateur"…).
    pub label: Text,
    /// The identifier's shape.
    #[serde(default)]
    pub rule: IdentifierRule,
}

/// Links the widget shows. Absent links are not shown.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Forgotten identifier.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(regex(pattern = schema::LINK)))]
    pub forgot_identifier: Option<String>,
    /// Forgotten password.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(regex(pattern = schema::LINK)))]
    pub forgot_password: Option<String>,
    /// Create an account.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(regex(pattern = schema::LINK)))]
    pub create_account: Option<String>,
}

/// Who to call when it goes wrong.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    /// The service's name.
    pub name: Text,
    /// Phone number as people dial it.
    #[serde(default)]
    pub phone: Option<String>,
    /// A note about the phone's cost, if any.
    #[serde(default)]
    pub phone_note: Option<Text>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<Text>,
    /// Online form.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(regex(pattern = schema::LINK)))]
    pub form: Option<String>,
}

/// Colours.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Accent colour, `#rrggbb`; white text on it must stay readable (contrast ≥ 4.5:1).
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$")))]
    pub accent: String,
}

/// A portal's whole configuration.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Short identifier.
    pub id: PortalId,
    /// Display name.
    pub name: String,
    /// A line under the name.
    pub tagline: Text,
    /// Methods offered, in the portal's order.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub methods: Vec<MethodOffer>,
    /// The identifier field.
    pub identifier: IdentifierField,
    /// The password policy.
    pub password: PasswordPolicy,
    /// Links.
    #[serde(default)]
    pub links: Links,
    /// Support contact.
    pub support: Support,
    /// Colours.
    pub theme: Theme,
    /// One-time codes: the app's period and the channels offered; needed by any offer with a
    /// code step.
    #[serde(default)]
    pub otp: Option<OtpSettings>,
    /// The "not a robot" step: provider and when it is due; needed by any offer with a captcha
    /// step (and used only by those).
    #[serde(default)]
    pub captcha: Option<CaptchaSettings>,
    /// The account journeys the portal offers (first login, forgotten password and
    /// identifier, sign-up confirmation); absent: none.
    #[serde(default)]
    pub account: AccountJourneys,
    /// The terms of use a session must accept (their current version) before it is ready;
    /// absent: no terms step.
    #[serde(default)]
    pub terms: Option<Terms>,
}

impl PortalConfig {
    /// The method offers, in order.
    pub fn offers(&self) -> impl Iterator<Item = &MethodOffer> {
        self.methods.iter()
    }

    /// The offer for `method`, if the portal has it.
    pub fn offer(&self, method: Method) -> Option<&MethodOffer> {
        self.methods.iter().find(|o| o.method == method)
    }

    /// How the portal names `method`, in `lang`; its wire name if the portal does not offer it.
    pub fn method_label(&self, method: Method, lang: Lang) -> &str {
        self.offer(method)
            .map_or(method.as_str(), |offer| offer.label.get(lang))
    }
}
