//! The account journeys (issue 14, `ACCOUNT-CONTRACT.md`; the wire in `sesame_core::account`):
//! invitations and first logins, forgotten passwords and identifiers, sign-ups confirmed by an
//! e-mailed link and an SMS code. The handlers are in [`crate::routes::account`]; the terms of
//! use accepted before a session is ready in [`crate::session`] and
//! [`crate::routes::session`].
//!
//! - **Links**: 32 random bytes in hex ([`token::new_token`]), only their SHA-256 stored
//!   (`account_links`, migration 0013), bound to one account of one portal and one purpose,
//!   e-mailed as the portal's `account.page` or `{public origin}/?preset={portal}`, then
//!   `#sesame-link={token}` (core's `portal_link_url`; the
//!   origin is [`AppState::public_origin`]). A new link spends the unspent ones of the same
//!   account and purpose; using one is one conditional `UPDATE` (used once, before it expires),
//!   and a password set spends every other password link of the account.
//! - **Accounts without a password**: an invitation (`invited`) or a sign-up (`pending` until
//!   confirmed, then `invited` until its first password) keep the marker [`db::NO_PASSWORD`];
//!   [`crate::credentials`] checks them like unknown accounts (dummy hash, the same answer).
//! - **Forgotten password or identifier**: the handler answers `202` after core's
//!   `ACCOUNT_ANSWER_FLOOR_MS` whatever the account; [`forgot_password`] and
//!   [`forgot_identifier`] run in a task of their own, after the answer was decided. At most
//!   core's `EMAILS_PER_ACCOUNT_PER_HOUR` e-mails per account (the limiter's tables, bucket
//!   `account-mail:<portal>:<identifier>`), silently none beyond. Each task ends with one audit
//!   row (`forgot_password` / `forgot_identifier`), written last.
//! - **A password set** through a link: core's rules for the portal, argon2id, then in one
//!   transaction the link used, the password stored, the account active, every other password
//!   link spent, every failure counter cleared, every session and login attempt of the account
//!   ended.
//! - **E-mails and SMS**: French then English, the portal's name, no secret but the link (or
//!   the code, in the SMS); through [`crate::sender`], never logged.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db::{self, AccountStatus, Contact, LinkRow};
use crate::error::AppError;
use crate::password_hash;
use crate::sender::Message;
use crate::state::AppState;
use crate::token;
use anyhow::anyhow;
use sesame_core::account::{
    is_link_token, portal_link_url, LinkInfo, LinkPurpose, LinkStatus, PasswordSet,
    EMAILS_PER_ACCOUNT_PER_HOUR, SIGNUP_CODE_DIGITS, SIGNUP_CODE_LIFE_SECS, SIGNUP_MAX_SENDS,
    SIGNUP_MAX_WRONG_CODES, SIGNUP_RESEND_COOLDOWN_SECS,
};
use sesame_core::otp::{mask_phone, OtpChannel};
use sesame_core::password::{self, CheckContext};
use sesame_core::{ErrorCode, PortalConfig, PortalId, Secret};
use std::net::{IpAddr, Ipv4Addr};

/// The address audit rows name when a journey is started from the command line.
pub const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An account to create without a password (an invitation, a sign-up). Its `Debug` hides
/// the identifier and the contact.
#[derive(Clone)]
pub struct NewAccount {
    /// The identifier (put in its canonical form by [`invite`] and [`signup`]).
    pub identifier: String,
    /// The name to greet with.
    pub display_name: String,
    /// The e-mail address, where the links go.
    pub email: String,
    /// The mobile phone (a sign-up's code goes there).
    pub phone: Option<String>,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewAccount(***)")
    }
}

/// Why an account could not be created: a client error of the dev-mode endpoints and the
/// command line, said in English.
fn refused(detail: &str) -> AppError {
    AppError::with_detail(ErrorCode::InvalidRequest, detail)
}

/// Checks `new` for `portal` and puts its identifier in canonical form.
fn checked(
    portal: &PortalConfig,
    mut new: NewAccount,
    phone_needed: bool,
) -> Result<NewAccount, AppError> {
    let rule = &portal.identifier.rule;
    if !rule.accepts(&new.identifier) {
        return Err(refused(
            "`identifier` does not have the portal's identifier shape",
        ));
    }
    new.identifier = rule.canonical(&new.identifier);
    new.display_name = new.display_name.trim().to_owned();
    if new.display_name.is_empty()
        || new.display_name.chars().count() > 100
        || new.display_name.chars().any(char::is_control)
    {
        return Err(refused(
            "`display_name` must be 1 to 100 printable characters",
        ));
    }
    new.email = new.email.trim().to_owned();
    if new.email.parse::<lettre::Address>().is_err() {
        return Err(refused("`email` is not an e-mail address"));
    }
    new.phone = new
        .phone
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if let Some(phone) = &new.phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let shape = phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-'));
        if !shape || !(6..=20).contains(&digits) {
            return Err(refused("`phone` is not a phone number"));
        }
    } else if phone_needed {
        return Err(refused(
            "`phone` is needed: the sign-up code goes there by SMS",
        ));
    }
    Ok(new)
}

