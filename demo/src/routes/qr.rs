//! QR-code login: the browser's side (`POST /api/login/qr`, `POST /api/login/qr/status`,
//! `GET /api/login/qr/events`) and the phone's (`POST /api/phone/request`, `/phone/approve`,
//! `/phone/decline`, `/phone/enrolment`, `/phone/enrol`). Storage and checks are in
//! [`crate::qr`]; the rules in [`sesame_core::qr`].
//!
//! An approval is checked in this order, each failure with its code and audit outcome: the
//! address has failures left (`rate_limited`, counted now, forgotten on success); the payload
//! (`invalid_request`); the code (`qr_unknown`), pending at now with the grace
//! (`qr_expired`, `qr_declined`, `qr_already_used`); the device, enrolled for the code's
//! portal (`qr_device_unknown`), not locked (`qr_pin_locked`); the signature over
//! [`to_be_signed`] with the code's stored origin and portal (`qr_signature_invalid`); the
//! digits (`qr_digits_wrong`: the code is declined); the PIN, counted before it is checked
//! (`qr_pin_wrong`, then `qr_pin_locked`); then one conditional move pending → approved.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::qr::{self as store, DeviceAlgorithm, QrRow};
use crate::rate_limit::{ClientIp, Slot};
use crate::session::{self, CurrentSession};
use crate::state::AppState;
use crate::{db, password_hash, token};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sesame_core::api::SessionInfo;
use sesame_core::password::is_guessable_pin;
use sesame_core::qr::{
    count_poll, describe_user_agent, digit_choices, is_b64url, is_pin, poll_answer, push_answer,
    to_be_signed, to_be_signed_decline, transition, PollAnswer, QrApproveRequest, QrCode,
    QrCreateRequest, QrDeclineRequest, QrDevice, QrEnrolRequest, QrEnrolment, QrEvent, QrPayload,
    QrPayloadRequest, QrPhase, QrRequestInfo, QrState, QrStatus, QrStatusKind, QrStatusRequest,
    CHALLENGE_BYTES, ENROL_LIFE_SECS, ENROL_TOKEN_BYTES, ID_BYTES, KEY_BYTES,
    QR_CREATE_WINDOW_SECS, QR_GRACE_SECS, QR_MAX_CREATES, QR_POLL_MS, QR_SLOW_DOWN_MS,
};
use sesame_core::{ApiError, ErrorCode, Method, PortalId};
use std::convert::Infallible;
use std::net::IpAddr;
use std::time::Duration;

/// After its code's time runs out (expiry, grace), a stream re-reads its row this much later:
/// the clock counts whole seconds.
pub const EVENTS_TIME_MARGIN: Duration = Duration::from_millis(50);

