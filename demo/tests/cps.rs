//! CPS card login through the router: the nonce, and the token's verification with Web eID's
//! validator cases — nonce (wrong, reused, expired, another browser's), origin (body, header),
//! certificate (another CA, expired, not yet valid, key usage), signature (bad, algorithm
//! mismatch), malformed fields, unknown holder — and a success for RS256, PS256 and ES256.
//!
//! The card keys are made in software: RSA-2048 from a fixture (ring cannot generate RSA keys,
//! and the `rsa` crate is slow to in a debug build), P-256 from rcgen. Their certificates are
//! issued by a test CA ([`TestCa`]) with rcgen, as `cargo xtask setup` issues the SoftHSM2
//! card's; signatures are ring's.

mod common;

use common::{test_app_custom, test_config, Answer, TestApp};
use rcgen::{
    date_time_ymd, CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose,
    PublicKeyData,
};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use sesame_core::api::{CpsNonce, SessionInfo, CPS_NONCE_LIFE_SECS};
use sesame_core::host::to_be_signed;
use sesame_core::{AssuranceLevel, ErrorCode, Method};
use sesame_demo::cps::{TestCa, Trust};
use sesame_demo::seed::DEMO_CPS_HOLDERS;
use std::sync::OnceLock;

/// The portal's origin in the test configuration (the default for port 8080).
const ORIGIN: &str = "http://127.0.0.1:8080";
const CPS_COOKIE: &str = sesame_demo::cps::COOKIE_NAME;
const RSA_PKCS8_PEM: &str = include_str!("fixtures/cps-card-rsa-2048.pk8.pem");

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn pem_der(pem: &str) -> Vec<u8> {
    x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes())
        .next()
        .unwrap()
        .unwrap()
        .contents
}

fn ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::generate().unwrap())
}

/// A card's key: signs like the card would.
enum CardKey {
    Rsa(RsaKeyPair, KeyPair),
    Ec(EcdsaKeyPair, KeyPair),
}

impl CardKey {
    fn rsa() -> CardKey {
        let der = pem_der(RSA_PKCS8_PEM);
        CardKey::Rsa(
            RsaKeyPair::from_pkcs8(&der).unwrap(),
            KeyPair::try_from(der.as_slice()).unwrap(),
        )
    }

    fn ec() -> CardKey {
        let kp = KeyPair::generate().unwrap();
        let signing = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &kp.serialize_der(),
            &SystemRandom::new(),
        )
        .unwrap();
        CardKey::Ec(signing, kp)
    }

    fn public(&self) -> &KeyPair {
        match self {
            CardKey::Rsa(_, kp) | CardKey::Ec(_, kp) => kp,
        }
    }

    /// The signature of `message` with `alg` (RS256, PS256 for RSA; ES256 for EC).
    fn sign(&self, alg: &str, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            CardKey::Rsa(key, _) => {
                let padding: &dyn signature::RsaEncoding = match alg {
                    "PS256" => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0; key.public().modulus_len()];
                key.sign(padding, &rng, message, &mut sig).unwrap();
                sig
            }
            CardKey::Ec(key, _) => key.sign(&rng, message).unwrap().as_ref().to_vec(),
        }
    }
}

/// What to put in a card certificate.
struct Card<'a> {
    issuer: &'a TestCa,
    name: &'a str,
    national_id: Option<&'a str>,
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
    key_usages: Vec<KeyUsagePurpose>,
    extended: Vec<ExtendedKeyUsagePurpose>,
}

impl Default for Card<'_> {
    fn default() -> Self {
        let holder = DEMO_CPS_HOLDERS[0];
        Card {
            issuer: ca(),
            name: holder.name,
            national_id: Some(holder.national_id),
            // START is 2026-01-01.
            not_before: (2025, 1, 1),
            not_after: (2028, 1, 1),
            key_usages: vec![KeyUsagePurpose::DigitalSignature],
            extended: vec![ExtendedKeyUsagePurpose::ClientAuth],
        }
    }
}

