//! The account journeys (issue 14, ACCOUNT-CONTRACT.md) through the router: invitations and
//! first logins, links refused (tampered, truncated, unknown, expired, used, another account's,
//! a portal the server does not run), forgotten passwords and identifiers answered alike and no
//! sooner than the floor, the limits per address and per account under parallel requests, what
//! a reset does, the terms of use before a session is ready, and sign-ups confirmed by code.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use common::{post, test_app, test_app_custom, test_config, Answer, TestApp, SPICO};
use sesame_core::account::{
    LinkInfo, LinkPurpose, LinkStatus, PasswordSet, ACCOUNT_ANSWER_FLOOR_MS,
    EMAILS_PER_ACCOUNT_PER_HOUR, FORGOT_PER_ADDRESS_PER_HOUR, SIGNUP_MAX_SENDS,
    SIGNUP_MAX_WRONG_CODES,
};
use sesame_core::api::{SessionInfo, CSRF_HEADER};
use sesame_core::password::Rule;
use sesame_core::{ErrorCode, PortalConfig};
use sesame_demo::session::COOKIE_NAME;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// SPICO's demo account that has not accepted the terms yet.
const LUC: (&str, &str, &str) = ("spico", "luc.moreau", "Garrigue-Pass-2026!");
/// A new password SPICO's rules accept.
const NEW_PASSWORD: &str = "Nouveau-Depart-2026!";

fn body_text(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

/// `POST /api/demo/invite` on `portal` for `identifier` (its e-mail `<identifier>@exemple.fr`,
/// in its canonical form).
async fn invite(app: &TestApp, portal: &str, identifier: &str) -> Answer {
    let body = serde_json::json!({
        "portal": portal, "identifier": identifier, "display_name": "Sophie Martin",
        "email": email_of(&identifier.trim().to_lowercase()), "phone": "06 11 22 33 44",
    });
    app.post_json("/api/demo/invite", body.to_string(), None)
        .await
}

fn email_of(identifier: &str) -> String {
    format!("{identifier}@exemple.fr")
}

/// The link token of the newest message to `to` that carries one.
async fn newest_link(app: &TestApp, to: &str) -> String {
    app.outbox(to)
        .await
        .iter()
        .find_map(|m| m["link"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no link sent to {to}"))
}

/// The messages to `to` that carry a link.
async fn links_sent(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox(to)
        .await
        .iter()
        .filter_map(|m| m["link"].as_str().map(str::to_owned))
        .collect()
}

async fn link_info(app: &TestApp, token: &str) -> Answer {
    let body = serde_json::json!({ "token": token });
    app.post_json("/api/account/link", body.to_string(), None)
        .await
}

fn info(a: &Answer) -> LinkInfo {
    assert_eq!(a.status, 200, "{}", body_text(a));
    serde_json::from_slice(&a.body).unwrap()
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "token": token, "new_password": password });
    app.post_json("/api/account/set-password", body.to_string(), None)
        .await
}

/// A JSON POST from `peer`.
fn post_from(path: &str, body: &serde_json::Value, peer: SocketAddr) -> Request<Body> {
    let mut req = post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(CSRF_HEADER, "1")
        .body(Body::from(body.to_string()))
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

fn peer(n: u8) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, n], 40_000))
}

