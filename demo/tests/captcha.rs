//! The "not a robot" step (issue 8): the proof of work (ALTCHA) and the hosted providers'
//! siteverify, each bad input and attack refused with its code before the password is checked,
//! none a 5xx. The portals here are test variants of the presets (Entr'Actes with its captcha
//! step, SPICO with the step after 3 failures, a hosted provider's).

mod common;

use axum::routing::post as route_post;
use axum::{Form, Json, Router};
use common::*;
use sesame_core::captcha::{
    CaptchaChallenge, CaptchaProvider, CaptchaRequired, CaptchaSettings, DEFAULT_AFTER_FAILURES,
};
use sesame_core::{ErrorCode, Method, PortalConfig, Step};
use sesame_demo::captcha::Captcha;
use sesame_demo::Config;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A small difficulty: the tests solve in debug builds.
const TEST_MAX_NUMBER: u64 = 2_000;
const KEY: &str = "5e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a3e5a";
const ENTRACTES: (&str, &str, &str) = ("entractes", "12345", "482915");

fn config() -> Config {
    let mut c = test_config();
    c.captcha.key = Some(sesame_demo::captcha::Redacted(KEY.into()));
    c.captcha.max_number = TEST_MAX_NUMBER;
    c
}

/// Entr'Actes as it will be: password → captcha (always, proof of work) → code.
fn entractes_with_captcha() -> PortalConfig {
    let mut p = PortalConfig::entractes();
    p.methods[0].steps = vec![Step::Password, Step::Captcha, Step::Code];
    p.captcha = Some(CaptchaSettings {
        provider: CaptchaProvider::ProofOfWork,
        required: CaptchaRequired::Always,
    });
    p.validate().unwrap();
    p
}

/// SPICO's password offer with the captcha after [`DEFAULT_AFTER_FAILURES`] failures.
fn spico_after_failures(provider: CaptchaProvider) -> PortalConfig {
    let mut p = PortalConfig::spico();
    for offer in &mut p.methods {
        if offer.method == Method::Password {
            offer.steps = vec![Step::Password, Step::Captcha];
        }
    }
    p.captcha = Some(CaptchaSettings {
        provider,
        required: CaptchaRequired::AfterFailures(DEFAULT_AFTER_FAILURES),
    });
    p.validate().unwrap();
    p
}

/// SPICO's password offer with a hosted provider, always.
fn spico_hosted(provider: CaptchaProvider) -> PortalConfig {
    let mut p = spico_after_failures(provider);
    p.captcha.as_mut().unwrap().required = CaptchaRequired::Always;
    p
}

async fn app_with(config: Config, portals: Vec<PortalConfig>) -> TestApp {
    test_app_custom(config, move |s| s.with_portals(portals)).await
}

async fn test_portals_app() -> TestApp {
    app_with(
        config(),
        vec![
            entractes_with_captcha(),
            spico_after_failures(CaptchaProvider::ProofOfWork),
        ],
    )
    .await
}

impl TestApp {
    async fn login_captcha(
        &self,
        (portal, identifier, password): (&str, &str, &str),
        captcha: Option<&str>,
    ) -> Answer {
        let mut body =
            serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
        if let Some(c) = captcha {
            body["captcha"] = c.into();
        }
        self.post_json("/api/login/password", body.to_string(), None)
            .await
    }

    async fn audit_count(&self) -> usize {
        self.audit_rows().await.len()
    }
}

/// The browser's work, written again here (not core's `solve`): SHA-256 of salt and number,
/// number by number up to maxnumber.
fn brute_force(c: &CaptchaChallenge) -> u64 {
    assert_eq!(c.algorithm, "SHA-256");
    (0..=c.maxnumber)
        .find(|n| hex::encode(Sha256::digest(format!("{}{n}", c.salt))) == c.challenge)
        .expect("a number up to maxnumber")
}