/// The origin the page asked from: its `Origin` header (the CSRF check already refused one
/// that is not the portal's), else the portal's first allowed origin.
fn requesting_origin(state: &AppState, headers: &HeaderMap) -> String {
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| state.allowed_origins().iter().any(|a| a == o))
        .or_else(|| state.allowed_origins().first().map(String::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// A QR code for this browser.
#[utoipa::path(
    post,
    path = "/api/login/qr",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrCreateRequest,
    responses(
        (status = 200, description = "A code to show, approvable within `expires_in` seconds; the QR cookie `__Host-sesame-qr` (`sesame-qr` in dev mode) is set or kept: it binds the code to this browser", body = QrCode),
        (status = 422, description = "`method_not_available`: the portal does not offer QR login", body = ApiError),
        CommonErrors,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<QrCreateRequest>,
) -> Result<Response, AppError> {
    let now = state.now();
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    portal
        .offer(Method::Qr)
        .ok_or(ErrorCode::MethodNotAvailable)?;
    // An address out of failures gets no code either; asking for one counts nothing there.
    if state.ip_limiter.recent(ip, now).await? >= crate::rate_limit::MAX_FAILURES_PER_IP {
        return Err(ErrorCode::RateLimited.into());
    }
    let client = crate::rate_limit::bucket(ip).to_string();
    let since = now.saturating_sub(i64::from(QR_CREATE_WINDOW_SECS));
    if store::count_created(&state.db, &client, since).await? >= i64::from(QR_MAX_CREATES) {
        tracing::warn!(ip = %ip, "qr codes rate-limited");
        return Err(ErrorCode::RateLimited.into());
    }
    let dev_mode = state.config.dev_mode;
    let browser = match store::token_from(&headers, dev_mode) {
        Some(token) => token,
        None => token::new_token()?,
    };
    let id = store::random_b64(ID_BYTES)?;
    let key = store::random_b64(KEY_BYTES)?;
    let challenge = store::random_b64(CHALLENGE_BYTES)?;
    let (digits, choices) = digit_choices(store::random4()?);
    let origin = requesting_origin(&state, &headers);
    let user_agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(store::MAX_USER_AGENT_CHARS)
        .collect();
    let life = state.config.qr_life_secs;
    let (id_hash, key_hash, browser_hash) =
        (token::hash(&id), token::hash(&key), token::hash(&browser));
    let choices = choices.join(",");
    let row = store::NewQr {
        id_hash: &id_hash,
        key_hash: &key_hash,
        browser_hash: &browser_hash,
        challenge: &challenge,
        portal: portal.id.as_str(),
        origin: &origin,
        user_agent: &user_agent,
        ip,
        digits: &digits,
        choices: &choices,
        now,
        life_secs: life,
    };
    store::insert(&state.db, &row, now.saturating_sub(store::keep_secs(life))).await?;
    let payload = QrPayload::login(&origin, store::API_PATH, &key, &challenge);
    let body = QrCode {
        id,
        svg: store::svg(&payload)?,
        payload,
        digits,
        expires_in: life,
        poll_ms: QR_POLL_MS,
    };
    Ok((
        [(header::SET_COOKIE, store::set_cookie(&browser, dev_mode))],
        Json(body),
    )
        .into_response())
}

/// The code `id` of the browser whose QR cookie is in `headers`; `qr_unknown` for any other.
async fn browser_code(state: &AppState, headers: &HeaderMap, id: &str) -> Result<QrRow, AppError> {
    let browser = store::token_from(headers, state.config.dev_mode).ok_or(ErrorCode::QrUnknown)?;
    if !is_b64url(id, ID_BYTES) {
        return Err(ErrorCode::QrUnknown.into());
    }
    store::find_for_browser(&state.db, &token::hash(id), &token::hash(&browser))
        .await?
        .ok_or_else(|| ErrorCode::QrUnknown.into())
}

/// Where this browser's code is; an approved one is claimed by this answer.
#[utoipa::path(
    post,
    path = "/api/login/qr/status",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrStatusRequest,
    responses(
        (status = 200, description = "`pending` (poll again after `poll_ms`), `slow_down` (wait `retry_ms`), `declined`, `expired`, or `approved` with the session: the session cookie is set by this answer, once", body = QrStatus),
        (status = 404, description = "`qr_unknown`: no such code for this browser's QR cookie (another browser's is not told apart)", body = ApiError),
        (status = 409, description = "`qr_already_used`: the session was claimed already", body = ApiError),
        CommonErrors,
    )
)]
pub async fn status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(request): AppJson<QrStatusRequest>,
) -> Result<Response, AppError> {
    let now = state.now();
    let row = browser_code(&state, &headers, &request.id).await?;
    let status = match poll_answer(row.phase(now)) {
        PollAnswer::Status(QrStatusKind::Pending) => {
            let polls = u32::try_from(row.polls).unwrap_or(u32::MAX);
            let (at, polls, slow) = count_poll(row.last_poll, polls, now);
            store::store_poll(&state.db, &row.id_hash, at, polls).await?;
            if slow {
                QrStatus::SlowDown {
                    retry_ms: QR_SLOW_DOWN_MS,
                }
            } else {
                QrStatus::Pending
            }
        }
        PollAnswer::Status(kind) => kind.status(),
        PollAnswer::Claim => return claim(&state, ip, &headers, &row, now).await,
        PollAnswer::AlreadyUsed => return Err(ErrorCode::QrAlreadyUsed.into()),
    };
    Ok(Json(status).into_response())
}