/// Creates an account invited to set its password (the portal's support did, or its sign-up
/// was confirmed): two e-mails, one with the identifier, one with the first-login link ("Définir
/// mon mot de passe"), valid the portal's `first_login_days`.
pub async fn invite(
    state: &AppState,
    portal: &PortalConfig,
    new: NewAccount,
    ip: IpAddr,
) -> Result<NewAccount, AppError> {
    let new = checked(portal, new, false)?;
    let token = create_without_password(state, portal, &new, AccountStatus::Invited, ip).await?;
    send_mail(
        state,
        &new.email,
        identifier_mail(portal, &[new.identifier.as_str()]),
    )
    .await;
    send_mail(
        state,
        &new.email,
        first_login_mail(portal, &new.display_name, &link(state, portal, &token)),
    )
    .await;
    Ok(new)
}

/// Seeds an invitation: the account reset to invited (no password, no terms accepted, its
/// earlier links spent) and its two e-mails sent again, with a new link.
pub async fn reinvite(
    state: &AppState,
    portal: &PortalConfig,
    new: NewAccount,
) -> anyhow::Result<()> {
    let id = portal.id.as_str();
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM accounts WHERE portal = $1 AND identifier = $2")
        .bind(id)
        .bind(&new.identifier)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    invite(state, portal, new, LOCAL)
        .await
        .map(drop)
        .map_err(|e| anyhow!("cannot seed the invitation: {e:?}"))
}

/// Signs up a `pending` account on a portal that confirms sign-ups: the link by e-mail (valid
/// core's `SIGNUP_LINK_LIFE_SECS`) and the first 4-digit code by SMS.
pub async fn signup(
    state: &AppState,
    portal: &PortalConfig,
    new: NewAccount,
    ip: IpAddr,
) -> Result<NewAccount, AppError> {
    if !portal.account.signup_confirmation {
        return Err(ErrorCode::MethodNotAvailable.into());
    }
    let new = checked(portal, new, true)?;
    let token = create_without_password(state, portal, &new, AccountStatus::Pending, ip).await?;
    send_mail(
        state,
        &new.email,
        signup_mail(portal, &new.display_name, &link(state, portal, &token)),
    )
    .await;
    // The first code now; a failure is said by the page's "send again".
    if let Err(e) = send_signup_code(state, portal, &token, ip).await {
        tracing::warn!(
            code = e.code().as_str(),
            "the first sign-up code was not sent"
        );
    }
    Ok(new)
}

/// Stores `new` without a password, `Invited` (its first-login link) or `Pending` (its sign-up
/// link), audited, in one transaction: the link's token. An identifier the portal has already
/// is refused.
async fn create_without_password(
    state: &AppState,
    portal: &PortalConfig,
    new: &NewAccount,
    status: AccountStatus,
    ip: IpAddr,
) -> Result<String, AppError> {
    let (purpose, event) = match status {
        AccountStatus::Pending => (LinkPurpose::Signup, AuditEvent::Signup),
        _ => (LinkPurpose::FirstLogin, AuditEvent::Invite),
    };
    let contact = Contact {
        phone: new.phone.clone(),
        email: Some(new.email.clone()),
    };
    let id = portal.id.as_str();
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !db::insert_account_without_password(
        &mut *tx,
        id,
        &new.identifier,
        &new.display_name,
        &contact,
        status,
    )
    .await?
    {
        return Err(refused(
            "an account of this portal has this identifier already",
        ));
    }
    let token = new_link(&mut tx, portal, &new.identifier, purpose, now).await?;
    audit::record(
        &mut *tx,
        entry(
            now,
            event,
            id,
            &new.identifier,
            ip,
            AuditOutcome::AccountCreated,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// A new link for an account, its earlier unspent ones of that purpose spent: its token.
async fn new_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    portal: &PortalConfig,
    identifier: &str,
    purpose: LinkPurpose,
    now: i64,
) -> Result<String, AppError> {
    let token = token::new_token()?;
    let life = i64::from(portal.account.link_life_secs(purpose));
    db::insert_link(
        &mut **tx,
        &token::hash(&token),
        portal.id.as_str(),
        identifier,
        purpose.as_str(),
        now,
        now.saturating_add(life),
    )
    .await?;
    Ok(token)
}

/// The link an e-mail carries for `token`.
fn link(state: &AppState, portal: &PortalConfig, token: &str) -> String {
    portal_link_url(&portal.account, &state.public_origin(), &portal.id, token)
}

fn entry<'a>(
    at: i64,
    event: AuditEvent,
    portal: &'a str,
    identifier: &'a str,
    ip: IpAddr,
    outcome: AuditOutcome,
) -> Entry<'a> {
    Entry {
        at,
        event,
        portal,
        identifier,
        ip,
        outcome,
    }
}

