//! Account journeys (issue 14, `ACCOUNT-CONTRACT.md`): the first login through a set-password
//! link, the forgotten password and identifier, the sign-up confirmed by an e-mailed link and
//! an SMS code, and the terms of use accepted before a session is ready.
//!
//! - **Links**: the portal e-mails `{page}?preset={portal}#sesame-link={token}` ([`link_url`]);
//!   the token is in the fragment, so no server gets it with a `GET`, no access log or
//!   `Referer` holds it. The widget takes it from the address bar ([`link_from_fragment`]),
//!   removes it, and asks what it is for ([`LinkRequest`] → [`LinkInfo`]). A token is
//!   [`LINK_TOKEN_BYTES`] random bytes in lower-case hex ([`is_link_token`]: anything else is
//!   `link_invalid` without a lookup), single use, bound to one account of one portal and one
//!   [`LinkPurpose`].
//! - **Forgotten password or identifier**: the same `202` whatever the account, answered after
//!   [`ACCOUNT_ANSWER_FLOOR_MS`]; the e-mail, if any, goes after the answer.
//! - **Terms**: a portal's [`Terms`] (version and page); a session opened for an account that
//!   has not accepted the current version is *pending* ([`SessionInfo::terms`]) until
//!   [`TermsRequest`] accepts it.
//!
//! [`SessionInfo::terms`]: crate::api::SessionInfo::terms

use crate::portal::PortalId;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// The forgotten-password and forgotten-identifier answers come no sooner than this after the
/// request arrived, in milliseconds, whatever the lookup took: known and unknown accounts are
/// answered alike, in the same time.
pub const ACCOUNT_ANSWER_FLOOR_MS: u32 = 400;
/// Random bytes in a link's token (256 bits).
pub const LINK_TOKEN_BYTES: usize = 32;
/// A link's token in characters: [`LINK_TOKEN_BYTES`] in lower-case hex.
pub const LINK_TOKEN_CHARS: usize = LINK_TOKEN_BYTES * 2;
/// The key of the link's token in the page's fragment (`#sesame-link=<token>`).
pub const LINK_FRAGMENT: &str = "sesame-link";
/// The life of a sign-up link, in seconds (7 days).
pub const SIGNUP_LINK_LIFE_SECS: u32 = 7 * 24 * 60 * 60;
/// The digits of a sign-up confirmation code (sent by SMS).
pub const SIGNUP_CODE_DIGITS: u8 = 4;
/// The life of a sign-up confirmation code, in seconds (10 minutes).
pub const SIGNUP_CODE_LIFE_SECS: u32 = 10 * 60;
/// Codes sent at most per sign-up link, the first (sent at sign-up) included.
pub const SIGNUP_MAX_SENDS: u32 = 3;
/// Wrong codes per sign-up link; the last one spends the link (`link_used`: call support).
pub const SIGNUP_MAX_WRONG_CODES: u32 = 5;
/// Seconds before another sign-up code may be sent (the one-time codes' cooldown).
pub const SIGNUP_RESEND_COOLDOWN_SECS: u32 = crate::otp::RESEND_COOLDOWN_SECS;
/// Forgotten-password and forgotten-identifier requests per address per hour; beyond,
/// `rate_limited`.
pub const FORGOT_PER_ADDRESS_PER_HOUR: u32 = 10;
/// E-mails of the forgotten-password and forgotten-identifier journeys per account per hour;
/// beyond, none is sent (the answer stays the same `202`).
pub const EMAILS_PER_ACCOUNT_PER_HOUR: u32 = 3;
/// The life of a first-login link by default, in days, and the range a portal may choose.
pub const FIRST_LOGIN_DAYS: u32 = 14;
/// The range of [`AccountJourneys::first_login_days`].
pub const FIRST_LOGIN_DAYS_RANGE: (u32, u32) = (1, 60);
/// The life of a reset link by default, in minutes.
pub const RESET_MINUTES: u32 = 60;
/// The range of [`AccountJourneys::reset_minutes`].
pub const RESET_MINUTES_RANGE: (u32, u32) = (5, 1440);
/// The longest terms version, in characters (printable ASCII).
pub const MAX_TERMS_VERSION_CHARS: usize = 40;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// An invited account's first password ("Définir mon mot de passe").
    FirstLogin,
    /// A new password after "Mot de passe oublié ?".
    Reset,
    /// A sign-up to confirm with the code sent by SMS.
    Signup,
}

