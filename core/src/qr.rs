//! The QR-code login (issue 9): a phone that holds an enrolled key approves a login shown as a
//! QR code in the browser. What browser, phone and portal agree on: the wire types, the QR
//! payloads, the bytes the phone signs, the limits, and the one state machine that answers
//! the browser's polls and its event stream alike. No clock: every rule takes `now`.
//!
//! **Flow.** The browser asks [`paths::LOGIN_QR`](crate::api::paths::LOGIN_QR) for a code: a
//! QR session bound to the browser's QR cookie, alive [`QR_LIFE_SECS`], shown as an SVG with two
//! digits beside it ([`QrCode`]). The phone scans the [payload](QrPayload), reads what the
//! request shows ([`QrRequestInfo`]: portal, requesting origin, browser and system, approximate
//! place, three digit pairs), the person picks the pair the page shows, types the app PIN, and
//! the phone sends its signature over [`to_be_signed`] with the PIN ([`QrApproveRequest`]) — or
//! declines ([`QrDeclineRequest`], signed over [`to_be_signed_decline`]). The browser learns the
//! outcome from its polls ([`QrStatusRequest`] → [`QrStatus`]) or its event stream; a poll that
//! finds the code approved **claims** it: the session starts, once.
//!
//! **State machine.** A stored [`QrState`] and the times ([`QrTimes`]) make a [`QrPhase`] at
//! `now` ([`phase`]); [`transition`] says what an approval, a decline or a claim does from a
//! phase; [`poll_answer`] and [`push_answer`] say what the browser is told, from the same phase.

use crate::api::SessionInfo;
use crate::error::ErrorCode;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a QR code may be approved, in seconds (the issue: 30 s).
pub const QR_LIFE_SECS: u32 = 30;
/// After the code's life, how long an approval still completes when the phone had opened the
/// request before the end (the person was typing the PIN), in seconds.
pub const QR_GRACE_SECS: u32 = 5;
/// How long an approved code waits for its browser to claim the session, in seconds.
pub const QR_CLAIM_SECS: u32 = 60;
/// How often the browser should poll, in milliseconds (the issue: every 2 s). The event stream
/// brings an approval at once; polling is the fallback where there is none, and at 10 000
/// codes shown at once, 5 000 polls a second is what a portal must carry.
pub const QR_POLL_MS: u32 = 2000;
/// Polls of one code answered within one second of the server's clock; more answer
/// `slow_down`.
pub const QR_MAX_POLLS_PER_SEC: u32 = 3;
/// How long to wait after a `slow_down`, in milliseconds.
pub const QR_SLOW_DOWN_MS: u32 = 2000;
/// QR codes one client address may ask for within [`QR_CREATE_WINDOW_SECS`]; more answer
/// `rate_limited`. A page renews its code every 30 s: 30 a minute leaves room for several
/// people behind one address.
pub const QR_MAX_CREATES: u32 = 30;
/// The window of [`QR_MAX_CREATES`], in seconds.
pub const QR_CREATE_WINDOW_SECS: u32 = 60;
/// How long an enrolment code may be used, in seconds.
pub const ENROL_LIFE_SECS: u32 = 5 * 60;
/// Consecutive wrong PINs after which the device is locked (enrol it again). In tiqr only the
/// server can limit PIN guesses: the phone's key alone never proves the PIN.
pub const MAX_PIN_FAILURES: u32 = 5;
/// Digits in the app PIN.
pub const PIN_DIGITS: usize = 4;

/// Random bytes of the session key carried by the QR code (256 bits, 43 characters of
/// unpadded base64url).
pub const KEY_BYTES: usize = 32;
/// Random bytes of the challenge carried by the QR code (128 bits, 22 characters).
pub const CHALLENGE_BYTES: usize = 16;
/// Random bytes of the browser's handle on its code, [`QrCode::id`] (128 bits, 22 characters).
pub const ID_BYTES: usize = 16;
/// Random bytes of an enrolment token (256 bits, 43 characters).
pub const ENROL_TOKEN_BYTES: usize = 32;

/// The QR payload's URI scheme.
pub const SCHEME: &str = "sesame-qr";
/// The signature algorithms a device may enrol with, named as in JOSE: ECDSA P-256 with
/// SHA-256 (`r ‖ s`, or ASN.1 DER), Ed25519.
pub const ALGORITHMS: [&str; 2] = ["ES256", "EdDSA"];

/// Domain separation of the approval's signed bytes.
pub const APPROVE_CONTEXT: &[u8] = b"sesame-qr-approve-v1\0";
/// Domain separation of the decline's signed bytes.
pub const DECLINE_CONTEXT: &[u8] = b"sesame-qr-decline-v1\0";

