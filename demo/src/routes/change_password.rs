//! `POST /api/password/change`: the logged-in account's new password, checked with the same
//! `sesame_core::password::check` as the widget's checklist.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::credentials::{self, Attempt};
use crate::db;
use crate::device;
use crate::error::AppError;
use crate::json::AppJson;
use crate::openapi::CommonErrors;
use crate::password_hash;
use crate::rate_limit::ClientIp;
use crate::session::CurrentSession;
use crate::state::AppState;
use anyhow::anyhow;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use sesame_core::api::ChangePasswordRequest;
use sesame_core::password::{self, CheckContext};
use sesame_core::ApiError;

/// Changes the password; the other sessions of the account are ended.
#[utoipa::path(
    post,
    path = "/api/password/change",
    tag = "session",
    params(("x-sesame-csrf" = String, Header, description = "Must be `1` (CSRF protection)")),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "`not_authenticated`, or `invalid_credentials` (wrong current password)", body = ApiError),
        (status = 422, description = "`password_rules_not_met`, with every rule's outcome in `rules`", body = ApiError),
        CommonErrors,
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    current: CurrentSession,
    headers: HeaderMap,
    AppJson(request): AppJson<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    let portal = state
        .portal(&current.info.portal)
        .ok_or_else(|| anyhow!("session of unknown portal {}", current.info.portal))?;
    let account = credentials::check(
        &state,
        Attempt {
            event: AuditEvent::ChangePassword,
            portal,
            identifier: &current.info.identifier,
            password: &request.current_password,
            ip,
            // A trusted browser checks the current password on its own counter: an attacker
            // who locked the strict one does not stop its owner changing the password.
            device: device::token_from(&headers, state.config.dev_mode).as_deref(),
        },
    )
    .await?
    .account;
    let entry = |outcome| Entry {
        at: state.now(),
        event: AuditEvent::ChangePassword,
        portal: portal.id.as_str(),
        identifier: &account.identifier,
        ip,
        outcome,
    };
    let outcomes = password::check(
        request.new_password.expose(),
        &portal.password,
        CheckContext::new(&account.identifier),
    );
    if !password::is_acceptable(&outcomes) {
        audit::record(&state.db, entry(AuditOutcome::RulesNotMet)).await?;
        return Err(AppError::rules_not_met(outcomes));
    }
    let permit = state.hash_permit().await?;
    let hash = password_hash::hash_blocking(request.new_password).await?;
    drop(permit);
    // All or nothing: a new password never leaves the account's other sessions open. Guesses
    // at the old password are moot: the strict counter starts again (this is also how the
    // owner, from a trusted browser, lifts a lock or block others caused).
    let mut tx = state.db.begin().await?;
    db::set_password_hash(&mut *tx, &account.portal, &account.identifier, &hash).await?;
    let strict = db::Counter::Account {
        portal: account.portal.clone(),
        identifier: account.identifier.clone(),
        failures: 0,
        last_failure: None,
    };
    db::reset_counter(&mut *tx, &strict).await?;
    db::delete_other_sessions(
        &mut *tx,
        &account.portal,
        &account.identifier,
        &current.token_hash,
    )
    .await?;
    audit::record(&mut *tx, entry(AuditOutcome::PasswordChanged)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