/// Claims an approved code: approved → consumed, once; the session starts.
async fn claim(
    state: &AppState,
    ip: IpAddr,
    headers: &HeaderMap,
    row: &QrRow,
    now: i64,
) -> Result<Response, AppError> {
    let next = transition(QrPhase::Approved, QrEvent::Claim)?;
    if !store::move_state(&state.db, &row.id_hash, QrState::Approved, next, now, None).await? {
        return Err(ErrorCode::QrAlreadyUsed.into());
    }
    let identifier = row.identifier.as_deref().unwrap_or_default();
    let account = db::find_account(&state.db, &row.portal, identifier)
        .await?
        .ok_or(ErrorCode::QrUnknown)?;
    let portal = PortalId::new(&row.portal).map_err(|e| anyhow::anyhow!("stored portal: {e}"))?;
    let mut info = SessionInfo::new(
        portal,
        account.identifier,
        account.display_name,
        Method::Qr,
        now,
    );
    let dev_mode = state.config.dev_mode;
    let token = session::create(
        state,
        &mut info,
        session::token_from(headers, dev_mode).as_deref(),
    )
    .await?;
    audit::record(
        &state.db,
        Entry {
            at: now,
            event: AuditEvent::LoginQr,
            portal: &row.portal,
            identifier: &info.identifier,
            ip,
            outcome: AuditOutcome::Success,
        },
    )
    .await?;
    Ok((
        [(header::SET_COOKIE, session::set_cookie(&token, dev_mode))],
        Json(QrStatus::Approved { session: info }),
    )
        .into_response())
}

/// The code's status as it changes, pushed (server-sent events).
#[utoipa::path(
    get,
    path = "/api/login/qr/events",
    tag = "qr",
    params(("id" = String, Query, description = "The code's `id` (`QrCode::id`)")),
    responses(
        (status = 200, description = "`text/event-stream`: `status` events whose data is a `QrStatus` (`pending` first, then the final one: `declined`, `expired`, or `approved_pending_claim` — then claim the session with `POST /api/login/qr/status`); an `error` event with an `ApiError` (`qr_already_used`) if the session was claimed already. The stream ends after a final event. No cookie is set.", content_type = "text/event-stream"),
        (status = 404, description = "`qr_unknown`: no such code for this browser's QR cookie", body = ApiError),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let id = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("id="))
        .unwrap_or("")
        .to_owned();
    let row = browser_code(&state, &headers, &id).await?;
    let browser = store::token_from(&headers, state.config.dev_mode).unwrap_or_default();
    let browser_hash = token::hash(&browser);
    // Past this, the stream ends without a final event (the page polls or asks again).
    let life = u64::from(state.config.qr_life_secs);
    let deadline =
        tokio::time::Instant::now() + Duration::from_secs(life + u64::from(QR_GRACE_SECS) + 10);
    // Registered before the first read: a move between the two still wakes the stream.
    let moved = state.qr_watch().subscribe(&row.id_hash);
    let start = Watch {
        state,
        id_hash: row.id_hash,
        browser_hash,
        moved,
        last: None,
        done: false,
        first: true,
        deadline,
        time_change: deadline,
    };
    let stream = futures_util::stream::unfold(start, |mut watch| async move {
        let event = watch.next_event().await?;
        Some((Ok::<Event, Infallible>(event), watch))
    });
    // A comment every 15 s keeps proxies from closing an idle stream; `X-Accel-Buffering: no`
    // asks nginx-like proxies to pass each event on at once (README, "Running several
    // instances").
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response.headers_mut().insert(
        header::HeaderName::from_static("x-accel-buffering"),
        header::HeaderValue::from_static("no"),
    );
    Ok(response)
}

/// One event stream's reading of its code: at once, then each time the process's watcher
/// ([`crate::qr_watch`]) sees the code move, or its time runs out.
struct Watch {
    state: AppState,
    id_hash: String,
    browser_hash: String,
    /// The stream's registration with the watcher (dropped with the stream).
    moved: crate::qr_watch::Subscription,
    last: Option<QrStatusKind>,
    done: bool,
    first: bool,
    deadline: tokio::time::Instant,
    /// When the code's phase changes by time alone (or the deadline).
    time_change: tokio::time::Instant,
}