/// Characters of unpadded base64url for `bytes` bytes.
pub const fn b64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}

/// Whether `s` is exactly `bytes` bytes in unpadded base64url.
pub fn is_b64url(s: &str, bytes: usize) -> bool {
    s.len() == b64_len(bytes)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `pin` is an app PIN: exactly [`PIN_DIGITS`] ASCII digits.
pub fn is_pin(pin: &str) -> bool {
    pin.len() == PIN_DIGITS && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The bytes the phone signs to approve: `APPROVE_CONTEXT ‖ SHA-256(session key) ‖
/// SHA-256(challenge) ‖ SHA-256(requesting origin) ‖ SHA-256(portal id)`. The origin is the
/// one the phone showed ([`QrRequestInfo::origin`]), so a signature is worth nothing for a
/// code another site shows; the portal likewise.
pub fn to_be_signed(session_key: &str, challenge: &str, origin: &str, portal: &str) -> Vec<u8> {
    signed(APPROVE_CONTEXT, session_key, challenge, origin, portal)
}

/// The bytes the phone signs to decline: as [`to_be_signed`] with [`DECLINE_CONTEXT`], so an
/// approval's signature cannot decline, nor a decline's approve.
pub fn to_be_signed_decline(
    session_key: &str,
    challenge: &str,
    origin: &str,
    portal: &str,
) -> Vec<u8> {
    signed(DECLINE_CONTEXT, session_key, challenge, origin, portal)
}

fn signed(context: &[u8], key: &str, challenge: &str, origin: &str, portal: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(context.len() + 4 * 32);
    out.extend_from_slice(context);
    for part in [key, challenge, origin, portal] {
        out.extend_from_slice(&Sha256::digest(part.as_bytes()));
    }
    out
}

/// What a QR code says: where the portal's API is, and what to do there.
///
/// - login: `sesame-qr://<host[:port]><api path>?k=<session key>&c=<challenge>`
/// - enrolment: `sesame-qr://<host[:port]><api path>?e=<enrolment token>`
///
/// The API base is `https://<host[:port]><api path>` — `http://` for the loopback names
/// (`127.0.0.1`, `localhost`, `[::1]`), as the demo runs in dev mode. Key, challenge and
/// token are unpadded base64url of [`KEY_BYTES`], [`CHALLENGE_BYTES`] and
/// [`ENROL_TOKEN_BYTES`]. (tiqr writes `tiqrauth://host/key/challenge/…`; a query keeps the
/// API path free.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPayload {
    /// A login to approve or decline.
    Login {
        /// `host[:port]`, lower-case.
        authority: String,
        /// The API's path (`/api` in the demo), without a trailing `/`.
        path: String,
        /// The session key.
        key: String,
        /// The challenge.
        challenge: String,
    },
    /// A device to enrol.
    Enrol {
        /// `host[:port]`, lower-case.
        authority: String,
        /// The API's path.
        path: String,
        /// The one-time enrolment token.
        token: String,
    },
}

/// The longest payload read, in bytes.
pub const MAX_PAYLOAD_CHARS: usize = 512;

impl QrPayload {
    /// The login payload for the API at `origin` (`scheme://host[:port]`) + `path`.
    pub fn login(origin: &str, path: &str, key: &str, challenge: &str) -> String {
        format!(
            "{SCHEME}://{}{path}?k={key}&c={challenge}",
            authority_of(origin)
        )
    }

    /// The enrolment payload for the API at `origin` + `path`.
    pub fn enrol(origin: &str, path: &str, token: &str) -> String {
        format!("{SCHEME}://{}{path}?e={token}", authority_of(origin))
    }

    /// Reads a payload (surrounding spaces ignored); `None` for anything else.
    pub fn parse(text: &str) -> Option<QrPayload> {
        let text = text.trim();
        if text.len() > MAX_PAYLOAD_CHARS {
            return None;
        }
        let rest = text.strip_prefix(SCHEME)?.strip_prefix("://")?;
        let (location, query) = rest.split_once('?')?;
        let (authority, path) = match location.find('/') {
            Some(i) => location.split_at(i),
            None => (location, ""),
        };
        let authority_ok = !authority.is_empty()
            && authority.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
            });
        let path_ok = path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'))
            && !path.ends_with('/')
            && !path.contains("..");
        if !authority_ok || !path_ok {
            return None;
        }
        let (mut k, mut c, mut e) = (None, None, None);
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=')?;
            let slot = match name {
                "k" => &mut k,
                "c" => &mut c,
                "e" => &mut e,
                _ => return None,
            };
            if slot.replace(value).is_some() {
                return None;
            }
        }
        let (authority, path) = (authority.to_owned(), path.to_owned());
        match (k, c, e) {
            (Some(key), Some(challenge), None)
                if is_b64url(key, KEY_BYTES) && is_b64url(challenge, CHALLENGE_BYTES) =>
            {
                Some(QrPayload::Login {
                    authority,
                    path,
                    key: key.to_owned(),
                    challenge: challenge.to_owned(),
                })
            }
            (None, None, Some(token)) if is_b64url(token, ENROL_TOKEN_BYTES) => {
                Some(QrPayload::Enrol {
                    authority,
                    path,
                    token: token.to_owned(),
                })
            }
            _ => None,
        }
    }

    /// The API base the phone talks to: `https://authority/path`, or `http://` for loopback.
    pub fn api_base(&self) -> String {
        let (authority, path) = match self {
            QrPayload::Login {
                authority, path, ..
            }
            | QrPayload::Enrol {
                authority, path, ..
            } => (authority, path),
        };
        let host = authority
            .rsplit_once(':')
            .filter(|(h, p)| !p.contains(']') && !h.is_empty())
            .map_or(authority.as_str(), |(h, _)| h);
        let scheme = if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{authority}{path}")
    }
}