// ---------------------------------------------------------------------------------------------
// Forgotten password, forgotten identifier: run after the answer.

/// The accounts a forgotten-password request names: the identifier's (canonical form), else
/// those with this e-mail address; an account still pending (unconfirmed sign-up) is none.
async fn accounts_named(
    state: &AppState,
    portal: &PortalConfig,
    typed: &str,
) -> Result<Vec<db::Account>, AppError> {
    let id = portal.id.as_str();
    let typed = typed.trim();
    if typed.is_empty() || typed.chars().count() > sesame_core::identifier::MAX_IDENTIFIER_LEN {
        return Ok(Vec::new());
    }
    let canonical = portal.identifier.rule.canonical(typed);
    let mut found: Vec<db::Account> = db::find_account(&state.db, id, &canonical)
        .await?
        .into_iter()
        .collect();
    if found.is_empty() && typed.contains('@') {
        found = db::find_accounts_by_email(&state.db, id, typed).await?;
    }
    found.retain(|a| a.account_status != AccountStatus::Pending.as_str());
    Ok(found)
}

/// Whether the account may be sent one more journey e-mail this hour (counted now).
async fn mail_allowed(state: &AppState, portal: &str, identifier: &str) -> Result<bool, AppError> {
    let bucket = ["account-mail:", portal, ":", identifier].concat();
    let slot = state
        .ip_limiter
        .try_reserve_in(
            &bucket,
            state.now(),
            EMAILS_PER_ACCOUNT_PER_HOUR as usize,
            60 * 60,
        )
        .await?;
    Ok(slot.is_some())
}

/// "Mot de passe oublié ?": a reset link e-mailed to each account `typed` names (identifier
/// or e-mail address) within its hourly allowance; then one audit row. Run after the answer.
pub async fn forgot_password(
    state: &AppState,
    portal: &PortalConfig,
    typed: &str,
    ip: IpAddr,
) -> Result<(), AppError> {
    let id = portal.id.as_str();
    let now = state.now();
    let accounts = accounts_named(state, portal, typed).await?;
    let mut outcome = AuditOutcome::UnknownAccount;
    let mut named = String::new();
    for account in &accounts {
        named.clone_from(&account.identifier);
        let contact = db::find_contact(&state.db, id, &account.identifier).await?;
        let Some(email) = contact.email else {
            outcome = AuditOutcome::NotSent;
            continue;
        };
        if !mail_allowed(state, id, &account.identifier).await? {
            outcome = AuditOutcome::NotSent;
            continue;
        }
        let mut tx = state.db.begin().await?;
        let token = new_link(
            &mut tx,
            portal,
            &account.identifier,
            LinkPurpose::Reset,
            now,
        )
        .await?;
        tx.commit().await?;
        send_mail(
            state,
            &email,
            reset_mail(portal, &account.display_name, &link(state, portal, &token)),
        )
        .await;
        outcome = AuditOutcome::LinkSent;
    }
    audit::record(
        &state.db,
        entry(now, AuditEvent::ForgotPassword, id, &named, ip, outcome),
    )
    .await?;
    Ok(())
}

