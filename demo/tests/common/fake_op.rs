//! A fake OpenID provider, in-process: discovery, keys, token and userinfo endpoints on
//! 127.0.0.1, serving what each test registered for its authorization code.
//!
//! The token endpoint checks what a real provider checks: the client's `client_secret_basic`,
//! the code (once), the `redirect_uri` and PKCE (SHA-256 of the `code_verifier` against the
//! challenge of the authorize URL). A refused request answers `invalid_grant` (or
//! `invalid_client`) and is written down in [`FakeOp::refusals`], so that a test can tell a
//! refusal it asked for from one it did not.
//!
//! Tokens are assembled by hand (base64url header, payload, signature): ES256 with a ring P-256
//! key (the fixed-size r‖s signature is JWS's), or RS256 with the RSA key of the test fixtures.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{
    EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The portal's client id at the fake provider.
pub(crate) const CLIENT_ID: &str = "sesame-portal";
/// Its secret.
pub(crate) const CLIENT_SECRET: &str = "portal-secret-42";
/// The key id of the provider's EC key.
pub(crate) const KID: &str = "ec-1";
/// The key id of its RSA key.
pub(crate) const RSA_KID: &str = "rsa-1";

const RSA_PKCS8_PEM: &str = include_str!("../fixtures/cps-card-rsa-2048.pk8.pem");

pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the token endpoint answers for a code whose checks passed.
pub(crate) enum TokenAnswer {
    /// 200 with an access token and this ID token (none: the field is left out).
    Tokens { id_token: Option<String> },
    /// 400 with this OAuth error.
    Error(&'static str),
}

/// What the userinfo endpoint answers for the access token of that code.
#[derive(Clone)]
pub(crate) enum UserinfoAnswer {
    /// `application/json`.
    Json(Value),
    /// `application/jwt`: a signed JWT.
    Jwt(String),
}

/// A code the provider will accept, and what it answers.
pub(crate) struct Grant {
    /// The `code_challenge` of the authorize URL.
    pub code_challenge: String,
    /// The `redirect_uri` of the authorize URL.
    pub redirect_uri: String,
    pub token: TokenAnswer,
    pub userinfo: UserinfoAnswer,
}

#[derive(Default)]
struct Books {
    grants: HashMap<String, Grant>,
    access: HashMap<String, UserinfoAnswer>,
    refusals: Vec<String>,
    token_requests: usize,
    userinfo_requests: usize,
}

/// The running provider.
#[derive(Clone)]
pub(crate) struct FakeOp {
    /// Its issuer: `http://127.0.0.1:<port>`, no trailing slash.
    pub issuer: String,
    key: Arc<EcdsaKeyPair>,
    rsa: Arc<RsaKeyPair>,
    books: Arc<Mutex<Books>>,
}

fn ec_key() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap()
}

fn rsa_key() -> RsaKeyPair {
    let b64: String = RSA_PKCS8_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(b64).unwrap()).unwrap()
}

/// A compact JWS of `header` and `claims`, signed by `sign` (empty: no signature).
fn jws(header: &Value, claims: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let signature = sign(input.as_bytes());
    format!("{input}.{}", b64url(&signature))
}

fn es256(key: &EcdsaKeyPair, message: &[u8]) -> Vec<u8> {
    let sig = key.sign(&SystemRandom::new(), message).unwrap();
    assert_eq!(sig.as_ref().len(), 64, "JWS ES256 is r‖s, 64 bytes");
    sig.as_ref().to_vec()
}

/// A random URL-safe string.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 24];
    SystemRandom::new().fill(&mut bytes).unwrap();
    b64url(&bytes)
}

/// base64url(SHA-256(`verifier`)): PKCE S256.
pub(crate) fn s256(verifier: &str) -> String {
    b64url(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()).as_ref())
}

impl FakeOp {
    /// Starts a provider on a free port of 127.0.0.1, on the test's runtime.
    pub(crate) async fn start() -> FakeOp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let op = FakeOp {
            issuer,
            key: Arc::new(ec_key()),
            rsa: Arc::new(rsa_key()),
            books: Arc::default(),
        };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(op.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        op
    }

    /// The RP-initiated logout endpoint it advertises.
    pub(crate) fn end_session_endpoint(&self) -> String {
        format!("{}/logout", self.issuer)
    }

    /// Registers `code`.
    pub(crate) fn grant(&self, code: &str, grant: Grant) {
        self.books
            .lock()
            .unwrap()
            .grants
            .insert(code.to_owned(), grant);
    }