/// ALTCHA's payload, written with serde_json and base64 (not core's writer).
fn payload(c: &CaptchaChallenge, number: u64) -> String {
    use base64::Engine;
    let json = serde_json::json!({"algorithm": c.algorithm, "challenge": c.challenge,
        "number": number, "salt": c.salt, "signature": c.signature, "took": 412});
    base64::engine::general_purpose::STANDARD.encode(json.to_string())
}

async fn solved(app: &TestApp) -> String {
    let c = app.challenge().await;
    assert_eq!(c.maxnumber, TEST_MAX_NUMBER);
    payload(&c, brute_force(&c))
}

#[tokio::test]
async fn proof_of_work_happy_path_then_the_code() {
    let app = test_portals_app().await;
    let c = app.challenge().await;
    let expires = sesame_core::captcha::salt_expiry(&c.salt).unwrap();
    assert_eq!(expires, app.now() + 300, "five minutes, in the salt");
    let answer = app
        .login_captcha(ENTRACTES, Some(&payload(&c, brute_force(&c))))
        .await;
    assert_eq!(
        answer.status,
        202,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["step"], "code");
}

#[tokio::test]
async fn missing_solution_is_refused_before_the_password_is_checked() {
    let app = test_portals_app().await;
    let audits = app.audit_count().await;
    for password in ["482915", "wrong-password"] {
        let answer = app
            .login_captcha(("entractes", "12345", password), None)
            .await;
        answer.assert_error(ErrorCode::CaptchaRequired);
        assert_eq!(answer.status, 428);
        let empty = app
            .login_captcha(("entractes", "12345", password), Some(" "))
            .await;
        empty.assert_error(ErrorCode::CaptchaRequired);
    }
    assert_eq!(
        app.failures("entractes", "12345").await,
        0,
        "nothing counted"
    );
    // Each refusal is in the audit, none as a password check.
    let outcomes = |rows: Vec<(i64, String, String, String, String, String)>| -> Vec<String> {
        rows.into_iter().skip(audits).map(|r| r.5).collect()
    };
    assert_eq!(
        outcomes(app.audit_rows().await),
        vec!["captcha_missing"; 4],
        "no password check ran"
    );
    // A wrong captcha does not count a password failure either.
    let c = app.challenge().await;
    app.login_captcha(
        ("entractes", "12345", "wrong-password"),
        Some(&payload(&c, brute_force(&c) + 1)),
    )
    .await
    .assert_error(ErrorCode::CaptchaInvalid);
    assert_eq!(app.failures("entractes", "12345").await, 0);
    let mut all = outcomes(app.audit_rows().await);
    all.sort();
    assert_eq!(
        all,
        [
            "captcha_missing",
            "captcha_missing",
            "captcha_missing",
            "captcha_missing",
            "captcha_refused"
        ]
    );
}

#[tokio::test]
async fn a_solution_is_accepted_once() {
    let app = test_portals_app().await;
    let solution = solved(&app).await;
    let first = app.login_captcha(ENTRACTES, Some(&solution)).await;
    assert_eq!(first.status, 202);
    let again = app.login_captcha(ENTRACTES, Some(&solution)).await;
    again.assert_error(ErrorCode::CaptchaInvalid);
    // Even after a wrong password: the solution was used up.
    let fresh = solved(&app).await;
    app.login_captcha(("entractes", "12345", "000000"), Some(&fresh))
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    app.login_captcha(ENTRACTES, Some(&fresh))
        .await
        .assert_error(ErrorCode::CaptchaInvalid);
}

