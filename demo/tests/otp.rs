//! The code step: authenticator apps (enrolment, replay, drift), codes by SMS and e-mail
//! (choice, expiry, binding to the attempt, resend cooldown and cap), the caps under parallel
//! requests, the account's lockout across attempts, a failed send, the outbox's reach.

mod common;

use common::{test_app, test_app_custom, test_app_with, test_config, Answer, TestApp};
use sesame_core::api::{CodeStep, SessionInfo};
use sesame_core::lockout::LOCK_SECONDS;
use sesame_core::otp::{
    OtpChannel, CODE_LIFE_SECS, MAX_SENDS_PER_ATTEMPT, MAX_WRONG_CODES_PER_ATTEMPT,
    RESEND_COOLDOWN_SECS,
};
use sesame_core::{AssuranceLevel, ErrorCode, Method};
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};
use sesame_demo::totp::{code_at, secret_from_base32, Params};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn account(portal: &str) -> DemoAccount {
    *DEMO_ACCOUNTS.iter().find(|a| a.portal == portal).unwrap()
}

fn creds(a: &DemoAccount) -> (&'static str, &'static str, &'static str) {
    (a.portal, a.identifier, a.password)
}

const ATTEMPT: &str = sesame_demo::attempt::COOKIE_NAME;
const PAACO_APP: Params = Params {
    digits: 6,
    period: 60,
};

/// The password step with method `otp`: the attempt cookie and the code step.
async fn start(app: &TestApp, a: &DemoAccount) -> (String, CodeStep) {
    let answer = app.login_method(creds(a), "otp", None).await;
    assert_eq!(
        answer.status,
        202,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let cookie = answer.cookie_named(ATTEMPT).expect("the attempt cookie");
    let step = CodeStep::read(&answer.json()).expect("a code step");
    (cookie, step)
}

fn session(answer: &Answer) -> SessionInfo {
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).unwrap()
}

async fn wrong_codes(app: &TestApp, cookie: &str) -> i64 {
    let token = cookie.split_once('=').unwrap().1;
    let (n,): (i64,) =
        sqlx::query_as("SELECT wrong_codes FROM login_attempts WHERE token_hash = $1")
            .bind(sesame_demo::token::hash(token))
            .fetch_one(&app.db)
            .await
            .unwrap();
    n
}

/// Enrols PAACO's demo account; the secret, read from the code step as a person would.
async fn enrol(app: &TestApp) -> Vec<u8> {
    let a = account("paaco");
    let (cookie, step) = start(app, &a).await;
    let enrol = step.enrol.expect("no app yet: enrolment");
    let secret = secret_from_base32(enrol.secret.expose()).unwrap().to_vec();
    let code = code_at(&secret, PAACO_APP, app.now()).unwrap();
    let info = session(&app.verify_code(&cookie, &code).await);
    assert_eq!(info.method, Method::Otp);
    secret
}

#[tokio::test]
async fn paaco_enrols_the_app_then_logs_in_strongly() {
    let app = test_app().await;
    let a = account("paaco");
    let (cookie, step) = start(&app, &a).await;
    assert_eq!(step.channels, [OtpChannel::App]);
    assert_eq!(step.channel, None);
    assert_eq!(step.destination, None);
    assert_eq!((step.digits, step.period), (6, 60));
    assert_eq!(step.server_time, app.now());
    assert_eq!(
        (step.expires_in, step.resend_in, step.sends_left),
        (None, None, 0)
    );
    let enrol = step.enrol.clone().expect("enrolment");
    assert!(enrol.svg.starts_with("<svg"));
    assert!(enrol.uri.expose().starts_with("otpauth://totp/PAACO"));
    // A reload shows the same secret (the pending one is kept).
    let (_, again) = start(&app, &a).await;
    assert_eq!(again.enrol.unwrap().secret, enrol.secret);

    let secret = secret_from_base32(enrol.secret.expose()).unwrap();
    let answer = app
        .verify_code(&cookie, &code_at(&secret, PAACO_APP, app.now()).unwrap())
        .await;
    let info = session(&answer);
    assert_eq!(
        (info.method, info.assurance),
        (Method::Otp, AssuranceLevel::Strong)
    );
    let cleared = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with(&format!("{ATTEMPT}=;")));
    assert!(cleared, "the attempt cookie is cleared");
    let again = session(&app.session(Some(&answer.cookie())).await);
    assert_eq!(again.assurance, AssuranceLevel::Strong);

    // Confirmed: no enrolment any more. The password method alone stays weak.
    app.advance(60);
    let (_, step) = start(&app, &a).await;
    assert!(step.enrol.is_none());
    let weak = session(&app.login(a.portal, a.identifier, a.password).await);
    assert_eq!(
        (weak.method, weak.assurance),
        (Method::Password, AssuranceLevel::Weak)
    );
}