impl Card<'_> {
    fn issue(&self, key: &CardKey) -> Vec<u8> {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CountryName, "FR");
        p.distinguished_name.push(DnType::CommonName, self.name);
        if let Some(id) = self.national_id {
            p.distinguished_name
                .push(DnType::CustomDnType(vec![2, 5, 4, 5]), id);
        }
        let (y, m, d) = self.not_before;
        p.not_before = date_time_ymd(y, m, d);
        let (y, m, d) = self.not_after;
        p.not_after = date_time_ymd(y, m, d);
        p.key_usages = self.key_usages.clone();
        p.extended_key_usages = self.extended.clone();
        p.signed_by(key.public(), &self.issuer.issuer().unwrap())
            .unwrap()
            .der()
            .to_vec()
    }
}

async fn app() -> TestApp {
    let trust = Trust::new(vec![ca().cert_der().unwrap()]).unwrap();
    test_app_custom(test_config(), |s| s.with_cps_trust(trust)).await
}

/// A nonce for the browser holding `cookie` (a new browser when `None`): the nonce and the
/// browser's CPS cookie.
async fn nonce(app: &TestApp, cookie: Option<&str>) -> (String, String) {
    let answer = app.post_json("/api/login/cps/nonce", "", cookie).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body: CpsNonce = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body.expires_in, CPS_NONCE_LIFE_SECS);
    let cookie = answer.cookie_named(CPS_COOKIE).expect("the CPS cookie");
    (body.nonce, cookie)
}

/// The token a card gives for `origin` and `nonce`.
struct Token {
    portal: String,
    certificate: String,
    algorithm: String,
    signature: String,
    origin: String,
    nonce: String,
}

impl Token {
    fn new(key: &CardKey, cert: &[u8], alg: &str, nonce: &str) -> Token {
        Token {
            portal: "paaco".into(),
            certificate: b64(cert),
            algorithm: alg.into(),
            signature: b64(&key.sign(alg, &to_be_signed(ORIGIN, nonce))),
            origin: ORIGIN.into(),
            nonce: nonce.into(),
        }
    }

    fn json(&self) -> String {
        serde_json::json!({
            "portal": self.portal,
            "certificate": self.certificate,
            "algorithm": self.algorithm,
            "signature": self.signature,
            "origin": self.origin,
            "nonce": self.nonce,
        })
        .to_string()
    }
}

async fn post_token(app: &TestApp, token: &Token, cookie: &str) -> Answer {
    post_with_origin(app, token.json(), cookie, Some(ORIGIN)).await
}

async fn post_with_origin(
    app: &TestApp,
    body: String,
    cookie: &str,
    origin: Option<&str>,
) -> Answer {
    let mut req = common::post("/api/login/cps")
        .header("content-type", "application/json")
        .header(sesame_core::api::CSRF_HEADER, "1")
        .header("cookie", cookie);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    app.send(req.body(axum::body::Body::from(body)).unwrap())
        .await
}

/// A fresh nonce signed by the default card (RSA, RS256): the token and the browser's cookie.
async fn signed(app: &TestApp, key: &CardKey, cert: &[u8], alg: &str) -> (Token, String) {
    let (n, cookie) = nonce(app, None).await;
    (Token::new(key, cert, alg, &n), cookie)
}

async fn assert_logged_in(app: &TestApp, answer: &Answer) {
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let info: SessionInfo = serde_json::from_slice(&answer.body).unwrap();
    let holder = DEMO_CPS_HOLDERS[0];
    assert_eq!(info.method, Method::Cps);
    assert_eq!(info.assurance, AssuranceLevel::Strong);
    assert_eq!(info.identifier, holder.identifier);
    assert_eq!(info.display_name, holder.name);
    assert_eq!(info.portal.as_str(), holder.portal);
    assert_eq!(info.authenticated_at, app.now());
    let session = app
        .session(Some(&answer.cookie_named("sesame_session").unwrap()))
        .await;
    assert_eq!(session.status, 200);
    let cleared = answer.cookie_named(CPS_COOKIE).unwrap();
    assert_eq!(
        cleared,
        format!("{CPS_COOKIE}="),
        "the CPS cookie is cleared"
    );
}

async fn login_with(alg: &str, key: CardKey) {
    let app = app().await;
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, alg).await;
    let answer = post_token(&app, &token, &cookie).await;
    assert_logged_in(&app, &answer).await;
    let (outcome, identifier): (String, String) = sqlx::query_as(
        "SELECT outcome, identifier FROM audit_log WHERE event = 'login_cps' ORDER BY seq DESC",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (outcome.as_str(), identifier.as_str()),
        ("success", "karim.benali")
    );
}