#[tokio::test]
async fn tampered_expired_foreign_and_too_hard_solutions_are_refused() {
    let app = test_portals_app().await;
    let c = app.challenge().await;
    let n = brute_force(&c);
    // Tampered: the challenge, the signature, the salt's expiry pushed back.
    let mut t = c.clone();
    t.challenge
        .replace_range(0..1, if &c.challenge[..1] == "0" { "1" } else { "0" });
    let mut s = c.clone();
    s.signature.replace_range(
        0..2,
        if &c.signature[..2] == "00" {
            "11"
        } else {
            "00"
        },
    );
    let expires = sesame_core::captcha::salt_expiry(&c.salt).unwrap();
    let mut e = c.clone();
    e.salt = c
        .salt
        .replace(&expires.to_string(), &(expires + 86_400).to_string());
    let mut algorithm = c.clone();
    algorithm.algorithm = "SHA-1".into();
    for bad in [&t, &s, &e, &algorithm] {
        app.login_captcha(ENTRACTES, Some(&payload(bad, n)))
            .await
            .assert_error(ErrorCode::CaptchaInvalid);
    }
    for garbage in ["not base64 at all", "e30=", &"A".repeat(5000)] {
        app.login_captcha(ENTRACTES, Some(garbage))
            .await
            .assert_error(ErrorCode::CaptchaInvalid);
    }
    // Another challenge's number with this challenge (and the other way round).
    let other = app.challenge().await;
    let m = brute_force(&other);
    if m != n {
        app.login_captcha(ENTRACTES, Some(&payload(&c, m)))
            .await
            .assert_error(ErrorCode::CaptchaInvalid);
    }
    // Wrong difficulty: a challenge signed with our key whose number is above the configured
    // maxnumber (made by an instance configured harder).
    let mut harder = config().captcha;
    harder.max_number = TEST_MAX_NUMBER * 10;
    let harder = Captcha::load(&harder, None).unwrap();
    let (hard, number) = loop {
        let h = harder.challenge(app.now(), TEST_MAX_NUMBER * 10).unwrap();
        let number = brute_force(&h);
        if number > TEST_MAX_NUMBER {
            break (h, number);
        }
    };
    app.login_captcha(ENTRACTES, Some(&payload(&hard, number)))
        .await
        .assert_error(ErrorCode::CaptchaInvalid);
    // Expired: right, but after its five minutes.
    app.advance(301);
    app.login_captcha(ENTRACTES, Some(&payload(&c, n)))
        .await
        .assert_error(ErrorCode::CaptchaExpired);
    // The untouched one still works within them.
    let fresh = app.challenge().await;
    app.advance(299);
    let ok = app
        .login_captcha(ENTRACTES, Some(&payload(&fresh, brute_force(&fresh))))
        .await;
    assert_eq!(ok.status, 202, "{}", String::from_utf8_lossy(&ok.body));
}

