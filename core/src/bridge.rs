//! The page ↔ extension bridge: messages, their codes, the origin policy, the timeouts.
//!
//! Modelled on Web eID. The page (the widget) posts `{action, id, …}` with
//! `window.postMessage`; the extension's content script relays it to the background, which
//! answers `{action: "<action>-success" | "<action>-failure", id, …}`; the content script posts
//! `{action: "<action>-ack", id}` at once, so the page knows within [`ACK_TIMEOUT_MS`] whether
//! the extension is there.
//!
//! **Architecture invariant:** the origin a request is judged by is the one the browser gives
//! the background (`sender.url`), never a field of the message: [`Request::parse`] has no
//! origin to read, and [`PortalOrigin::from_url`] is applied to the sender's URL only.
//!
//! This module is serde-free so the widget can use it at no weight: requests are read from any
//! [`JsonValue`] (serde_json in the background, `JsValue` in the widget) and written as flat
//! [`Fields`](crate::wire::Fields).

use crate::i18n::{either, Lang};
use crate::wire::JsonValue;

/// The product version, shared by widget, extension and (with the CPS issue) native host.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Prefix of every bridge action: the only messages the content script relays.
pub const PREFIX: &str = "sesame:";

/// How long the page waits for the content script's ack before it says the extension is not
/// there. Web eID waits 1 s; the content script acks synchronously, so 300 ms is generous.
pub const ACK_TIMEOUT_MS: u32 = 300;
/// How long the page waits for an answer that needs nobody (status).
pub const ANSWER_TIMEOUT_MS: u32 = 5_000;
/// How long a confirmation in the extension's window may take before it counts as a refusal.
pub const USER_TIMEOUT_MS: u32 = 120_000;
/// The largest message the extension reads, in bytes of JSON (Web eID: 8 KiB).
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;
/// The longest request id, portal name or bookmark title the extension keeps, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// The longest origin accepted (Web eID's native app: 255).
pub const MAX_ORIGIN_CHARS: usize = 255;

/// What a page can ask the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Is the extension there, which version, is this portal enabled? Answered to any secure
    /// origin: it reveals nothing but the extension's presence, which the ack already does.
    Status,
    /// "Let this portal use Sésame", confirmed by the person in the extension's own window;
    /// optionally with a bookmark made in the same confirmation.
    EnablePortal,
    /// A bookmark to this portal, confirmed by the person; only for an enabled portal.
    AddBookmark,
    /// Sign the portal's one-time `nonce` with the CPS card: the holder sees the origin and the
    /// certificate and types the PIN in the extension's window; the native host signs
    /// [`to_be_signed`](crate::host::to_be_signed)`(origin, nonce)`. Any secure origin may ask
    /// (as with Web eID): the signature is bound to the origin the browser gave, so it is worth
    /// nothing to another site.
    CpsLogin,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 4] = [
        Action::Status,
        Action::EnablePortal,
        Action::AddBookmark,
        Action::CpsLogin,
    ];

    /// The name on the wire, with its prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Status => "sesame:status",
            Action::EnablePortal => "sesame:enable-portal",
            Action::AddBookmark => "sesame:add-bookmark",
            Action::CpsLogin => "sesame:cps-login",
        }
    }

    /// Reads an action name (with its prefix).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether the portal must be enabled first.
    pub fn needs_enabled_portal(self) -> bool {
        matches!(self, Action::AddBookmark)
    }
}

/// The suffixes of answers: a content script or page never relays these as requests.
pub const ANSWER_SUFFIXES: [&str; 3] = ["-ack", "-success", "-failure"];

/// The name of an answer to `action`: `sesame:status-success`…
pub fn answer_name(action: &str, suffix: &str) -> String {
    let mut name = String::with_capacity(action.len() + suffix.len());
    name.push_str(action);
    name.push_str(suffix);
    name
}