impl LinkPurpose {
    /// Every purpose.
    pub const ALL: [LinkPurpose; 3] = [
        LinkPurpose::FirstLogin,
        LinkPurpose::Reset,
        LinkPurpose::Signup,
    ];

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::FirstLogin => "first_login",
            LinkPurpose::Reset => "reset",
            LinkPurpose::Signup => "signup",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<LinkPurpose> {
        LinkPurpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether the link leads to choosing a password (first login, reset).
    pub fn sets_password(self) -> bool {
        self != LinkPurpose::Signup
    }
}

/// Where a link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// It may be used.
    Valid,
    /// Its life is over: ask for a new one.
    Expired,
    /// It was used (or spent: another link replaced it, too many wrong codes).
    Used,
}

impl LinkStatus {
    /// Every status.
    pub const ALL: [LinkStatus; 3] = [LinkStatus::Valid, LinkStatus::Expired, LinkStatus::Used];

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Valid => "valid",
            LinkStatus::Expired => "expired",
            LinkStatus::Used => "used",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<LinkStatus> {
        LinkStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What a link is for and where it is: the answer of
/// [`paths::ACCOUNT_LINK`](crate::api::paths::ACCOUNT_LINK), of a sign-up code sent and of a
/// sign-up confirmed. Absent members are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkInfo {
    /// What the link is for.
    pub purpose: LinkPurpose,
    /// Where it is.
    pub status: LinkStatus,
    /// The account's identifier, while the link is valid and not a sign-up's (the widget shows
    /// it above the new password, and the browser's password manager saves it with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// A sign-up's: where the code goes, masked ("06 •• •• •• 12").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Seconds left before the link expires, while it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u32>,
    /// A sign-up's: seconds before another code may be sent; absent when one may be sent now
    /// (or none may any more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resend_in: Option<u32>,
}

/// The answer of a password set through a link: the account's identifier, which the widget
/// puts in the login form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordSet {
    /// The account's identifier.
    pub identifier: String,
}

/// A portal's terms of use: the version to accept and the page that shows it. In a portal's
/// configuration and, while they are to be accepted, in the session.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// The version, 1 to 40 printable ASCII characters (`"pass-2026"`); a new version is
    /// accepted again by everyone.
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^[ -~]{1,40}$")))]
    #[cfg_attr(feature = "openapi", schema(example = "pass-2026"))]
    pub version: String,
    /// The page that shows them: `https://…` or a path of the portal, like the other links.
    #[cfg_attr(feature = "schema", schemars(regex(pattern = crate::portal::schema::LINK)))]
    #[cfg_attr(feature = "openapi", schema(example = "/demo/cgu/spico.html"))]
    pub url: String,
}

impl Terms {
    /// Whether `version` has the shape of a terms version: 1 to [`MAX_TERMS_VERSION_CHARS`]
    /// printable ASCII characters.
    pub fn is_version(version: &str) -> bool {
        !version.is_empty()
            && version.len() <= MAX_TERMS_VERSION_CHARS
            && version.bytes().all(|b| (b' '..=b'~').contains(&b))
    }

    /// Whether the page's link is one the widget may show (`https://…` or a path of the portal,
    /// never `javascript:`): the check of the portal's other links.
    pub fn has_safe_url(&self) -> bool {
        crate::portal::is_safe_link(&self.url)
    }
}

