//! Pro Santé Connect and the regional single sign-on (ESEA-like), both OpenID Connect: what the
//! widget and the portal agree on. The protocol itself (authorization code, PKCE, state, nonce,
//! the ID token's checks) runs on the server (`sesame-demo`'s `oidc` module); the widget only
//! asks where to go, goes, and reads how the return went.
//!
//! - **Where to go**: `POST` [`OidcStartRequest`] → [`OidcStart`]: the provider's
//!   authorization URL for this browser, and the page to come back to.
//! - **The return**: the portal's callback ends with a redirect to that page with a fragment
//!   that says how it went ([`return_fragment`]); the widget reads it once ([`read_return`])
//!   and removes it. A session, when there is one, is the session cookie: the widget finds it as
//!   on any page load.
//! - **Assurance** from the ID token's `acr` ([`assurance_of`]): `eidas1` (what Pro Santé
//!   Connect answers) and `eidas2` (a card login may come back with it) are strong; anything
//!   else, or none, is refused or weak as the portal decides ([`OtherAcr`]).
//! - **Establishment**: an identity with several practices (PSC's `SubjectRefPro`: exercices
//!   and their activities) chooses one after the login ([`Establishment`]); the session says
//!   which remain to choose from until then.

use crate::error::ErrorCode;
use crate::i18n::{pick, Lang};
use crate::method::{AssuranceLevel, Method};
use crate::portal::PortalId;
use serde::{Deserialize, Serialize};

/// The level of assurance Pro Santé Connect is asked for (`acr_values`).
pub const ACR_EIDAS1: &str = "eidas1";
/// A higher level a card login may come back with.
pub const ACR_EIDAS2: &str = "eidas2";
/// The scopes Pro Santé Connect is asked for.
pub const PSC_SCOPES: [&str; 2] = ["openid", "scope_all"];
/// The scopes a regional single sign-on is asked for (standard OpenID Connect).
pub const SSO_SCOPES: [&str; 3] = ["openid", "profile", "email"];
/// How long a started login may take at the provider before its return is refused, in
/// seconds (the person may have to find their phone or card).
pub const REQUEST_LIFE_SECS: u32 = 10 * 60;
/// The longest `return_to` accepted, in bytes.
pub const MAX_RETURN_TO: usize = 512;
/// The most establishments a session offers to choose from (the rest are not shown).
pub const MAX_ESTABLISHMENTS: usize = 20;

/// The fragment's key for a failed return.
pub const FRAGMENT_ERROR: &str = "sesame-error";
/// The fragment's key naming the method that returned.
pub const FRAGMENT_METHOD: &str = "sesame-method";

/// What an `acr` other than `eidas1` / `eidas2` (or none) gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherAcr {
    /// Refused: `oidc_assurance_refused` (the default: a portal of health data asked for
    /// eIDAS "substantial" and does not get less without saying so).
    #[default]
    Refuse,
    /// Accepted as a weak (one-factor) login: the services that need a strong one stay greyed.
    Weak,
}

impl OtherAcr {
    /// Reads `refuse` / `weak`.
    pub fn parse(s: &str) -> Option<OtherAcr> {
        match s {
            "refuse" => Some(OtherAcr::Refuse),
            "weak" => Some(OtherAcr::Weak),
            _ => None,
        }
    }
}

/// The assurance a login with `acr` gives: `eidas1` and `eidas2` strong, anything else as
/// `others` says.
pub fn assurance_of(acr: Option<&str>, others: OtherAcr) -> Result<AssuranceLevel, ErrorCode> {
    match (acr, others) {
        (Some(ACR_EIDAS1 | ACR_EIDAS2), _) => Ok(AssuranceLevel::Strong),
        (_, OtherAcr::Weak) => Ok(AssuranceLevel::Weak),
        (_, OtherAcr::Refuse) => Err(ErrorCode::OidcAssuranceRefused),
    }
}

/// The methods that run over OpenID Connect, and the name of each in the portal's paths
/// (`/api/login/oidc/<name>/callback`).
pub fn provider_name(method: Method) -> Option<&'static str> {
    match method {
        Method::ProSanteConnect => Some("psc"),
        Method::RegionalSso => Some("sso"),
        _ => None,
    }
}