impl Watch {
    /// The next event to send: when the code's answer changes (core's `push_answer`, from the
    /// database: another instance may have moved it); `None` once a final one was sent, at the
    /// deadline, or on a database failure (logged).
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.done || tokio::time::Instant::now() >= self.deadline {
                return None;
            }
            if !self.first {
                let wake = self.time_change.min(self.deadline);
                tokio::select! {
                    () = self.moved.changed() => {}
                    () = tokio::time::sleep_until(wake) => {}
                }
            }
            self.first = false;
            let row =
                match store::find_for_browser(&self.state.db, &self.id_hash, &self.browser_hash)
                    .await
                {
                    Ok(row) => row,
                    Err(e) => {
                        tracing::error!(error = %e, "qr event stream: database");
                        return None;
                    }
                };
            let now = self.state.now();
            self.time_change = row
                .as_ref()
                .and_then(|r| r.next_time_change(now))
                .and_then(|at| u64::try_from(at.saturating_sub(now)).ok())
                .map_or(self.deadline, |secs| {
                    tokio::time::Instant::now()
                        .checked_add(Duration::from_secs(secs) + EVENTS_TIME_MARGIN)
                        .unwrap_or(self.deadline)
                });
            let phase = row.map_or(QrPhase::Expired, |r| r.phase(now));
            let Some(kind) = push_answer(phase) else {
                self.done = true;
                let error = ApiError::new(ErrorCode::QrAlreadyUsed);
                return Event::default().event("error").json_data(error).ok();
            };
            if self.last == Some(kind) {
                continue;
            }
            self.last = Some(kind);
            self.done = kind != QrStatusKind::Pending;
            return Event::default()
                .event("status")
                .json_data(kind.status())
                .ok();
        }
    }
}

/// One audit row of the phone's side.
async fn audit_phone(
    state: &AppState,
    event: AuditEvent,
    portal: &str,
    identifier: &str,
    ip: IpAddr,
    outcome: AuditOutcome,
) -> Result<(), AppError> {
    let entry = Entry {
        at: state.now(),
        event,
        portal,
        identifier,
        ip,
        outcome,
    };
    Ok(audit::record(&state.db, entry).await?)
}

/// The code a login payload names, pending at now.
async fn pending_code(state: &AppState, payload: &str) -> Result<(QrRow, String), AppError> {
    let Some(QrPayload::Login { key, challenge, .. }) = QrPayload::parse(payload) else {
        return Err(AppError::with_detail(
            ErrorCode::InvalidRequest,
            "field `payload` is not a QR login payload",
        ));
    };
    let row = store::find_by_key(&state.db, &token::hash(&key))
        .await?
        .ok_or(ErrorCode::QrUnknown)?;
    if row.challenge != challenge {
        return Err(ErrorCode::QrUnknown.into());
    }
    match row.phase(state.now()) {
        QrPhase::Pending => Ok((row, key)),
        other => Err(transition(other, QrEvent::Approve)
            .err()
            .unwrap_or(ErrorCode::QrUnknown)
            .into()),
    }
}

fn outcome_of(code: ErrorCode) -> AuditOutcome {
    match code {
        ErrorCode::QrExpired => AuditOutcome::Expired,
        ErrorCode::QrDeclined => AuditOutcome::Declined,
        ErrorCode::QrAlreadyUsed => AuditOutcome::AlreadyUsed,
        ErrorCode::QrUnknown => AuditOutcome::UnknownCode,
        _ => AuditOutcome::Malformed,
    }
}