fn authority_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest)
}

/// The two digits the page shows and the three pairs the phone offers, from four random
/// bytes: the right pair is `random[0] % 100`, the decoys differ from it and from each other,
/// the right pair's place is `random[3] % 3`. (Number matching, as e-CPS does: a code
/// photographed or relayed without the page beside it gives a one-in-three guess, and a wrong
/// pick cancels the code.)
pub fn digit_choices(random: [u8; 4]) -> (String, [String; 3]) {
    let right = random[0] % 100;
    let first = (right + 1 + random[1] % 99) % 100;
    let mut second = (right + 1 + random[2] % 99) % 100;
    while second == right || second == first {
        second = (second + 1) % 100;
    }
    let pair = |n: u8| format!("{n:02}");
    let mut choices = [pair(first), pair(second), pair(right)];
    choices.swap(2, usize::from(random[3] % 3));
    (pair(right), choices)
}

/// A QR code's stored state. The time rules make it a [`QrPhase`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrState {
    /// Waiting for the phone.
    Pending,
    /// Approved on the phone; the browser has not claimed the session yet.
    Approved,
    /// Declined on the phone (or cancelled by a wrong digit pair): final.
    Declined,
    /// Approved and claimed: the session started. Final.
    Consumed,
}

impl QrState {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            QrState::Pending => "pending",
            QrState::Approved => "approved",
            QrState::Declined => "declined",
            QrState::Consumed => "consumed",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<QrState> {
        [
            QrState::Pending,
            QrState::Approved,
            QrState::Declined,
            QrState::Consumed,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }
}

/// A code's times, Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrTimes {
    /// When the browser asked for it.
    pub created_at: i64,
    /// Its life ([`QR_LIFE_SECS`] unless configured).
    pub life_secs: u32,
    /// When a phone first opened the request ([`QrRequestInfo`]), if one did.
    pub seen_at: Option<i64>,
    /// When it was approved or declined.
    pub decided_at: Option<i64>,
}

impl QrTimes {
    /// When the code stops accepting an approval (without grace).
    pub fn expires_at(&self) -> i64 {
        self.created_at.saturating_add(i64::from(self.life_secs))
    }

    /// Seconds left, for [`QrCode::expires_in`] and [`QrRequestInfo::expires_in`].
    pub fn expires_in(&self, now: i64) -> u32 {
        u32::try_from(self.expires_at().saturating_sub(now).max(0)).unwrap_or(0)
    }
}

/// What a code is at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrPhase {
    /// May be approved or declined.
    Pending,
    /// Approved; the browser may claim the session.
    Approved,
    /// Declined: final.
    Declined,
    /// Too old to approve, or approved and never claimed in time: final.
    Expired,
    /// The session started: final.
    Consumed,
}

impl QrPhase {
    /// Whether nothing can change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, QrPhase::Pending | QrPhase::Approved)
    }
}

/// The phase of a code in `state` with `times`, at `now`. Pending until its life ends — or
/// until [`QR_GRACE_SECS`] later when a phone opened the request before the end; approved until
/// [`QR_CLAIM_SECS`] after the approval.
pub fn phase(state: QrState, times: QrTimes, now: i64) -> QrPhase {
    let end = times.expires_at();
    match state {
        QrState::Pending => {
            let seen_in_time = times.seen_at.is_some_and(|seen| seen < end);
            let grace_end = end.saturating_add(i64::from(QR_GRACE_SECS));
            if now < end || (seen_in_time && now < grace_end) {
                QrPhase::Pending
            } else {
                QrPhase::Expired
            }
        }
        QrState::Approved => {
            let decided = times.decided_at.unwrap_or(times.created_at);
            if now < decided.saturating_add(i64::from(QR_CLAIM_SECS)) {
                QrPhase::Approved
            } else {
                QrPhase::Expired
            }
        }
        QrState::Declined => QrPhase::Declined,
        QrState::Consumed => QrPhase::Consumed,
    }
}