/// Waits until `n` audit rows of `event` exist: the forgotten-password and -identifier tasks
/// each write one, last. (A deadline for a task that never ends, not a timing assertion.)
async fn wait_audit(app: &TestApp, event: &str, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = $1")
            .bind(event)
            .fetch_one(&app.db)
            .await
            .unwrap();
        if count >= n {
            return;
        }
        assert!(Instant::now() < deadline, "{count} {event} rows, not {n}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn forgot_password(app: &TestApp, portal: &str, identifier: &str) -> Answer {
    let body = serde_json::json!({ "portal": portal, "identifier": identifier });
    app.post_json("/api/account/forgot-password", body.to_string(), None)
        .await
}

/// A reset link for SPICO's demo account, e-mailed: its token.
async fn reset_link(app: &TestApp, n_before: i64) -> String {
    let answer = forgot_password(app, SPICO.0, SPICO.1).await;
    assert_eq!(answer.status, 202, "{}", body_text(&answer));
    wait_audit(app, "forgot_password", n_before + 1).await;
    newest_link(app, "marie.dupont@exemple.fr").await
}

fn session_of(a: &Answer) -> SessionInfo {
    assert_eq!(a.status, 200, "{}", body_text(a));
    serde_json::from_slice(&a.body).unwrap()
}

#[tokio::test]
async fn an_invited_account_sets_its_password_through_its_link_then_logs_in() {
    let app = test_app().await;
    let created = invite(&app, "spico", " Sophie.Martin ").await;
    assert_eq!(created.status, 201, "{}", body_text(&created));
    assert_eq!(created.json()["identifier"], "sophie.martin");
    // Two e-mails, as SPICO says: the identifier, and the "Définir mon mot de passe" link.
    let mails = app.outbox(&email_of("sophie.martin")).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let identifier_mail = mails.iter().find(|m| m["link"].is_null()).unwrap();
    assert!(identifier_mail["body"]
        .as_str()
        .unwrap()
        .contains("sophie.martin"));
    let link_mail = mails.iter().find(|m| !m["link"].is_null()).unwrap();
    let body = link_mail["body"].as_str().unwrap();
    assert!(body.contains("Définir mon mot de passe"), "{body}");
    assert!(
        body.contains("/?preset=spico#sesame-link="),
        "the token in the fragment: {body}"
    );
    assert!(body.find("Bonjour").unwrap() < body.find("Hello").unwrap());
    let token = link_mail["link"].as_str().unwrap().to_owned();

    // No password yet: a login is refused as a wrong password is.
    let refused = app.login("spico", "sophie.martin", "!").await;
    let unknown = app.login("spico", "nobody.at.all", "!").await;
    refused.assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(refused.body, unknown.body);

    let first = info(&link_info(&app, &token).await);
    assert_eq!(
        (first.purpose, first.status),
        (LinkPurpose::FirstLogin, LinkStatus::Valid)
    );
    assert_eq!(first.identifier.as_deref(), Some("sophie.martin"));
    assert_eq!(first.expires_in, Some(14 * 24 * 3600), "SPICO: 14 days");
    assert_eq!((first.destination, first.resend_in), (None, None));

    // Each unmet rule is named.
    let weak = set_password(&app, &token, "court").await;
    let e = weak.assert_error(ErrorCode::PasswordRulesNotMet);
    let unmet: Vec<Rule> = e
        .rules
        .iter()
        .filter(|o| !o.met)
        .map(|o| o.rule.clone())
        .collect();
    for rule in [Rule::MinLength { min: 12 }, Rule::Uppercase, Rule::Digit] {
        assert!(unmet.contains(&rule), "{rule:?} not in {unmet:?}");
    }
    let colon = set_password(&app, &token, "Nouveau:Depart-2026").await;
    let e = colon.assert_error(ErrorCode::PasswordRulesNotMet);
    let forbidden = e.rules.iter().find(|o| !o.met).unwrap();
    assert!(matches!(forbidden.rule, Rule::Forbidden { .. }));
    assert_eq!(forbidden.found, ":");
    assert_eq!(
        info(&link_info(&app, &token).await).status,
        LinkStatus::Valid,
        "a refused password leaves the link usable"
    );

    let set = set_password(&app, &token, NEW_PASSWORD).await;
    assert_eq!(set.status, 200, "{}", body_text(&set));
    let set: PasswordSet = serde_json::from_slice(&set.body).unwrap();
    assert_eq!(set.identifier, "sophie.martin");

    // Used: said by the link, refused by a second use.
    let used = info(&link_info(&app, &token).await);
    assert_eq!(used.status, LinkStatus::Used);
    assert_eq!((used.identifier, used.expires_in), (None, None));
    set_password(&app, &token, "Autre-Depart-2026!")
        .await
        .assert_error(ErrorCode::LinkUsed);

    // The new password logs in; SPICO's terms are still to accept.
    let session = session_of(&app.login("spico", "sophie.martin", NEW_PASSWORD).await);
    assert_eq!(
        session.terms.as_ref().map(|t| t.version.as_str()),
        Some("pass-2026")
    );
}

#[tokio::test]
async fn links_that_are_none_are_refused_without_telling_why() {
    let app = test_app().await;
    invite(&app, "spico", "sophie.martin").await;
    let token = newest_link(&app, &email_of("sophie.martin")).await;
    assert_eq!(token.len(), 64);
    let last = token.chars().last().unwrap();
    let tampered = format!("{}{}", &token[..63], if last == '0' { '1' } else { '0' });
    let unknown = "0".repeat(64);
    let truncated = token[..63].to_owned();
    let longer = format!("{token}0");
    let upper = token.to_uppercase();
    for bad in [
        tampered.as_str(),
        truncated.as_str(),
        longer.as_str(),
        &upper,
        unknown.as_str(),
        "",
        " ",
        "../../etc/passwd",
    ] {
        for answer in [
            link_info(&app, bad).await,
            set_password(&app, bad, NEW_PASSWORD).await,
        ] {
            let e = answer.assert_error(ErrorCode::LinkInvalid);
            assert!(!e.message.contains(&token[..16]), "{e:?}");
        }
    }
    // The real one is untouched by all that.
    assert_eq!(
        info(&link_info(&app, &token).await).status,
        LinkStatus::Valid
    );
    // Bodies that are not a token: the usual 400s.
    for body in [
        r#"{"token": 42}"#,
        r#"{}"#,
        r#"{"token": "x", "portal": "spico"}"#,
    ] {
        app.post_json("/api/account/link", body, None)
            .await
            .assert_error(ErrorCode::InvalidRequest);
    }
}

#[tokio::test]
async fn expired_links_say_so_and_set_nothing() {
    let app = test_app().await;
    invite(&app, "spico", "sophie.martin").await;
    let token = newest_link(&app, &email_of("sophie.martin")).await;
    app.advance(14 * 24 * 3600 - 1);
    assert_eq!(
        info(&link_info(&app, &token).await).expires_in,
        Some(1),
        "one second left"
    );
    app.advance(1);
    let expired = info(&link_info(&app, &token).await);
    assert_eq!(expired.status, LinkStatus::Expired);
    assert_eq!((expired.identifier, expired.expires_in), (None, None));
    set_password(&app, &token, NEW_PASSWORD)
        .await
        .assert_error(ErrorCode::LinkExpired);
    app.login("spico", "sophie.martin", NEW_PASSWORD)
        .await
        .assert_error(ErrorCode::InvalidCredentials);

    // A reset link lives the portal's reset_minutes (SPICO: 60).
    let token = reset_link(&app, 0).await;
    let reset = info(&link_info(&app, &token).await);
    assert_eq!(
        (reset.purpose, reset.expires_in),
        (LinkPurpose::Reset, Some(3600))
    );
    app.advance(3600);
    set_password(&app, &token, NEW_PASSWORD)
        .await
        .assert_error(ErrorCode::LinkExpired);
}

#[tokio::test]
async fn a_link_acts_on_its_own_account_of_its_own_portal_only() {
    let app = test_app().await;
    invite(&app, "spico", "sophie.martin").await;
    invite(&app, "paaco", "sophie.martin").await;
    let mails = links_sent(&app, &email_of("sophie.martin")).await;
    assert_eq!(mails.len(), 2);
    // Newest first: PAACO's, then SPICO's.
    let (paaco, spico) = (&mails[0], &mails[1]);
    // A password PAACO's rules accept and SPICO's refuse (no upper case, no digit): SPICO's
    // link is judged by SPICO's rules.
    let lower = "lavande-olivier-garrigue";
    set_password(&app, spico, lower)
        .await
        .assert_error(ErrorCode::PasswordRulesNotMet);
    assert_eq!(set_password(&app, paaco, lower).await.status, 200);
    // PAACO's account has its password; SPICO's still none.
    assert_eq!(app.login("paaco", "sophie.martin", lower).await.status, 200);
    app.login("spico", "sophie.martin", lower)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(set_password(&app, spico, NEW_PASSWORD).await.status, 200);
    assert_eq!(
        app.login("paaco", "sophie.martin", lower).await.status,
        200,
        "the other portal's account is untouched"
    );

    // A link of a portal this server does not run is no link.
    let without_spico = test_app_custom(test_config(), |state| {
        state.with_portals(
            PortalConfig::presets()
                .into_iter()
                .filter(|p| p.id.as_str() != "spico"),
        )
    })
    .await;
    let token = "ab".repeat(32);
    sqlx::query(
        "INSERT INTO account_links (token_hash, portal, identifier, purpose, created_at, \
         expires_at, sends, wrong_codes) VALUES ($1, 'spico', 'marie.dupont', 'reset', $2, $3, 0, 0)",
    )
    .bind(sesame_demo::token::hash(&token))
    .bind(common::START)
    .bind(common::START + 3600)
    .execute(&without_spico.db)
    .await
    .unwrap();
    link_info(&without_spico, &token)
        .await
        .assert_error(ErrorCode::LinkInvalid);
}

#[tokio::test]
async fn forgotten_password_answers_alike_no_sooner_than_the_floor() {
    let app = test_app().await;
    let floor = Duration::from_millis(u64::from(ACCOUNT_ANSWER_FLOOR_MS));
    let mut answers = Vec::new();
    for identifier in ["marie.dupont", "nobody.here", "marie.dupont@exemple.fr", ""] {
        let started = Instant::now();
        let answer = forgot_password(&app, "spico", identifier).await;
        let elapsed = started.elapsed();
        assert!(elapsed >= floor, "{identifier:?}: {elapsed:?}");
        answers.push(answer);
    }
    let first = &answers[0];
    assert_eq!(first.status, 202);
    assert!(first.body.is_empty());
    for other in &answers[1..] {
        let strip = |a: &Answer| {
            let mut h = a.headers.clone();
            h.remove(header::DATE);
            h
        };
        assert_eq!(
            (other.status, strip(other), &other.body),
            (first.status, strip(first), &first.body)
        );
    }
    wait_audit(&app, "forgot_password", 4).await;
    // Two reset links for Marie (by identifier, by address); the second spent the first.
    let links = links_sent(&app, "marie.dupont@exemple.fr").await;
    assert_eq!(links.len(), 2);
    assert_eq!(
        info(&link_info(&app, &links[1]).await).status,
        LinkStatus::Used
    );
    assert_eq!(
        info(&link_info(&app, &links[0]).await).status,
        LinkStatus::Valid
    );
    let mail = &app.outbox("marie.dupont@exemple.fr").await[0];
    let body = mail["body"].as_str().unwrap();
    assert!(
        body.contains("SPICO") && body.contains("Marie Dupont"),
        "{body}"
    );
    assert!(!body.contains("Soins-Occitanie"), "no secret but the link");

    // The identifier, by address; nothing for an unknown address, in the same answer.
    let started = Instant::now();
    let body = serde_json::json!({"portal": "spico", "email": "Marie.Dupont@exemple.fr"});
    let known = app
        .post_json("/api/account/forgot-identifier", body.to_string(), None)
        .await;
    assert!(started.elapsed() >= floor);
    let body = serde_json::json!({"portal": "spico", "email": "nobody@exemple.fr"});
    let started = Instant::now();
    let unknown = app
        .post_json("/api/account/forgot-identifier", body.to_string(), None)
        .await;
    assert!(started.elapsed() >= floor);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, 202);
    wait_audit(&app, "forgot_identifier", 2).await;
    let newest = &app.outbox("marie.dupont@exemple.fr").await[0];
    assert!(newest["body"].as_str().unwrap().contains("marie.dupont"));
    assert!(newest["link"].is_null());
    assert!(app.outbox("nobody@exemple.fr").await.is_empty());

    // A portal without the journey, an unknown portal.
    forgot_password(&app, "entractes", "12345")
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    let body = serde_json::json!({"portal": "entractes", "email": "karim.benali@exemple.fr"});
    app.post_json("/api/account/forgot-identifier", body.to_string(), None)
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    forgot_password(&app, "nowhere", "x")
        .await
        .assert_error(ErrorCode::UnknownPortal);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_address_limit_holds_under_parallel_requests() {
    let app = test_app().await;
    let n = FORGOT_PER_ADDRESS_PER_HOUR as usize + 5;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let app = app.clone_handle();
        let body = serde_json::json!({"portal": "spico", "identifier": format!("nobody.{i}")});
        set.spawn(async move {
            app.send(post_from("/api/account/forgot-password", &body, peer(7)))
                .await
        });
    }
    let answers = set.join_all().await;
    let accepted = answers.iter().filter(|a| a.status == 202).count();
    assert_eq!(accepted, FORGOT_PER_ADDRESS_PER_HOUR as usize);
    for a in answers.iter().filter(|a| a.status != 202) {
        a.assert_error(ErrorCode::RateLimited);
        assert!(a.headers.contains_key(header::RETRY_AFTER));
    }
    // Both journeys share the address's allowance; another address has its own.
    let body = serde_json::json!({"portal": "spico", "email": "x@exemple.fr"});
    app.send(post_from("/api/account/forgot-identifier", &body, peer(7)))
        .await
        .assert_error(ErrorCode::RateLimited);
    let body = serde_json::json!({"portal": "spico", "identifier": "nobody"});
    assert_eq!(
        app.send(post_from("/api/account/forgot-password", &body, peer(8)))
            .await
            .status,
        202
    );
    // An hour later, the address may ask again.
    app.advance(3600);
    assert_eq!(
        app.send(post_from("/api/account/forgot-password", &body, peer(7)))
            .await
            .status,
        202
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_gets_three_emails_an_hour_whatever_is_asked_in_parallel() {
    let app = test_app().await;
    let n: u8 = 8;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let app = app.clone_handle();
        let body = serde_json::json!({"portal": "spico", "identifier": "marie.dupont"});
        // Each from its own address: the account's limit, not the address's.
        set.spawn(async move {
            app.send(post_from(
                "/api/account/forgot-password",
                &body,
                peer(10 + i),
            ))
            .await
        });
    }
    let answers = set.join_all().await;
    assert!(
        answers.iter().all(|a| a.status == 202 && a.body.is_empty()),
        "silently: still 202"
    );
    wait_audit(&app, "forgot_password", i64::from(n)).await;
    let links = links_sent(&app, "marie.dupont@exemple.fr").await;
    assert_eq!(links.len(), EMAILS_PER_ACCOUNT_PER_HOUR as usize);
    // One link works: the newest; the others were spent by it.
    let valid: Vec<bool> = {
        let mut v = Vec::new();
        for l in &links {
            v.push(info(&link_info(&app, l).await).status == LinkStatus::Valid);
        }
        v
    };
    assert_eq!(valid.iter().filter(|v| **v).count(), 1, "{valid:?}");
    // The forgotten identifier counts in the same allowance.
    let body = serde_json::json!({"portal": "spico", "email": "marie.dupont@exemple.fr"});
    assert_eq!(
        app.send(post_from("/api/account/forgot-identifier", &body, peer(99)))
            .await
            .status,
        202
    );
    wait_audit(&app, "forgot_identifier", 1).await;
    assert_eq!(
        app.outbox("marie.dupont@exemple.fr").await.len(),
        EMAILS_PER_ACCOUNT_PER_HOUR as usize
    );
    // An hour later, one more.
    app.advance(3600);
    let before = links.len();
    let answer = app
        .send(post_from(
            "/api/account/forgot-password",
            &serde_json::json!({"portal": "spico", "identifier": "marie.dupont"}),
            peer(100),
        ))
        .await;
    assert_eq!(answer.status, 202);
    wait_audit(&app, "forgot_password", i64::from(n) + 1).await;
    assert_eq!(
        links_sent(&app, "marie.dupont@exemple.fr").await.len(),
        before + 1
    );
}

#[tokio::test]
async fn a_reset_ends_the_sessions_lifts_the_lock_and_retires_the_old_password() {
    let app = test_app().await;
    let (portal, id, old) = SPICO;
    let login = app.login(portal, id, old).await;
    assert_eq!(login.status, 200);
    let cookie = login.cookie_named(COOKIE_NAME).unwrap();
    // Blocked (100 failures): only a reset lifts it. The one-time-code counter too.
    sqlx::query(
        "UPDATE accounts SET failures = 100, last_failure = $1, otp_failures = 7, \
         otp_last_failure = $1 WHERE portal = $2 AND identifier = $3",
    )
    .bind(app.now())
    .bind(portal)
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    app.login(portal, id, old)
        .await
        .assert_error(ErrorCode::AccountBlocked);

    let first = reset_link(&app, 0).await;
    let token = reset_link(&app, 1).await;
    assert_eq!(
        info(&link_info(&app, &first).await).status,
        LinkStatus::Used,
        "a new reset link spends the older one"
    );
    let set = set_password(&app, &token, NEW_PASSWORD).await;
    assert_eq!(set.status, 200, "{}", body_text(&set));

    // The session of before is over; the old password no longer works; the new one does,
    // the block lifted.
    app.session(Some(&cookie)).await.assert_no_session();
    app.login(portal, id, old)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(app.login(portal, id, NEW_PASSWORD).await.status, 200);
    let (failures, otp): (i64, i64) = sqlx::query_as(
        "SELECT failures, otp_failures FROM accounts WHERE portal = $1 AND identifier = $2",
    )
    .bind(portal)
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((failures, otp), (0, 0));
    // Used, and no other link of the account works.
    set_password(&app, &token, "Encore-Autre-2026!")
        .await
        .assert_error(ErrorCode::LinkUsed);
    let outcomes: Vec<String> = app.audit_rows().await.into_iter().map(|r| r.5).collect();
    assert!(outcomes.iter().any(|o| o == "password_set"), "{outcomes:?}");
}

#[tokio::test]
async fn a_pending_session_waits_for_the_terms() {
    let app = test_app().await;
    let (portal, id, pw) = LUC;
    let login = app.login(portal, id, pw).await;
    let session = session_of(&login);
    let terms = session.terms.clone().expect("terms to accept");
    assert_eq!(terms.version, "pass-2026");
    assert_eq!(terms.url, "/demo/cgu/spico.html");
    assert!(!session.is_ready());
    let cookie = login.cookie_named(COOKIE_NAME).unwrap();
    // The session answers, with its terms; every other endpoint that needs a session refuses.
    assert_eq!(
        session_of(&app.session(Some(&cookie)).await).terms,
        Some(terms.clone())
    );
    app.change_password(&cookie, pw, NEW_PASSWORD)
        .await
        .assert_error(ErrorCode::TermsPending);
    app.post_json("/api/phone/enrolment", "", Some(&cookie))
        .await
        .assert_error(ErrorCode::TermsPending);
    let body = serde_json::json!({"id": "R1"});
    app.post_json(
        "/api/session/establishment",
        body.to_string(),
        Some(&cookie),
    )
    .await
    .assert_error(ErrorCode::TermsPending);

    // Another version than the current one: 409, still pending.
    let terms_body = |version: &str, accept: bool| {
        serde_json::json!({"version": version, "accept": accept}).to_string()
    };
    app.post_json(
        "/api/session/terms",
        terms_body("pass-2025", true),
        Some(&cookie),
    )
    .await
    .assert_error(ErrorCode::TermsOutdated);
    assert!(session_of(&app.session(Some(&cookie)).await)
        .terms
        .is_some());
    // Without a session: 401.
    app.post_json("/api/session/terms", terms_body("pass-2026", true), None)
        .await
        .assert_error(ErrorCode::NotAuthenticated);

    // The current one: ready.
    let accepted = app
        .post_json(
            "/api/session/terms",
            terms_body("pass-2026", true),
            Some(&cookie),
        )
        .await;
    let ready = session_of(&accepted);
    assert!(ready.terms.is_none() && ready.is_ready());
    assert_eq!(ready.identifier, id);
    assert!(session_of(&app.session(Some(&cookie)).await)
        .terms
        .is_none());
    assert_eq!(
        app.change_password(&cookie, pw, NEW_PASSWORD).await.status,
        204,
        "a ready session works"
    );
    // The next login does not ask again.
    let again = session_of(&app.login(portal, id, NEW_PASSWORD).await);
    assert!(again.terms.is_none());
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM terms_acceptances WHERE portal = $1 AND identifier = $2 \
         AND version = 'pass-2026'",
    )
    .bind(portal)
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(n, 1);
    // Marie (seeded as having accepted) is never asked.
    assert!(session_of(&app.login(SPICO.0, SPICO.1, SPICO.2).await)
        .terms
        .is_none());
}