/// The account journeys a portal offers. Absent from a configuration: every journey off, the
/// portal's `links` or support contact as before.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountJourneys {
    /// The widget's own "Mot de passe oublié ?" form (it replaces `links.forgot_password`).
    pub forgot_password: bool,
    /// The widget's own "Identifiant oublié ?" form (it replaces `links.forgot_identifier`).
    pub forgot_identifier: bool,
    /// The life of a first-login (set-password) link, in days: 1 to 60.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 60)))]
    pub first_login_days: u32,
    /// The life of a reset link, in minutes: 5 to 1440.
    #[cfg_attr(feature = "schema", schemars(range(min = 5, max = 1440)))]
    pub reset_minutes: u32,
    /// A sign-up is confirmed by an e-mailed link and a 4-digit code sent by SMS.
    pub signup_confirmation: bool,
    /// The page the e-mails' links open: the portal's own page with the widget, `https://…` or
    /// a path of the portal (`/connexion`), without a fragment (the link's token goes there).
    /// Absent: the server's public origin with `?preset=<id>` (the demo's page).
    #[cfg_attr(feature = "schema", schemars(regex(pattern = crate::portal::schema::LINK)))]
    pub page: Option<String>,
}

impl Default for AccountJourneys {
    fn default() -> AccountJourneys {
        AccountJourneys {
            forgot_password: false,
            forgot_identifier: false,
            first_login_days: FIRST_LOGIN_DAYS,
            reset_minutes: RESET_MINUTES,
            signup_confirmation: false,
            page: None,
        }
    }
}

impl AccountJourneys {
    /// The life of a link for `purpose`, in seconds.
    pub fn link_life_secs(&self, purpose: LinkPurpose) -> u32 {
        match purpose {
            LinkPurpose::FirstLogin => self.first_login_days.saturating_mul(24 * 60 * 60),
            LinkPurpose::Reset => self.reset_minutes.saturating_mul(60),
            LinkPurpose::Signup => SIGNUP_LINK_LIFE_SECS,
        }
    }
}

/// `POST` body of [`paths::ACCOUNT_FORGOT_PASSWORD`](crate::api::paths::ACCOUNT_FORGOT_PASSWORD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// The portal.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "spico"))]
    pub portal: PortalId,
    /// The account's identifier, or its e-mail address.
    #[cfg_attr(feature = "openapi", schema(example = "marie.dupont"))]
    pub identifier: String,
}

/// `POST` body of
/// [`paths::ACCOUNT_FORGOT_IDENTIFIER`](crate::api::paths::ACCOUNT_FORGOT_IDENTIFIER).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotIdentifierRequest {
    /// The portal.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "spico"))]
    pub portal: PortalId,
    /// The account's e-mail address.
    #[cfg_attr(feature = "openapi", schema(example = "marie.dupont@exemple.fr"))]
    pub email: String,
}

/// `POST` body of [`paths::ACCOUNT_LINK`](crate::api::paths::ACCOUNT_LINK) and
/// [`paths::ACCOUNT_SIGNUP_SEND`](crate::api::paths::ACCOUNT_SIGNUP_SEND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The token of the link (what follows `#sesame-link=`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub token: Secret,
}

/// `POST` body of [`paths::ACCOUNT_SET_PASSWORD`](crate::api::paths::ACCOUNT_SET_PASSWORD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    /// The token of a first-login or reset link.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub token: Secret,
    /// The new password; it must meet every rule of the portal's policy.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub new_password: Secret,
}

/// `POST` body of [`paths::ACCOUNT_SIGNUP_CONFIRM`](crate::api::paths::ACCOUNT_SIGNUP_CONFIRM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupConfirmRequest {
    /// The token of the sign-up link.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub token: Secret,
    /// The code received by SMS ([`SIGNUP_CODE_DIGITS`] digits; spaces from a paste ignored).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4821"))]
    pub code: Secret,
}

/// `POST` body of [`paths::SESSION_TERMS`](crate::api::paths::SESSION_TERMS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TermsRequest {
    /// The version read (the session's `terms.version`).
    #[cfg_attr(feature = "openapi", schema(example = "pass-2026"))]
    pub version: String,
    /// `true` accepts them; `false` declines them, which ends the session.
    pub accept: bool,
}