#[tokio::test]
async fn rs256_card_logs_in_with_a_strong_cps_session() {
    login_with("RS256", CardKey::rsa()).await;
}

#[tokio::test]
async fn ps256_card_logs_in() {
    login_with("PS256", CardKey::rsa()).await;
}

#[tokio::test]
async fn es256_card_logs_in() {
    login_with("ES256", CardKey::ec()).await;
}

#[tokio::test]
async fn nonces_are_256_bits_stored_hashed_and_bound_to_a_cookie() {
    let app = app().await;
    let (n, cookie) = nonce(&app, None).await;
    assert_eq!(n.len(), 43, "32 bytes, unpadded base64url");
    assert!(sesame_core::host::check_nonce(&n).is_ok());
    let answer = app
        .post_json("/api/login/cps/nonce", "", Some(&cookie))
        .await;
    assert_eq!(
        answer.cookie_named(CPS_COOKIE).as_deref(),
        Some(cookie.as_str()),
        "the same browser keeps its token"
    );
    let set = answer.headers["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Max-Age=300")
    );
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT nonce_hash, browser_hash FROM cps_nonces")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    let token = cookie.split_once('=').unwrap().1;
    for (nonce_hash, browser_hash) in rows {
        assert_ne!(nonce_hash, n);
        assert_eq!(browser_hash, sesame_demo::token::hash(token));
    }
    // Nonces past their life are swept when a new one is made.
    app.advance(i64::from(CPS_NONCE_LIFE_SECS) + 1);
    nonce(&app, None).await;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cps_nonces")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn wrong_nonce() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (_, cookie) = nonce(&app, None).await;
    let never_issued = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80";
    let token = Token::new(&key, &cert, "RS256", never_issued);
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsNonceInvalid);
}

#[tokio::test]
async fn reused_nonce() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "RS256").await;
    assert_logged_in(&app, &post_token(&app, &token, &cookie).await).await;
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsNonceInvalid);
}

#[tokio::test]
async fn replays_in_parallel_log_in_once() {
    let app = app().await;
    let key = CardKey::ec();
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "ES256").await;
    let body = token.json();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (app, body, cookie) = (app.clone_handle(), body.clone(), cookie.clone());
        set.spawn(async move {
            post_with_origin(&app, body, &cookie, Some(ORIGIN))
                .await
                .status
        });
    }
    let statuses = set.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn expired_nonce() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (just_in_time, cookie) = signed(&app, &key, &cert, "RS256").await;
    let (late, late_cookie) = signed(&app, &key, &cert, "RS256").await;
    app.advance(i64::from(CPS_NONCE_LIFE_SECS));
    assert_logged_in(&app, &post_token(&app, &just_in_time, &cookie).await).await;
    app.advance(1);
    post_token(&app, &late, &late_cookie)
        .await
        .assert_error(ErrorCode::CpsNonceInvalid);
}

#[tokio::test]
async fn nonce_of_another_browser() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (token, _mine) = signed(&app, &key, &cert, "RS256").await;
    let (_, other_browser) = nonce(&app, None).await;
    post_token(&app, &token, &other_browser)
        .await
        .assert_error(ErrorCode::CpsNonceInvalid);
    post_token(&app, &token, "unrelated=1")
        .await
        .assert_error(ErrorCode::CpsNonceInvalid);
}

#[tokio::test]
async fn wrong_origin_in_the_body() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (n, cookie) = nonce(&app, None).await;
    // Signed for another site, which says so.
    let mut token = Token::new(&key, &cert, "RS256", &n);
    token.origin = "https://evil.example".into();
    token.signature = b64(&key.sign("RS256", &to_be_signed(&token.origin, &n)));
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CsrfRejected);
    // The portal's other allowed origin, while the page is on this one.
    token.origin = "http://localhost:8080".into();
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CsrfRejected);
    // Signed for another site, claiming the portal's origin: the signature does not match.
    token.origin = ORIGIN.into();
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsSignatureInvalid);
}

#[tokio::test]
async fn origin_header_not_the_portals() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "RS256").await;
    for origin in [
        Some("https://evil.example"),
        Some("http://localhost:8080"),
        None,
    ] {
        post_with_origin(&app, token.json(), &cookie, origin)
            .await
            .assert_error(ErrorCode::CsrfRejected);
    }
    // Nothing was used up: the right request still logs in.
    assert_logged_in(&app, &post_token(&app, &token, &cookie).await).await;
}