/// The method of a provider's name in the paths.
pub fn method_of(name: &str) -> Option<Method> {
    [Method::ProSanteConnect, Method::RegionalSso]
        .into_iter()
        .find(|&m| provider_name(m) == Some(name))
}

/// How a Pro Santé Connect login was made, where the provider says it (the ID token's `amr`,
/// RFC 8176 values: `sc` smart card, `mca` multiple-channel — the phone app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Means {
    /// The CPS card in a reader.
    Card,
    /// The e-CPS app on a phone.
    ECps,
}

impl Means {
    /// From the `amr` values, if they name one.
    pub fn from_amr<'a>(amr: impl IntoIterator<Item = &'a str>) -> Option<Means> {
        let mut means = None;
        for value in amr {
            match value {
                "sc" | "hwk" => return Some(Means::Card),
                "mca" | "swk" => means = Some(Means::ECps),
                _ => {}
            }
        }
        means
    }

    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Means::Card => "card",
            Means::ECps => "e_cps",
        }
    }

    /// Reads the wire form.
    pub fn parse(s: &str) -> Option<Means> {
        [Means::Card, Means::ECps]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    /// Its name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Means::Card => pick(lang, "carte CPS", "CPS card"),
            Means::ECps => pick(lang, "application e-CPS", "e-CPS app"),
        }
    }
}

/// One practice (PSC: an activity of an exercice) of the person logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Establishment {
    /// Its identifier at the provider (PSC: `identifiantTechniqueDeLaStructure`).
    pub id: String,
    /// Its name (PSC: `raisonSocialeSite`, or `enseigneCommercialeSite`).
    pub name: String,
}

/// `POST` body of [`paths::LOGIN_OIDC_START`](crate::api::paths::LOGIN_OIDC_START).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OidcStartRequest {
    /// The portal.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub portal: PortalId,
    /// `pro_sante_connect` or `regional_sso`.
    pub method: Method,
    /// The page to come back to: a path of the portal's own site (`/`, `/login?x=1`), at most
    /// [`MAX_RETURN_TO`] bytes; anything else is `/`.
    pub return_to: String,
}

/// Answer of [`paths::LOGIN_OIDC_START`](crate::api::paths::LOGIN_OIDC_START): go there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcStart {
    /// The provider's authorization URL, with state, nonce, PKCE challenge, scopes and `acr_values`.
    pub authorize_url: String,
}

/// `POST` body of [`paths::SESSION_ESTABLISHMENT`](crate::api::paths::SESSION_ESTABLISHMENT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EstablishmentChoice {
    /// One of the session's `establishments`.
    pub id: String,
}

/// Answer of [`paths::LOGOUT`](crate::api::paths::LOGOUT) when the session came from a
/// provider that can end its own: the page goes there to finish logging out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderLogout {
    /// The provider's end-session URL, with `id_token_hint` and the way back.
    pub end_session_url: String,
}

/// `return_to` if it is a path of this site, else `/`: no scheme, no host, no `//` or `/\`
/// (which browsers read as another host), no control character, within [`MAX_RETURN_TO`].
pub fn safe_return_to(return_to: &str) -> &str {
    let safe = return_to.starts_with('/')
        && !return_to.starts_with("//")
        && !return_to.starts_with("/\\")
        && return_to.len() <= MAX_RETURN_TO
        && !return_to.chars().any(|c| c.is_control() || c == '#');
    if safe {
        return_to
    } else {
        "/"
    }
}

/// The fragment the portal's callback appends to the return page: the method, and the error
/// code when the login did not happen.
pub fn return_fragment(method: Method, error: Option<ErrorCode>) -> String {
    let method = [FRAGMENT_METHOD, "=", method.as_str()].concat();
    match error {
        Some(code) => [FRAGMENT_ERROR, "=", code.as_str(), "&", &method].concat(),
        None => method,
    }
}

