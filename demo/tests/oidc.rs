//! Pro Santé Connect and the regional SSO through the router, against a fake OpenID provider
//! in-process (`common::fake_op`): the start (the authorize URL: state, nonce, PKCE S256,
//! scopes, `acr_values`; the OIDC cookie), the provider's return (its state, its error, the code
//! exchanged with the PKCE verifier and client_secret_basic, the ID token's issuer, audience,
//! nonce, signature, `alg`, expiry and subject, userinfo as JSON or a signed JWT), the `acr`
//! rule, the account linked, the establishment chosen, the provider's logout and the audit.
//!
//! No browser: the test reads the authorize URL, registers a code with what the provider will
//! answer, and calls the callback as the provider's redirect would. The ID tokens' `exp` and
//! `iat` are on the real clock (the crate checks them with it), not the app's manual one.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::fake_op::{self, FakeOp, Grant, TokenAnswer, UserinfoAnswer, CLIENT_ID, CLIENT_SECRET};
use common::{test_app_with, test_config, Answer, TestApp, SPICO};
use serde_json::{json, Value};
use sesame_core::api::{paths, SessionInfo};
use sesame_core::oidc::{
    provider_name, return_fragment, Establishment, Means, OtherAcr, ProviderLogout, ACR_EIDAS1,
    ACR_EIDAS2, PSC_SCOPES, REQUEST_LIFE_SECS, SSO_SCOPES,
};
use sesame_core::{AssuranceLevel, ErrorCode, Method};
use sesame_demo::audit::{AuditEvent, AuditOutcome};
use sesame_demo::oidc::ProviderConfig;
use sesame_demo::seed::{OidcLink, DEMO_OIDC_LINKS};
use std::collections::{BTreeSet, HashMap};

/// The portal's origin in the test configuration (the default for port 8080).
const ORIGIN: &str = "http://127.0.0.1:8080";
const OIDC_COOKIE: &str = sesame_demo::routes::oidc::COOKIE_NAME;
const SESSION_COOKIE: &str = sesame_demo::session::COOKIE_NAME;

fn api(path: &str) -> String {
    format!("/api{path}")
}

fn callback_path(provider: &str) -> String {
    api(&paths::LOGIN_OIDC_CALLBACK.replace("{provider}", provider))
}

fn name_of(method: Method) -> &'static str {
    provider_name(method).expect("a method over OpenID Connect")
}

/// Unix seconds on the real clock.
fn real_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// The demo link of `provider` on `portal`.
fn link(provider: &str, portal: &str) -> OidcLink {
    *DEMO_OIDC_LINKS
        .iter()
        .find(|l| l.provider == provider && l.portal == portal)
        .unwrap_or_else(|| panic!("no demo link {provider} on {portal}"))
}

// --- the app and its providers ---

struct Env {
    app: TestApp,
    psc: FakeOp,
    sso: FakeOp,
}

fn provider_config(op: &FakeOp, other_acr: OtherAcr) -> ProviderConfig {
    ProviderConfig {
        issuer: op.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        other_acr,
    }
}

/// An app with both providers configured, each a fake provider of its own.
async fn env_with(other_acr: OtherAcr) -> Env {
    let psc = FakeOp::start().await;
    let sso = FakeOp::start().await;
    let mut config = test_config();
    config.oidc.psc = Some(provider_config(&psc, other_acr));
    config.oidc.sso = Some(provider_config(&sso, other_acr));
    Env {
        app: test_app_with(config).await,
        psc,
        sso,
    }
}

async fn env() -> Env {
    env_with(OtherAcr::default()).await
}

impl Env {
    fn op(&self, method: Method) -> &FakeOp {
        match method {
            Method::ProSanteConnect => &self.psc,
            _ => &self.sso,
        }
    }
}

// --- the start ---

/// A login started: what the authorize URL and the OIDC cookie carry.
struct Started {
    method: Method,
    return_to: String,
    /// `sesame_oidc=…`.
    cookie: String,
    state: String,
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

async fn post_start(
    app: &TestApp,
    portal: &str,
    method: &str,
    return_to: &str,
    cookie: Option<&str>,
) -> Answer {
    let body = json!({"portal": portal, "method": method, "return_to": return_to});
    app.post_json(&api(paths::LOGIN_OIDC_START), body.to_string(), cookie)
        .await
}

/// Starts a login and checks its authorize URL and OIDC cookie.
async fn start_in(
    env: &Env,
    portal: &str,
    method: Method,
    return_to: &str,
    browser: Option<&str>,
) -> Started {
    let answer = post_start(&env.app, portal, method.as_str(), return_to, browser).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let authorize_url = answer.json()["authorize_url"]
        .as_str()
        .expect("authorize_url")
        .to_owned();
    let op = env.op(method);
    assert!(
        authorize_url.starts_with(&format!("{}/authorize?", op.issuer)),
        "{authorize_url}"
    );
    let url = reqwest::Url::parse(&authorize_url).unwrap();
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    let q = |name: &str| {
        query
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {authorize_url}"))
    };
    let redirect_uri = format!("{ORIGIN}{}", callback_path(name_of(method)));
    assert_eq!(q("response_type"), "code");
    assert_eq!(q("client_id"), CLIENT_ID);
    assert_eq!(q("redirect_uri"), redirect_uri);
    assert_eq!(q("code_challenge_method"), "S256");
    assert_eq!(q("acr_values"), ACR_EIDAS1);
    let scope = q("scope");
    let scopes: BTreeSet<&str> = scope.split(' ').collect();
    let wanted: BTreeSet<&str> = match method {
        Method::ProSanteConnect => PSC_SCOPES.into_iter().collect(),
        _ => SSO_SCOPES.into_iter().collect(),
    };
    assert_eq!(scopes, wanted, "{authorize_url}");
    let (state, nonce, challenge) = (q("state"), q("nonce"), q("code_challenge"));
    assert!(state.len() >= 16 && nonce.len() >= 16, "{authorize_url}");
    // base64url of a SHA-256: 43 characters.
    assert_eq!(challenge.len(), 43, "{authorize_url}");
    let set_cookie = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{OIDC_COOKIE}=")))
        .expect("the OIDC cookie")
        .to_owned();
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        &format!("Max-Age={REQUEST_LIFE_SECS}"),
    ] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    Started {
        method,
        return_to: return_to.to_owned(),
        cookie: answer.cookie_named(OIDC_COOKIE).unwrap(),
        state,
        nonce,
        challenge,
        redirect_uri,
    }
}