#[tokio::test]
async fn declining_the_terms_ends_the_session() {
    let app = test_app().await;
    let (portal, id, pw) = LUC;
    let login = app.login(portal, id, pw).await;
    let cookie = login.cookie_named(COOKIE_NAME).unwrap();
    let declined = app
        .post_json(
            "/api/session/terms",
            serde_json::json!({"version": "pass-2026", "accept": false}).to_string(),
            Some(&cookie),
        )
        .await;
    assert_eq!(declined.status, 200, "{}", body_text(&declined));
    assert!(declined.body.is_empty());
    assert!(
        declined.set_cookie().contains("Max-Age=0"),
        "the cookie is cleared"
    );
    app.session(Some(&cookie)).await.assert_no_session();
    // Asked again at the next login; a pending session may log out.
    let login = app.login(portal, id, pw).await;
    assert!(session_of(&login).terms.is_some());
    let cookie = login.cookie_named(COOKIE_NAME).unwrap();
    assert_eq!(app.logout(Some(&cookie)).await.status, 204);
    app.session(Some(&cookie)).await.assert_no_session();
}

#[tokio::test]
async fn every_login_method_meets_the_terms() {
    let app = test_app().await;
    // Password then e-mailed or SMS code (SPICO's strong method).
    let luc = sesame_demo::seed::DEMO_ACCOUNTS
        .iter()
        .find(|a| a.identifier == LUC.1)
        .unwrap();
    let answer = app.login_with_code(luc, "otp").await;
    let session = session_of(&answer);
    assert_eq!(session.method, sesame_core::Method::Otp);
    assert!(session.terms.is_some());
}