/// What is asked of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrEvent {
    /// The phone approves (signature, digits and PIN already checked).
    Approve,
    /// The phone declines, or the person picked the wrong digits.
    Decline,
    /// The browser takes the approved session.
    Claim,
}

/// The state a code moves to when `event` happens in `phase`, or the error to answer. The
/// server applies it with one conditional write (from the state it read), so a replay or a
/// race finds the state changed and gets the error.
pub fn transition(phase: QrPhase, event: QrEvent) -> Result<QrState, ErrorCode> {
    match (phase, event) {
        (QrPhase::Pending, QrEvent::Approve) => Ok(QrState::Approved),
        (QrPhase::Pending, QrEvent::Decline) => Ok(QrState::Declined),
        (QrPhase::Approved, QrEvent::Claim) => Ok(QrState::Consumed),
        // Nothing to claim yet: the poll answers `pending` before trying.
        (QrPhase::Pending, QrEvent::Claim) => Err(ErrorCode::QrUnknown),
        (QrPhase::Approved | QrPhase::Consumed, _) => Err(ErrorCode::QrAlreadyUsed),
        (QrPhase::Declined, _) => Err(ErrorCode::QrDeclined),
        (QrPhase::Expired, _) => Err(ErrorCode::QrExpired),
    }
}

/// What the browser's poll does in a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollAnswer {
    /// Answer this status (`pending`, `declined`, `expired`).
    Status(QrStatusKind),
    /// Claim the session ([`transition`] with [`QrEvent::Claim`]) and answer `approved` with it.
    Claim,
    /// Answer the error `qr_already_used` (the session was claimed already).
    AlreadyUsed,
}

/// The statuses without data, as [`PollAnswer`] and [`push_answer`] name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrStatusKind {
    /// `pending`.
    Pending,
    /// `declined`.
    Declined,
    /// `expired`.
    Expired,
    /// `approved_pending_claim` (the event stream only).
    ApprovedPendingClaim,
}

impl QrStatusKind {
    /// The wire status.
    pub fn status(self) -> QrStatus {
        match self {
            QrStatusKind::Pending => QrStatus::Pending,
            QrStatusKind::Declined => QrStatus::Declined,
            QrStatusKind::Expired => QrStatus::Expired,
            QrStatusKind::ApprovedPendingClaim => QrStatus::ApprovedPendingClaim,
        }
    }
}

/// The poll's answer in `phase` ([`paths::LOGIN_QR_STATUS`](crate::api::paths::LOGIN_QR_STATUS)).
pub fn poll_answer(phase: QrPhase) -> PollAnswer {
    match phase {
        QrPhase::Pending => PollAnswer::Status(QrStatusKind::Pending),
        QrPhase::Approved => PollAnswer::Claim,
        QrPhase::Declined => PollAnswer::Status(QrStatusKind::Declined),
        QrPhase::Expired => PollAnswer::Status(QrStatusKind::Expired),
        QrPhase::Consumed => PollAnswer::AlreadyUsed,
    }
}

/// The event stream's answer in `phase`
/// ([`paths::LOGIN_QR_EVENTS`](crate::api::paths::LOGIN_QR_EVENTS)): the same as the poll's,
/// except that an approved code is announced (`approved_pending_claim`) rather than claimed —
/// a `GET` changes nothing and sets no cookie; the browser then polls once to claim. `None`
/// for a consumed code (the stream ends with an `error` event `qr_already_used`).
pub fn push_answer(phase: QrPhase) -> Option<QrStatusKind> {
    match poll_answer(phase) {
        PollAnswer::Status(kind) => Some(kind),
        PollAnswer::Claim => Some(QrStatusKind::ApprovedPendingClaim),
        PollAnswer::AlreadyUsed => None,
    }
}

/// Counts a poll of a code whose last counted poll was at `last_poll` (`polls` of them in that
/// second): the new `(last_poll, polls)` to store, and whether to answer `slow_down`.
pub fn count_poll(last_poll: Option<i64>, polls: u32, now: i64) -> (i64, u32, bool) {
    let polls = if last_poll == Some(now) {
        polls.saturating_add(1)
    } else {
        1
    };
    (now, polls, polls > QR_MAX_POLLS_PER_SEC)
}