/// Whether `token` has the shape of a link's token: [`LINK_TOKEN_CHARS`] lower-case hex
/// digits. Anything else is `link_invalid` without a lookup.
pub fn is_link_token(token: &str) -> bool {
    token.len() == LINK_TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The token of a link in the page's fragment (with or without its `#`), as written there
/// (its shape is [`is_link_token`]'s to judge); `None` when the fragment holds no link.
pub fn link_from_fragment(fragment: &str) -> Option<&str> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some((LINK_FRAGMENT, token)) => Some(token),
            _ => None,
        })
}

/// The link an e-mail carries: the portal's page (`page`, an origin or a page's URL without
/// query nor fragment) opened on `portal`'s preset, the token in the fragment.
pub fn link_url(page: &str, portal: &PortalId, token: &str) -> String {
    let slash = if page.ends_with('/') { "" } else { "/" };
    [
        page,
        slash,
        "?preset=",
        portal.as_str(),
        "#",
        LINK_FRAGMENT,
        "=",
        token,
    ]
    .concat()
}

/// The link an e-mail of `portal` carries, for a server whose public origin is `origin`: the
/// portal's [`AccountJourneys::page`] (a path of it after `origin`), else [`link_url`] on
/// `origin`; the token in the fragment.
pub fn portal_link_url(
    journeys: &AccountJourneys,
    origin: &str,
    portal: &PortalId,
    token: &str,
) -> String {
    match journeys.page.as_deref() {
        Some(path) if path.starts_with('/') => [
            origin.trim_end_matches('/'),
            path,
            "#",
            LINK_FRAGMENT,
            "=",
            token,
        ]
        .concat(),
        Some(page) => [page, "#", LINK_FRAGMENT, "=", token].concat(),
        None => link_url(origin, portal, token),
    }
}