/// A failure of the bridge, with its stable code. **Codes are never renamed.**
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeError {
    // --- developer: the page sent something the extension cannot read ---
    /// Not JSON, not an object, a field missing or of the wrong type, a field too long.
    MalformedMessage,
    /// Larger than [`MAX_MESSAGE_BYTES`].
    MessageTooLarge,
    /// An action this version does not know.
    UnknownAction,
    /// The same request id is already waiting for an answer.
    ActionPending,
    // --- security ---
    /// The page is on an origin the person has not enabled.
    OriginNotAllowed,
    /// The page is not in a secure context (https, or http on 127.0.0.1/localhost).
    InsecureContext,
    // --- user ---
    /// The person said no, or closed the confirmation window.
    UserCancelled,
    /// Nobody answered the confirmation in [`USER_TIMEOUT_MS`].
    UserTimeout,
    // --- health ---
    /// The extension did not answer the page: not installed, or disabled.
    ExtensionUnavailable,
    /// The extension acked but did not answer in time.
    ActionTimeout,
    /// The browser refused the bookmark, storage or window the action needed.
    BrowserRefused,
    /// The extension is older than the page's widget: update the extension.
    VersionMismatch,
    /// The page's widget is older than the extension: the portal must update it.
    PageOutdated,
    /// A code this version does not know.
    UnknownError,
    // --- the CPS card (`sesame:cps-login`), from the native host's answers ---
    /// The card program (native host) is not installed for this browser.
    HostMissing,
    /// The card program stopped or answered something unreadable.
    HostFailed,
    /// The card program is older or newer than the extension: update both.
    HostOutdated,
    /// No card in the reader.
    CardAbsent,
    /// No card reader.
    ReaderAbsent,
    /// The card's PIN is blocked: a final state, never "try again".
    PinLocked,
    /// The card could not be used (another card, its software missing or failing).
    CardFailed,
}

impl BridgeError {
    /// Every code.
    pub const ALL: [BridgeError; 21] = [
        BridgeError::MalformedMessage,
        BridgeError::MessageTooLarge,
        BridgeError::UnknownAction,
        BridgeError::ActionPending,
        BridgeError::OriginNotAllowed,
        BridgeError::InsecureContext,
        BridgeError::UserCancelled,
        BridgeError::UserTimeout,
        BridgeError::ExtensionUnavailable,
        BridgeError::ActionTimeout,
        BridgeError::BrowserRefused,
        BridgeError::VersionMismatch,
        BridgeError::PageOutdated,
        BridgeError::UnknownError,
        BridgeError::HostMissing,
        BridgeError::HostFailed,
        BridgeError::HostOutdated,
        BridgeError::CardAbsent,
        BridgeError::ReaderAbsent,
        BridgeError::PinLocked,
        BridgeError::CardFailed,
    ];