/// `POST` [`paths::LOGIN_QR`](crate::api::paths::LOGIN_QR): the portal whose login the code is
/// for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrCreateRequest {
    /// The portal (it must offer the `qr` method).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "paaco"))]
    pub portal: crate::portal::PortalId,
}

/// A new QR code for this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrCode {
    /// The browser's handle on the code ([`ID_BYTES`], base64url): what it polls with, together
    /// with its QR cookie. Not the key the QR code carries.
    pub id: String,
    /// The QR code of the [login payload](QrPayload), an SVG document rendered by the server.
    pub svg: String,
    /// The login payload itself (`sesame-qr://…?k=…&c=…`): for a link on a phone, or to paste
    /// into the phone simulator.
    pub payload: String,
    /// The two digits to show beside the code; the phone asks the person to pick them.
    #[cfg_attr(feature = "openapi", schema(example = "47"))]
    pub digits: String,
    /// Seconds the code may be approved.
    pub expires_in: u32,
    /// How often to poll the status, in milliseconds.
    pub poll_ms: u32,
}

/// `POST` [`paths::LOGIN_QR_STATUS`](crate::api::paths::LOGIN_QR_STATUS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrStatusRequest {
    /// [`QrCode::id`].
    pub id: String,
}

/// Where a QR login is, for the browser.
// A wire value built once per answer and read once: boxing the session would only add an
// allocation (and a `Box` to every `match` of the widget's).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum QrStatus {
    /// Not approved yet: poll again after `poll_ms`.
    Pending,
    /// Polled too often: wait `retry_ms` before the next poll.
    SlowDown {
        /// Milliseconds to wait.
        retry_ms: u32,
    },
    /// Declined on the phone (or a wrong digit pair was picked): final. Offer a new code.
    Declined,
    /// The code's life is over: final. Offer a new code.
    Expired,
    /// The event stream only: approved; `POST` the status now to receive the session.
    ApprovedPendingClaim,
    /// Approved and claimed by this answer: the session cookie is set.
    Approved {
        /// The new session.
        session: SessionInfo,
    },
}

/// `POST` [`paths::PHONE_REQUEST`](crate::api::paths::PHONE_REQUEST): what the phone scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrPayloadRequest {
    /// The login payload, as scanned (`sesame-qr://…?k=…&c=…`).
    pub payload: String,
}

/// What a login request shows on the phone, so a relayed one looks wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrRequestInfo {
    /// The portal's id (signed).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "paaco"))]
    pub portal: crate::portal::PortalId,
    /// The portal's name.
    pub portal_name: String,
    /// The origin of the page that asked for the code (signed).
    #[cfg_attr(feature = "openapi", schema(example = "https://portail.exemple.fr"))]
    pub origin: String,
    /// The requesting browser, from its User-Agent ("Firefox", "Chrome"…, or "inconnu").
    pub browser: String,
    /// The requesting system ("Windows", "macOS", "Linux", "Android", "iOS"…).
    pub system: String,
    /// The requesting address, approximately: "cet ordinateur (this computer)" for loopback,
    /// "réseau local" for a private address, else the address's network.
    pub place: String,
    /// Three digit pairs, one of them the page's.
    pub choices: Vec<String>,
    /// Seconds left to approve.
    pub expires_in: u32,
}

/// `POST` [`paths::PHONE_APPROVE`](crate::api::paths::PHONE_APPROVE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrApproveRequest {
    /// The login payload, as scanned.
    pub payload: String,
    /// The device id given at enrolment.
    pub device: String,
    /// The device key's signature over [`to_be_signed`]`(key, challenge, origin, portal)`,
    /// base64url (padding optional): ES256 `r ‖ s` (64 bytes) or ASN.1 DER; EdDSA 64 bytes.
    pub signature: String,
    /// The app PIN ([`PIN_DIGITS`] digits).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub pin: Secret,
    /// The digit pair the person picked.
    pub digits: String,
}

/// `POST` [`paths::PHONE_DECLINE`](crate::api::paths::PHONE_DECLINE): no PIN, declining is
/// as easy as approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrDeclineRequest {
    /// The login payload, as scanned.
    pub payload: String,
    /// The device id given at enrolment.
    pub device: String,
    /// The device key's signature over [`to_be_signed_decline`], base64url.
    pub signature: String,
}

/// An enrolment code for the logged-in account
/// ([`paths::PHONE_ENROLMENT`](crate::api::paths::PHONE_ENROLMENT)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrEnrolment {
    /// The enrolment payload as a QR code (SVG).
    pub svg: String,
    /// The enrolment payload (`sesame-qr://…?e=…`), to paste into the phone simulator.
    pub payload: String,
    /// Seconds left to use it ([`ENROL_LIFE_SECS`]).
    pub expires_in: u32,
}