/// "Identifiant oublié ?": the identifier e-mailed to each account of the portal with the
/// address `email`, within its hourly allowance; then one audit row. Run after the answer.
pub async fn forgot_identifier(
    state: &AppState,
    portal: &PortalConfig,
    email: &str,
    ip: IpAddr,
) -> Result<(), AppError> {
    let id = portal.id.as_str();
    let now = state.now();
    let mut accounts = if email.contains('@') && email.len() <= 254 {
        db::find_accounts_by_email(&state.db, id, email).await?
    } else {
        Vec::new()
    };
    accounts.retain(|a| a.account_status != AccountStatus::Pending.as_str());
    let mut outcome = AuditOutcome::UnknownAccount;
    let mut named = String::new();
    for account in &accounts {
        named.clone_from(&account.identifier);
        if !mail_allowed(state, id, &account.identifier).await? {
            outcome = AuditOutcome::NotSent;
            continue;
        }
        let contact = db::find_contact(&state.db, id, &account.identifier).await?;
        let Some(to) = contact.email else {
            outcome = AuditOutcome::NotSent;
            continue;
        };
        send_mail(
            state,
            &to,
            identifier_mail(portal, &[account.identifier.as_str()]),
        )
        .await;
        outcome = AuditOutcome::IdentifierSent;
    }
    audit::record(
        &state.db,
        entry(now, AuditEvent::ForgotIdentifier, id, &named, ip, outcome),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Links: what they are, the password they set, the sign-up they confirm.

/// A link found by its token, with its portal.
struct Found {
    row: LinkRow,
    purpose: LinkPurpose,
    portal: PortalConfig,
}

/// The link of `token`: `link_invalid` for anything that is not one (shape, unknown, a portal
/// this server does not run).
async fn find(state: &AppState, token: &Secret) -> Result<Found, AppError> {
    if !is_link_token(token.expose()) {
        return Err(ErrorCode::LinkInvalid.into());
    }
    let row = db::find_link(&state.db, &token::hash(token.expose()))
        .await?
        .ok_or(ErrorCode::LinkInvalid)?;
    let purpose = LinkPurpose::parse(&row.purpose).ok_or(ErrorCode::LinkInvalid)?;
    let portal = PortalId::new(&row.portal)
        .ok()
        .and_then(|id| state.portal(&id))
        .cloned()
        .ok_or(ErrorCode::LinkInvalid)?;
    Ok(Found {
        row,
        purpose,
        portal,
    })
}

/// Where a link is at `now`: used (or spent) first, then expired.
fn status(row: &LinkRow, now: i64) -> LinkStatus {
    if row.used_at.is_some() {
        LinkStatus::Used
    } else if row.expires_at <= now {
        LinkStatus::Expired
    } else {
        LinkStatus::Valid
    }
}

/// `link_expired` or `link_used` for a link that is not valid.
fn unusable(status: LinkStatus) -> Result<(), AppError> {
    match status {
        LinkStatus::Valid => Ok(()),
        LinkStatus::Expired => Err(ErrorCode::LinkExpired.into()),
        LinkStatus::Used => Err(ErrorCode::LinkUsed.into()),
    }
}

/// The seconds until `at`, if in the future.
fn seconds_until(at: i64, now: i64) -> Option<u32> {
    let s = at.saturating_sub(now);
    (s > 0).then(|| u32::try_from(s).unwrap_or(u32::MAX))
}

/// What the widget is told of a link.
async fn info_of(state: &AppState, found: &Found, now: i64) -> Result<LinkInfo, AppError> {
    let row = &found.row;
    let status = status(row, now);
    let valid = status == LinkStatus::Valid;
    let mut info = LinkInfo {
        purpose: found.purpose,
        status,
        identifier: None,
        destination: None,
        expires_in: None,
        resend_in: None,
    };
    if !valid {
        return Ok(info);
    }
    info.expires_in = seconds_until(row.expires_at, now);
    if found.purpose.sets_password() {
        info.identifier = Some(row.identifier.clone());
    } else {
        let contact = db::find_contact(&state.db, &row.portal, &row.identifier).await?;
        info.destination = contact.phone.as_deref().map(mask_phone);
        if row.sends < i64::from(SIGNUP_MAX_SENDS) {
            info.resend_in = row.last_send_at.and_then(|at| {
                seconds_until(
                    at.saturating_add(i64::from(SIGNUP_RESEND_COOLDOWN_SECS)),
                    now,
                )
            });
        }
    }
    Ok(info)
}

/// `POST /account/link`: what the link of `token` is for and where it is.
pub async fn link_info(state: &AppState, token: &Secret) -> Result<LinkInfo, AppError> {
    let found = find(state, token).await?;
    info_of(state, &found, state.now()).await
}

/// `POST /account/set-password`: the password of a first-login or reset link (see the
/// module's documentation for what comes with it).
pub async fn set_password(
    state: &AppState,
    token: &Secret,
    new_password: Secret,
    ip: IpAddr,
) -> Result<PasswordSet, AppError> {
    let found = find(state, token).await?;
    if !found.purpose.sets_password() {
        return Err(ErrorCode::LinkInvalid.into());
    }
    let now = state.now();
    let portal = &found.portal;
    let (id, identifier) = (portal.id.as_str(), found.row.identifier.as_str());
    let audit = |outcome| entry(now, AuditEvent::SetPassword, id, identifier, ip, outcome);
    if let Err(e) = unusable(status(&found.row, now)) {
        audit::record(&state.db, audit(outcome_of(&e))).await?;
        return Err(e);
    }
    let outcomes = password::check(
        new_password.expose(),
        &portal.password,
        CheckContext::new(identifier),
    );
    if !password::is_acceptable(&outcomes) {
        audit::record(&state.db, audit(AuditOutcome::RulesNotMet)).await?;
        return Err(AppError::rules_not_met(outcomes));
    }
    let permit = state.hash_permit().await?;
    let hash = password_hash::hash_blocking(new_password).await?;
    drop(permit);
    let mut tx = state.db.begin().await?;
    if !db::use_link(&mut *tx, &found.row.token_hash, now).await? {
        // Another request used it first, or its life ended meanwhile.
        tx.rollback().await?;
        let again = db::find_link(&state.db, &found.row.token_hash)
            .await?
            .ok_or(ErrorCode::LinkInvalid)?;
        let e = unusable(status(&again, now))
            .err()
            .unwrap_or_else(|| ErrorCode::LinkUsed.into());
        audit::record(&state.db, audit(outcome_of(&e))).await?;
        return Err(e);
    }
    db::set_password_hash(&mut *tx, id, identifier, &hash).await?;
    db::set_account_status(&mut *tx, id, identifier, AccountStatus::Active).await?;
    db::spend_links(
        &mut *tx,
        id,
        identifier,
        &[
            LinkPurpose::FirstLogin.as_str(),
            LinkPurpose::Reset.as_str(),
        ],
        now,
    )
    .await?;
    db::clear_counters(&mut *tx, id, identifier).await?;
    db::end_account_sessions(&mut *tx, id, identifier).await?;
    audit::record(&mut *tx, audit(AuditOutcome::PasswordSet)).await?;
    tx.commit().await?;
    Ok(PasswordSet {
        identifier: identifier.to_owned(),
    })
}

/// The audit outcome of a link refused.
fn outcome_of(e: &AppError) -> AuditOutcome {
    match e.code() {
        ErrorCode::LinkExpired => AuditOutcome::LinkExpired,
        ErrorCode::LinkUsed => AuditOutcome::LinkUsed,
        _ => AuditOutcome::LinkInvalid,
    }
}

/// A sign-up link found and valid, for its sign-up's endpoints.
async fn signup_link(state: &AppState, token: &Secret, now: i64) -> Result<Found, AppError> {
    let found = find(state, token).await?;
    if found.purpose != LinkPurpose::Signup {
        return Err(ErrorCode::LinkInvalid.into());
    }
    unusable(status(&found.row, now))?;
    Ok(found)
}

/// What the database keeps of a sign-up code: bound to its link's token.
fn signup_code_hash(token: &str, code: &str) -> String {
    crate::attempt::code_hash(token, code)
}

/// Sends a new sign-up code for the link of `token` (the send reserved first: at most core's
/// `SIGNUP_MAX_SENDS`, one per cooldown).
async fn send_signup_code(
    state: &AppState,
    portal: &PortalConfig,
    token: &str,
    ip: IpAddr,
) -> Result<LinkRow, AppError> {
    let hash = token::hash(token);
    let now = state.now();
    let row = db::find_link(&state.db, &hash)
        .await?
        .ok_or(ErrorCode::LinkInvalid)?;
    let contact = db::find_contact(&state.db, &row.portal, &row.identifier).await?;
    let to = contact.phone.ok_or(ErrorCode::MethodNotAvailable)?;
    let code = zeroize::Zeroizing::new(crate::attempt::random_digits(u32::from(
        SIGNUP_CODE_DIGITS,
    ))?);
    let code_hash = signup_code_hash(token, &code);
    let reserved = db::reserve_signup_send(
        &state.db,
        &hash,
        &code_hash,
        now,
        now.saturating_add(i64::from(SIGNUP_CODE_LIFE_SECS)),
        now.saturating_sub(i64::from(SIGNUP_RESEND_COOLDOWN_SECS)),
        i64::from(SIGNUP_MAX_SENDS),
    )
    .await?;
    let id = portal.id.as_str();
    let audit = |outcome| {
        entry(
            now,
            AuditEvent::SignupSend,
            id,
            &row.identifier,
            ip,
            outcome,
        )
    };
    let Some(updated) = reserved else {
        let again = db::find_link(&state.db, &hash)
            .await?
            .ok_or(ErrorCode::LinkInvalid)?;
        unusable(status(&again, now))?;
        if again.sends >= i64::from(SIGNUP_MAX_SENDS) {
            return Err(ErrorCode::TooManySends.into());
        }
        let wait = again
            .last_send_at
            .and_then(|at| {
                seconds_until(
                    at.saturating_add(i64::from(SIGNUP_RESEND_COOLDOWN_SECS)),
                    now,
                )
            })
            .unwrap_or(1);
        return Err(AppError::retry_after(ErrorCode::ResendTooSoon, wait));
    };
    let message = Message {
        channel: OtpChannel::Sms,
        to,
        subject: [portal.name.as_str(), " : code de confirmation"].concat(),
        body: signup_sms(&portal.name, &code),
        at: now,
    };
    if let Err(e) = state.senders.sms.send(&message).await {
        // Logged without the message (it holds the code) nor the destination.
        tracing::warn!(error = format!("{e:#}"), "sign-up code not sent");
        db::release_signup_send(&state.db, &hash, &code_hash).await?;
        audit::record(&state.db, audit(AuditOutcome::SendFailed)).await?;
        return Err(ErrorCode::SendFailed.into());
    }
    audit::record(&state.db, audit(AuditOutcome::CodeSent)).await?;
    Ok(updated)
}

/// `POST /account/signup/send`: a new code by SMS; what the link is then.
pub async fn signup_send(
    state: &AppState,
    token: &Secret,
    ip: IpAddr,
) -> Result<LinkInfo, AppError> {
    let now = state.now();
    let found = signup_link(state, token, now).await?;
    let row = send_signup_code(state, &found.portal, token.expose(), ip).await?;
    let found = Found { row, ..found };
    info_of(state, &found, now).await
}

/// `POST /account/signup/confirm`: the code typed; right, the account is confirmed (invited:
/// its first-login e-mail is sent) and the link used; the last wrong code spends the link.
pub async fn signup_confirm(
    state: &AppState,
    token: &Secret,
    code: &Secret,
    ip: IpAddr,
) -> Result<LinkInfo, AppError> {
    let now = state.now();
    let found = signup_link(state, token, now).await?;
    let code = sesame_core::account::normalize_signup_code(code.expose())
        .map(zeroize::Zeroizing::new)
        .ok_or(ErrorCode::CodeMalformed)?;
    let portal = &found.portal;
    let (id, identifier) = (portal.id.as_str(), found.row.identifier.as_str());
    let audit = |outcome| entry(now, AuditEvent::SignupConfirm, id, identifier, ip, outcome);
    let hash = &found.row.token_hash;
    let Some(reserved) =
        db::reserve_signup_check(&state.db, hash, now, i64::from(SIGNUP_MAX_WRONG_CODES)).await?
    else {
        // Used or expired meanwhile, or no check left (then spent already).
        let again = db::find_link(&state.db, hash)
            .await?
            .ok_or(ErrorCode::LinkInvalid)?;
        unusable(status(&again, now))?;
        db::use_link(&state.db, hash, now).await?;
        return Err(ErrorCode::LinkUsed.into());
    };
    let code_hash = signup_code_hash(token.expose(), &code);
    let right = reserved.code_hash.as_deref().is_some_and(|stored| {
        crate::routes::code::constant_time_eq(stored.as_bytes(), code_hash.as_bytes())
    }) && reserved.code_expires_at.is_some_and(|at| at > now);
    if !right {
        if reserved.wrong_codes >= i64::from(SIGNUP_MAX_WRONG_CODES) {
            // The last check: the link is spent (call support).
            db::use_link(&state.db, hash, now).await?;
            audit::record(&state.db, audit(AuditOutcome::LinkUsed)).await?;
            return Err(ErrorCode::LinkUsed.into());
        }
        audit::record(&state.db, audit(AuditOutcome::Failure)).await?;
        return Err(ErrorCode::InvalidCode.into());
    }
    let mut tx = state.db.begin().await?;
    if !db::use_signup_code(&mut *tx, hash, &code_hash, now).await? {
        tx.rollback().await?;
        return Err(ErrorCode::LinkUsed.into());
    }
    db::spend_links(
        &mut *tx,
        id,
        identifier,
        &[LinkPurpose::Signup.as_str()],
        now,
    )
    .await?;
    // Confirmed: no password yet, the first-login link on its way.
    db::set_account_status(&mut *tx, id, identifier, AccountStatus::Invited).await?;
    let first = new_link(&mut tx, portal, identifier, LinkPurpose::FirstLogin, now).await?;
    audit::record(&mut *tx, audit(AuditOutcome::SignupConfirmed)).await?;
    tx.commit().await?;
    let account = db::find_account(&state.db, id, identifier).await?;
    let contact = db::find_contact(&state.db, id, identifier).await?;
    if let (Some(account), Some(email)) = (account, contact.email) {
        send_mail(
            state,
            &email,
            first_login_mail(portal, &account.display_name, &link(state, portal, &first)),
        )
        .await;
    }
    Ok(LinkInfo {
        purpose: LinkPurpose::Signup,
        status: LinkStatus::Used,
        identifier: None,
        destination: None,
        expires_in: None,
        resend_in: None,
    })
}

// ---------------------------------------------------------------------------------------------
// The command line: `sesame-demo invite|signup`.

/// The command line's usage.
pub const CLI_USAGE: &str = "usage: sesame-demo invite PORTAL IDENTIFIER NAME EMAIL [PHONE]\n\
                             \x20      sesame-demo signup PORTAL IDENTIFIER NAME EMAIL PHONE";

/// `sesame-demo invite|signup …` (`command` and its arguments): the account created in the
/// database of `DATABASE_URL`, its e-mails (and SMS) sent as the server would (the outbox, or
/// `SESAME_SMTP_URL`), the links leading to the first of `SESAME_ALLOWED_ORIGINS` (default
/// `http://127.0.0.1:<port of SESAME_BIND>`). What was done, in French and English.
pub async fn run_cli(command: &str, args: &[String]) -> anyhow::Result<String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(CLI_USAGE.to_owned());
    }
    let (portal, identifier, name, email, phone) = match args {
        [p, i, n, e] => (p, i, n, e, None),
        [p, i, n, e, ph] => (p, i, n, e, Some(ph.clone())),
        _ => anyhow::bail!("{CLI_USAGE}"),
    };
    let config = crate::Config::from_env()?;
    let extra = crate::portals::load(&config.portal_files)?;
    let db = db::connect(&config.database_url).await?;
    let state = AppState::new(config, db, crate::system_clock()).with_extra_portals(extra)?;
    let portal = PortalId::new(portal)
        .ok()
        .and_then(|id| state.portal(&id))
        .cloned()
        .ok_or_else(|| anyhow!("{portal:?} is not a portal this server runs\n{CLI_USAGE}"))?;
    let new = NewAccount {
        identifier: identifier.clone(),
        display_name: name.clone(),
        email: email.clone(),
        phone,
    };
    let why = |e: AppError| match e {
        AppError::Internal(e) => e,
        AppError::Api(e) | AppError::Retry(e, _) => anyhow!("{}", e.message),
    };
    match command {
        "invite" => {
            let new = invite(&state, &portal, new, LOCAL).await.map_err(why)?;
            Ok(format!(
                "Compte {}/{} créé : l'identifiant et le lien « Définir mon mot de passe » sont \
                 envoyés à {}. Account created: the identifier and the set-password link are sent.",
                portal.id, new.identifier, new.email
            ))
        }
        "signup" => {
            let new = signup(&state, &portal, new, LOCAL).await.map_err(why)?;
            Ok(format!(
                "Inscription {}/{} en attente : le lien est envoyé à {}, le code par SMS. Sign-up \
                 pending: the link is e-mailed, the code sent by SMS.",
                portal.id, new.identifier, new.email
            ))
        }
        other => anyhow::bail!("{other:?}: {CLI_USAGE}"),
    }
}