    /// The stable string form, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            BridgeError::MalformedMessage => "malformed_message",
            BridgeError::MessageTooLarge => "message_too_large",
            BridgeError::UnknownAction => "unknown_action",
            BridgeError::ActionPending => "action_pending",
            BridgeError::OriginNotAllowed => "origin_not_allowed",
            BridgeError::InsecureContext => "insecure_context",
            BridgeError::UserCancelled => "user_cancelled",
            BridgeError::UserTimeout => "user_timeout",
            BridgeError::ExtensionUnavailable => "extension_unavailable",
            BridgeError::ActionTimeout => "action_timeout",
            BridgeError::BrowserRefused => "browser_refused",
            BridgeError::VersionMismatch => "version_mismatch",
            BridgeError::PageOutdated => "page_outdated",
            BridgeError::UnknownError => "unknown_error",
            BridgeError::HostMissing => "host_missing",
            BridgeError::HostFailed => "host_failed",
            BridgeError::HostOutdated => "host_outdated",
            BridgeError::CardAbsent => "card_absent",
            BridgeError::ReaderAbsent => "reader_absent",
            BridgeError::PinLocked => "pin_locked",
            BridgeError::CardFailed => "card_failed",
        }
    }

    /// Reads a code; an unknown one is [`BridgeError::UnknownError`].
    pub fn from_code(code: &str) -> BridgeError {
        BridgeError::ALL
            .into_iter()
            .find(|e| e.as_str() == code)
            .unwrap_or(BridgeError::UnknownError)
    }

    /// Which part failed and the one thing to do, in words a nurse understands.
    pub fn text(self, lang: Lang) -> &'static str {
        // Each arm yields its pair; one lookup after the `match` (`T::get`'s way).
        let pick = |_: Lang, fr: &'static str, en: &'static str| (fr, en);
        let pair = match self {
            BridgeError::MalformedMessage
            | BridgeError::MessageTooLarge
            | BridgeError::UnknownAction
            | BridgeError::UnknownError => pick(
                lang,
                "La page et l'extension Sésame ne se comprennent pas. Rechargez la page, puis \
                 appelez l'assistance si cela recommence.",
                "The page and the Sésame extension do not understand each other. Reload the \
                 page, then call support if it happens again.",
            ),
            BridgeError::ActionPending => pick(
                lang,
                "Une fenêtre de l'extension Sésame attend déjà votre réponse.",
                "A Sésame extension window is already waiting for your answer.",
            ),
            BridgeError::OriginNotAllowed => pick(
                lang,
                "Ce portail n'est pas autorisé dans l'extension Sésame\u{a0}: ajoutez-le depuis \
                 son bouton «\u{a0}favoris\u{a0}».",
                "This portal is not allowed in the Sésame extension: add it with its \
                 \"bookmarks\" button.",
            ),
            BridgeError::InsecureContext => pick(
                lang,
                "Page non sécurisée (sans https)\u{a0}: ouvrez le portail depuis son adresse \
                 habituelle.",
                "Page not secure (no https): open the portal from its usual address.",
            ),
            BridgeError::UserCancelled => pick(
                lang,
                "Annulé dans la fenêtre de l'extension Sésame\u{a0}: rien n'a changé.",
                "Cancelled in the Sésame extension's window: nothing changed.",
            ),
            BridgeError::UserTimeout => pick(
                lang,
                "La fenêtre de l'extension Sésame est restée sans réponse\u{a0}: rien n'a \
                 changé. Recommencez quand vous voulez.",
                "The Sésame extension's window got no answer: nothing changed. Try again \
                 whenever you like.",
            ),
            BridgeError::ExtensionUnavailable => pick(
                lang,
                "L'extension Sésame est absente ou désactivée\u{a0}: installez-la ou \
                 réactivez-la dans les modules du navigateur.",
                "The Sésame extension is missing or disabled: install it, or enable it in the \
                 browser's add-ons.",
            ),
            BridgeError::ActionTimeout => pick(
                lang,
                "L'extension Sésame ne répond pas\u{a0}: fermez et rouvrez le navigateur, puis \
                 réessayez.",
                "The Sésame extension does not answer: close and reopen the browser, then try \
                 again.",
            ),
            BridgeError::BrowserRefused => pick(
                lang,
                "Le navigateur a refusé l'opération à l'extension Sésame\u{a0}: vérifiez ses \
                 autorisations dans les modules du navigateur.",
                "The browser refused the operation to the Sésame extension: check its \
                 permissions in the browser's add-ons.",
            ),
            BridgeError::VersionMismatch => pick(
                lang,
                "Votre extension Sésame est plus ancienne que cette page\u{a0}: mettez-la à \
                 jour dans les modules du navigateur, puis rechargez la page.",
                "Your Sésame extension is older than this page: update it in the browser's \
                 add-ons, then reload the page.",
            ),
            BridgeError::PageOutdated => pick(
                lang,
                "Cette page utilise un Sésame plus ancien que votre extension\u{a0}: prévenez \
                 l'assistance du portail, qui doit le mettre à jour.",
                "This page uses an older Sésame than your extension: tell the portal's support, \
                 who must update it.",
            ),
            BridgeError::HostMissing => pick(
                lang,
                "Le programme Sésame pour la carte CPS n'est pas installé sur cet ordinateur\u{a0}: \
                 demandez à votre service informatique d'installer «\u{a0}sesame-host\u{a0}», \
                 ou connectez-vous autrement.",
                "The Sésame card program is not installed on this computer: ask your IT \
                 department to install \"sesame-host\", or log in another way.",
            ),
            BridgeError::HostFailed => pick(
                lang,
                "Le programme Sésame pour la carte CPS s'est arrêté\u{a0}: retirez la carte, \
                 remettez-la et réessayez. Si cela recommence, appelez l'assistance.",
                "The Sésame card program stopped: take the card out, put it back and try again. \
                 If it happens again, call support.",
            ),
            BridgeError::HostOutdated => pick(
                lang,
                "Le programme Sésame pour la carte CPS et l'extension n'ont pas la même \
                 version\u{a0}: demandez à votre service informatique de mettre les deux à jour.",
                "The Sésame card program and the extension are not the same version: ask your \
                 IT department to update both.",
            ),
            BridgeError::CardAbsent => pick(
                lang,
                "Aucune carte dans le lecteur\u{a0}: insérez votre carte CPS, puce vers le haut, \
                 puis réessayez.",
                "No card in the reader: insert your CPS card, chip up, then try again.",
            ),
            BridgeError::ReaderAbsent => pick(
                lang,
                "Aucun lecteur de carte trouvé\u{a0}: branchez le lecteur, attendez quelques \
                 secondes, puis réessayez.",
                "No card reader found: plug the reader in, wait a few seconds, then try again.",
            ),
            BridgeError::PinLocked => pick(
                lang,
                "Le code PIN de cette carte est bloqué. Il ne sert à rien de réessayer\u{a0}: \
                 débloquez-la avec votre code PUK ou demandez une nouvelle carte à l'ANS. \
                 Connectez-vous autrement en attendant.",
                "This card's PIN is blocked. Trying again will not help: unblock it with your \
                 PUK code or ask the ANS for a new card. Log in another way meanwhile.",
            ),
            BridgeError::CardFailed => pick(
                lang,
                "Cette carte n'a pas pu être lue\u{a0}: vérifiez que c'est bien votre carte CPS, \
                 puis ouvrez le diagnostic de l'extension Sésame ou appelez l'assistance.",
                "This card could not be read: check that it is your CPS card, then open the \
                 Sésame extension's diagnostics or call support.",
            ),
        };
        either(lang, pair)
    }
}