#[tokio::test]
async fn app_codes_are_accepted_once_and_within_one_step() {
    let app = test_app().await;
    let a = account("paaco");
    let secret = enrol(&app).await;
    // The same code again (same step): a replay.
    let (cookie, _) = start(&app, &a).await;
    let replay = code_at(&secret, PAACO_APP, app.now()).unwrap();
    app.verify_code(&cookie, &replay)
        .await
        .assert_error(ErrorCode::InvalidCode);

    app.advance(10 * 60);
    let now = app.now();
    let (cookie, _) = start(&app, &a).await;
    for drift in [-120, 120] {
        let code = code_at(&secret, PAACO_APP, now + drift).unwrap();
        app.verify_code(&cookie, &code)
            .await
            .assert_error(ErrorCode::InvalidCode);
    }
    let behind = code_at(&secret, PAACO_APP, now - 60).unwrap();
    session(&app.verify_code(&cookie, &behind).await);
    let (cookie, _) = start(&app, &a).await;
    let ahead = code_at(&secret, PAACO_APP, now + 60).unwrap();
    session(&app.verify_code(&cookie, &ahead).await);
    // Earlier than the last step accepted: refused, even within the window.
    let (cookie, _) = start(&app, &a).await;
    let current = code_at(&secret, PAACO_APP, now).unwrap();
    app.verify_code(&cookie, &current)
        .await
        .assert_error(ErrorCode::InvalidCode);
}

#[tokio::test]
async fn spico_asks_for_the_channel_then_sends_the_email_code() {
    let app = test_app().await;
    let a = account("spico");
    let (cookie, step) = start(&app, &a).await;
    assert_eq!(step.channels, [OtpChannel::Sms, OtpChannel::Email]);
    assert_eq!((step.channel, step.destination.as_deref()), (None, None));
    assert_eq!(step.sends_left, MAX_SENDS_PER_ATTEMPT);
    assert!(
        app.outbox(a.email).await.is_empty(),
        "nothing sent before the choice"
    );

    let sent = app.send_code(&cookie, "email").await;
    assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));
    let step = CodeStep::read(&sent.json()).unwrap();
    assert_eq!(step.channel, Some(OtpChannel::Email));
    assert_eq!(step.destination.as_deref(), Some("m•••@exemple.fr"));
    assert_eq!(step.expires_in, Some(CODE_LIFE_SECS));
    assert_eq!(step.resend_in, Some(RESEND_COOLDOWN_SECS));
    assert_eq!(step.sends_left, MAX_SENDS_PER_ATTEMPT - 1);
    let code = app.last_code(a.email).await;
    // A pasted "123 456" works.
    let pasted = format!("{} {}", &code[..3], &code[3..]);
    let info = session(&app.verify_code(&cookie, &pasted).await);
    assert_eq!(
        (info.method, info.assurance),
        (Method::Otp, AssuranceLevel::Strong)
    );
    // Used once: the attempt is over.
    app.verify_code(&cookie, &code)
        .await
        .assert_error(ErrorCode::AttemptExpired);
}

#[tokio::test]
async fn sms_destinations_are_masked_and_nexus_sends_its_one_channel_at_once() {
    let app = test_app().await;
    let (cookie, _) = start(&app, &account("spico")).await;
    let step = CodeStep::read(&app.send_code(&cookie, "sms").await.json()).unwrap();
    assert_eq!(step.destination.as_deref(), Some("06 •• •• •• 02"));
    let nexus = account("nexus");
    let (cookie, step) = start(&app, &nexus).await;
    assert_eq!(step.channel, Some(OtpChannel::Email));
    assert_eq!(step.destination.as_deref(), Some("p•••@exemple.fr"));
    let code = app.last_code(nexus.email).await;
    session(&app.verify_code(&cookie, &code).await);
    // The app is not a channel that sends; Parcéo offers no code.
    app.send_code(&cookie, "app")
        .await
        .assert_error(ErrorCode::AttemptExpired);
    let (cookie, _) = start(&app, &account("spico")).await;
    app.send_code(&cookie, "app")
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    let parceo = account("parceo");
    app.login_method(creds(&parceo), "otp", None)
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
}