#[tokio::test]
async fn after_three_failures_of_the_account_or_the_address() {
    let app = test_portals_app().await;
    let (portal, identifier, password) = SPICO;
    // Not due yet: no captcha needed.
    let ok = app.login(portal, identifier, password).await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    for _ in 0..DEFAULT_AFTER_FAILURES {
        app.login(portal, identifier, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    // From another address the account's own count asks for it.
    let elsewhere = SocketAddr::from(([198, 51, 100, 7], 40_000));
    let answer = app.login_with(SPICO, &[], Some(elsewhere)).await;
    answer.assert_error(ErrorCode::CaptchaRequired);
    assert_eq!(
        app.failures(portal, identifier).await,
        i64::from(DEFAULT_AFTER_FAILURES),
        "the refusal counted nothing"
    );
    let answer = app.login_captcha(SPICO, Some(&solved(&app).await)).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(app.failures(portal, identifier).await, 0);

    // The address: three failures on unknown identifiers, then the account (no failures)
    // from that address needs it; from another address it does not.
    let fresh = test_portals_app().await;
    for i in 0..DEFAULT_AFTER_FAILURES {
        fresh
            .login(portal, &format!("nobody.{i}"), "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    fresh
        .login(portal, identifier, password)
        .await
        .assert_error(ErrorCode::CaptchaRequired);
    let other = fresh.login_with(SPICO, &[], Some(elsewhere)).await;
    assert_eq!(
        other.status,
        200,
        "{}",
        String::from_utf8_lossy(&other.body)
    );
}

#[tokio::test]
async fn two_instances_sharing_the_database_accept_a_solution_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config();
    c.database_url = common::shared_database_url(dir.path(), "db.sqlite");
    let a = app_with(c.clone(), vec![entractes_with_captcha()]).await;
    let b = app_with(c, vec![entractes_with_captcha()]).await;
    // A challenge from one is solved for the other (one key), once between them.
    let solution = solved(&a).await;
    let first = b.login_captcha(ENTRACTES, Some(&solution)).await;
    assert_eq!(
        first.status,
        202,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    for app in [&a, &b] {
        app.login_captcha(ENTRACTES, Some(&solution))
            .await
            .assert_error(ErrorCode::CaptchaInvalid);
    }
    // Expired entries are purged when a new solution is stored.
    let count = |db: sesame_demo::db::Db| async move {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM captcha_solutions")
            .fetch_one(&db)
            .await
            .unwrap();
        n
    };
    assert_eq!(count(a.db.clone()).await, 1);
    a.advance(301);
    b.advance(301);
    let later = solved(&a).await;
    assert_eq!(a.login_captcha(ENTRACTES, Some(&later)).await.status, 202);
    assert_eq!(count(b.db.clone()).await, 1, "the old one purged");
}

/// A local siteverify: the token says what to answer. Records the forms it received.
async fn siteverify() -> (String, Arc<Mutex<Vec<HashMap<String, String>>>>) {
    let seen: Arc<Mutex<Vec<HashMap<String, String>>>> = Arc::default();
    let log = seen.clone();
    let router = Router::new().route(
        "/siteverify",
        route_post(move |Form(form): Form<HashMap<String, String>>| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(form.clone());
                let token = form.get("response").cloned().unwrap_or_default();
                let fail =
                    |code: &str| Json(serde_json::json!({"success": false, "error-codes": [code]}));
                match token.as_str() {
                    "good" => Ok(Json(serde_json::json!({"success": true,
                        "challenge_ts": "2026-01-01T00:00:00Z", "hostname": "127.0.0.1"}))),
                    "other-site" => Ok(Json(
                        serde_json::json!({"success": true, "hostname": "evil.example"}),
                    )),
                    "other-key" => Ok(Json(serde_json::json!({"success": true,
                        "hostname": "localhost", "sitekey": "another-site-key"}))),
                    "duplicate" => Ok(fail("timeout-or-duplicate")),
                    "invalid" => Ok(fail("invalid-input-response")),
                    "slow" => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        Ok(fail("too-late"))
                    }
                    _ => Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}/siteverify"), seen)
}

#[tokio::test]
async fn hosted_providers_answers_each_with_its_code() {
    let (url, seen) = siteverify().await;
    let mut c = config();
    for hosted in [
        &mut c.captcha.recaptcha,
        &mut c.captcha.hcaptcha,
        &mut c.captcha.turnstile,
    ] {
        hosted.secret = Some("s3cret-server-only".into());
        hosted.verify_url = url.clone();
    }
    c.captcha.timeout = Duration::from_millis(300);
    for provider in [
        CaptchaProvider::Recaptcha {
            site_key: "6Le-site-a".into(),
        },
        CaptchaProvider::Hcaptcha {
            site_key: "hc-site-a".into(),
        },
        CaptchaProvider::Turnstile {
            site_key: "0x4AAA-site-a".into(),
        },
    ] {
        let app = app_with(c.clone(), vec![spico_hosted(provider.clone())]).await;
        let name = provider.as_str();
        app.login_captcha(SPICO, None)
            .await
            .assert_error(ErrorCode::CaptchaRequired);
        for (token, code) in [
            ("duplicate", ErrorCode::CaptchaExpired),
            ("invalid", ErrorCode::CaptchaInvalid),
            ("other-site", ErrorCode::CaptchaInvalid),
            ("other-key", ErrorCode::CaptchaInvalid),
            ("http-500", ErrorCode::CaptchaUnavailable),
            ("slow", ErrorCode::CaptchaUnavailable),
        ] {
            let answer = app.login_captcha(SPICO, Some(token)).await;
            assert!(
                answer.status.is_client_error(),
                "{name} {token}: {}",
                answer.status
            );
            let e = answer.error();
            assert_eq!(e.code, code, "{name} {token}");
        }
        assert_eq!(app.failures("spico", "marie.dupont").await, 0, "{name}");
        let ok = app.login_captcha(SPICO, Some("good")).await;
        assert_eq!(
            ok.status,
            200,
            "{name}: {}",
            String::from_utf8_lossy(&ok.body)
        );
        let form = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!(form["secret"], "s3cret-server-only");
        assert_eq!(form["response"], "good");
        assert_eq!(form["remoteip"], "192.0.2.1");
        assert_eq!(
            form.get("sitekey").map(String::as_str),
            (name == "hcaptcha").then_some("hc-site-a"),
            "hCaptcha checks the site key itself"
        );
    }
    // No secret configured: unavailable (and logged), never a 5xx.
    let mut unconfigured = config();
    unconfigured.captcha.recaptcha.verify_url = url;
    let app = app_with(
        unconfigured,
        vec![spico_hosted(CaptchaProvider::Recaptcha {
            site_key: "6Le-site-a".into(),
        })],
    )
    .await;
    app.login_captcha(SPICO, Some("good"))
        .await
        .assert_error(ErrorCode::CaptchaUnavailable);
}

#[tokio::test]
async fn the_challenge_endpoint_needs_the_csrf_header_and_is_in_the_openapi_document() {
    let app = test_portals_app().await;
    let answer = app
        .send(
            post("/api/login/captcha/challenge")
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    answer.assert_error(ErrorCode::CsrfRejected);
    let doc = app
        .send(
            axum::http::Request::get("/api/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert!(doc["paths"]["/api/login/captcha/challenge"]["post"].is_object());
    assert!(doc["components"]["schemas"]["CaptchaChallenge"].is_object());
    let login = &doc["paths"]["/api/login/password"]["post"]["responses"];
    for status in ["424", "428"] {
        assert!(login[status].is_object(), "{status}");
    }
}

#[tokio::test]
async fn a_hosted_portal_starts_its_step_with_the_provider_and_its_script() {
    let recaptcha = CaptchaProvider::Recaptcha {
        site_key: "6LcSiteKey".into(),
    };
    let mut c = config();
    c.captcha.recaptcha.secret = Some("6LcSecret".into());
    c.captcha.recaptcha.site_key = Some("6LcSiteKey".into());
    c.captcha.provider = Some(recaptcha.clone());
    let app = app_with(c, vec![entractes_with_captcha(), spico_hosted(recaptcha)]).await;
    let start = app
        .post_json("/api/login/captcha/challenge?portal=spico", "", None)
        .await;
    assert_eq!(start.status, 200);
    assert_eq!(
        start.json(),
        serde_json::json!({
            "kind": "recaptcha",
            "site_key": "6LcSiteKey",
            "script": "https://www.google.com/recaptcha/api.js",
        })
    );
    // A portal of the proof of work, or none named: a challenge.
    for path in [
        "/api/login/captcha/challenge?portal=entractes",
        "/api/login/captcha/challenge",
        "/api/login/captcha/challenge?portal=nowhere",
    ] {
        let answer = app.post_json(path, "", None).await;
        assert_eq!(answer.status, 200, "{path}");
        let challenge: CaptchaChallenge = serde_json::from_value(answer.json()).unwrap();
        assert_eq!(challenge.maxnumber, TEST_MAX_NUMBER, "{path}");
    }
    for bad in [
        "?portal=Not%20a%20portal",
        "?portal=%ZZ",
        "?portal=a&portal=b",
    ] {
        let path = ["/api/login/captcha/challenge", bad].concat();
        app.post_json(&path, "", None)
            .await
            .assert_error(ErrorCode::InvalidRequest);
    }
    // Pages may load Google's script and frames, and nothing else more.
    let csp = start.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/;"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-src 'self' https://www.google.com/recaptcha/"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self';"), "{csp}");
}