async fn start(env: &Env, portal: &str, method: Method, return_to: &str) -> Started {
    start_in(env, portal, method, return_to, None).await
}

// --- what the provider answers ---

/// A valid ID token's claims for `started`.
fn id_claims(op: &FakeOp, started: &Started, sub: &str) -> Value {
    let now = real_now();
    json!({
        "iss": op.issuer,
        "aud": CLIENT_ID,
        "sub": sub,
        "nonce": started.nonce,
        "iat": now,
        "exp": now + 300,
        "acr": ACR_EIDAS1,
        "amr": ["sc", "pin"],
    })
}

/// A PSC activity (a place of practice).
fn activity(id: &str, name: &str) -> Value {
    json!({"identifiantTechniqueDeLaStructure": id, "raisonSocialeSite": name})
}

/// PSC's userinfo: `sub`, the national identifier, the exercices.
fn psc_userinfo(sub: &str, national_id: &str, exercices: Value) -> Value {
    json!({
        "sub": sub,
        "SubjectNameID": national_id,
        "given_name": "Test",
        "family_name": "Praticien",
        "SubjectRefPro": {"codeCivilite": "DR", "exercices": exercices},
    })
}

/// PSC's `sub` for a national identifier: not the identifier itself (accounts are linked by
/// `SubjectNameID`).
fn psc_sub(national_id: &str) -> String {
    format!("f:psc-test:{national_id}")
}

/// One place, for the logins that have nothing to choose.
fn one_place() -> Value {
    json!([{"activities": [activity("1000000042", "Cabinet médical des Arceaux")]}])
}

fn one_place_establishment() -> Establishment {
    Establishment {
        id: "1000000042".into(),
        name: "Cabinet médical des Arceaux".into(),
    }
}