#[tokio::test]
async fn certificate_from_another_ca() {
    let app = app().await;
    let key = CardKey::rsa();
    // Same name as the trusted CA, another key.
    let other = TestCa::generate().unwrap();
    let cert = Card {
        issuer: &other,
        ..Card::default()
    }
    .issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "RS256").await;
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsCertificateRefused);
}

#[tokio::test]
async fn a_portal_without_ca_refuses_every_card() {
    let app = test_app_custom(test_config(), |s| s).await;
    let key = CardKey::ec();
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "ES256").await;
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsCertificateRefused);
}

async fn refused(card: Card<'_>) {
    let app = app().await;
    let key = CardKey::ec();
    let cert = card.issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "ES256").await;
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsCertificateRefused);
}

#[tokio::test]
async fn expired_certificate() {
    refused(Card {
        not_before: (2022, 1, 1),
        not_after: (2025, 12, 31),
        ..Card::default()
    })
    .await;
}

#[tokio::test]
async fn not_yet_valid_certificate() {
    refused(Card {
        not_before: (2026, 1, 2),
        not_after: (2029, 1, 1),
        ..Card::default()
    })
    .await;
}

#[tokio::test]
async fn wrong_key_usage() {
    refused(Card {
        key_usages: vec![KeyUsagePurpose::KeyEncipherment],
        ..Card::default()
    })
    .await;
    refused(Card {
        key_usages: vec![],
        ..Card::default()
    })
    .await;
    refused(Card {
        extended: vec![ExtendedKeyUsagePurpose::ServerAuth],
        ..Card::default()
    })
    .await;
}

#[tokio::test]
async fn bad_signature() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (n, cookie) = nonce(&app, None).await;
    let mut token = Token::new(&key, &cert, "RS256", &n);
    let mut sig = key.sign("RS256", &to_be_signed(ORIGIN, &n));
    sig[10] ^= 1;
    token.signature = b64(&sig);
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsSignatureInvalid);
    // Signed over another nonce.
    let (n, cookie) = nonce(&app, None).await;
    let mut token = Token::new(&key, &cert, "RS256", &n);
    token.signature = b64(&key.sign("RS256", &to_be_signed(ORIGIN, "another-nonce")));
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsSignatureInvalid);
}

#[tokio::test]
async fn algorithm_mismatch() {
    let app = app().await;
    let ec = CardKey::ec();
    let ec_cert = Card::default().issue(&ec);
    let rsa = CardKey::rsa();
    let rsa_cert = Card::default().issue(&rsa);
    let cases = [
        // RS256 claimed for an EC key.
        (&ec, &ec_cert, "ES256", "RS256"),
        // ES256 claimed for an RSA key.
        (&rsa, &rsa_cert, "RS256", "ES256"),
        // A PKCS#1 v1.5 signature claimed as PSS, and the other way round.
        (&rsa, &rsa_cert, "RS256", "PS256"),
        (&rsa, &rsa_cert, "PS256", "RS256"),
    ];
    for (key, cert, signed_with, claimed) in cases {
        let (mut token, cookie) = signed(&app, key, cert, signed_with).await;
        token.algorithm = claimed.into();
        post_token(&app, &token, &cookie)
            .await
            .assert_error(ErrorCode::CpsSignatureInvalid);
    }
}

#[tokio::test]
async fn malformed_fields_keep_the_nonce() {
    let app = app().await;
    let key = CardKey::rsa();
    let cert = Card::default().issue(&key);
    let (token, cookie) = signed(&app, &key, &cert, "RS256").await;
    let variants: [(&str, Change); 5] = [
        ("bad base64 certificate", |t| {
            t.certificate = "not base64!".into()
        }),
        ("garbage DER", |t| t.certificate = b64(b"\x30\x03garbage")),
        ("bad base64 signature", |t| t.signature = "%%%".into()),
        ("unknown algorithm", |t| t.algorithm = "HS256".into()),
        ("lower-case algorithm", |t| t.algorithm = "rs256".into()),
    ];
    for (what, change) in variants {
        let mut bad = clone(&token);
        change(&mut bad);
        let e = post_token(&app, &bad, &cookie)
            .await
            .assert_error(ErrorCode::InvalidRequest);
        assert!(e.message.contains("field `"), "{what}: {}", e.message);
    }
    for body in [
        r#"{"portal":"paaco"}"#.to_owned(),
        "[]".to_owned(),
        token.json().replace("\"nonce\"", "\"extra\":1,\"nonce\""),
    ] {
        post_with_origin(&app, body, &cookie, Some(ORIGIN))
            .await
            .assert_error(ErrorCode::InvalidRequest);
    }
    let mut huge = clone(&token);
    huge.certificate = "A".repeat(20 * 1024);
    post_token(&app, &huge, &cookie)
        .await
        .assert_error(ErrorCode::BodyTooLarge);
    // The nonce was not used by any of these.
    assert_logged_in(&app, &post_token(&app, &token, &cookie).await).await;
}

