//! Handler tests of the portal API: login, session, logout, password change, lockout, audit.

mod common;

use common::{test_app, test_app_with, test_config, SPICO, START};
use sesame_core::api::SessionInfo;
use sesame_core::lockout::{LOCK_AFTER_FAILURES, LOCK_SECONDS};
use sesame_core::password::Rule;
use sesame_core::{AssuranceLevel, ErrorCode, Method};
use sesame_demo::audit::{AuditEvent, AuditOutcome};
use sesame_demo::seed::DEMO_ACCOUNTS;
use sesame_demo::session::{IDLE_SECONDS, SESSION_SECONDS};

#[tokio::test]
async fn every_demo_account_logs_in_and_sees_its_session() {
    let app = test_app().await;
    for a in DEMO_ACCOUNTS {
        // Entr'Actes's one way in ends with a code: the session is then strong.
        let with_code = sesame_core::PortalConfig::preset(a.portal)
            .unwrap()
            .offer(Method::Password)
            .unwrap()
            .steps()
            .contains(&sesame_core::Step::Code);
        let answer = app.login_with_code(&a, "password").await;
        assert_eq!(
            answer.status,
            200,
            "{a:?}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let info: SessionInfo = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(info.portal.as_str(), a.portal);
        assert_eq!(info.identifier, a.identifier);
        assert_eq!(info.display_name, a.display_name);
        if with_code {
            assert_eq!(info.method, Method::Otp, "{a:?}");
            assert_eq!(info.assurance, AssuranceLevel::Strong);
        } else {
            assert_eq!(info.method, Method::Password);
            assert_eq!(info.assurance, AssuranceLevel::Weak);
        }
        assert_eq!(info.authenticated_at, START);

        let cookie = answer.cookie();
        let session = app.session(Some(&cookie)).await;
        assert_eq!(session.status, 200);
        let again: SessionInfo = serde_json::from_slice(&session.body).unwrap();
        assert_eq!(again, info);
    }
}

#[tokio::test]
async fn identifier_is_trimmed() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let answer = app.login(portal, &format!("  {id} "), pw).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn cookie_is_httponly_strict_and_secure_outside_dev_mode() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let dev_answer = app.login(portal, id, pw).await;
    assert!(
        !dev_answer.headers.contains_key("strict-transport-security"),
        "no HSTS over plain HTTP"
    );
    let dev = dev_answer.set_cookie();
    assert!(dev.starts_with("sesame_session="), "{dev}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(dev.contains(attr), "{attr} missing: {dev}");
    }
    assert!(!dev.contains("Secure"), "{dev}");

    let app = test_app_with(sesame_demo::Config {
        dev_mode: false,
        ..test_config()
    })
    .await;
    let answer = app.login(portal, id, pw).await;
    let prod = answer.set_cookie();
    assert!(prod.contains("; Secure"), "{prod}");
    assert!(prod.contains("HttpOnly") && prod.contains("SameSite=Strict"));
    // The `__Host-` prefix: Secure, Path=/ and no Domain, so no subdomain can plant it.
    assert!(prod.starts_with("__Host-sesame_session="), "{prod}");
    assert!(!prod.contains("Domain"), "{prod}");
    assert!(answer.cookie_named("__Host-sesame_device").is_some());
    assert_eq!(app.session(Some(&answer.cookie())).await.status, 200);
    assert!(answer.headers.contains_key("strict-transport-security"));
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let wrong = app.login(portal, id, "Soins-Occitanie-2025!").await;
    let unknown = app.login(portal, "nobody.here", pw).await;
    let other_portal = app.login("paaco", id, pw).await;
    for a in [&wrong, &unknown, &other_portal] {
        assert_eq!(a.status, 401);
        a.assert_error(ErrorCode::InvalidCredentials);
        assert!(a.headers.get("set-cookie").is_none());
    }
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, other_portal.body);
}

#[tokio::test]
async fn unknown_portal_is_a_request_error() {
    let app = test_app().await;
    app.login("nowhere", "x", "y")
        .await
        .assert_error(ErrorCode::UnknownPortal);
    // Not even a well-formed portal id.
    app.login("No Where!", "x", "y")
        .await
        .assert_error(ErrorCode::InvalidRequest);
}