// ---------------------------------------------------------------------------------------------
// E-mails and SMS: French, then English; the portal's name; no secret but the link.

/// An e-mail: subject and text.
#[derive(Clone)]
pub struct Mail {
    /// The subject, French / English.
    pub subject: String,
    /// The text, French then English.
    pub body: String,
}

/// Sends `mail` to `to` by e-mail (the outbox, or SMTP); a failure is logged without the
/// message nor the address. The journeys' answers never depend on it.
async fn send_mail(state: &AppState, to: &str, mail: Mail) {
    let message = Message {
        channel: OtpChannel::Email,
        to: to.to_owned(),
        subject: mail.subject,
        body: mail.body,
        at: state.now(),
    };
    if let Err(e) = state.senders.email.send(&message).await {
        tracing::warn!(error = format!("{e:#}"), "account e-mail not sent");
    }
}

/// The two halves of a text, French first.
fn bilingual(fr: &str, en: &str) -> String {
    format!("{fr}\n\n— English —\n\n{en}\n")
}

/// A link's life in words: days, hours or minutes.
fn life_words(secs: u32) -> (String, String) {
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if secs.is_multiple_of(86_400) {
        let d = secs / 86_400;
        (plural(d, "jour", "jours"), plural(d, "day", "days"))
    } else if secs.is_multiple_of(3_600) {
        let h = secs / 3_600;
        (plural(h, "heure", "heures"), plural(h, "hour", "hours"))
    } else {
        let m = secs / 60;
        (
            plural(m, "minute", "minutes"),
            plural(m, "minute", "minutes"),
        )
    }
}