#[tokio::test]
async fn an_expired_code_and_another_attempts_code_are_refused() {
    let app = test_app().await;
    let a = account("spico");
    let (first, _) = start(&app, &a).await;
    app.send_code(&first, "email").await;
    let first_code = app.last_code(a.email).await;
    let (second, _) = start(&app, &a).await;
    app.send_code(&second, "email").await;
    let second_code = app.last_code(a.email).await;
    if first_code != second_code {
        app.verify_code(&second, &first_code)
            .await
            .assert_error(ErrorCode::InvalidCode);
    }
    app.advance(i64::from(CODE_LIFE_SECS) + 1);
    app.verify_code(&second, &second_code)
        .await
        .assert_error(ErrorCode::InvalidCode);
}

#[tokio::test]
async fn malformed_codes_are_refused_without_using_an_attempt() {
    let app = test_app().await;
    let a = account("spico");
    let (cookie, _) = start(&app, &a).await;
    app.send_code(&cookie, "sms").await;
    for bad in ["", "12345", "1234567", "12a456", "abcdef"] {
        app.verify_code(&cookie, bad)
            .await
            .assert_error(ErrorCode::CodeMalformed);
    }
    assert_eq!(wrong_codes(&app, &cookie).await, 0);
    let (n,): (i64,) = sqlx::query_as("SELECT otp_failures FROM accounts WHERE identifier = $1")
        .bind(a.identifier)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 0);
    session(
        &app.verify_code(&cookie, &app.last_code(a.phone).await)
            .await,
    );
}

#[tokio::test]
async fn resends_wait_for_the_cooldown_and_stop_at_the_cap() {
    let app = test_app().await;
    let (cookie, _) = start(&app, &account("spico")).await;
    assert_eq!(app.send_code(&cookie, "email").await.status, 200);
    let early = app.send_code(&cookie, "sms").await;
    early.assert_error(ErrorCode::ResendTooSoon);
    assert_eq!(
        early.headers["retry-after"],
        RESEND_COOLDOWN_SECS.to_string()
    );
    app.advance(20);
    let early = app.send_code(&cookie, "sms").await;
    assert_eq!(
        early.headers["retry-after"],
        (RESEND_COOLDOWN_SECS - 20).to_string()
    );
    for _ in 1..MAX_SENDS_PER_ATTEMPT {
        app.advance(i64::from(RESEND_COOLDOWN_SECS));
        assert_eq!(app.send_code(&cookie, "sms").await.status, 200);
    }
    app.advance(i64::from(RESEND_COOLDOWN_SECS));
    app.send_code(&cookie, "sms")
        .await
        .assert_error(ErrorCode::TooManySends);
}

#[tokio::test]
async fn twenty_parallel_sends_send_one_code() {
    let app = test_app().await;
    let a = account("spico");
    let (cookie, _) = start(&app, &a).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, cookie) = (app.clone_handle(), cookie.clone());
        set.spawn(async move { app.send_code(&cookie, "sms").await.status.as_u16() });
    }
    let statuses = set.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(app.outbox(a.phone).await.len(), 1);
}

#[tokio::test]
async fn twenty_parallel_wrong_codes_check_at_most_the_cap() {
    let app = test_app().await;
    let a = account("spico");
    let (cookie, _) = start(&app, &a).await;
    app.send_code(&cookie, "sms").await;
    let right = app.last_code(a.phone).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, cookie) = (app.clone_handle(), cookie.clone());
        set.spawn(async move { app.verify_code(&cookie, wrong).await.error().code });
    }
    let codes = set.join_all().await;
    let checked = codes
        .iter()
        .filter(|c| **c == ErrorCode::InvalidCode)
        .count();
    assert_eq!(checked, MAX_WRONG_CODES_PER_ATTEMPT as usize, "{codes:?}");
    assert!(codes
        .iter()
        .all(|c| matches!(c, ErrorCode::InvalidCode | ErrorCode::AttemptExpired)));
    // The attempt is over: even the right code starts again from the password.
    app.verify_code(&cookie, &right)
        .await
        .assert_error(ErrorCode::AttemptExpired);
}