/// The callback of `provider` with `query`, from a browser with `cookie`.
async fn callback(
    app: &TestApp,
    provider: &str,
    query: &[(&str, &str)],
    cookie: Option<&str>,
) -> Answer {
    let mut url = reqwest::Url::parse("http://portal.invalid").unwrap();
    url.set_path(&callback_path(provider));
    url.query_pairs_mut().extend_pairs(query);
    let uri = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// The provider's return for `started`: a new code registered with `token` and `userinfo`,
/// then the callback with it. The code, for the audit check.
async fn finish(
    env: &Env,
    started: &Started,
    token: TokenAnswer,
    userinfo: UserinfoAnswer,
) -> (Answer, String) {
    let code = fake_op::random_token();
    env.op(started.method).grant(
        &code,
        Grant {
            code_challenge: started.challenge.clone(),
            redirect_uri: started.redirect_uri.clone(),
            token,
            userinfo,
        },
    );
    let query = [("code", code.as_str()), ("state", started.state.as_str())];
    let answer = callback(
        &env.app,
        name_of(started.method),
        &query,
        Some(&started.cookie),
    )
    .await;
    (answer, code)
}

fn tokens(id_token: String) -> TokenAnswer {
    TokenAnswer::Tokens {
        id_token: Some(id_token),
    }
}

/// Where the callback should send the browser.
fn back_to(return_to: &str, method: Method, error: Option<ErrorCode>) -> String {
    format!("{return_to}#{}", return_fragment(method, error))
}

fn location(answer: &Answer) -> String {
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer
        .headers
        .get(header::LOCATION)
        .expect("Location")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A failed return: back with `error`, no session cookie, the OIDC cookie left alone.
fn assert_failed(answer: &Answer, return_to: &str, method: Method, error: ErrorCode) {
    assert_eq!(location(answer), back_to(return_to, method, Some(error)));
    assert_eq!(answer.cookie_named(SESSION_COOKIE), None);
    assert_oidc_cookie_kept(answer);
}

fn assert_oidc_cookie_kept(answer: &Answer) {
    // A return leaves the OIDC cookie as it is: another login of this browser may come back.
    let touched = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with(&format!("{OIDC_COOKIE}=")));
    assert!(!touched, "{:?}", answer.headers);
}

/// A successful return: back without error, the session cookie; the session it opens.
async fn assert_logged_in(env: &Env, answer: &Answer, started: &Started) -> (String, SessionInfo) {
    assert_eq!(
        location(answer),
        back_to(&started.return_to, started.method, None)
    );
    assert_oidc_cookie_kept(answer);
    let cookie = answer
        .cookie_named(SESSION_COOKIE)
        .expect("the session cookie");
    let session = env.app.session(Some(&cookie)).await;
    assert_eq!(
        session.status,
        200,
        "{}",
        String::from_utf8_lossy(&session.body)
    );
    let info: SessionInfo = serde_json::from_value(session.json()).unwrap();
    assert_eq!(info.method, started.method);
    (cookie, info)
}

/// An audit row: (event, portal, identifier, outcome).
type AuditRow = (String, String, String, String);

/// The audit log in insertion order.
async fn audit_trail(app: &TestApp) -> Vec<AuditRow> {
    sqlx::query_as("SELECT event, portal, identifier, outcome FROM audit_log ORDER BY at, seq")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

async fn last_audit(app: &TestApp) -> AuditRow {
    audit_trail(app).await.pop().expect("an audit row")
}

/// A whole PSC login of `national_id` on `portal` with these places: the session's cookie, its
/// info, and the ID token issued.
async fn psc_login(
    env: &Env,
    portal: &str,
    national_id: &str,
    exercices: Value,
) -> (String, SessionInfo, String) {
    let started = start(env, portal, Method::ProSanteConnect, "/").await;
    let sub = psc_sub(national_id);
    let id_token = env.psc.sign(&id_claims(&env.psc, &started, &sub));
    let userinfo = UserinfoAnswer::Json(psc_userinfo(&sub, national_id, exercices));
    let (answer, _) = finish(env, &started, tokens(id_token.clone()), userinfo).await;
    let (cookie, info) = assert_logged_in(env, &answer, &started).await;
    (cookie, info, id_token)
}

// --- happy paths ---

#[tokio::test]
async fn psc_with_one_establishment_by_card_or_e_cps() {
    let env = env().await;
    let marie = link("psc", "spico");
    for (amr, means) in [
        (json!(["sc", "pin"]), Means::Card),
        (json!(["mca"]), Means::ECps),
    ] {
        let started = start(&env, "spico", Method::ProSanteConnect, "/?preset=spico").await;
        let sub = psc_sub(marie.subject);
        let mut claims = id_claims(&env.psc, &started, &sub);
        claims["amr"] = amr;
        let userinfo = psc_userinfo(&sub, marie.subject, one_place());
        let (answer, _) = finish(
            &env,
            &started,
            tokens(env.psc.sign(&claims)),
            UserinfoAnswer::Json(userinfo),
        )
        .await;
        let (_, info) = assert_logged_in(&env, &answer, &started).await;
        assert_eq!(info.portal.as_str(), marie.portal);
        assert_eq!(info.identifier, marie.identifier);
        assert_eq!(info.assurance, AssuranceLevel::Strong);
        assert_eq!(info.means, Some(means));
        assert_eq!(info.establishment, Some(one_place_establishment()));
        assert!(info.establishments.is_empty(), "{info:?}");
        assert_eq!(
            last_audit(&env.app).await,
            (
                AuditEvent::LoginProSanteConnect.as_str().into(),
                marie.portal.into(),
                marie.identifier.into(),
                AuditOutcome::Success.as_str().into()
            )
        );
    }
    // The provider refused nothing: client authentication, redirect URI and PKCE were right.
    assert_eq!(env.psc.refusals(), Vec::<String>::new());
    assert_eq!(env.psc.requests(), (2, 2));
}

#[tokio::test]
async fn psc_with_the_issuer_parameter_of_rfc_9207() {
    let env = env().await;
    let marie = link("psc", "spico");
    let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
    let sub = psc_sub(marie.subject);
    let code = fake_op::random_token();
    env.psc.grant(
        &code,
        Grant {
            code_challenge: started.challenge.clone(),
            redirect_uri: started.redirect_uri.clone(),
            token: tokens(env.psc.sign(&id_claims(&env.psc, &started, &sub))),
            userinfo: UserinfoAnswer::Json(psc_userinfo(&sub, marie.subject, one_place())),
        },
    );
    let query = [
        ("code", code.as_str()),
        ("state", started.state.as_str()),
        ("iss", env.psc.issuer.as_str()),
    ];
    let answer = callback(&env.app, "psc", &query, Some(&started.cookie)).await;
    let (_, info) = assert_logged_in(&env, &answer, &started).await;
    assert_eq!(info.identifier, marie.identifier);
}

#[tokio::test]
async fn psc_with_two_establishments_then_the_choice() {
    let env = env().await;
    let paul = link("psc", "nexus");
    // Two exercices; the first place appears in both (once in the list), the second has a
    // trading name (preferred to the registered one).
    let mut stanislas = activity("1000000002", "SCM Santé Nancy");
    stanislas["enseigneCommercialeSite"] = "Maison de santé Stanislas".into();
    let exercices = json!([
        {"activities": [activity("1000000001", "Cabinet du Dr Bernard")]},
        {"activities": [stanislas, activity("1000000001", "Cabinet du Dr Bernard")]},
    ]);
    let (cookie, info, _) = psc_login(&env, "nexus", paul.subject, exercices).await;
    assert_eq!(info.identifier, paul.identifier);
    let cabinet = Establishment {
        id: "1000000001".into(),
        name: "Cabinet du Dr Bernard".into(),
    };
    let maison = Establishment {
        id: "1000000002".into(),
        name: "Maison de santé Stanislas".into(),
    };
    assert_eq!(info.establishments, vec![cabinet.clone(), maison.clone()]);
    assert_eq!(info.establishment, None);
    assert!(info.choosing_establishment());

    let choose = |id: &str, cookie: Option<&str>| {
        let body = json!({ "id": id }).to_string();
        let path = api(paths::SESSION_ESTABLISHMENT);
        let cookie = cookie.map(str::to_owned);
        let app = env.app.clone_handle();
        async move { app.post_json(&path, body, cookie.as_deref()).await }
    };
    // Not one of them; without a session.
    choose("1000000099", Some(&cookie))
        .await
        .assert_error(ErrorCode::InvalidRequest);
    choose(&maison.id, None)
        .await
        .assert_error(ErrorCode::NotAuthenticated);
    // The right one.
    let chosen = choose(&maison.id, Some(&cookie)).await;
    assert_eq!(
        chosen.status,
        200,
        "{}",
        String::from_utf8_lossy(&chosen.body)
    );
    let chosen: SessionInfo = serde_json::from_value(chosen.json()).unwrap();
    assert_eq!(chosen.establishment, Some(maison.clone()));
    assert!(chosen.establishments.is_empty(), "{chosen:?}");
    let now: SessionInfo =
        serde_json::from_value(env.app.session(Some(&cookie)).await.json()).unwrap();
    assert_eq!(now, chosen);
    assert_eq!(now.identifier, paul.identifier);
    // Chosen once: nothing left to choose.
    choose(&cabinet.id, Some(&cookie))
        .await
        .assert_error(ErrorCode::InvalidRequest);
    choose(&maison.id, Some(&cookie))
        .await
        .assert_error(ErrorCode::InvalidRequest);
    let (event, portal, identifier, outcome) = last_audit(&env.app).await;
    assert_eq!(
        (
            event.as_str(),
            portal.as_str(),
            identifier.as_str(),
            outcome.as_str()
        ),
        (
            AuditEvent::ChooseEstablishment.as_str(),
            paul.portal,
            paul.identifier,
            AuditOutcome::Success.as_str()
        )
    );
}

/// PSC's userinfo as a signed JWT (`application/jwt`), with `iss` and `aud`.
async fn userinfo_as_jwt(sign: fn(&FakeOp, &Value) -> String) {
    let env = env().await;
    let marie = link("psc", "spico");
    let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
    let sub = psc_sub(marie.subject);
    let mut userinfo = psc_userinfo(&sub, marie.subject, one_place());
    userinfo["iss"] = env.psc.issuer.clone().into();
    userinfo["aud"] = CLIENT_ID.into();
    let jwt = sign(&env.psc, &userinfo);
    let id_token = env.psc.sign(&id_claims(&env.psc, &started, &sub));
    let (answer, _) = finish(&env, &started, tokens(id_token), UserinfoAnswer::Jwt(jwt)).await;
    let (_, info) = assert_logged_in(&env, &answer, &started).await;
    assert_eq!(info.identifier, marie.identifier);
    assert_eq!(info.establishment, Some(one_place_establishment()));
}

#[tokio::test]
async fn userinfo_as_a_jwt_signed_es256_is_refused() {
    // openidconnect 4.1 checks signed userinfo with RS256 only (its `UserInfoVerifier` takes no
    // other algorithm); Pro Santé Connect signs RS256. An ES256 userinfo is refused plainly
    // (demo/src/oidc.rs says so), never taken unverified.
    let env = env().await;
    let marie = link("psc", "spico");
    let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
    let sub = psc_sub(marie.subject);
    let mut userinfo = psc_userinfo(&sub, marie.subject, one_place());
    userinfo["iss"] = env.psc.issuer.clone().into();
    userinfo["aud"] = CLIENT_ID.into();
    let jwt = env.psc.sign(&userinfo);
    let id_token = env.psc.sign(&id_claims(&env.psc, &started, &sub));
    let (answer, _) = finish(&env, &started, tokens(id_token), UserinfoAnswer::Jwt(jwt)).await;
    assert_failed(&answer, "/", Method::ProSanteConnect, ErrorCode::OidcFailed);
}

#[tokio::test]
async fn userinfo_as_a_jwt_signed_rs256() {
    // What Pro Santé Connect (and the demo's local provider) sign with.
    userinfo_as_jwt(FakeOp::sign_rs256).await;
}

#[tokio::test]
async fn regional_sso_login() {
    let env = env().await;
    let jeanne = link("sso", "paaco");
    let started = start(&env, "paaco", Method::RegionalSso, "/?preset=paaco").await;
    let mut claims = id_claims(&env.sso, &started, jeanne.subject);
    claims["amr"] = json!(["pwd", "otp"]);
    let userinfo = json!({
        "sub": jeanne.subject,
        "email": "jeanne.martin@exemple.fr",
        "given_name": "Jeanne",
        "family_name": "Martin",
    });
    let (answer, _) = finish(
        &env,
        &started,
        tokens(env.sso.sign(&claims)),
        UserinfoAnswer::Json(userinfo),
    )
    .await;
    let (_, info) = assert_logged_in(&env, &answer, &started).await;
    assert_eq!(info.portal.as_str(), jeanne.portal);
    assert_eq!(info.identifier, jeanne.identifier);
    assert_eq!(info.assurance, AssuranceLevel::Strong);
    assert_eq!(info.means, None);
    assert_eq!(info.establishment, None);
    assert!(info.establishments.is_empty());
    assert_eq!(env.sso.refusals(), Vec::<String>::new());
    assert_eq!(env.psc.requests(), (0, 0));
    let (event, _, _, outcome) = last_audit(&env.app).await;
    assert_eq!(
        (event.as_str(), outcome.as_str()),
        (
            AuditEvent::LoginRegionalSso.as_str(),
            AuditOutcome::Success.as_str()
        )
    );
}

// --- acr ---

#[tokio::test]
async fn acr_gives_the_assurance_or_is_refused() {
    let marie = link("psc", "spico");
    let strong = Ok(AssuranceLevel::Strong);
    let refused = Err(ErrorCode::OidcAssuranceRefused);
    let weak = Ok(AssuranceLevel::Weak);
    let cases = [
        (Some(ACR_EIDAS1), strong, strong),
        (Some(ACR_EIDAS2), strong, strong),
        (None, refused, weak),
        (Some("eidas3"), refused, weak),
        (Some("loa1"), refused, weak),
    ];
    for (other_acr, column) in [(OtherAcr::Refuse, 0), (OtherAcr::Weak, 1)] {
        let env = env_with(other_acr).await;
        for (acr, by_default, if_weak) in cases {
            let expected = if column == 0 { by_default } else { if_weak };
            let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
            let sub = psc_sub(marie.subject);
            let mut claims = id_claims(&env.psc, &started, &sub);
            match acr {
                Some(acr) => claims["acr"] = acr.into(),
                None => {
                    claims.as_object_mut().unwrap().remove("acr");
                }
            }
            let userinfo = psc_userinfo(&sub, marie.subject, one_place());
            let (answer, _) = finish(
                &env,
                &started,
                tokens(env.psc.sign(&claims)),
                UserinfoAnswer::Json(userinfo),
            )
            .await;
            let context = format!("acr {acr:?}, others {other_acr:?}");
            match expected {
                Ok(level) => {
                    let (_, info) = assert_logged_in(&env, &answer, &started).await;
                    assert_eq!(info.assurance, level, "{context}");
                }
                Err(code) => {
                    assert_failed(&answer, "/", Method::ProSanteConnect, code);
                    let (_, _, _, outcome) = last_audit(&env.app).await;
                    assert_eq!(
                        outcome,
                        AuditOutcome::AssuranceRefused.as_str(),
                        "{context}"
                    );
                }
            }
        }
    }
}

// --- the relying party's checks ---

/// A change to the provider's answer, from the good ID token claims and userinfo.
type Tamper = fn(&FakeOp, Value, Value) -> (TokenAnswer, UserinfoAnswer);

fn refusal_cases() -> Vec<(&'static str, Tamper)> {
    vec![
        ("ID token of another issuer", |op, mut c, u| {
            c["iss"] = "https://evil.example".into();
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token for another client", |op, mut c, u| {
            c["aud"] = "another-client".into();
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token also for an untrusted audience", |op, mut c, u| {
            c["aud"] = json!([CLIENT_ID, "another-client"]);
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token with another nonce", |op, mut c, u| {
            c["nonce"] = fake_op::random_token().into();
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token without nonce", |op, mut c, u| {
            c.as_object_mut().unwrap().remove("nonce");
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token unsigned (alg none)", |_, c, u| {
            (tokens(FakeOp::unsigned(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token signed by another key, same kid", |op, c, u| {
            (
                tokens(op.sign_with_another_key(&c)),
                UserinfoAnswer::Json(u),
            )
        }),
        ("ID token RS256, not an advertised algorithm", |op, c, u| {
            (tokens(op.sign_rs256(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token without sub", |op, mut c, u| {
            c.as_object_mut().unwrap().remove("sub");
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("ID token that is not a JWT", |_, _, u| {
            (tokens("not-a-jwt".into()), UserinfoAnswer::Json(u))
        }),
        ("ID token expired", |op, mut c, u| {
            let now = real_now();
            c["iat"] = (now - 600).into();
            c["exp"] = (now - 60).into();
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("userinfo of another sub", |op, c, mut u| {
            u["sub"] = psc_sub("810000000003").into();
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("userinfo JWT signed by another key", |op, c, mut u| {
            u["iss"] = op.issuer.clone().into();
            u["aud"] = CLIENT_ID.into();
            (
                tokens(op.sign(&c)),
                UserinfoAnswer::Jwt(op.sign_with_another_key(&u)),
            )
        }),
        ("userinfo JWT unsigned (alg none)", |op, c, mut u| {
            u["iss"] = op.issuer.clone().into();
            u["aud"] = CLIENT_ID.into();
            (
                tokens(op.sign(&c)),
                UserinfoAnswer::Jwt(FakeOp::unsigned(&u)),
            )
        }),
        ("PSC userinfo without SubjectNameID", |op, c, mut u| {
            u.as_object_mut().unwrap().remove("SubjectNameID");
            (tokens(op.sign(&c)), UserinfoAnswer::Json(u))
        }),
        ("token endpoint: invalid_grant", |_, _, u| {
            (TokenAnswer::Error("invalid_grant"), UserinfoAnswer::Json(u))
        }),
        ("token response without id_token", |_, _, u| {
            (
                TokenAnswer::Tokens { id_token: None },
                UserinfoAnswer::Json(u),
            )
        }),
    ]
}

#[tokio::test]
async fn provider_answers_that_do_not_verify_are_refused() {
    let env = env().await;
    let marie = link("psc", "spico");
    let mut wrong = Vec::new();
    for (case, tamper) in refusal_cases() {
        let started = start(&env, "spico", Method::ProSanteConnect, "/?preset=spico").await;
        let sub = psc_sub(marie.subject);
        let claims = id_claims(&env.psc, &started, &sub);
        let userinfo = psc_userinfo(&sub, marie.subject, one_place());
        let (token, userinfo) = tamper(&env.psc, claims, userinfo);
        let (answer, _) = finish(&env, &started, token, userinfo).await;
        let expected = back_to(
            &started.return_to,
            Method::ProSanteConnect,
            Some(ErrorCode::OidcFailed),
        );
        let got = location(&answer);
        let session = answer.cookie_named(SESSION_COOKIE);
        let (_, _, _, outcome) = last_audit(&env.app).await;
        if got != expected || session.is_some() || outcome != AuditOutcome::TokenRefused.as_str() {
            wrong.push(format!(
                "{case}: {got} (session {session:?}, audit {outcome})"
            ));
        }
    }
    // The refusals were the cases', not the provider's (client, redirect URI, PKCE).
    assert_eq!(env.psc.refusals(), Vec::<String>::new());
    assert!(
        wrong.is_empty(),
        "expected {}:\n{}",
        ErrorCode::OidcFailed.as_str(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_fake_providers_own_checks_are_live() {
    // The happy paths pass its PKCE and redirect URI checks; here they fail on purpose, to
    // show that those checks do refuse (and the portal then says `oidc_failed`).
    let env = env().await;
    let marie = link("psc", "spico");
    let sub = psc_sub(marie.subject);
    for (challenge, redirect_uri, refusal) in [
        (Some(fake_op::s256("another verifier")), None, "PKCE"),
        (None, Some(format!("{ORIGIN}/elsewhere")), "redirect_uri"),
    ] {
        let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
        let code = fake_op::random_token();
        env.psc.grant(
            &code,
            Grant {
                code_challenge: challenge.unwrap_or_else(|| started.challenge.clone()),
                redirect_uri: redirect_uri.unwrap_or_else(|| started.redirect_uri.clone()),
                token: tokens(env.psc.sign(&id_claims(&env.psc, &started, &sub))),
                userinfo: UserinfoAnswer::Json(psc_userinfo(&sub, marie.subject, one_place())),
            },
        );
        let query = [("code", code.as_str()), ("state", started.state.as_str())];
        let answer = callback(&env.app, "psc", &query, Some(&started.cookie)).await;
        assert_failed(&answer, "/", Method::ProSanteConnect, ErrorCode::OidcFailed);
        let refusals = env.psc.refusals();
        assert!(
            refusals.last().is_some_and(|r| r.starts_with(refusal)),
            "{refusals:?}"
        );
    }
}

// --- the state ---

#[tokio::test]
async fn the_state_is_this_browsers_once_and_within_its_life() {
    let env = env().await;
    let marie = link("psc", "spico");
    let psc = Method::ProSanteConnect;
    let good = |started: &Started| {
        let sub = psc_sub(marie.subject);
        let claims = id_claims(&env.psc, started, &sub);
        (
            tokens(env.psc.sign(&claims)),
            UserinfoAnswer::Json(psc_userinfo(&sub, marie.subject, one_place())),
        )
    };
    let state_invalid = (
        AuditEvent::LoginProSanteConnect.as_str().to_owned(),
        String::new(),
        String::new(),
        AuditOutcome::StateInvalid.as_str().to_owned(),
    );

    let a = start(&env, "spico", psc, "/a").await;
    let b = start(&env, "spico", psc, "/b").await;
    assert_ne!(a.cookie, b.cookie);
    let code = "never-exchanged";
    // An unknown state; the right state without the cookie, or with another browser's.
    for (query_state, cookie) in [
        ("not-a-state", Some(a.cookie.as_str())),
        (a.state.as_str(), None),
        (a.state.as_str(), Some(b.cookie.as_str())),
        ("", Some(a.cookie.as_str())),
    ] {
        let answer = callback(
            &env.app,
            "psc",
            &[("code", code), ("state", query_state)],
            cookie,
        )
        .await;
        // The page it came from is not known: `/`.
        assert_failed(&answer, "/", psc, ErrorCode::OidcFailed);
        assert_eq!(last_audit(&env.app).await, state_invalid);
    }
    // Without any state at all.
    let answer = callback(&env.app, "psc", &[("code", code)], Some(&a.cookie)).await;
    assert_failed(&answer, "/", psc, ErrorCode::OidcFailed);
    assert_eq!(env.psc.requests(), (0, 0), "no code exchanged");

    // Those attempts did not burn the login: it still works, once.
    let (token, userinfo) = good(&a);
    let (first, code) = finish(&env, &a, token, userinfo).await;
    assert_logged_in(&env, &first, &a).await;
    let replay = callback(
        &env.app,
        "psc",
        &[("code", &code), ("state", &a.state)],
        Some(&a.cookie),
    )
    .await;
    assert_failed(&replay, "/", psc, ErrorCode::OidcFailed);
    assert_eq!(last_audit(&env.app).await, state_invalid);
    assert_eq!(env.psc.requests().0, 1, "the replay exchanged no code");

    // The state of a PSC login sent to the SSO's callback: refused there (as the SSO's
    // return), still good at PSC's.
    let (token, userinfo) = good(&b);
    let query = [("code", "whatever"), ("state", b.state.as_str())];
    let mixed = callback(&env.app, "sso", &query, Some(&b.cookie)).await;
    assert_failed(&mixed, "/", Method::RegionalSso, ErrorCode::OidcFailed);
    let (event, _, _, outcome) = last_audit(&env.app).await;
    assert_eq!(
        (event.as_str(), outcome.as_str()),
        (
            AuditEvent::LoginRegionalSso.as_str(),
            AuditOutcome::StateInvalid.as_str()
        )
    );
    let (answer, _) = finish(&env, &b, token, userinfo).await;
    assert_logged_in(&env, &answer, &b).await;
    assert_eq!(env.sso.requests(), (0, 0));
}

#[tokio::test]
async fn a_state_expires() {
    let env = env().await;
    let marie = link("psc", "spico");
    let psc = Method::ProSanteConnect;
    let life = i64::from(REQUEST_LIFE_SECS);
    let sub = psc_sub(marie.subject);
    // Just within its life: accepted.
    let started = start(&env, "spico", psc, "/").await;
    env.app.advance(life - 1);
    let (answer, _) = finish(
        &env,
        &started,
        tokens(env.psc.sign(&id_claims(&env.psc, &started, &sub))),
        UserinfoAnswer::Json(psc_userinfo(&sub, marie.subject, one_place())),
    )
    .await;
    assert_logged_in(&env, &answer, &started).await;
    // Past it: refused, before any exchange.
    let started = start(&env, "spico", psc, "/late").await;
    env.app.advance(life + 1);
    let (answer, _) = finish(
        &env,
        &started,
        tokens(env.psc.sign(&id_claims(&env.psc, &started, &sub))),
        UserinfoAnswer::Json(psc_userinfo(&sub, marie.subject, one_place())),
    )
    .await;
    assert_failed(&answer, "/", psc, ErrorCode::OidcFailed);
    let (_, _, _, outcome) = last_audit(&env.app).await;
    assert_eq!(outcome, AuditOutcome::StateInvalid.as_str());
    assert_eq!(env.psc.requests().0, 1);
}

#[tokio::test]
async fn the_providers_own_error_and_issuer() {
    let env = env().await;
    let psc = Method::ProSanteConnect;
    let other_issuer = env.sso.issuer.clone();
    type Case<'a> = (&'a [(&'a str, &'a str)], ErrorCode, AuditOutcome);
    let cases: [Case; 4] = [
        (
            &[("error", "access_denied")],
            ErrorCode::OidcCancelled,
            AuditOutcome::Cancelled,
        ),
        (
            &[("error", "server_error"), ("error_description", "down")],
            ErrorCode::OidcFailed,
            AuditOutcome::TokenRefused,
        ),
        (
            &[("code", "a-code"), ("iss", &other_issuer)],
            ErrorCode::OidcFailed,
            AuditOutcome::TokenRefused,
        ),
        // A return with neither code nor error.
        (&[], ErrorCode::OidcFailed, AuditOutcome::TokenRefused),
    ];
    for (extra, code, outcome) in cases {
        let started = start(&env, "spico", psc, "/?preset=spico").await;
        let mut query = vec![("state", started.state.as_str())];
        query.extend_from_slice(extra);
        let answer = callback(&env.app, "psc", &query, Some(&started.cookie)).await;
        assert_failed(&answer, &started.return_to, psc, code);
        let (_, portal, _, got) = last_audit(&env.app).await;
        assert_eq!(
            (portal.as_str(), got.as_str()),
            ("spico", outcome.as_str()),
            "{extra:?}"
        );
        // The state is used: the same return again is refused as unknown.
        let again = callback(&env.app, "psc", &query, Some(&started.cookie)).await;
        assert_failed(&again, "/", psc, ErrorCode::OidcFailed);
    }
    assert_eq!(env.psc.requests(), (0, 0), "no code exchanged");
}

#[tokio::test]
async fn an_unknown_provider_name_is_not_found() {
    let env = env().await;
    let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
    let query = [("code", "c"), ("state", started.state.as_str())];
    let answer = callback(&env.app, "evil", &query, Some(&started.cookie)).await;
    answer.assert_error(ErrorCode::NotFound);
    assert_eq!(answer.status, 404);
    assert!(audit_trail(&env.app).await.is_empty());
}

// --- the start's refusals and the return page ---

#[tokio::test]
async fn start_refusals() {
    let env = env().await;
    let app = &env.app;
    // PSC on a portal that does not offer it; a method that is not OpenID Connect.
    for (portal, method) in [("paaco", "pro_sante_connect"), ("spico", "password")] {
        let answer = post_start(app, portal, method, "/", None).await;
        assert_eq!(answer.status, 422, "{portal} {method}");
        answer.assert_error(ErrorCode::MethodNotAvailable);
    }
    post_start(app, "nowhere", "pro_sante_connect", "/", None)
        .await
        .assert_error(ErrorCode::UnknownPortal);
    // Without the CSRF header.
    let body = json!({"portal": "spico", "method": "pro_sante_connect", "return_to": "/"});
    let request = common::post(&api(paths::LOGIN_OIDC_START))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let answer = app.send(request).await;
    assert_eq!(answer.status, 403);
    answer.assert_error(ErrorCode::CsrfRejected);
    assert_eq!(env.psc.requests(), (0, 0));

    // A provider not configured on this server (the SSO, offered by paaco).
    let psc = FakeOp::start().await;
    let mut config = test_config();
    config.oidc.psc = Some(provider_config(&psc, OtherAcr::Refuse));
    let app = test_app_with(config).await;
    let answer = post_start(&app, "paaco", "regional_sso", "/", None).await;
    assert_eq!(answer.status, 422);
    answer.assert_error(ErrorCode::MethodNotAvailable);

    // A provider that cannot be reached: a closed port.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let mut config = test_config();
    config.oidc.psc = Some(ProviderConfig {
        issuer: format!("http://{closed}"),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        other_acr: OtherAcr::Refuse,
    });
    let app = test_app_with(config).await;
    let answer = post_start(&app, "spico", "pro_sante_connect", "/", None).await;
    assert_eq!(answer.status, 424);
    answer.assert_error(ErrorCode::OidcUnavailable);
    assert_eq!(answer.cookie_named(OIDC_COOKIE), None);
}

#[tokio::test]
async fn the_return_page_is_a_path_of_the_portal() {
    let env = env().await;
    let psc = Method::ProSanteConnect;
    for (return_to, back) in [
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\\evil.example", "/"),
        ("/?preset=spico", "/?preset=spico"),
    ] {
        let answer = post_start(&env.app, "spico", psc.as_str(), return_to, None).await;
        assert_eq!(answer.status, 200);
        let url = reqwest::Url::parse(answer.json()["authorize_url"].as_str().unwrap()).unwrap();
        let state = url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let cookie = answer.cookie_named(OIDC_COOKIE).unwrap();
        let query = [("error", "access_denied"), ("state", state.as_str())];
        let answer = callback(&env.app, "psc", &query, Some(&cookie)).await;
        assert_eq!(
            location(&answer),
            back_to(back, psc, Some(ErrorCode::OidcCancelled)),
            "{return_to}"
        );
    }
}

// --- the account ---

#[tokio::test]
async fn an_identity_linked_to_no_account_of_this_portal() {
    let env = env().await;
    let paul = link("psc", "nexus");
    // Sam Leroy: known to PSC, linked to nothing; Paul Bernard: linked on nexus, not spico.
    for national_id in ["810000000009", paul.subject] {
        let started = start(&env, "spico", Method::ProSanteConnect, "/").await;
        let sub = psc_sub(national_id);
        let (answer, _) = finish(
            &env,
            &started,
            tokens(env.psc.sign(&id_claims(&env.psc, &started, &sub))),
            UserinfoAnswer::Json(psc_userinfo(&sub, national_id, one_place())),
        )
        .await;
        assert_failed(
            &answer,
            "/",
            Method::ProSanteConnect,
            ErrorCode::OidcAccountUnknown,
        );
        let (_, portal, identifier, outcome) = last_audit(&env.app).await;
        assert_eq!(
            (portal.as_str(), identifier.as_str(), outcome.as_str()),
            ("spico", "", AuditOutcome::UnknownAccount.as_str())
        );
    }
}

// --- logout ---

#[tokio::test]
async fn logout_of_a_psc_session_ends_the_providers_too() {
    let env = env().await;
    let marie = link("psc", "spico");
    let (cookie, _, id_token) = psc_login(&env, "spico", marie.subject, one_place()).await;
    let out = env.app.logout(Some(&cookie)).await;
    assert_eq!(out.status, 200, "{}", String::from_utf8_lossy(&out.body));
    let cleared = out.set_cookie();
    assert!(
        cleared.starts_with(&format!("{SESSION_COOKIE}=;")) && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let logout: ProviderLogout = serde_json::from_value(out.json()).unwrap();
    let url = logout.end_session_url;
    assert!(
        url.starts_with(&format!("{}?", env.psc.end_session_endpoint())),
        "{url}"
    );
    let query: HashMap<String, String> = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(query.get("id_token_hint"), Some(&id_token));
    assert_eq!(
        query.get("post_logout_redirect_uri"),
        Some(&format!("{ORIGIN}/"))
    );
    assert_eq!(query.get("client_id").map(String::as_str), Some(CLIENT_ID));
    env.app.session(Some(&cookie)).await.assert_no_session();
    // Logged out already: nothing more to end.
    assert_eq!(env.app.logout(Some(&cookie)).await.status, 204);

    // A password session on the same server: 204 as ever.
    let (portal, id, pw) = SPICO;
    let cookie = env.app.login(portal, id, pw).await.cookie();
    let out = env.app.logout(Some(&cookie)).await;
    assert_eq!(out.status, 204);
    assert!(out.body.is_empty());
    env.app.session(Some(&cookie)).await.assert_no_session();
}

// --- audit ---

/// A Pro Santé Connect login on SPICO for `sub`, its ID token changed by `adjust`, userinfo
/// answered as JSON: where it started, the code, the ID token (the audit test's secrets).
async fn spico_login(
    env: &Env,
    sub: &str,
    userinfo: Value,
    adjust: impl FnOnce(&mut Value),
) -> (Started, String, String) {
    let started = start(env, "spico", Method::ProSanteConnect, "/").await;
    let mut claims = id_claims(&env.psc, &started, sub);
    adjust(&mut claims);
    let id_token = env.psc.sign(&claims);
    let (_, code) = finish(
        env,
        &started,
        tokens(id_token.clone()),
        UserinfoAnswer::Json(userinfo),
    )
    .await;
    (started, code, id_token)
}

#[tokio::test]
async fn the_audit_has_each_outcome_and_no_secret() {
    let env = env().await;
    let app = &env.app;
    let psc = Method::ProSanteConnect;
    let marie = link("psc", "spico");
    let sub = psc_sub(marie.subject);
    let mut secrets: Vec<String> = Vec::new();
    let mut remember = |started: &Started, code: &str, id_token: &str| {
        secrets.extend([
            started.state.clone(),
            started.nonce.clone(),
            started.challenge.clone(),
            code.to_owned(),
            id_token.to_owned(),
        ]);
        // The cookie's value, without its name.
        secrets.push(started.cookie.split_once('=').unwrap().1.to_owned());
    };

    // success
    let started = start(&env, "spico", psc, "/").await;
    let id_token = env.psc.sign(&id_claims(&env.psc, &started, &sub));
    let userinfo = psc_userinfo(&sub, marie.subject, one_place());
    let (answer, code) = finish(
        &env,
        &started,
        tokens(id_token.clone()),
        UserinfoAnswer::Json(userinfo.clone()),
    )
    .await;
    assert_logged_in(&env, &answer, &started).await;
    remember(&started, &code, &id_token);
    // The login under way was kept hashed: no state, no cookie in clear.
    let started = start(&env, "spico", psc, "/").await;
    let (state_hash, browser_hash): (String, String) =
        sqlx::query_as("SELECT state_hash, browser_hash FROM oidc_requests")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_ne!(state_hash, started.state);
    let (_, browser) = started.cookie.split_once('=').unwrap();
    assert_ne!(browser_hash, browser);
    assert_eq!(state_hash.len(), browser_hash.len(), "both hashed alike");
    // cancelled
    let query = [
        ("error", "access_denied"),
        ("state", started.state.as_str()),
    ];
    callback(app, "psc", &query, Some(&started.cookie)).await;
    remember(&started, "", "");
    // state_invalid (the same return again)
    callback(app, "psc", &query, Some(&started.cookie)).await;
    // token_refused (another nonce)
    let (started, code, id_token) = spico_login(&env, &sub, userinfo.clone(), |claims| {
        claims["nonce"] = "not-the-nonce".into();
    })
    .await;
    remember(&started, &code, &id_token);
    // assurance_refused
    let (started, code, id_token) = spico_login(&env, &sub, userinfo, |claims| {
        claims["acr"] = "loa1".into();
    })
    .await;
    remember(&started, &code, &id_token);
    // unknown_account
    let stranger = psc_sub("810000000009");
    let stranger_info = psc_userinfo(&stranger, "810000000009", one_place());
    let (started, code, id_token) = spico_login(&env, &stranger, stranger_info, |_| {}).await;
    remember(&started, &code, &id_token);

    let event = AuditEvent::LoginProSanteConnect.as_str();
    let expected: Vec<AuditRow> = [
        ("spico", marie.identifier, AuditOutcome::Success),
        ("spico", "", AuditOutcome::Cancelled),
        ("", "", AuditOutcome::StateInvalid),
        ("spico", "", AuditOutcome::TokenRefused),
        ("spico", "", AuditOutcome::AssuranceRefused),
        ("spico", "", AuditOutcome::UnknownAccount),
    ]
    .into_iter()
    .map(|(p, i, o)| (event.into(), p.into(), i.into(), o.as_str().into()))
    .collect();
    assert_eq!(audit_trail(app).await, expected);

    let secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
    assert!(secrets.len() >= 20);
    for row in app.audit_rows().await {
        let (at, event, portal, identifier, ip, outcome) = row;
        let columns = [at.to_string(), event, portal, identifier, ip, outcome];
        for column in &columns {
            for secret in &secrets {
                assert!(
                    !column.contains(secret.as_str()),
                    "audit row {columns:?} holds a secret"
                );
            }
        }
    }
}

#[tokio::test]
async fn two_logins_of_one_browser_both_come_back_each_once() {
    // Two tabs of one browser: the second start keeps the browser's OIDC cookie; each return
    // is accepted once, in any order.
    let env = env().await;
    let marie = link("psc", "spico");
    let first = start(&env, "spico", Method::ProSanteConnect, "/?tab=1").await;
    let second = start_in(
        &env,
        "spico",
        Method::ProSanteConnect,
        "/?tab=2",
        Some(&first.cookie),
    )
    .await;
    assert_eq!(second.cookie, first.cookie, "one browser, one OIDC cookie");
    for started in [&second, &first] {
        let sub = psc_sub(marie.subject);
        let id_token = env.psc.sign(&id_claims(&env.psc, started, &sub));
        let userinfo = psc_userinfo(&sub, marie.subject, one_place());
        let (answer, _) = finish(
            &env,
            started,
            tokens(id_token),
            UserinfoAnswer::Json(userinfo),
        )
        .await;
        let (_, info) = assert_logged_in(&env, &answer, started).await;
        assert_eq!(info.identifier, marie.identifier);
    }
    // And each only once.
    let query = [("code", "used"), ("state", first.state.as_str())];
    let again = callback(&env.app, "psc", &query, Some(&first.cookie)).await;
    assert_failed(&again, "/", Method::ProSanteConnect, ErrorCode::OidcFailed);
}

#[tokio::test]
async fn a_query_that_cannot_be_read_goes_back_home_with_oidc_failed() {
    let env = env().await;
    let started = start(&env, "spico", Method::ProSanteConnect, "/?preset=spico").await;
    let query = [
        ("code", "a"),
        ("code", "b"),
        ("state", started.state.as_str()),
    ];
    let answer = callback(&env.app, "psc", &query, Some(&started.cookie)).await;
    assert_failed(&answer, "/", Method::ProSanteConnect, ErrorCode::OidcFailed);
}