    /// The token requests refused for a reason the test did not ask for (client
    /// authentication, code, redirect URI, PKCE).
    pub(crate) fn refusals(&self) -> Vec<String> {
        self.books.lock().unwrap().refusals.clone()
    }

    /// How many token and userinfo requests came.
    pub(crate) fn requests(&self) -> (usize, usize) {
        let books = self.books.lock().unwrap();
        (books.token_requests, books.userinfo_requests)
    }

    /// `claims` signed ES256 with the provider's key.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": KID});
        jws(&header, claims, |m| es256(&self.key, m))
    }

    /// `claims` signed ES256 with another key, under the provider's key id.
    pub(crate) fn sign_with_another_key(&self, claims: &Value) -> String {
        let other = ec_key();
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": KID});
        jws(&header, claims, |m| es256(&other, m))
    }

    /// `claims` signed RS256 with the provider's RSA key.
    pub(crate) fn sign_rs256(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": RSA_KID});
        jws(&header, claims, |m| {
            let mut sig = vec![0; self.rsa.public().modulus_len()];
            self.rsa
                .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), m, &mut sig)
                .unwrap();
            sig
        })
    }

    /// `claims` unsigned: `alg: none`, an empty signature.
    pub(crate) fn unsigned(claims: &Value) -> String {
        jws(&json!({"alg": "none", "typ": "JWT"}), claims, |_| {
            Vec::new()
        })
    }

    fn jwks(&self) -> Value {
        let point = self.key.public_key().as_ref();
        assert_eq!((point.len(), point[0]), (65, 4), "uncompressed P-256 point");
        let rsa = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(self.rsa.public());
        json!({"keys": [
            {
                "kty": "EC", "crv": "P-256", "kid": KID, "alg": "ES256", "use": "sig",
                "x": b64url(&point[1..33]), "y": b64url(&point[33..]),
            },
            {
                "kty": "RSA", "kid": RSA_KID, "alg": "RS256", "use": "sig",
                "n": b64url(&rsa.n), "e": b64url(&rsa.e),
            },
        ]})
    }
}

async fn discovery(State(op): State<FakeOp>) -> Json<Value> {
    let base = &op.issuer;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "end_session_endpoint": op.end_session_endpoint(),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
        "code_challenge_methods_supported": ["S256"],
        "acr_values_supported": ["eidas1", "eidas2"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "grant_types_supported": ["authorization_code"],
        "scopes_supported": ["openid", "scope_all", "profile", "email"],
    }))
}

async fn jwks(State(op): State<FakeOp>) -> Json<Value> {
    Json(op.jwks())
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

async fn token(
    State(op): State<FakeOp>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut books = op.books.lock().unwrap();
    books.token_requests += 1;
    let field = |name: &str| form.get(name).map(String::as_str);
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if authorization != Some(basic.as_str()) {
        books
            .refusals
            .push(format!("client authentication: {authorization:?}"));
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if field("grant_type") != Some("authorization_code") {
        books
            .refusals
            .push(format!("grant_type {:?}", field("grant_type")));
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(grant) = field("code").and_then(|c| books.grants.remove(c)) else {
        books
            .refusals
            .push(format!("unknown code {:?}", field("code")));
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    if field("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        books
            .refusals
            .push(format!("redirect_uri {:?}", field("redirect_uri")));
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    match field("code_verifier") {
        Some(verifier) if s256(verifier) == grant.code_challenge => {}
        verifier => {
            books.refusals.push(format!("PKCE: verifier {verifier:?}"));
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
    }
    match grant.token {
        TokenAnswer::Error(error) => oauth_error(StatusCode::BAD_REQUEST, error),
        TokenAnswer::Tokens { id_token } => {
            let access_token = random_token();
            books.access.insert(access_token.clone(), grant.userinfo);
            let mut body = json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "openid",
            });
            if let Some(id_token) = id_token {
                body["id_token"] = id_token.into();
            }
            Json(body).into_response()
        }
    }
}

async fn userinfo(State(op): State<FakeOp>, headers: HeaderMap) -> Response {
    let mut books = op.books.lock().unwrap();
    books.userinfo_requests += 1;
    let answer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| books.access.get(token).cloned());
    match answer {
        Some(UserinfoAnswer::Json(claims)) => Json(claims).into_response(),
        Some(UserinfoAnswer::Jwt(jwt)) => {
            ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response()
        }
        None => {
            books.refusals.push("userinfo: unknown access token".into());
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            )
                .into_response()
        }
    }
}