#[tokio::test]
async fn wrong_codes_lock_the_account_across_attempts() {
    let app = test_app().await;
    let a = account("spico");
    let mut cookie = String::new();
    for i in 0..10 {
        if i % 5 == 0 {
            cookie = start(&app, &a).await.0;
        }
        app.advance(61);
        app.send_code(&cookie, "sms").await;
        let right = app.last_code(a.phone).await;
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        app.verify_code(&cookie, wrong)
            .await
            .assert_error(ErrorCode::InvalidCode);
    }
    // Locked: a new attempt (the password is right) with the right code gets the same answer.
    let (cookie, _) = start(&app, &a).await;
    app.send_code(&cookie, "sms").await;
    let code = app.last_code(a.phone).await;
    app.verify_code(&cookie, &code)
        .await
        .assert_error(ErrorCode::InvalidCode);
    app.advance(LOCK_SECONDS);
    let (cookie, _) = start(&app, &a).await;
    app.send_code(&cookie, "sms").await;
    let code = app.last_code(a.phone).await;
    session(&app.verify_code(&cookie, &code).await);
}

/// A sender whose first `fail` sends fail.
struct Flaky {
    fail: AtomicUsize,
    inner: Arc<dyn sesame_demo::sender::Sender>,
}

impl sesame_demo::sender::Sender for Flaky {
    fn send<'a>(
        &'a self,
        message: &'a sesame_demo::sender::Message,
    ) -> sesame_demo::sender::Sending<'a> {
        if self
            .fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Box::pin(async { Err(anyhow::anyhow!("relay down")) });
        }
        self.inner.send(message)
    }
}

#[tokio::test]
async fn a_failed_send_keeps_the_attempt() {
    let app = test_app_custom(test_config(), |state| {
        let mut senders = state.senders.clone();
        senders.email = Arc::new(Flaky {
            fail: AtomicUsize::new(1),
            inner: senders.email.clone(),
        });
        state.with_senders(senders)
    })
    .await;
    let a = account("nexus");
    let answer = app.login_method(creds(&a), "otp", None).await;
    answer.assert_error(ErrorCode::SendFailed);
    let cookie = answer.cookie_named(ATTEMPT).expect("the attempt is kept");
    // No cooldown after a failure: send again at once.
    let sent = app.send_code(&cookie, "email").await;
    assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));
    session(
        &app.verify_code(&cookie, &app.last_code(a.email).await)
            .await,
    );
}

#[tokio::test]
async fn without_an_attempt_the_code_step_starts_again() {
    let app = test_app().await;
    app.verify_code("sesame-attempt=nope", "123456")
        .await
        .assert_error(ErrorCode::AttemptExpired);
    let token = "ab".repeat(32);
    app.send_code(&format!("{ATTEMPT}={token}"), "sms")
        .await
        .assert_error(ErrorCode::AttemptExpired);
}

#[tokio::test]
async fn the_outbox_is_for_dev_mode_and_the_cookie_is_host_prefixed_outside_it() {
    let app = test_app().await;
    let a = account("spico");
    let (cookie, _) = start(&app, &a).await;
    app.send_code(&cookie, "sms").await;
    let page = app
        .send(
            axum::http::Request::get("/demo/outbox")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        html.contains("lang=\"fr\"") && html.contains(a.phone),
        "{html}"
    );

    let prod = test_app_with(sesame_demo::Config {
        dev_mode: false,
        ..test_config()
    })
    .await;
    for path in ["/api/demo/outbox", "/demo/outbox"] {
        let answer = prod
            .send(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(answer.status, 404, "{path}");
    }
    let answer = prod.login_method(creds(&a), "otp", None).await;
    assert_eq!(answer.status, 202);
    let set = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-sesame-attempt="))
        .expect("the attempt cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(set.contains(attr), "{attr}: {set}");
    }
}