/// The identifier(s) of the address, for an invitation or "Identifiant oublié ?".
pub fn identifier_mail(portal: &PortalConfig, identifiers: &[&str]) -> Mail {
    let name = &portal.name;
    let list = identifiers.join(", ");
    Mail {
        subject: format!("{name} : votre identifiant / Your identifier"),
        body: bilingual(
            &format!(
                "Bonjour,\n\nVotre identifiant {name} est : {list}\n\nSaisissez-le dans le champ \
                 « Identifiant » de la page de connexion. Si vous n'avez rien demandé, ignorez ce \
                 message."
            ),
            &format!(
                "Hello,\n\nYour {name} identifier is: {list}\n\nType it in the \"Identifier\" \
                 field of the login page. If you did not ask for it, ignore this message."
            ),
        ),
    }
}

/// The first-login link ("Définir mon mot de passe"), valid the portal's `first_login_days`.
pub fn first_login_mail(portal: &PortalConfig, display_name: &str, link: &str) -> Mail {
    let name = &portal.name;
    let (fr, en) = life_words(portal.account.link_life_secs(LinkPurpose::FirstLogin));
    Mail {
        subject: format!("{name} : définir mon mot de passe / Set my password"),
        body: bilingual(
            &format!(
                "Bonjour {display_name},\n\nVotre compte {name} est prêt. Pour définir votre mot \
                 de passe, ouvrez ce lien « Définir mon mot de passe » :\n\n{link}\n\nIl est \
                 valable {fr} et ne sert qu'une fois. Votre identifiant vous est envoyé dans un \
                 autre e-mail. Passé ce délai, demandez un nouveau lien avec « Mot de passe \
                 oublié ? » ou appelez l'assistance."
            ),
            &format!(
                "Hello {display_name},\n\nYour {name} account is ready. To set your password, \
                 open this \"Set my password\" link:\n\n{link}\n\nIt is valid for {en} and works \
                 once. Your identifier comes in another e-mail. After that, ask for a new link \
                 with \"Forgotten password?\" or call support."
            ),
        ),
    }
}