/// A sign-up code as typed: its [`SIGNUP_CODE_DIGITS`] digits, spaces, dashes and dots from a
/// paste left out; `None` when it is not that many digits (`code_malformed`: nothing checked).
pub fn normalize_signup_code(typed: &str) -> Option<String> {
    let mut digits = String::new();
    for c in typed.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '-' | '.' => {}
            _ => return None,
        }
    }
    (digits.len() == usize::from(SIGNUP_CODE_DIGITS)).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_and_statuses_are_their_wire_strings() {
        for p in LinkPurpose::ALL {
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::from(p.as_str())
            );
            assert_eq!(LinkPurpose::parse(p.as_str()), Some(p));
        }
        for s in LinkStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::from(s.as_str())
            );
            assert_eq!(LinkStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(LinkPurpose::parse("invite"), None);
        assert!(!LinkPurpose::Signup.sets_password());
    }

    #[test]
    fn link_tokens_have_one_shape() {
        let good = "0123456789abcdef".repeat(4);
        assert!(is_link_token(&good));
        assert!(!is_link_token(&good[1..]), "truncated");
        assert!(!is_link_token(&[good.as_str(), "0"].concat()), "too long");
        assert!(!is_link_token(&good.to_uppercase()), "upper case");
        assert!(!is_link_token(&good.replace('a', "g")));
        assert!(!is_link_token(""));
        assert_eq!(LINK_TOKEN_CHARS, 64);
    }

    #[test]
    fn a_portal_s_page_is_where_its_links_lead() {
        let spico = PortalId::new("spico").unwrap();
        let mut journeys = AccountJourneys::default();
        assert_eq!(
            portal_link_url(&journeys, "https://sesame.exemple.fr", &spico, "t"),
            "https://sesame.exemple.fr/?preset=spico#sesame-link=t",
            "without a page: the demo's"
        );
        journeys.page = Some("/connexion?ecran=pass".into());
        assert_eq!(
            portal_link_url(&journeys, "https://sesame.exemple.fr/", &spico, "t"),
            "https://sesame.exemple.fr/connexion?ecran=pass#sesame-link=t",
            "a path of the portal, after the server's origin"
        );
        journeys.page = Some("https://pass.exemple.fr/login".into());
        assert_eq!(
            portal_link_url(&journeys, "https://sesame.exemple.fr", &spico, "t"),
            "https://pass.exemple.fr/login#sesame-link=t"
        );
    }

    #[test]
    fn links_carry_the_token_in_the_fragment_and_the_widget_finds_it() {
        let spico = PortalId::new("spico").unwrap();
        let token = "ab".repeat(32);
        let url = link_url("https://portail.exemple.fr", &spico, &token);
        assert_eq!(
            url,
            [
                "https://portail.exemple.fr/?preset=spico#sesame-link=",
                &token
            ]
            .concat()
        );
        assert_eq!(
            link_url("http://127.0.0.1:8080/", &spico, "t"),
            "http://127.0.0.1:8080/?preset=spico#sesame-link=t"
        );
        let fragment = url.split_once('#').unwrap().1;
        assert_eq!(link_from_fragment(fragment), Some(token.as_str()));
        assert_eq!(
            link_from_fragment(&["#", fragment].concat()),
            Some(token.as_str())
        );
        assert_eq!(link_from_fragment("#a=b&sesame-link=xyz"), Some("xyz"));
        assert_eq!(link_from_fragment("#sesame-method=psc"), None);
        assert_eq!(link_from_fragment(""), None);
    }

    #[test]
    fn signup_codes_are_four_digits() {
        assert_eq!(normalize_signup_code("4821").as_deref(), Some("4821"));
        assert_eq!(normalize_signup_code(" 48 21 ").as_deref(), Some("4821"));
        assert_eq!(normalize_signup_code("48-21").as_deref(), Some("4821"));
        for bad in ["482", "48210", "48a1", "", "４８２１"] {
            assert_eq!(normalize_signup_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn terms_versions_are_printable_ascii() {
        assert!(Terms::is_version("pass-2026"));
        assert!(Terms::is_version("v 2"));
        assert!(Terms::is_version(&"x".repeat(MAX_TERMS_VERSION_CHARS)));
        assert!(!Terms::is_version(&"x".repeat(MAX_TERMS_VERSION_CHARS + 1)));
        assert!(!Terms::is_version(""));
        assert!(!Terms::is_version("v\n2"));
        assert!(!Terms::is_version("été"));
        let terms = |url: &str| Terms {
            version: "1".into(),
            url: url.into(),
        };
        assert!(terms("/demo/cgu/spico.html").has_safe_url());
        assert!(terms("https://exemple.fr/cgu").has_safe_url());
        assert!(!terms("javascript:alert(1)").has_safe_url());
        assert!(!terms("//evil.example/cgu").has_safe_url());
    }

    #[test]
    fn journeys_default_to_off_and_links_live_as_configured() {
        let off: AccountJourneys = serde_json::from_str("{}").unwrap();
        assert_eq!(off, AccountJourneys::default());
        assert!(!off.forgot_password && !off.forgot_identifier && !off.signup_confirmation);
        assert_eq!(off.link_life_secs(LinkPurpose::FirstLogin), 14 * 86_400);
        assert_eq!(off.link_life_secs(LinkPurpose::Reset), 3_600);
        assert_eq!(off.link_life_secs(LinkPurpose::Signup), 7 * 86_400);
        assert!(serde_json::from_str::<AccountJourneys>(r#"{"forgot":true}"#).is_err());
    }

    #[test]
    fn bodies_refuse_unknown_fields_and_keep_secrets_out_of_debug() {
        let token = "cd".repeat(32);
        let set: SetPasswordRequest = serde_json::from_value(serde_json::json!(
            {"token": token, "new_password": "Nouveau-Mot-2026!"}
        ))
        .unwrap();
        let debug = format!("{set:?}");
        assert!(
            !debug.contains(&token) && !debug.contains("Nouveau"),
            "{debug}"
        );
        let confirm: SignupConfirmRequest =
            serde_json::from_value(serde_json::json!({"token": token, "code": "4821"})).unwrap();
        assert!(!format!("{confirm:?}").contains("4821"));
        assert!(serde_json::from_value::<LinkRequest>(
            serde_json::json!({"token": token, "admin": true})
        )
        .is_err());
        assert!(serde_json::from_value::<TermsRequest>(
            serde_json::json!({"version": "pass-2026", "accept": "yes"})
        )
        .is_err());
    }
}