/// A request read from a page's message. The origin is not in it: see the module's invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What is asked.
    pub action: Action,
    /// The page's id for this request, echoed in every answer.
    pub id: String,
    /// The portal's name as the page gives it (shown to the person beside the real origin,
    /// never trusted); for `enable-portal` and `add-bookmark`.
    pub name: Option<String>,
    /// `enable-portal`: also make a bookmark in the same confirmation.
    pub bookmark: bool,
    /// `cps-login` (required there): the portal's one-time nonce ([`is_nonce`]).
    pub nonce: Option<String>,
}

/// A page's request that cannot be read: the code, and the id when one could be read (so the
/// failure can be addressed to the page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Why.
    pub error: BridgeError,
    /// The request's action name, when it had a readable one (to name the failure answer).
    pub action: Option<String>,
    /// The request's id, when readable.
    pub id: Option<String>,
}

impl Request {
    /// Reads a request. `json_len` is the length of the message's JSON text, measured by the
    /// caller before parsing (a message over [`MAX_MESSAGE_BYTES`] is not read at all).
    pub fn parse<J: JsonValue>(message: &J, json_len: usize) -> Result<Request, Rejected> {
        let action_name = message.member("action").and_then(|a| a.string());
        let id = message
            .member("id")
            .and_then(|i| i.string())
            .filter(|i| short(i));
        let reject = |error| Rejected {
            error,
            action: action_name
                .clone()
                .filter(|a| a.starts_with(PREFIX) && short(a)),
            id: id.clone(),
        };
        if json_len > MAX_MESSAGE_BYTES {
            return Err(reject(BridgeError::MessageTooLarge));
        }
        let Some(name) = action_name.as_deref() else {
            return Err(reject(BridgeError::MalformedMessage));
        };
        let Some(action) = Action::from_name(name) else {
            return Err(reject(BridgeError::UnknownAction));
        };
        let Some(id) = id.clone().filter(|i| !i.is_empty()) else {
            return Err(reject(BridgeError::MalformedMessage));
        };
        let name = match message.member("name") {
            None => None,
            Some(n) => match n.string() {
                Some(n) if short(&n) && !n.trim().is_empty() => Some(n.trim().to_owned()),
                _ => return Err(reject(BridgeError::MalformedMessage)),
            },
        };
        let bookmark = match message.member("bookmark") {
            None => false,
            Some(b) => match b.boolean() {
                Some(b) => b,
                None => return Err(reject(BridgeError::MalformedMessage)),
            },
        };
        let nonce = match message.member("nonce") {
            None => None,
            Some(n) => match n.string() {
                Some(n) if is_nonce(&n) => Some(n),
                _ => return Err(reject(BridgeError::MalformedMessage)),
            },
        };
        if (action == Action::CpsLogin) != nonce.is_some() {
            return Err(reject(BridgeError::MalformedMessage));
        }
        Ok(Request {
            action,
            id,
            name,
            bookmark,
            nonce,
        })
    }
}

/// The shortest nonce accepted, in characters: 256 bits in unpadded base64 (43 characters).
pub const MIN_NONCE_CHARS: usize = 43;
/// The longest nonce accepted, in characters.
pub const MAX_NONCE_CHARS: usize = 256;

/// Whether `nonce` has a login nonce's shape: [`MIN_NONCE_CHARS`]..=[`MAX_NONCE_CHARS`]
/// characters of base64 or base64url (with optional `=` padding). The one definition: the
/// extension and the native host check it the same way.
pub fn is_nonce(nonce: &str) -> bool {
    (MIN_NONCE_CHARS..=MAX_NONCE_CHARS).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'='))
}

fn short(s: &str) -> bool {
    s.chars().count() <= MAX_FIELD_CHARS
}

/// The origin of a portal page: `https://host[:port]`, or `http://` on the loopback names the
/// demo uses. Lower-case, no path, no user info; at most [`MAX_ORIGIN_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortalOrigin(String);