/// What a login request shows on the phone.
#[utoipa::path(
    post,
    path = "/api/phone/request",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrPayloadRequest,
    responses(
        (status = 200, description = "The portal, the requesting origin, browser, system and place, three digit pairs; the code is marked as opened (an approval then gets the grace)", body = QrRequestInfo),
        (status = 404, description = "`qr_unknown`", body = ApiError),
        (status = 409, description = "`qr_declined` or `qr_already_used`", body = ApiError),
        (status = 410, description = "`qr_expired`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn request_info(
    State(state): State<AppState>,
    AppJson(request): AppJson<QrPayloadRequest>,
) -> Result<Json<QrRequestInfo>, AppError> {
    let now = state.now();
    let (row, _) = pending_code(&state, &request.payload).await?;
    store::mark_seen(&state.db, &row.id_hash, now).await?;
    let portal_id =
        PortalId::new(&row.portal).map_err(|e| anyhow::anyhow!("stored portal: {e}"))?;
    let portal_name = state
        .portal(&portal_id)
        .map_or_else(|| row.portal.clone(), |p| p.name.clone());
    let (browser, system) = describe_user_agent(&row.user_agent);
    let place = row
        .ip
        .parse::<IpAddr>()
        .map_or_else(|_| "inconnu (unknown)".to_owned(), store::place);
    Ok(Json(QrRequestInfo {
        portal: portal_id,
        portal_name,
        origin: row.origin.clone(),
        browser: browser.to_owned(),
        system: system.to_owned(),
        place,
        choices: row.choices.split(',').map(str::to_owned).collect(),
        expires_in: row.times().expires_in(now),
    }))
}

/// The device of an approval or a decline, enrolled for the code's portal, and its signature
/// over `signed` checked.
async fn signed_by_device(
    state: &AppState,
    row: &QrRow,
    device: &str,
    signature: &str,
    signed: &[u8],
) -> Result<store::DeviceRow, (AuditOutcome, AppError)> {
    let unknown = || {
        (
            AuditOutcome::DeviceUnknown,
            AppError::from(ErrorCode::QrDeviceUnknown),
        )
    };
    if !store::is_device_id(device) {
        return Err(unknown());
    }
    let found = store::find_device(&state.db, device)
        .await
        .map_err(|e| (AuditOutcome::Malformed, AppError::from(e)))?;
    let Some(found) = found.filter(|d| d.portal == row.portal) else {
        return Err(unknown());
    };
    let invalid = || {
        (
            AuditOutcome::SignatureInvalid,
            AppError::from(ErrorCode::QrSignatureInvalid),
        )
    };
    let algorithm = DeviceAlgorithm::parse(&found.algorithm).ok_or_else(invalid)?;
    let key = store::decode_b64(&found.public_key).ok_or_else(invalid)?;
    let signature = store::decode_b64(signature).ok_or_else(invalid)?;
    if !algorithm.verify(&key, signed, &signature) {
        return Err(invalid());
    }
    Ok(found)
}

/// What an approval and a decline share before they differ: the address's attempt reserved
/// (released by the caller on success), the pending code the payload names, and the enrolled
/// device whose signature over `sign(key, challenge, origin, portal)` is right. Each refusal
/// is audited as `event` and returned.
async fn signed_request(
    state: &AppState,
    ip: IpAddr,
    event: AuditEvent,
    (payload, device, signature): (&str, &str, &str),
    sign: fn(&str, &str, &str, &str) -> Vec<u8>,
) -> Result<(Slot, QrRow, store::DeviceRow), AppError> {
    let slot = state
        .ip_limiter
        .try_reserve(ip, state.now())
        .await?
        .ok_or(ErrorCode::RateLimited)?;
    let (row, key) = match pending_code(state, payload).await {
        Ok(found) => found,
        Err(e) => {
            audit_phone(state, event, "", "", ip, outcome_of(e.code())).await?;
            return Err(e);
        }
    };
    let portal = row.portal.as_str();
    let signed = sign(&key, &row.challenge, &row.origin, portal);
    match signed_by_device(state, &row, device, signature, &signed).await {
        Ok(device) => Ok((slot, row, device)),
        Err((outcome, e)) => {
            audit_phone(state, event, portal, "", ip, outcome).await?;
            Err(e)
        }
    }
}

/// The phone approves a login.
#[utoipa::path(
    post,
    path = "/api/phone/approve",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrApproveRequest,
    responses(
        (status = 204, description = "Approved: the browser's poll now claims the session"),
        (status = 401, description = "`qr_device_unknown`, `qr_signature_invalid` (another key, or signed for another origin, portal or code), `qr_digits_wrong` (the code is now declined) or `qr_pin_wrong`", body = ApiError),
        (status = 404, description = "`qr_unknown`", body = ApiError),
        (status = 409, description = "`qr_declined` or `qr_already_used` (a replay)", body = ApiError),
        (status = 410, description = "`qr_expired`", body = ApiError),
        (status = 423, description = "`qr_pin_locked`: too many wrong PINs, enrol the device again", body = ApiError),
        CommonErrors,
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<QrApproveRequest>,
) -> Result<StatusCode, AppError> {
    let now = state.now();
    let event = AuditEvent::QrApprove;
    let signed = (&*request.payload, &*request.device, &*request.signature);
    let (slot, row, device) = signed_request(&state, ip, event, signed, to_be_signed).await?;
    let portal = row.portal.as_str();
    let who = device.identifier.as_str();
    if device.locked() {
        audit_phone(&state, event, portal, who, ip, AuditOutcome::PinLocked).await?;
        return Err(ErrorCode::QrPinLocked.into());
    }
    if request.digits.trim() != row.digits {
        // A wrong pick cancels the code: a relayed code gets one guess in three, once.
        let next = transition(QrPhase::Pending, QrEvent::Decline)?;
        store::move_state(&state.db, &row.id_hash, QrState::Pending, next, now, None).await?;
        audit_phone(&state, event, portal, who, ip, AuditOutcome::DigitsWrong).await?;
        return Err(ErrorCode::QrDigitsWrong.into());
    }
    if !is_pin(request.pin.expose()) {
        audit_phone(&state, event, portal, who, ip, AuditOutcome::Malformed).await?;
        return Err(AppError::with_detail(
            ErrorCode::InvalidRequest,
            "field `pin` is not 4 digits",
        ));
    }
    // The PIN try is counted before it is checked: parallel guesses get no more checks.
    let Some(count) = store::reserve_pin(&state.db, &device.device_id, device.pin_failures).await?
    else {
        let locked = store::find_device(&state.db, &device.device_id)
            .await?
            .is_none_or(|d| d.locked());
        let (outcome, code) = if locked {
            (AuditOutcome::PinLocked, ErrorCode::QrPinLocked)
        } else {
            (AuditOutcome::PinWrong, ErrorCode::QrPinWrong)
        };
        audit_phone(&state, event, portal, who, ip, outcome).await?;
        return Err(code.into());
    };
    let permit = state.hash_permit().await?;
    let right = password_hash::verify_blocking(request.pin, device.pin_hash.clone()).await?;
    drop(permit);
    if !right {
        let locked = count >= i64::from(sesame_core::qr::MAX_PIN_FAILURES);
        let (outcome, code) = if locked {
            (AuditOutcome::PinLocked, ErrorCode::QrPinLocked)
        } else {
            (AuditOutcome::PinWrong, ErrorCode::QrPinWrong)
        };
        audit_phone(&state, event, portal, who, ip, outcome).await?;
        return Err(code.into());
    }
    store::reset_pin(&state.db, &device.device_id).await?;
    let next = transition(QrPhase::Pending, QrEvent::Approve)?;
    let approver = Some((device.device_id.as_str(), who));
    if !store::move_state(
        &state.db,
        &row.id_hash,
        QrState::Pending,
        next,
        now,
        approver,
    )
    .await?
    {
        // Another approval or a decline came first.
        audit_phone(&state, event, portal, who, ip, AuditOutcome::AlreadyUsed).await?;
        return Err(ErrorCode::QrAlreadyUsed.into());
    }
    state.ip_limiter.release(slot).await;
    audit_phone(&state, event, portal, who, ip, AuditOutcome::Success).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The phone declines a login (no PIN: declining is as easy as approving).
#[utoipa::path(
    post,
    path = "/api/phone/decline",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrDeclineRequest,
    responses(
        (status = 204, description = "Declined: final; the browser is told `declined`"),
        (status = 401, description = "`qr_device_unknown` or `qr_signature_invalid`", body = ApiError),
        (status = 404, description = "`qr_unknown`", body = ApiError),
        (status = 409, description = "`qr_declined` or `qr_already_used`", body = ApiError),
        (status = 410, description = "`qr_expired`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<QrDeclineRequest>,
) -> Result<StatusCode, AppError> {
    let now = state.now();
    let event = AuditEvent::QrDecline;
    let signed = (&*request.payload, &*request.device, &*request.signature);
    let (slot, row, device) =
        signed_request(&state, ip, event, signed, to_be_signed_decline).await?;
    let portal = row.portal.as_str();
    let next = transition(QrPhase::Pending, QrEvent::Decline)?;
    if !store::move_state(&state.db, &row.id_hash, QrState::Pending, next, now, None).await? {
        audit_phone(&state, event, portal, "", ip, AuditOutcome::AlreadyUsed).await?;
        return Err(ErrorCode::QrAlreadyUsed.into());
    }
    state.ip_limiter.release(slot).await;
    let who = device.identifier.as_str();
    audit_phone(&state, event, portal, who, ip, AuditOutcome::Declined).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An enrolment code for the logged-in account.
#[utoipa::path(
    post,
    path = "/api/phone/enrolment",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    responses(
        (status = 200, description = "A one-time enrolment code (QR and payload) for the session's account, usable within `expires_in` seconds", body = QrEnrolment),
        (status = 401, description = "`not_authenticated`", body = ApiError),
        (status = 422, description = "`method_not_available`: the portal does not offer QR login", body = ApiError),
    )
)]
pub async fn enrolment(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: CurrentSession,
) -> Result<Json<QrEnrolment>, AppError> {
    let now = state.now();
    let info = session.info;
    state
        .portal(&info.portal)
        .and_then(|p| p.offer(Method::Qr))
        .ok_or(ErrorCode::MethodNotAvailable)?;
    let token = store::random_b64(ENROL_TOKEN_BYTES)?;
    store::insert_enrolment(
        &state.db,
        &token::hash(&token),
        info.portal.as_str(),
        &info.identifier,
        now,
    )
    .await?;
    let origin = requesting_origin(&state, &headers);
    let payload = QrPayload::enrol(&origin, store::API_PATH, &token);
    Ok(Json(QrEnrolment {
        svg: store::svg(&payload)?,
        payload,
        expires_in: ENROL_LIFE_SECS,
    }))
}

/// The phone enrols: its public key and PIN for the enrolment code's account.
#[utoipa::path(
    post,
    path = "/api/phone/enrol",
    tag = "qr",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = QrEnrolRequest,
    responses(
        (status = 200, description = "The device is enrolled: keep its id", body = QrDevice),
        (status = 401, description = "`qr_enrolment_invalid`: unknown, used or expired enrolment code", body = ApiError),
        (status = 422, description = "`qr_pin_weak`: a PIN too easy to guess (nothing used: choose another)", body = ApiError),
        CommonErrors,
    )
)]
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(request): AppJson<QrEnrolRequest>,
) -> Result<Json<QrDevice>, AppError> {
    let now = state.now();
    let slot = state
        .ip_limiter
        .try_reserve(ip, now)
        .await?
        .ok_or(ErrorCode::RateLimited)?;
    let event = AuditEvent::QrEnrol;
    let malformed = async |field: &str, what: &str| -> Result<Json<QrDevice>, AppError> {
        audit_phone(&state, event, "", "", ip, AuditOutcome::Malformed).await?;
        Err(AppError::with_detail(
            ErrorCode::InvalidRequest,
            format!("field `{field}` is not {what}"),
        ))
    };
    let Some(QrPayload::Enrol { token, .. }) = QrPayload::parse(&request.payload) else {
        return malformed("payload", "a QR enrolment payload").await;
    };
    let Some(algorithm) = DeviceAlgorithm::parse(&request.algorithm) else {
        return malformed("algorithm", "ES256 or EdDSA").await;
    };
    let key = store::decode_b64(&request.public_key);
    let Some(key) = key.filter(|k| algorithm.key_shape_ok(k)) else {
        return malformed("public_key", "a raw public key of the algorithm, base64url").await;
    };
    if !is_pin(request.pin.expose()) {
        return malformed("pin", "4 digits").await;
    }
    // Before the code is used: the person may choose another PIN with the same code.
    if is_guessable_pin(request.pin.expose()) {
        audit_phone(&state, event, "", "", ip, AuditOutcome::PinWeak).await?;
        return Err(ErrorCode::QrPinWeak.into());
    }
    let Some((portal, identifier)) =
        store::consume_enrolment(&state.db, &token::hash(&token), now).await?
    else {
        audit_phone(&state, event, "", "", ip, AuditOutcome::EnrolmentInvalid).await?;
        return Err(ErrorCode::QrEnrolmentInvalid.into());
    };
    let permit = state.hash_permit().await?;
    let pin_hash = password_hash::hash_blocking(request.pin).await?;
    drop(permit);
    let device = store::DeviceRow {
        device_id: token::random_hex(16)?,
        portal,
        identifier,
        algorithm: algorithm.as_str().to_owned(),
        public_key: base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &key),
        pin_hash,
        pin_failures: 0,
    };
    store::insert_device(&state.db, &device, now).await?;
    state.ip_limiter.release(slot).await;
    audit_phone(
        &state,
        event,
        &device.portal,
        &device.identifier,
        ip,
        AuditOutcome::Success,
    )
    .await?;
    let portal = PortalId::new(&device.portal).map_err(|e| anyhow::anyhow!("portal: {e}"))?;
    Ok(Json(QrDevice {
        device: device.device_id,
        portal,
        identifier: device.identifier,
    }))
}