async fn signup(app: &TestApp, identifier: &str, email: &str) -> Answer {
    let body = serde_json::json!({
        "portal": "entractes", "identifier": identifier, "display_name": "Dr Anne Roux",
        "email": email, "phone": "06 98 76 54 32",
    });
    app.post_json("/api/demo/signup", body.to_string(), None)
        .await
}

async fn confirm(app: &TestApp, token: &str, code: &str) -> Answer {
    let body = serde_json::json!({"token": token, "code": code});
    app.post_json("/api/account/signup/confirm", body.to_string(), None)
        .await
}

async fn send_again(app: &TestApp, token: &str) -> Answer {
    let body = serde_json::json!({ "token": token });
    app.post_json("/api/account/signup/send", body.to_string(), None)
        .await
}

/// The newest sign-up code sent by SMS to the sign-ups' phone.
async fn newest_code(app: &TestApp) -> String {
    app.last_code("06 98 76 54 32").await
}

#[tokio::test]
async fn a_sign_up_is_confirmed_by_its_code_and_five_wrong_codes_spend_its_link() {
    let app = test_app().await;
    let created = signup(&app, "54321", "anne.roux@exemple.fr").await;
    assert_eq!(created.status, 201, "{}", body_text(&created));
    let token = newest_link(&app, "anne.roux@exemple.fr").await;
    let code = newest_code(&app).await;
    assert_eq!(code.len(), 4);
    let sms = &app.outbox("06 98 76 54 32").await[0];
    assert_eq!(sms["channel"], "sms");
    let pending = info(&link_info(&app, &token).await);
    assert_eq!(
        (pending.purpose, pending.status),
        (LinkPurpose::Signup, LinkStatus::Valid)
    );
    assert_eq!(pending.identifier, None, "not shown for a sign-up");
    assert_eq!(pending.destination.as_deref(), Some("06 •• •• •• 32"));
    assert_eq!(pending.expires_in, Some(7 * 24 * 3600));
    assert_eq!(pending.resend_in, Some(60));
    // Pending: it cannot log in, nor set a password with its sign-up link.
    set_password(&app, &token, "482915")
        .await
        .assert_error(ErrorCode::LinkInvalid);

    confirm(&app, &token, "12")
        .await
        .assert_error(ErrorCode::CodeMalformed);
    let wrong = if code == "0000" { "1111" } else { "0000" };
    for _ in 1..SIGNUP_MAX_WRONG_CODES {
        confirm(&app, &token, wrong)
            .await
            .assert_error(ErrorCode::InvalidCode);
    }
    // The last check spends the link, even with the right code after it.
    confirm(&app, &token, wrong)
        .await
        .assert_error(ErrorCode::LinkUsed);
    confirm(&app, &token, &code)
        .await
        .assert_error(ErrorCode::LinkUsed);
    assert_eq!(
        info(&link_info(&app, &token).await).status,
        LinkStatus::Used
    );
    let (status,): (String,) = sqlx::query_as(
        "SELECT account_status FROM accounts WHERE portal = 'entractes' AND identifier = '54321'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(status, "pending");
}

#[tokio::test]
async fn a_right_code_confirms_the_sign_up_and_sends_the_first_login_link() {
    let app = test_app().await;
    assert_eq!(
        signup(&app, "54322", "anne.roux@exemple.fr").await.status,
        201
    );
    let token = newest_link(&app, "anne.roux@exemple.fr").await;
    // Another code: too soon, then after the cooldown.
    let e = send_again(&app, &token).await;
    e.assert_error(ErrorCode::ResendTooSoon);
    assert!(e.headers.contains_key(header::RETRY_AFTER));
    for sends in 2..=SIGNUP_MAX_SENDS {
        app.advance(60);
        let sent = info(&send_again(&app, &token).await);
        let expected = (sends < SIGNUP_MAX_SENDS).then_some(60);
        assert_eq!(sent.resend_in, expected, "none after the last code");
    }
    app.advance(60);
    send_again(&app, &token)
        .await
        .assert_error(ErrorCode::TooManySends);
    // The newest code is the one that works (the earlier ones were replaced).
    let code = newest_code(&app).await;
    let done = info(&confirm(&app, &token, &format!("{} {}", &code[..2], &code[2..])).await);
    assert_eq!(
        (done.purpose, done.status),
        (LinkPurpose::Signup, LinkStatus::Used)
    );
    confirm(&app, &token, &code)
        .await
        .assert_error(ErrorCode::LinkUsed);
    // The first-login e-mail, whose link sets the password.
    let links = links_sent(&app, "anne.roux@exemple.fr").await;
    assert_eq!(links.len(), 2, "the sign-up's, then the first login's");
    let first = info(&link_info(&app, &links[0]).await);
    assert_eq!(first.purpose, LinkPurpose::FirstLogin);
    assert_eq!(first.identifier.as_deref(), Some("54322"));
    let mail = &app.outbox("anne.roux@exemple.fr").await[0];
    assert!(mail["body"]
        .as_str()
        .unwrap()
        .contains("Définir mon mot de passe"));
    assert_eq!(set_password(&app, &links[0], "738164").await.status, 200);
    // Entr'Actes' login: password, captcha, then a code.
    let answer = app.login("entractes", "54322", "738164").await;
    assert_eq!(answer.status, 202, "{}", body_text(&answer));
}

#[tokio::test]
async fn sign_ups_and_invitations_are_checked() {
    let app = test_app().await;
    // A portal that does not confirm sign-ups.
    let body = serde_json::json!({"portal": "paaco", "identifier": "anne.roux",
        "display_name": "Anne", "email": "a@exemple.fr", "phone": "0612345678"});
    app.post_json("/api/demo/signup", body.to_string(), None)
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    // No phone for the code; an identifier of the wrong shape; one that is taken.
    let body = serde_json::json!({"portal": "entractes", "identifier": "54321",
        "display_name": "Anne", "email": "a@exemple.fr"});
    app.post_json("/api/demo/signup", body.to_string(), None)
        .await
        .assert_error(ErrorCode::InvalidRequest);
    signup(&app, "5432", "a@exemple.fr")
        .await
        .assert_error(ErrorCode::InvalidRequest);
    signup(&app, "12345", "a@exemple.fr")
        .await
        .assert_error(ErrorCode::InvalidRequest);
    invite(&app, "spico", "marie.dupont")
        .await
        .assert_error(ErrorCode::InvalidRequest);
    let body = serde_json::json!({"portal": "spico", "identifier": "x", "display_name": "X",
        "email": "not an address"});
    app.post_json("/api/demo/invite", body.to_string(), None)
        .await
        .assert_error(ErrorCode::InvalidRequest);

    // Outside dev mode the creations are not routed.
    let prod = common::test_app_with(sesame_demo::Config {
        dev_mode: false,
        ..test_config()
    })
    .await;
    let body = serde_json::json!({"portal": "spico", "identifier": "x", "display_name": "X",
        "email": "x@exemple.fr"});
    prod.post_json("/api/demo/invite", body.to_string(), None)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn tokens_codes_and_passwords_stay_out_of_the_audit_log() {
    let app = test_app().await;
    invite(&app, "spico", "sophie.martin").await;
    let token = newest_link(&app, &email_of("sophie.martin")).await;
    set_password(&app, &token, NEW_PASSWORD).await;
    signup(&app, "54321", "anne.roux@exemple.fr").await;
    let code = newest_code(&app).await;
    let signup_token = newest_link(&app, "anne.roux@exemple.fr").await;
    confirm(&app, &signup_token, &code).await;
    for row in app.audit_rows().await {
        let text = format!("{row:?}");
        for secret in [token.as_str(), signup_token.as_str(), NEW_PASSWORD] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let events: Vec<String> = app.audit_rows().await.into_iter().map(|r| r.1).collect();
    for event in [
        "invite",
        "set_password",
        "signup",
        "signup_send",
        "signup_confirm",
    ] {
        assert!(events.iter().any(|e| e == event), "{event} in {events:?}");
    }
}

#[tokio::test]
async fn the_seed_invites_its_account_anew_at_every_start() {
    let app = test_app().await;
    let invited = sesame_demo::seed::DEMO_INVITATIONS[0];
    let state =
        sesame_demo::AppState::new(test_config(), app.db.clone(), sesame_demo::system_clock());
    sesame_demo::seed::seed_invitations(&state).await.unwrap();
    let first = newest_link(&app, invited.email).await;
    assert_eq!(
        app.outbox(invited.email).await.len(),
        2,
        "the identifier and the link"
    );
    // A second start: the account invited again, the first link spent with the old account.
    sesame_demo::seed::seed_invitations(&state).await.unwrap();
    let second = newest_link(&app, invited.email).await;
    assert_ne!(first, second);
    link_info(&app, &first)
        .await
        .assert_error(ErrorCode::LinkInvalid);
    let info = info(&link_info(&app, &second).await);
    assert_eq!(info.identifier.as_deref(), Some(invited.identifier));
    app.login(invited.portal, invited.identifier, "!")
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    // The terms page the SPICO preset names is served, under the demo's CSP.
    let page = app
        .send(
            Request::get("/demo/cgu/spico.html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, 200);
    let html = body_text(&page);
    assert!(
        html.contains("pass-2026") && html.contains("lang=\"en\""),
        "{html}"
    );
    assert!(page.headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert!(!html.contains("<script") && !html.contains("style="));
}

#[test]
fn the_command_line_invites_and_signs_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("cli.sqlite").display()
    );
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sesame-demo"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env_remove("SESAME_SMTP_URL")
            .env_remove("SESAME_PORTALS")
            .env_remove("SESAME_ALLOWED_ORIGINS")
            .output()
            .unwrap()
    };
    let out = run(&[
        "invite",
        "spico",
        "Claire.Petit",
        "Claire Petit",
        "claire.petit@exemple.fr",
    ]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("spico/claire.petit"), "{said}");
    let out = run(&[
        "signup",
        "entractes",
        "67890",
        "Dr Paul Roux",
        "paul.roux@exemple.fr",
        "06 55 44 33 22",
    ]);
    assert!(out.status.success(), "{out:?}");
    // Refusals are said, with the usage when the arguments are wrong.
    let out = run(&["signup", "spico", "x", "X", "x@exemple.fr", "0612345678"]);
    assert!(!out.status.success());
    let out = run(&["invite", "spico"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = sesame_demo::db::connect(&url).await.unwrap();
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT destination, channel, body FROM outbox ORDER BY seq")
                .fetch_all(&db)
                .await
                .unwrap();
        let to = |d: &str| rows.iter().filter(|r| r.0 == d).count();
        assert_eq!(to("claire.petit@exemple.fr"), 2);
        assert_eq!(to("paul.roux@exemple.fr"), 1);
        assert_eq!(to("06 55 44 33 22"), 1);
        assert!(rows
            .iter()
            .any(|r| r.2.contains("http://127.0.0.1:8080/?preset=spico#sesame-link=")));
        let (status,): (String,) = sqlx::query_as(
            "SELECT account_status FROM accounts WHERE portal = 'entractes' AND identifier = '67890'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(status, "pending");
    });
}
