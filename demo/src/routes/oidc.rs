//! Pro Santé Connect and the regional SSO: `POST /api/login/oidc/start` (where to send the
//! browser), `GET /api/login/oidc/{provider}/callback` (the provider's return) and
//! `POST /api/session/establishment` (the establishment chosen after the login). The protocol
//! is in [`crate::oidc`].
//!
//! The return is checked in this order, each failure with its own audit outcome, and always
//! ends in a redirect to a page of the portal with core's
//! [`return_fragment`](sesame_core::oidc::return_fragment) — never an error page:
//! 1. the state: known, from the browser that started the login (the OIDC cookie), for this
//!    provider's callback, within its life — used once (`oidc_failed`);
//! 2. the provider's own error: `access_denied` is the person cancelling (`oidc_cancelled`),
//!    anything else `oidc_failed`; the `iss` parameter, when sent, is the provider's (RFC 9207);
//! 3. the code exchanged and the ID token and userinfo checked ([`crate::oidc`]): `oidc_failed`,
//!    or `oidc_unavailable` when the provider cannot be reached; the `acr`
//!    (`oidc_assurance_refused`);
//! 4. the account of the portal linked to the identity (`oidc_account_unknown`).
//!
//! The OIDC cookie is `SameSite=Lax`: the provider's redirect is a cross-site navigation,
//! which a `Strict` cookie would not come back with. A return does not clear it (it ends with
//! its `Max-Age`): two logins started in two tabs of one browser can both come back, each once.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db::{self, OidcRequestRow};
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::rate_limit::ClientIp;
use crate::session::{self, read_cookie, CurrentSession};
use crate::state::AppState;
use crate::token;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use sesame_core::api::SessionInfo;
use sesame_core::oidc::{
    self, EstablishmentChoice, OidcStart, OidcStartRequest, REQUEST_LIFE_SECS,
};
use sesame_core::{ApiError, ErrorCode, Method, PortalId};

/// The OIDC cookie's name (dev mode; `__Host-` prefixed otherwise).
pub const COOKIE_NAME: &str = "sesame_oidc";

fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame_oidc"
    }
}

/// The OIDC cookie: `SameSite=Lax` (see the module), HttpOnly, Path=/, for the request's life.
fn set_cookie(token: &str, max_age: i64, dev_mode: bool) -> HeaderValue {
    session::cookie_header_same_site(cookie_name(dev_mode), token, max_age, dev_mode, "Lax")
}

/// The portal's address as the browser uses it: the first allowed origin.
fn public_origin(state: &AppState) -> String {
    state.public_origin()
}

/// The callback URL of `method`'s provider, as registered there.
fn redirect_uri(state: &AppState, method: Method) -> String {
    let name = oidc::provider_name(method).unwrap_or("none");
    format!("{}/api/login/oidc/{name}/callback", public_origin(state))
}

/// Where to send the browser for a login with Pro Santé Connect or the regional SSO.
#[utoipa::path(
    post,
    path = "/api/login/oidc/start",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = OidcStartRequest,
    responses(
        (status = 200, description = "Go to `authorize_url`; the OIDC cookie `__Host-sesame_oidc` (`sesame_oidc` in dev mode, SameSite=Lax) binds the return to this browser", body = OidcStart),
        (status = 422, description = "`method_not_available`: the portal does not offer this method, or this server has no such provider configured", body = ApiError),
        (status = 424, description = "`oidc_unavailable`: the provider cannot be reached", body = ApiError),
        CommonErrors,
    )
)]
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<OidcStartRequest>,
) -> Result<Response, AppError> {
    let now = state.now();
    let portal = state
        .portal(&request.portal)
        .ok_or(ErrorCode::UnknownPortal)?;
    if oidc::provider_name(request.method).is_none() || portal.offer(request.method).is_none() {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let started = state
        .oidc
        .start(request.method, &redirect_uri(&state, request.method))
        .await?;
    let dev_mode = state.config.dev_mode;
    let browser = match read_cookie(&headers, cookie_name(dev_mode)) {
        Some(token) => token,
        None => token::new_token()?,
    };
    let life = i64::from(REQUEST_LIFE_SECS);
    let row = OidcRequestRow {
        method: request.method.as_str().to_owned(),
        portal: portal.id.as_str().to_owned(),
        nonce: started.nonce,
        pkce_verifier: started.pkce_verifier,
        return_to: oidc::safe_return_to(&request.return_to).to_owned(),
    };
    db::insert_oidc_request(
        &state.db,
        &token::hash(&started.state),
        &token::hash(&browser),
        &row,
        now,
        now.saturating_sub(life),
    )
    .await?;
    let body = OidcStart {
        authorize_url: started.authorize_url,
    };
    Ok((
        [(header::SET_COOKIE, set_cookie(&browser, life, dev_mode))],
        Json(body),
    )
        .into_response())
}

/// The provider's redirect back: `code` and `state`, or `error` and `state`.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code.
    code: Option<String>,
    /// The state the login was started with.
    state: Option<String>,
    /// The provider's error (`access_denied`: the person cancelled).
    error: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it.
    iss: Option<String>,
}