impl PortalOrigin {
    /// The origin of a page's URL (as the browser gives it in `sender.url`), or why not.
    pub fn from_url(url: &str) -> Result<PortalOrigin, BridgeError> {
        let (scheme, rest) = url.split_once("://").ok_or(BridgeError::MalformedMessage)?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') || authority.is_empty() {
            return Err(BridgeError::MalformedMessage);
        }
        let authority = authority.to_ascii_lowercase();
        let (host, port) = split_port(&authority).ok_or(BridgeError::MalformedMessage)?;
        if !valid_host(host) {
            return Err(BridgeError::MalformedMessage);
        }
        let default_port = match scheme.as_str() {
            "https" => "443",
            "http" if is_loopback(host) => "80",
            "http" => return Err(BridgeError::InsecureContext),
            _ => return Err(BridgeError::MalformedMessage),
        };
        let mut origin = String::with_capacity(scheme.len() + 3 + authority.len());
        origin.push_str(&scheme);
        origin.push_str("://");
        origin.push_str(host);
        if let Some(port) = port.filter(|p| *p != default_port) {
            origin.push(':');
            origin.push_str(port);
        }
        if origin.len() > MAX_ORIGIN_CHARS {
            return Err(BridgeError::MalformedMessage);
        }
        Ok(PortalOrigin(origin))
    }

    /// `scheme://host[:port]`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, for names of shortcut files and the confirmation window.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, r)| r);
        split_port(rest).map_or(rest, |(h, _)| h)
    }
}

/// `host[:port]` → (host, port); IPv6 literals in brackets keep them. `None` if the port is
/// not a number in 1..=65535.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let colon = if authority.starts_with('[') {
        let end = authority.find(']')?;
        authority[end..].find(':').map(|i| end + i)
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Some((authority, None)),
        Some(i) => {
            let port = &authority[i + 1..];
            let n: u32 = port.parse().ok()?;
            (port.len() <= 5 && (1..=65535).contains(&n) && !port.starts_with('0'))
                .then_some((&authority[..i], Some(port)))
        }
    }
}