/// A reset link, valid the portal's `reset_minutes`.
pub fn reset_mail(portal: &PortalConfig, display_name: &str, link: &str) -> Mail {
    let name = &portal.name;
    let (fr, en) = life_words(portal.account.link_life_secs(LinkPurpose::Reset));
    Mail {
        subject: format!("{name} : nouveau mot de passe / New password"),
        body: bilingual(
            &format!(
                "Bonjour {display_name},\n\nVous avez demandé à changer votre mot de passe \
                 {name}. Pour en choisir un nouveau, ouvrez ce lien :\n\n{link}\n\nIl est \
                 valable {fr} et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce \
                 message : votre mot de passe actuel reste valable."
            ),
            &format!(
                "Hello {display_name},\n\nYou asked to change your {name} password. To choose a \
                 new one, open this link:\n\n{link}\n\nIt is valid for {en} and works once. If \
                 you did not ask for it, ignore this message: your current password stays valid."
            ),
        ),
    }
}

/// A sign-up's link, to open before typing the code received by SMS.
pub fn signup_mail(portal: &PortalConfig, display_name: &str, link: &str) -> Mail {
    let name = &portal.name;
    let (fr, en) = life_words(portal.account.link_life_secs(LinkPurpose::Signup));
    Mail {
        subject: format!("{name} : confirmez votre inscription / Confirm your sign-up"),
        body: bilingual(
            &format!(
                "Bonjour {display_name},\n\nPour confirmer votre inscription à {name}, ouvrez ce \
                 lien puis saisissez le code à 4 chiffres reçu par SMS :\n\n{link}\n\nIl est \
                 valable {fr}. Si vous ne vous êtes pas inscrit, ignorez ce message."
            ),
            &format!(
                "Hello {display_name},\n\nTo confirm your {name} sign-up, open this link, then \
                 type the 4-digit code you received by text message:\n\n{link}\n\nIt is valid \
                 for {en}. If you did not sign up, ignore this message."
            ),
        ),
    }
}