/// The provider's return: checked, then back to the page the login started from.
#[utoipa::path(
    get,
    path = "/api/login/oidc/{provider}/callback",
    tag = "session",
    params(
        ("provider" = String, Path, description = "`psc` or `sso`"),
        ("code" = Option<String>, Query, description = "The authorization code"),
        ("state" = Option<String>, Query, description = "The login's state"),
        ("error" = Option<String>, Query, description = "The provider's error; `access_denied` when the person cancelled"),
        ("iss" = Option<String>, Query, description = "The issuer (RFC 9207)"),
    ),
    responses(
        (status = 303, description = "Back to the page the login started from (`/` when unknown), with `#sesame-method=<method>` and, on failure, `sesame-error=<code>` (`oidc_cancelled`, `oidc_failed`, `oidc_unavailable`, `oidc_assurance_refused`, `oidc_account_unknown`); on success the session cookie is set. A query that cannot be read goes back to `/` with `oidc_failed`."),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(provider): Path<String>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let now = state.now();
    let dev_mode = state.config.dev_mode;
    // An unknown provider name: the route exists for two names only.
    let Some(method) = oidc::method_of(&provider) else {
        return Err(ErrorCode::NotFound.into());
    };
    let event = if method == Method::ProSanteConnect {
        AuditEvent::LoginProSanteConnect
    } else {
        AuditEvent::LoginRegionalSso
    };
    // The OIDC cookie stays (it ends with its Max-Age): another login this browser started,
    // in another tab, may still come back.
    let back = |return_to: &str, error: Option<ErrorCode>, cookies: Vec<HeaderValue>| {
        let location = format!("{return_to}#{}", oidc::return_fragment(method, error));
        let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
        for cookie in cookies {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    };
    let audit = async |portal: &str, identifier: &str, outcome: AuditOutcome| {
        let entry = Entry {
            at: now,
            event,
            portal,
            identifier,
            ip,
            outcome,
        };
        audit::record(&state.db, entry).await
    };

    // A query that cannot be read (a parameter twice, say): no state to trust.
    let Ok(Query(query)) = query else {
        audit("", "", AuditOutcome::StateInvalid).await?;
        return Ok(back("/", Some(ErrorCode::OidcFailed), Vec::new()));
    };

    // 1. The state, used once, by the browser that started the login.
    let fresh_since = now.saturating_sub(i64::from(REQUEST_LIFE_SECS));
    let request = match (
        query.state.as_deref(),
        read_cookie(&headers, cookie_name(dev_mode)),
    ) {
        (Some(login_state), Some(browser)) if login_state.len() <= 256 => {
            db::take_oidc_request(
                &state.db,
                &token::hash(login_state),
                &token::hash(&browser),
                method.as_str(),
                fresh_since,
            )
            .await?
        }
        _ => None,
    };
    let Some(request) = request else {
        audit("", "", AuditOutcome::StateInvalid).await?;
        return Ok(back("/", Some(ErrorCode::OidcFailed), Vec::new()));
    };
    let return_to = oidc::safe_return_to(&request.return_to).to_owned();
    let portal = request.portal.as_str();
    let fail = async |outcome: AuditOutcome, code: ErrorCode| -> Result<Response, AppError> {
        audit(portal, "", outcome).await?;
        Ok(back(&return_to, Some(code), Vec::new()))
    };

    // 2. The provider's own answer.
    if let Some(error) = query.error.as_deref() {
        return if error == "access_denied" {
            fail(AuditOutcome::Cancelled, ErrorCode::OidcCancelled).await
        } else {
            fail(AuditOutcome::TokenRefused, ErrorCode::OidcFailed).await
        };
    }
    let issuer = state
        .oidc
        .config()
        .provider(method)
        .map(|p| p.issuer.as_str());
    if let (Some(iss), Some(issuer)) = (query.iss.as_deref(), issuer) {
        if iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return fail(AuditOutcome::TokenRefused, ErrorCode::OidcFailed).await;
        }
    }
    let Some(code) = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 2048)
    else {
        return fail(AuditOutcome::TokenRefused, ErrorCode::OidcFailed).await;
    };

    // 3. The code, the ID token, userinfo, the acr.
    let identity = match state
        .oidc
        .finish(
            method,
            &redirect_uri(&state, method),
            code,
            &request.nonce,
            &request.pkce_verifier,
        )
        .await
    {
        Ok(identity) => identity,
        Err(code) => {
            let outcome = match code {
                ErrorCode::OidcUnavailable => AuditOutcome::ProviderUnavailable,
                ErrorCode::OidcAssuranceRefused => AuditOutcome::AssuranceRefused,
                _ => AuditOutcome::TokenRefused,
            };
            return fail(outcome, code).await;
        }
    };

    // 4. The account.
    let provider_name = oidc::provider_name(method).unwrap_or_default();
    let Some(account) =
        db::find_oidc_account(&state.db, provider_name, &identity.subject, portal).await?
    else {
        return fail(AuditOutcome::UnknownAccount, ErrorCode::OidcAccountUnknown).await;
    };
    let Some(portal_id) = PortalId::new(portal).ok() else {
        return fail(AuditOutcome::StateInvalid, ErrorCode::OidcFailed).await;
    };
    let mut info = SessionInfo::new(
        portal_id,
        account.identifier,
        account.display_name,
        method,
        now,
    );
    info.assurance = identity.assurance;
    info.means = identity.means;
    let mut places = identity.establishments;
    if places.len() == 1 {
        info.establishment = places.pop();
    } else {
        info.establishments = places;
    }
    let token = session::create_with_id_token(
        &state,
        &mut info,
        session::token_from(&headers, dev_mode).as_deref(),
        Some(&identity.id_token),
    )
    .await?;
    audit(portal, &info.identifier, AuditOutcome::Success).await?;
    Ok(back(
        &return_to,
        None,
        vec![session::set_cookie(&token, dev_mode)],
    ))
}