fn valid_host(host: &str) -> bool {
    if host == "[::1]" {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The loopback names on which plain http is a secure context (the demo's).
fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// A portal the person enabled in the extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledPortal {
    /// Its origin, from the browser.
    pub origin: PortalOrigin,
    /// Its name as shown to the person (the page's, or the preset's).
    pub name: String,
    /// The page to open from shortcuts: the URL the person enabled it from, without query or
    /// fragment.
    pub start_url: String,
}

/// The page URL a shortcut opens: the sender's URL without its query and fragment (they may
/// carry one-time values), on the sender's origin.
pub fn start_url(url: &str, origin: &PortalOrigin) -> String {
    let without = url.split(['?', '#']).next().unwrap_or_default();
    let path = without
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    let mut s = String::with_capacity(origin.as_str().len() + path.len());
    s.push_str(origin.as_str());
    s.push_str(path);
    s
}

/// Whether the extension answers `action` for `origin`, given the enabled portals.
pub fn allowed(action: Action, origin: &PortalOrigin, enabled: &[EnabledPortal]) -> bool {
    !action.needs_enabled_portal() || enabled.iter().any(|p| &p.origin == origin)
}

/// `major.minor` of a product version, as numbers.
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Whether two product versions can work together: same major and minor.
pub fn compatible(a: &str, b: &str) -> bool {
    matches!((major_minor(a), major_minor(b)), (Some(x), Some(y)) if x == y)
}

/// Which part to update when the page's widget (`page`) and the extension do not match:
/// `version_mismatch` (the extension is older, or its version unreadable) or `page_outdated`
/// (the page is older); `None` when they work together.
pub fn version_mismatch(page: &str, extension: &str) -> Option<BridgeError> {
    if compatible(page, extension) {
        return None;
    }
    match (major_minor(page), major_minor(extension)) {
        (Some(p), Some(e)) if p > e => Some(BridgeError::VersionMismatch),
        (Some(_), Some(_)) => Some(BridgeError::PageOutdated),
        _ => Some(BridgeError::VersionMismatch),
    }
}

/// Shortcut files for the person's system, offered as a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcutKind {
    /// Linux desktops: `.desktop`.
    Desktop,
    /// Windows: `.url`.
    Url,
    /// macOS: `.webloc`.
    Webloc,
}

impl ShortcutKind {
    /// From `runtime.getPlatformInfo().os` (`linux`, `win`, `mac`, `openbsd`…).
    pub fn for_os(os: &str) -> ShortcutKind {
        match os {
            "win" => ShortcutKind::Url,
            "mac" => ShortcutKind::Webloc,
            _ => ShortcutKind::Desktop,
        }
    }

    /// The file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ShortcutKind::Desktop => "desktop",
            ShortcutKind::Url => "url",
            ShortcutKind::Webloc => "webloc",
        }
    }

    /// The file's name for a portal: its name with only safe characters, then the extension.
    pub fn file_name(self, portal_name: &str) -> String {
        let mut base: String = portal_name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '\'') {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .trim()
            .chars()
            .take(60)
            .collect();
        if base.trim_matches('_').is_empty() {
            base = "Portail".into();
        }
        base.push('.');
        base.push_str(self.extension());
        base
    }

    /// The file's text: opens `url` (an https or loopback URL) with the system's browser.
    pub fn contents(self, name: &str, url: &str) -> String {
        let name: String = name.chars().filter(|c| !c.is_control()).collect();
        let url: String = url.chars().filter(|c| !c.is_control()).collect();
        match self {
            ShortcutKind::Desktop => format!(
                "[Desktop Entry]\nVersion=1.0\nType=Link\nName={name}\nURL={url}\nIcon=text-html\n"
            ),
            ShortcutKind::Url => format!("[InternetShortcut]\r\nURL={url}\r\n"),
            ShortcutKind::Webloc => format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \
                 \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
                 <plist version=\"1.0\">\n<dict>\n<key>URL</key>\n<string>{}</string>\n</dict>\n</plist>\n",
                xml_escape(&url)
            ),
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How many portals have a keyboard shortcut (the manifest's `open-portal-1` …): browsers
/// suggest at most four keys per extension.
pub const PORTAL_COMMANDS: usize = 4;

/// The portal a command `open-portal-<n>` opens: the n-th enabled portal, in the order the
/// person enabled them.
pub fn portal_for_command<'a>(
    command: &str,
    enabled: &'a [EnabledPortal],
) -> Option<&'a EnabledPortal> {
    let n: usize = command.strip_prefix("open-portal-")?.parse().ok()?;
    (1..=PORTAL_COMMANDS)
        .contains(&n)
        .then(|| enabled.get(n - 1))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> Result<Request, Rejected> {
        let len = v.to_string().len();
        Request::parse(&v, len)
    }

    #[test]
    fn actions_and_codes_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.as_str()), Some(a));
            assert!(a.as_str().starts_with(PREFIX));
        }
        for e in BridgeError::ALL {
            assert_eq!(BridgeError::from_code(e.as_str()), e);
            for lang in [Lang::Fr, Lang::En] {
                assert!(!e.text(lang).is_empty());
            }
        }
        assert_eq!(
            BridgeError::from_code("from_the_future"),
            BridgeError::UnknownError
        );
    }

    #[test]
    fn reads_requests() {
        let r = parse(json!({"action": "sesame:status", "id": "r1"})).unwrap();
        assert_eq!(r.action, Action::Status);
        assert_eq!(r.id, "r1");
        let r = parse(
            json!({"action": "sesame:enable-portal", "id": "r2", "name": " SPICO ",
                             "bookmark": true}),
        )
        .unwrap();
        assert_eq!(r.name.as_deref(), Some("SPICO"));
        assert!(r.bookmark);
    }

    #[test]
    fn a_cps_login_needs_a_nonce_of_256_bits_and_only_it_has_one() {
        let nonce = "kX3dM0Jq9v1nR2oP8sT4uW6yZ0aB2cD4eF6gH8iJ0kL";
        let r = parse(json!({"action": "sesame:cps-login", "id": "c1", "nonce": nonce})).unwrap();
        assert_eq!(r.action, Action::CpsLogin);
        assert_eq!(r.nonce.as_deref(), Some(nonce));
        assert!(!Action::CpsLogin.needs_enabled_portal());
        for bad in [
            json!({"action": "sesame:cps-login", "id": "c2"}),
            json!({"action": "sesame:cps-login", "id": "c3", "nonce": &nonce[1..]}),
            json!({"action": "sesame:cps-login", "id": "c4", "nonce": format!("{nonce}!")}),
            json!({"action": "sesame:cps-login", "id": "c5", "nonce": "a".repeat(257)}),
            json!({"action": "sesame:cps-login", "id": "c6", "nonce": 42}),
            json!({"action": "sesame:status", "id": "c7", "nonce": nonce}),
        ] {
            let e = parse(bad.clone()).unwrap_err();
            assert_eq!(e.error, BridgeError::MalformedMessage, "{bad}");
            assert!(
                e.id.is_some(),
                "{bad}: the failure is addressed to the page"
            );
        }
    }

    #[test]
    fn host_failures_reach_the_page_as_bridge_codes_with_the_same_words() {
        use crate::host::HostError;
        assert_eq!(
            BridgeError::from(&HostError::PinLocked),
            BridgeError::PinLocked
        );
        assert_eq!(
            BridgeError::from(&HostError::CardAbsent),
            BridgeError::CardAbsent
        );
        assert_eq!(
            BridgeError::from(&HostError::VersionMismatch),
            BridgeError::HostOutdated
        );
        assert_eq!(
            BridgeError::from(&HostError::ModuleNotFound { checked: vec![] }),
            BridgeError::CardFailed
        );
        for lang in [Lang::Fr, Lang::En] {
            assert_eq!(
                HostError::PinLocked.text(lang),
                BridgeError::PinLocked.text(lang)
            );
            assert_eq!(
                HostError::CardAbsent.text(lang),
                BridgeError::CardAbsent.text(lang)
            );
        }
        // A blocked card is never "try again".
        assert!(!BridgeError::PinLocked.text(Lang::Fr).contains("réessayez"));
    }

    #[test]
    fn a_claimed_origin_is_not_read() {
        // A page claiming another origin in its body: the field is ignored, there is no
        // origin in a request at all; the background judges by the sender.
        let r = parse(json!({"action": "sesame:add-bookmark", "id": "x",
                             "origin": "https://spico.esante-occitanie.fr"}))
        .unwrap();
        assert_eq!(r.action, Action::AddBookmark);
    }

    #[test]
    fn bad_requests_get_a_code_and_keep_their_id() {
        let cases = [
            (json!({"id": "a"}), BridgeError::MalformedMessage),
            (
                json!({"action": 3, "id": "a"}),
                BridgeError::MalformedMessage,
            ),
            (
                json!({"action": "sesame:status"}),
                BridgeError::MalformedMessage,
            ),
            (
                json!({"action": "sesame:status", "id": ""}),
                BridgeError::MalformedMessage,
            ),
            (
                json!({"action": "sesame:status", "id": 7}),
                BridgeError::MalformedMessage,
            ),
            (
                json!({"action": "sesame:launch-rockets", "id": "a"}),
                BridgeError::UnknownAction,
            ),
            (
                json!({"action": "sesame:enable-portal", "id": "a", "bookmark": "yes"}),
                BridgeError::MalformedMessage,
            ),
            (
                json!({"action": "sesame:enable-portal", "id": "a", "name": "x".repeat(201)}),
                BridgeError::MalformedMessage,
            ),
            (json!([1, 2]), BridgeError::MalformedMessage),
            (json!("sesame:status"), BridgeError::MalformedMessage),
        ];
        for (msg, code) in cases {
            let err = parse(msg.clone()).unwrap_err();
            assert_eq!(err.error, code, "{msg}");
        }
        let err = parse(json!({"action": "sesame:nope", "id": "q"})).unwrap_err();
        assert_eq!(err.id.as_deref(), Some("q"));
        assert_eq!(err.action.as_deref(), Some("sesame:nope"));
    }

    #[test]
    fn oversized_messages_are_not_read() {
        let v = json!({"action": "sesame:status", "id": "big", "pad": "x".repeat(9000)});
        let err = parse(v).unwrap_err();
        assert_eq!(err.error, BridgeError::MessageTooLarge);
        assert_eq!(err.id.as_deref(), Some("big"));
    }

    #[test]
    fn origins_from_urls() {
        let ok = [
            (
                "https://spico.esante-occitanie.fr/login?x=1",
                "https://spico.esante-occitanie.fr",
            ),
            (
                "HTTPS://Prod.Entractes.FR:443/",
                "https://prod.entractes.fr",
            ),
            (
                "https://portail.example:8443/a",
                "https://portail.example:8443",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://localhost/", "http://localhost"),
            ("http://[::1]:3000/", "http://[::1]:3000"),
        ];
        for (url, origin) in ok {
            assert_eq!(
                PortalOrigin::from_url(url).unwrap().as_str(),
                origin,
                "{url}"
            );
        }
        assert_eq!(
            PortalOrigin::from_url("http://spico.example/").unwrap_err(),
            BridgeError::InsecureContext
        );
        for bad in [
            "spico",
            "ftp://x.fr/",
            "https://user@x.fr/",
            "https://x.fr:0/",
            "https://x.fr:99999/",
            "https://x.fr:abc/",
            "https:///path",
            "https://exa mple.fr/",
            "https://-x.fr/",
            "javascript://alert(1)",
            "moz-extension://abc/page.html",
        ] {
            assert!(PortalOrigin::from_url(bad).is_err(), "{bad}");
        }
        let long = format!("https://{}.fr/", "a.".repeat(130));
        assert!(PortalOrigin::from_url(&long).is_err());
        assert_eq!(
            PortalOrigin::from_url("https://x.fr:8443/").unwrap().host(),
            "x.fr"
        );
    }

    #[test]
    fn the_policy_judges_by_origin() {
        let spico = PortalOrigin::from_url("https://spico.esante-occitanie.fr/").unwrap();
        let other = PortalOrigin::from_url("https://evil.example/").unwrap();
        let enabled = vec![EnabledPortal {
            origin: spico.clone(),
            name: "SPICO".into(),
            start_url: "https://spico.esante-occitanie.fr/".into(),
        }];
        assert!(allowed(Action::AddBookmark, &spico, &enabled));
        assert!(!allowed(Action::AddBookmark, &other, &enabled));
        // Asking to be enabled, and asking whether the extension is there, need no enabling.
        assert!(allowed(Action::EnablePortal, &other, &enabled));
        assert!(allowed(Action::Status, &other, &enabled));
    }

    #[test]
    fn start_urls_drop_queries() {
        let o = PortalOrigin::from_url("https://a.fr/").unwrap();
        assert_eq!(
            start_url("https://a.fr/login?token=1#x", &o),
            "https://a.fr/login"
        );
        assert_eq!(start_url("https://a.fr", &o), "https://a.fr/");
    }

    #[test]
    fn versions() {
        assert!(compatible("0.1.0", "0.1.7"));
        assert!(!compatible("0.1.0", "0.2.0"));
        assert!(!compatible("1", "1.0.0"));
        assert!(!compatible("0.x.1", "0.x.1"));
        assert!(compatible(VERSION, VERSION));
        assert_eq!(version_mismatch("0.1.0", "0.1.9"), None);
        assert_eq!(
            version_mismatch("0.2.0", "0.1.9"),
            Some(BridgeError::VersionMismatch)
        );
        assert_eq!(
            version_mismatch("0.10.0", "0.9.0"),
            Some(BridgeError::VersionMismatch)
        );
        assert_eq!(
            version_mismatch("0.1.0", "1.0.0"),
            Some(BridgeError::PageOutdated)
        );
        assert_eq!(
            version_mismatch("0.1.0", ""),
            Some(BridgeError::VersionMismatch)
        );
    }

    #[test]
    fn shortcut_files() {
        assert_eq!(ShortcutKind::for_os("win"), ShortcutKind::Url);
        assert_eq!(ShortcutKind::for_os("mac"), ShortcutKind::Webloc);
        assert_eq!(ShortcutKind::for_os("linux"), ShortcutKind::Desktop);
        assert_eq!(
            ShortcutKind::Desktop.file_name("Entr'Actes"),
            "Entr'Actes.desktop"
        );
        assert_eq!(ShortcutKind::Url.file_name("a/../b"), "a____b.url");
        assert_eq!(ShortcutKind::Url.file_name("///"), "Portail.url");
        let d = ShortcutKind::Desktop.contents("SPICO\nExec=rm", "https://s.fr/");
        assert!(d.contains("Name=SPICOExec=rm\n"), "{d}");
        assert!(!d.contains("\nExec="));
        let w = ShortcutKind::Webloc.contents("x", "https://s.fr/?a=1&b=<2>");
        assert!(w.contains("<string>https://s.fr/?a=1&amp;b=&lt;2&gt;</string>"));
        assert!(ShortcutKind::Url
            .contents("x", "https://s.fr/")
            .starts_with("[InternetShortcut]\r\nURL=https://s.fr/\r\n"));
    }

    #[test]
    fn commands_pick_the_nth_portal() {
        let p = |o: &str| EnabledPortal {
            origin: PortalOrigin::from_url(o).unwrap(),
            name: o.into(),
            start_url: o.into(),
        };
        let enabled = vec![p("https://a.fr/"), p("https://b.fr/")];
        assert_eq!(
            portal_for_command("open-portal-2", &enabled).map(|p| p.origin.as_str()),
            Some("https://b.fr")
        );
        assert!(portal_for_command("open-portal-3", &enabled).is_none());
        assert!(portal_for_command("open-portal-0", &enabled).is_none());
        assert!(portal_for_command("open-portal-x", &enabled).is_none());
        assert!(portal_for_command("_execute_action", &enabled).is_none());
    }
}