/// A change that makes a token malformed.
type Change = fn(&mut Token);

fn clone(t: &Token) -> Token {
    Token {
        portal: t.portal.clone(),
        certificate: t.certificate.clone(),
        algorithm: t.algorithm.clone(),
        signature: t.signature.clone(),
        origin: t.origin.clone(),
        nonce: t.nonce.clone(),
    }
}

#[tokio::test]
async fn unknown_holder() {
    let app = app().await;
    let key = CardKey::ec();
    for national_id in [Some("899999999999"), None] {
        let cert = Card {
            name: "Dr Inconnu",
            national_id,
            ..Card::default()
        }
        .issue(&key);
        let (token, cookie) = signed(&app, &key, &cert, "ES256").await;
        post_token(&app, &token, &cookie)
            .await
            .assert_error(ErrorCode::CpsHolderUnknown);
    }
    // The holder's card on a portal where they have no account.
    let cert = Card::default().issue(&key);
    let (mut token, cookie) = signed(&app, &key, &cert, "ES256").await;
    token.portal = "nexus".into();
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::CpsHolderUnknown);
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT identifier FROM audit_log WHERE event = 'login_cps' AND outcome = 'holder_unknown'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|(id,)| id.is_empty()),
        "no identifier for a failure"
    );
}

#[tokio::test]
async fn portals_without_card_login_and_unknown_portals() {
    let app = app().await;
    let key = CardKey::ec();
    let cert = Card::default().issue(&key);
    let (mut token, cookie) = signed(&app, &key, &cert, "ES256").await;
    token.portal = "spico".into();
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    token.portal = "nowhere".into();
    post_token(&app, &token, &cookie)
        .await
        .assert_error(ErrorCode::UnknownPortal);
}

#[tokio::test]
async fn the_dev_test_ca_issues_the_cards_the_demo_trusts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let config = sesame_demo::Config {
        database_url: format!("sqlite://{}?mode=rwc", db.display()),
        dev_mode: true,
        ..sesame_demo::Config::default()
    };
    let trust = sesame_demo::cps::load_trust(&config, None).unwrap();
    assert_eq!(trust.len(), 1);
    let (cert_file, key_file) = config.cps_test_ca_files().unwrap();
    let ca = sesame_demo::cps::test_ca(&cert_file, &key_file).unwrap();
    // What `cargo xtask setup` does for the SoftHSM2 card, with a software key here.
    let key = CardKey::rsa();
    let holder = DEMO_CPS_HOLDERS[0];
    let cert = ca
        .issue_card(
            &key.public().subject_public_key_info(),
            holder.name,
            holder.national_id,
        )
        .unwrap();
    let app = test_app_custom(test_config(), |s| s.with_cps_trust(trust)).await;
    let (token, cookie) = signed(&app, &key, &cert, "RS256").await;
    assert_logged_in(&app, &post_token(&app, &token, &cookie).await).await;
    // Outside dev mode, without SESAME_CPS_CA: nothing trusted.
    let prod = sesame_demo::Config {
        dev_mode: false,
        ..config
    };
    assert!(sesame_demo::cps::load_trust(&prod, None)
        .unwrap()
        .is_empty());
    // SESAME_CPS_CA: the CAs of a PEM file, whatever the mode.
    let pem = dir.path().join("igc-sante.pem");
    std::fs::write(&pem, &ca.cert_pem).unwrap();
    assert_eq!(
        sesame_demo::cps::load_trust(&prod, Some(&pem))
            .unwrap()
            .len(),
        1
    );
    std::fs::write(&pem, "nothing").unwrap();
    assert!(sesame_demo::cps::load_trust(&prod, Some(&pem)).is_err());
}