/// How a return went, from the page's fragment (without its `#`): the method and the error,
/// if the fragment is one [`return_fragment`] wrote.
pub fn read_return(fragment: &str) -> Option<(Method, Option<ErrorCode>)> {
    let mut method = None;
    let mut error = None;
    for pair in fragment.trim_start_matches('#').split('&') {
        match pair.split_once('=') {
            Some((FRAGMENT_METHOD, m)) => method = Method::parse(m),
            Some((FRAGMENT_ERROR, e)) => error = Some(ErrorCode::parse(e)),
            _ => {}
        }
    }
    let method = method.filter(|&m| provider_name(m).is_some())?;
    Some((method, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acr_levels() {
        for others in [OtherAcr::Refuse, OtherAcr::Weak] {
            assert_eq!(
                assurance_of(Some("eidas1"), others),
                Ok(AssuranceLevel::Strong)
            );
            assert_eq!(
                assurance_of(Some("eidas2"), others),
                Ok(AssuranceLevel::Strong)
            );
        }
        for acr in [None, Some("eidas3"), Some(""), Some("EIDAS1"), Some("loa1")] {
            assert_eq!(
                assurance_of(acr, OtherAcr::Refuse),
                Err(ErrorCode::OidcAssuranceRefused),
                "{acr:?}"
            );
            assert_eq!(
                assurance_of(acr, OtherAcr::Weak),
                Ok(AssuranceLevel::Weak),
                "{acr:?}"
            );
        }
        assert_eq!(OtherAcr::parse("weak"), Some(OtherAcr::Weak));
        assert_eq!(OtherAcr::parse("refuse"), Some(OtherAcr::Refuse));
        assert_eq!(OtherAcr::parse("strong"), None);
    }

    #[test]
    fn provider_names() {
        for m in Method::ALL {
            match provider_name(m) {
                Some(name) => assert_eq!(method_of(name), Some(m)),
                None => assert!(!matches!(m, Method::ProSanteConnect | Method::RegionalSso)),
            }
        }
        assert_eq!(method_of("cps"), None);
    }

    #[test]
    fn means_from_amr() {
        assert_eq!(Means::from_amr(["sc", "pin"]), Some(Means::Card));
        assert_eq!(Means::from_amr(["mca"]), Some(Means::ECps));
        assert_eq!(Means::from_amr(["mca", "sc"]), Some(Means::Card));
        assert_eq!(Means::from_amr(["pwd"]), None);
        assert_eq!(Means::from_amr([]), None);
        for m in [Means::Card, Means::ECps] {
            assert_eq!(Means::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn return_paths() {
        for ok in ["/", "/login", "/a/b?c=d&e=f", "/demo?preset=spico"] {
            assert_eq!(safe_return_to(ok), ok);
        }
        let long = format!("/{}", "a".repeat(MAX_RETURN_TO));
        for bad in [
            "",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil",
            "/a\nb",
            "/a#b",
            long.as_str(),
        ] {
            assert_eq!(safe_return_to(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn fragments_round_trip() {
        for method in [Method::ProSanteConnect, Method::RegionalSso] {
            assert_eq!(
                read_return(&return_fragment(method, None)),
                Some((method, None))
            );
            for code in [ErrorCode::OidcCancelled, ErrorCode::OidcFailed] {
                let fragment = return_fragment(method, Some(code));
                assert_eq!(read_return(&fragment), Some((method, Some(code))));
                assert_eq!(
                    read_return(&format!("#{fragment}")),
                    Some((method, Some(code)))
                );
            }
        }
        assert_eq!(
            return_fragment(Method::ProSanteConnect, Some(ErrorCode::OidcCancelled)),
            "sesame-error=oidc_cancelled&sesame-method=pro_sante_connect"
        );
        // Not ours, or a method that does not return: nothing to say.
        for other in [
            "",
            "top",
            "sesame-method=password",
            "sesame-error=oidc_failed",
        ] {
            assert_eq!(read_return(other), None, "{other}");
        }
        // An unknown code from a newer server is still a failure.
        assert_eq!(
            read_return("sesame-error=new_thing&sesame-method=regional_sso"),
            Some((Method::RegionalSso, Some(ErrorCode::UnknownError)))
        );
    }
}