/// The SMS carrying a sign-up code.
pub fn signup_sms(portal_name: &str, code: &str) -> String {
    format!(
        "{portal_name} : votre code de confirmation d'inscription est {code}. Il est valable \
         10 minutes. Ne le communiquez à personne. / Your sign-up code: {code}."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_say_it_in_french_then_english_with_the_portal_and_the_link() {
        let spico = PortalConfig::spico();
        let link = "http://127.0.0.1:8080/?preset=spico#sesame-link=ab";
        for mail in [
            first_login_mail(&spico, "Sophie Laurent", link),
            reset_mail(&spico, "Sophie Laurent", link),
            signup_mail(&PortalConfig::entractes(), "Dr Anne Roux", link),
        ] {
            let fr = mail.body.find("Bonjour").unwrap();
            let en = mail.body.find("Hello").unwrap();
            assert!(fr < en, "{}", mail.body);
            assert_eq!(mail.body.matches(link).count(), 2, "{}", mail.body);
        }
        let first = first_login_mail(&spico, "S", link);
        assert!(first.body.contains("Définir mon mot de passe"));
        assert!(first.body.contains("14 jours") && first.body.contains("14 days"));
        assert!(first.subject.starts_with("SPICO"));
        let reset = reset_mail(&spico, "S", link);
        assert!(reset.body.contains("1 heure") && reset.body.contains("1 hour"));
        let id = identifier_mail(&spico, &["sophie.laurent"]);
        assert!(id.body.contains("sophie.laurent") && !id.body.contains("sesame-link"));
        let sms = signup_sms("Entr'Actes", "0482");
        assert!(sms.contains("0482"));
        assert_eq!(life_words(600), ("10 minutes".into(), "10 minutes".into()));
        assert_eq!(life_words(86_400), ("1 jour".into(), "1 day".into()));
    }

    #[test]
    fn new_accounts_are_checked_and_made_canonical() {
        let spico = PortalConfig::spico();
        let new = |identifier: &str, email: &str, phone: Option<&str>| NewAccount {
            identifier: identifier.into(),
            display_name: " Sophie Laurent ".into(),
            email: email.into(),
            phone: phone.map(str::to_owned),
        };
        let ok = checked(&spico, new(" Sophie.Laurent ", "s@exemple.fr", None), false).unwrap();
        assert_eq!(ok.identifier, "sophie.laurent");
        assert_eq!(ok.display_name, "Sophie Laurent");
        assert!(checked(&spico, new("s", "not an address", None), false).is_err());
        assert!(checked(&spico, new("s", "s@exemple.fr", None), true).is_err());
        assert!(checked(&spico, new("s", "s@exemple.fr", Some("call me")), false).is_err());
        let entractes = PortalConfig::entractes();
        assert!(checked(
            &entractes,
            new("1234", "s@exemple.fr", Some("0612345678")),
            true
        )
        .is_err());
        assert!(checked(
            &entractes,
            new("54321", "s@exemple.fr", Some("06 12 34 56 78")),
            true
        )
        .is_ok());
        assert!(!format!("{:?}", new("sophie", "s@exemple.fr", None)).contains("sophie"));
    }
}