/// The establishment this session works for.
#[utoipa::path(
    post,
    path = "/api/session/establishment",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = EstablishmentChoice,
    responses(
        (status = 200, description = "The session, with its establishment", body = SessionInfo),
        (status = 400, description = "`invalid_request`: not one of the session's `establishments`, or nothing left to choose", body = ApiError),
        (status = 401, description = "`not_authenticated`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn choose_establishment(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    current: CurrentSession,
    AppJson(choice): AppJson<EstablishmentChoice>,
) -> Result<Json<SessionInfo>, AppError> {
    let mut info = current.info;
    let Some(chosen) = info
        .establishments
        .iter()
        .find(|e| e.id == choice.id)
        .cloned()
    else {
        return Err(AppError::with_detail(
            ErrorCode::InvalidRequest,
            "`id` is not one of the session's establishments".to_owned(),
        ));
    };
    if !db::choose_establishment(&state.db, &current.token_hash, &chosen).await? {
        return Err(ErrorCode::NotAuthenticated.into());
    }
    audit::record(
        &state.db,
        Entry {
            at: state.now(),
            event: AuditEvent::ChooseEstablishment,
            portal: info.portal.as_str(),
            identifier: &info.identifier,
            ip,
            outcome: AuditOutcome::Success,
        },
    )
    .await?;
    info.establishments.clear();
    info.establishment = Some(chosen);
    Ok(Json(info))
}

/// Where the browser goes to end the provider's session of `current`, if it came from one.
pub async fn provider_logout(state: &AppState, current: &CurrentSession) -> Option<String> {
    let method = current.info.method;
    oidc::provider_name(method)?;
    let id_token = db::session_id_token(&state.db, &current.token_hash)
        .await
        .ok()
        .flatten()?;
    let back = format!("{}/", public_origin(state));
    state.oidc.end_session_url(method, &id_token, &back).await
}