#[tokio::test]
async fn delay_after_five_failures() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    for _ in 0..4 {
        app.login(portal, id, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    // Four failures: no delay yet.
    assert_eq!(
        app.login(portal, id, pw).await.status,
        200,
        "the count resets on success"
    );
    for _ in 0..5 {
        app.login(portal, id, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    // Fifth failure: the right password is refused until the delay (1 s) has passed...
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    app.advance(1);
    // ...then accepted.
    assert_eq!(app.login(portal, id, pw).await.status, 200);
    let outcomes: Vec<String> = app.audit_rows().await.into_iter().map(|r| r.5).collect();
    assert!(
        outcomes.iter().any(|o| o == AuditOutcome::Delayed.as_str()),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn lock_after_ten_failures_and_its_end() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    for _ in 0..LOCK_AFTER_FAILURES {
        app.advance(61); // past any delay
        app.login(portal, id, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    // Locked: the right password gets the same generic answer.
    app.advance(61);
    let locked = app.login(portal, id, pw).await;
    locked.assert_error(ErrorCode::InvalidCredentials);
    let unknown = app.login(portal, "nobody.here", pw).await;
    assert_eq!(locked.body, unknown.body, "a lock is not revealed");
    app.advance(LOCK_SECONDS - 61 - 1);
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    // The lock ends 30 minutes after the last failure.
    app.advance(1);
    assert_eq!(app.login(portal, id, pw).await.status, 200);
    let outcomes: Vec<String> = app.audit_rows().await.into_iter().map(|r| r.5).collect();
    for expected in [AuditOutcome::FailureNowLocked, AuditOutcome::Locked] {
        assert!(
            outcomes.iter().any(|o| o == expected.as_str()),
            "{expected:?} not in {outcomes:?}"
        );
    }
}

#[tokio::test]
async fn after_a_lock_the_count_goes_on_until_a_success() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    for _ in 0..LOCK_AFTER_FAILURES {
        app.advance(61);
        app.login(portal, id, "wrong").await;
    }
    app.advance(LOCK_SECONDS);
    // One failure after the lock's end locks again at once…
    app.login(portal, id, "wrong")
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(
        app.failures(portal, id).await,
        i64::from(LOCK_AFTER_FAILURES) + 1
    );
    // …for another lock's length; then the right password resets the count.
    app.advance(LOCK_SECONDS);
    assert_eq!(app.login(portal, id, pw).await.status, 200);
    assert_eq!(app.failures(portal, id).await, 0);
}

#[tokio::test]
async fn too_many_failures_from_one_address_are_rate_limited() {
    let app = test_app().await;
    for i in 0..sesame_demo::rate_limit::MAX_FAILURES_PER_IP {
        let a = app.login("spico", &format!("user{i}"), "wrong").await;
        a.assert_error(ErrorCode::InvalidCredentials);
    }
    let (portal, id, pw) = SPICO;
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::RateLimited);
    app.advance(sesame_demo::rate_limit::WINDOW_SECONDS);
    assert_eq!(app.login(portal, id, pw).await.status, 200);
}

#[tokio::test]
async fn session_needs_a_valid_cookie_and_expires_after_eight_hours() {
    let app = test_app().await;
    app.session(None).await.assert_no_session();
    app.session(Some("sesame_session=garbage"))
        .await
        .assert_no_session();
    app.session(Some(&format!("sesame_session={}", "ab".repeat(32))))
        .await
        .assert_no_session();
    let (portal, id, pw) = SPICO;
    let cookie = app.login(portal, id, pw).await.cookie();
    // Used every 20 minutes, it lives 8 hours after the login, not a second more.
    let mut elapsed = 0;
    while elapsed + 20 * 60 < SESSION_SECONDS {
        app.advance(20 * 60);
        elapsed += 20 * 60;
        assert_eq!(app.session(Some(&cookie)).await.status, 200, "{elapsed}");
    }
    app.advance(SESSION_SECONDS - 1 - elapsed);
    assert_eq!(app.session(Some(&cookie)).await.status, 200);
    app.advance(1);
    app.session(Some(&cookie)).await.assert_no_session();
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let cookie = app.login(portal, id, pw).await.cookie();
    app.advance(IDLE_SECONDS - 1);
    assert_eq!(app.session(Some(&cookie)).await.status, 200);
    app.advance(IDLE_SECONDS - 1);
    assert_eq!(
        app.session(Some(&cookie)).await.status,
        200,
        "a request resets it"
    );
    app.advance(IDLE_SECONDS);
    app.session(Some(&cookie)).await.assert_no_session();
}

#[tokio::test]
async fn a_login_replaces_the_session_the_browser_held() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let first = app.login(portal, id, pw).await.cookie();
    let second = app
        .login_with((portal, id, pw), &[("cookie", &first)], None)
        .await
        .cookie();
    assert_ne!(first, second);
    app.session(Some(&first)).await.assert_no_session();
    assert_eq!(app.session(Some(&second)).await.status, 200);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let cookie = app.login(portal, id, pw).await.cookie();
    let out = app.logout(Some(&cookie)).await;
    assert_eq!(out.status, 204);
    let cleared = out.set_cookie();
    assert!(
        cleared.starts_with("sesame_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    app.session(Some(&cookie)).await.assert_no_session();
    // Without a session, logging out still answers 204.
    assert_eq!(app.logout(None).await.status, 204);
}

#[tokio::test]
async fn change_password_needs_a_session_and_the_current_password() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let body = serde_json::json!({"current_password": pw, "new_password": "Nouveau-Mot-2026!"});
    app.post_json("/api/password/change", body.to_string(), None)
        .await
        .assert_error(ErrorCode::NotAuthenticated);
    let cookie = app.login(portal, id, pw).await.cookie();
    app.change_password(&cookie, "Wrong-Current-1!", "Nouveau-Mot-2026!")
        .await
        .assert_error(ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn change_password_enforces_the_portal_rules_server_side() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let cookie = app.login(portal, id, pw).await.cookie();
    let answer = app.change_password(&cookie, pw, "Nouveau:Mot-2026!").await;
    assert_eq!(answer.status, 422);
    let e = answer.assert_error(ErrorCode::PasswordRulesNotMet);
    let forbidden = e
        .rules
        .iter()
        .find(|o| matches!(o.rule, Rule::Forbidden { .. }))
        .expect("the forbidden-characters rule");
    assert!(!forbidden.met);
    assert_eq!(forbidden.found, ":");
    assert!(
        e.rules.iter().filter(|o| !o.met).count() == 1,
        "only that rule fails: {:?}",
        e.rules
    );
    // Containing the identifier is refused too (context = the account's identifier).
    let answer = app
        .change_password(&cookie, pw, "Marie.Dupont-2026!xx")
        .await;
    let e = answer.assert_error(ErrorCode::PasswordRulesNotMet);
    assert!(
        e.rules
            .iter()
            .any(|o| o.rule == Rule::NotIdentifier && !o.met),
        "{:?}",
        e.rules
    );
    // Nothing changed.
    assert_eq!(app.login(portal, id, pw).await.status, 200);
}

#[tokio::test]
async fn change_password_succeeds_and_ends_the_other_sessions() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let mine = app.login(portal, id, pw).await.cookie();
    let other = app.login(portal, id, pw).await.cookie();
    let new = "Nouveau-Mot-2026!";
    let answer = app.change_password(&mine, pw, new).await;
    assert_eq!(
        answer.status,
        204,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(answer.body.is_empty());
    assert_eq!(
        app.session(Some(&mine)).await.status,
        200,
        "this session stays"
    );
    app.session(Some(&other)).await.assert_no_session();
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(app.login(portal, id, new).await.status, 200);
}

#[tokio::test]
async fn the_audit_log_never_contains_a_password() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let wrong = "Wrong-Password-Xyz-1!";
    let rejected = "Rejected:Password-2026!";
    let new = "Brand-New-Password-2026!";
    app.login(portal, id, wrong).await;
    app.login(portal, "nobody.here", wrong).await;
    // A password typed in the identifier field is not recorded either.
    app.login(portal, wrong, wrong).await;
    let cookie = app.login(portal, id, pw).await.cookie();
    app.change_password(&cookie, wrong, new).await;
    app.change_password(&cookie, pw, rejected).await;
    assert_eq!(app.change_password(&cookie, pw, new).await.status, 204);
    app.logout(Some(&cookie)).await;
    let rows = app.audit_rows().await;
    assert!(rows.len() >= 7, "{rows:?}");
    let text = format!("{rows:?}");
    for secret in [pw, wrong, rejected, new] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }
    let events: Vec<(&str, &str)> = rows.iter().map(|r| (r.1.as_str(), r.5.as_str())).collect();
    for (event, outcome) in [
        (AuditEvent::LoginPassword, AuditOutcome::Failure),
        (AuditEvent::LoginPassword, AuditOutcome::UnknownAccount),
        (AuditEvent::LoginPassword, AuditOutcome::Success),
        (AuditEvent::ChangePassword, AuditOutcome::RulesNotMet),
        (AuditEvent::ChangePassword, AuditOutcome::PasswordChanged),
        (AuditEvent::Logout, AuditOutcome::Success),
    ] {
        let expected = (event.as_str(), outcome.as_str());
        assert!(events.contains(&expected), "{expected:?} not in {events:?}");
    }
    // The hashes stored are argon2id PHC strings, not the password.
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM accounts WHERE identifier = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[test]
fn demo_passwords_pass_their_portal_policy() {
    use sesame_core::password::{check, is_acceptable, CheckContext};
    use sesame_core::PortalConfig;
    for a in DEMO_ACCOUNTS {
        let portal = PortalConfig::preset(a.portal).expect("a core preset");
        let outcomes = check(
            a.password,
            &portal.password,
            CheckContext::new(a.identifier),
        );
        assert!(is_acceptable(&outcomes), "{a:?}: {outcomes:?}");
        assert!(portal.identifier.rule.accepts(a.identifier), "{a:?}");
        assert!(portal.offer(Method::Password).is_some(), "{a:?}");
    }
}

#[tokio::test]
async fn a_portal_without_passwords_answers_method_not_available() {
    use sesame_core::PortalConfig;
    let config = test_config();
    let db = sesame_demo::db::connect(&config.database_url)
        .await
        .unwrap();
    sesame_demo::seed::seed(&db).await.unwrap();
    let mut spico = PortalConfig::spico();
    spico.methods.retain(|o| o.method != Method::Password);
    let state =
        sesame_demo::AppState::new(config, db, sesame_demo::system_clock()).with_portals([spico]);
    let router = sesame_demo::app(state).layer(axum::extract::connect_info::MockConnectInfo(
        std::net::SocketAddr::from(common::CLIENT),
    ));
    let (portal, id, pw) = SPICO;
    let body = serde_json::json!({"portal": portal, "identifier": id, "password": pw}).to_string();
    let req = common::post("/api/login/password")
        .header("content-type", "application/json")
        .header(sesame_core::api::CSRF_HEADER, "1")
        .body(axum::body::Body::from(body))
        .unwrap();
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = router.oneshot(req).await.unwrap();
    assert_eq!(response.status(), 422);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let e: sesame_core::ApiError = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(e.code, ErrorCode::MethodNotAvailable);
}

#[tokio::test]
async fn seeding_twice_resets_the_demo_accounts() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let cookie = app.login(portal, id, pw).await.cookie();
    assert_eq!(
        app.change_password(&cookie, pw, "Nouveau-Mot-2026!")
            .await
            .status,
        204
    );
    for _ in 0..3 {
        app.login(portal, id, "wrong").await;
    }
    sesame_demo::seed::seed(&app.db).await.unwrap();
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, DEMO_ACCOUNTS.len() as i64);
    let (failures,): (i64,) = sqlx::query_as("SELECT failures FROM accounts WHERE identifier = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(failures, 0);
    assert_eq!(app.login(portal, id, pw).await.status, 200);
    let banner = sesame_demo::seed::banner("http://127.0.0.1:8080", &[]);
    for a in DEMO_ACCOUNTS {
        for field in [a.portal, a.identifier, a.password, a.display_name] {
            assert!(banner.contains(field), "{field} not printed");
        }
    }
}

#[tokio::test]
async fn the_server_refuses_guessable_pins_on_entractes() {
    let app = test_app().await;
    let a = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "entractes")
        .expect("the Entr'Actes demo account");
    let cookie = app.login_with_code(a, "password").await.cookie();
    for pin in ["123456", "000000", "250380"] {
        let e = app
            .change_password(&cookie, a.password, pin)
            .await
            .assert_error(ErrorCode::PasswordRulesNotMet);
        assert!(
            e.rules
                .iter()
                .any(|o| o.rule == Rule::NotGuessablePin && !o.met),
            "{pin}: {:?}",
            e.rules
        );
    }
}