/// `POST` [`paths::PHONE_ENROL`](crate::api::paths::PHONE_ENROL): the phone registers its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QrEnrolRequest {
    /// The enrolment payload, as scanned.
    pub payload: String,
    /// `ES256` or `EdDSA`.
    #[cfg_attr(feature = "openapi", schema(example = "ES256"))]
    pub algorithm: String,
    /// The public key, base64url: ES256 the uncompressed point (65 bytes, `04 ‖ x ‖ y`, as
    /// WebCrypto's `raw` export gives it), EdDSA the 32 bytes.
    pub public_key: String,
    /// The app PIN chosen ([`PIN_DIGITS`] digits, not a guessable one such as 1234 or 0000).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub pin: Secret,
}

/// The enrolled device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrDevice {
    /// The device id, to send with each approval.
    pub device: String,
    /// The portal the device approves logins for.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub portal: crate::portal::PortalId,
    /// The account's identifier.
    pub identifier: String,
}

/// The requesting browser and system from a User-Agent, roughly (what the phone shows):
/// `("Firefox", "Linux")`; `"inconnu"` (unknown) where it cannot tell.
pub fn describe_user_agent(user_agent: &str) -> (&'static str, &'static str) {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.contains("reqwest") || ua.contains("curl/") {
        "programme (pas un navigateur)"
    } else {
        "inconnu"
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux"
    } else {
        "inconnu"
    };
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_767_225_600;

    fn times(seen: Option<i64>, decided: Option<i64>) -> QrTimes {
        QrTimes {
            created_at: T0,
            life_secs: QR_LIFE_SECS,
            seen_at: seen,
            decided_at: decided,
        }
    }

    fn key() -> String {
        "k".repeat(b64_len(KEY_BYTES))
    }

    fn challenge() -> String {
        "c".repeat(b64_len(CHALLENGE_BYTES))
    }

    #[test]
    fn a_code_lives_thirty_seconds_and_a_started_approval_gets_grace() {
        let life = i64::from(QR_LIFE_SECS);
        let grace = i64::from(QR_GRACE_SECS);
        let p = |seen, now| phase(QrState::Pending, times(seen, None), now);
        assert_eq!(p(None, T0), QrPhase::Pending);
        assert_eq!(p(None, T0 + life - 1), QrPhase::Pending);
        assert_eq!(p(None, T0 + life), QrPhase::Expired);
        // Opened on the phone before the end: the PIN may still be typed for the grace.
        assert_eq!(p(Some(T0 + life - 1), T0 + life), QrPhase::Pending);
        assert_eq!(
            p(Some(T0 + life - 1), T0 + life + grace - 1),
            QrPhase::Pending
        );
        assert_eq!(p(Some(T0 + life - 1), T0 + life + grace), QrPhase::Expired);
        // Opened too late: no grace.
        assert_eq!(p(Some(T0 + life), T0 + life), QrPhase::Expired);
        assert_eq!(times(None, None).expires_in(T0 + 10), QR_LIFE_SECS - 10);
        assert_eq!(times(None, None).expires_in(T0 + 1000), 0);
    }

    #[test]
    fn an_approved_code_waits_for_its_claim_then_expires() {
        let claim = i64::from(QR_CLAIM_SECS);
        let t = times(Some(T0 + 2), Some(T0 + 5));
        assert_eq!(phase(QrState::Approved, t, T0 + 5), QrPhase::Approved);
        assert_eq!(
            phase(QrState::Approved, t, T0 + 5 + claim - 1),
            QrPhase::Approved
        );
        assert_eq!(
            phase(QrState::Approved, t, T0 + 5 + claim),
            QrPhase::Expired
        );
        assert_eq!(phase(QrState::Declined, t, T0), QrPhase::Declined);
        assert_eq!(phase(QrState::Consumed, t, T0), QrPhase::Consumed);
    }

    #[test]
    fn a_code_is_used_once_and_a_decline_is_final() {
        use QrEvent::*;
        let all = [Approve, Decline, Claim];
        assert_eq!(transition(QrPhase::Pending, Approve), Ok(QrState::Approved));
        assert_eq!(transition(QrPhase::Pending, Decline), Ok(QrState::Declined));
        assert_eq!(transition(QrPhase::Approved, Claim), Ok(QrState::Consumed));
        // Replays: a second approval, a second claim.
        assert_eq!(
            transition(QrPhase::Approved, Approve),
            Err(ErrorCode::QrAlreadyUsed)
        );
        assert_eq!(
            transition(QrPhase::Approved, Decline),
            Err(ErrorCode::QrAlreadyUsed)
        );
        for event in all {
            assert_eq!(
                transition(QrPhase::Consumed, event),
                Err(ErrorCode::QrAlreadyUsed)
            );
            assert_eq!(
                transition(QrPhase::Declined, event),
                Err(ErrorCode::QrDeclined)
            );
            assert_eq!(
                transition(QrPhase::Expired, event),
                Err(ErrorCode::QrExpired)
            );
        }
        assert!(transition(QrPhase::Pending, Claim).is_err());
    }

    #[test]
    fn polling_and_push_tell_the_same_story() {
        let phases = [
            QrPhase::Pending,
            QrPhase::Approved,
            QrPhase::Declined,
            QrPhase::Expired,
            QrPhase::Consumed,
        ];
        for p in phases {
            let poll = poll_answer(p);
            let push = push_answer(p);
            match poll {
                PollAnswer::Status(kind) => assert_eq!(push, Some(kind), "{p:?}"),
                PollAnswer::Claim => {
                    assert_eq!(push, Some(QrStatusKind::ApprovedPendingClaim));
                    assert_eq!(transition(p, QrEvent::Claim), Ok(QrState::Consumed));
                }
                PollAnswer::AlreadyUsed => assert_eq!(push, None),
            }
            // The stream ends exactly when the poll has nothing more to learn.
            let stream_ends = push != Some(QrStatusKind::Pending);
            assert_eq!(stream_ends, p != QrPhase::Pending, "{p:?}");
        }
        // A whole login, by the same rules: pending, approved, claimed.
        let t = times(Some(T0 + 3), Some(T0 + 4));
        let mut state = QrState::Pending;
        assert_eq!(
            poll_answer(phase(state, t, T0 + 3)),
            PollAnswer::Status(QrStatusKind::Pending)
        );
        state = transition(phase(state, t, T0 + 4), QrEvent::Approve).unwrap();
        assert_eq!(
            push_answer(phase(state, t, T0 + 4)),
            Some(QrStatusKind::ApprovedPendingClaim)
        );
        state = transition(phase(state, t, T0 + 5), QrEvent::Claim).unwrap();
        assert_eq!(
            poll_answer(phase(state, t, T0 + 5)),
            PollAnswer::AlreadyUsed
        );
    }

    #[test]
    fn polls_too_close_together_slow_down() {
        let (at, n, slow) = count_poll(None, 0, T0);
        assert_eq!((at, n, slow), (T0, 1, false));
        let mut polls = n;
        for _ in 1..QR_MAX_POLLS_PER_SEC {
            let (_, n, slow) = count_poll(Some(T0), polls, T0);
            assert!(!slow);
            polls = n;
        }
        assert!(count_poll(Some(T0), polls, T0).2, "one poll too many");
        assert_eq!(count_poll(Some(T0), polls, T0 + 1), (T0 + 1, 1, false));
    }

    #[test]
    fn statuses_on_the_wire() {
        let json = |s: &QrStatus| serde_json::to_value(s).unwrap();
        assert_eq!(
            json(&QrStatus::Pending),
            serde_json::json!({"state": "pending"})
        );
        assert_eq!(
            json(&QrStatus::SlowDown { retry_ms: 2000 }),
            serde_json::json!({"state": "slow_down", "retry_ms": 2000})
        );
        assert_eq!(
            json(&QrStatus::ApprovedPendingClaim),
            serde_json::json!({"state": "approved_pending_claim"})
        );
        let session = SessionInfo::new(
            crate::PortalId::new("paaco").unwrap(),
            "jeanne.martin".into(),
            "Jeanne Martin".into(),
            crate::Method::Qr,
            T0,
        );
        let approved = QrStatus::Approved {
            session: session.clone(),
        };
        let v = json(&approved);
        assert_eq!(v["state"], "approved");
        assert_eq!(v["session"]["method"], "qr");
        assert_eq!(v["session"]["assurance"], "strong");
        assert_eq!(serde_json::from_value::<QrStatus>(v).unwrap(), approved);
        for kind in [
            QrStatusKind::Pending,
            QrStatusKind::Declined,
            QrStatusKind::Expired,
            QrStatusKind::ApprovedPendingClaim,
        ] {
            let s = kind.status();
            assert_eq!(serde_json::from_value::<QrStatus>(json(&s)).unwrap(), s);
        }
    }

    #[test]
    fn payloads_round_trip_and_garbage_is_refused() {
        let uri = QrPayload::login("http://127.0.0.1:8080", "/api", &key(), &challenge());
        assert_eq!(
            uri,
            format!(
                "sesame-qr://127.0.0.1:8080/api?k={}&c={}",
                key(),
                challenge()
            )
        );
        let p = QrPayload::parse(&format!(" {uri}\n")).unwrap();
        assert_eq!(p.api_base(), "http://127.0.0.1:8080/api");
        assert!(matches!(&p, QrPayload::Login { key: k, .. } if *k == key()));
        let e = QrPayload::enrol("https://portail.exemple.fr", "/api", &key());
        let p = QrPayload::parse(&e).unwrap();
        assert_eq!(p.api_base(), "https://portail.exemple.fr/api");
        assert!(matches!(p, QrPayload::Enrol { .. }));
        assert_eq!(
            QrPayload::parse(&QrPayload::login(
                "https://[::1]:9",
                "",
                &key(),
                &challenge()
            ))
            .unwrap()
            .api_base(),
            "http://[::1]:9"
        );
        for bad in [
            String::new(),
            "sesame-qr://".into(),
            "https://a.fr/api?k=x&c=y".into(),
            format!("sesame-qr://a.fr/api?k={}", key()),
            format!(
                "sesame-qr://a.fr/api?k={}&c={}&k={}",
                key(),
                challenge(),
                key()
            ),
            format!("sesame-qr://a.fr/api?k={}&c={}&x=1", key(), challenge()),
            format!("sesame-qr://a.fr/api?k={}&c={}", &key()[1..], challenge()),
            format!(
                "sesame-qr://a.fr/api?k={}&c={}&e={}",
                key(),
                challenge(),
                key()
            ),
            format!("sesame-qr://user@a.fr/api?e={}", key()),
            format!("sesame-qr://a.fr/../x?e={}", key()),
            format!("sesame-qr://A.fr/api?e={}", key()),
            format!("sesame-qr://a.fr/api?e={}", "é".repeat(43)),
            "x".repeat(10_000),
        ] {
            assert_eq!(QrPayload::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_signed_bytes_bind_every_part_and_the_decision() {
        let base = to_be_signed("k", "c", "https://a.fr", "paaco");
        assert!(base.starts_with(APPROVE_CONTEXT));
        assert_eq!(base.len(), APPROVE_CONTEXT.len() + 4 * 32);
        for other in [
            to_be_signed("K", "c", "https://a.fr", "paaco"),
            to_be_signed("k", "C", "https://a.fr", "paaco"),
            to_be_signed("k", "c", "https://b.fr", "paaco"),
            to_be_signed("k", "c", "https://a.fr", "nexus"),
            to_be_signed_decline("k", "c", "https://a.fr", "paaco"),
        ] {
            assert_ne!(base, other);
        }
        // Fields cannot slide into each other (each is hashed on its own).
        assert_ne!(
            to_be_signed("ab", "c", "o", "p"),
            to_be_signed("a", "bc", "o", "p")
        );
    }

    #[test]
    fn digit_choices_hold_the_right_pair_once_among_three() {
        for a in (0..=255u8).step_by(7) {
            for b in [0u8, 1, 98, 99, 200, 255] {
                for c in [0u8, 1, 98, 99, 200, 255] {
                    for d in 0..3u8 {
                        let (right, choices) = digit_choices([a, b, c, d]);
                        assert_eq!(right.len(), 2);
                        assert!(right.bytes().all(|x| x.is_ascii_digit()));
                        assert_eq!(choices.iter().filter(|x| **x == right).count(), 1);
                        assert_ne!(choices[0], choices[1]);
                        assert_ne!(choices[1], choices[2]);
                        assert_ne!(choices[0], choices[2]);
                        assert_eq!(choices[usize::from(d)], right, "its place is random[3] % 3");
                    }
                }
            }
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(b64_len(KEY_BYTES), 43);
        assert_eq!(b64_len(CHALLENGE_BYTES), 22);
        assert!(is_pin("0042"));
        for bad in ["123", "12345", "12a4", "١٢٣٤", " 123"] {
            assert!(!is_pin(bad), "{bad}");
        }
        const { assert!(KEY_BYTES * 8 >= 128 && ID_BYTES * 8 >= 128) };
        let approve: QrApproveRequest = serde_json::from_str(
            r#"{"payload":"p","device":"d","signature":"s","pin":"4821","digits":"47"}"#,
        )
        .unwrap();
        assert!(
            !format!("{approve:?}").contains("4821"),
            "the PIN stays out of Debug"
        );
        assert!(serde_json::from_str::<QrApproveRequest>(r#"{"payload":"p"}"#).is_err());
    }

    #[test]
    fn user_agents_are_described_roughly() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(describe_user_agent(firefox), ("Firefox", "Linux"));
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                      Gecko) Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(describe_user_agent(chrome), ("Chrome", "Windows"));
        let edge = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, \
                    like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        assert_eq!(describe_user_agent(edge), ("Edge", "macOS"));
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_user_agent(safari), ("Safari", "iOS"));
        assert_eq!(describe_user_agent(""), ("inconnu", "inconnu"));
    }
}
