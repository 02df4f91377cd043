//! Shared helpers of the handler tests: an app over a fresh in-memory database, with a clock
//! the test moves.
#![allow(dead_code)]

pub(crate) mod fake_op;

use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, MockConnectInfo};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sesame_core::api::CSRF_HEADER;
use sesame_core::{ApiError, ErrorCode};
use sesame_demo::db::Db;
use sesame_demo::{AppState, Config};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// The client address of every test request unless one says otherwise.
pub(crate) const CLIENT: ([u8; 4], u16) = ([192, 0, 2, 1], 40_000);

/// 2026-01-01T00:00:00Z.
pub(crate) const START: i64 = 1_767_225_600;

pub(crate) struct TestApp {
    pub router: Router,
    pub db: Db,
    pub time: Arc<AtomicI64>,
}

pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as an ApiError, asserting the status matches the code.
    pub(crate) fn error(&self) -> ApiError {
        let e: ApiError = serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "status {}: not an ApiError ({err}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        });
        assert_eq!(self.status.as_u16(), e.code.http_status(), "{e:?}");
        e
    }

    pub(crate) fn assert_error(&self, code: ErrorCode) -> ApiError {
        let e = self.error();
        assert_eq!(e.code, code, "{e:?}");
        e
    }

    /// `GET /api/session` found no session: 204, empty body.
    pub(crate) fn assert_no_session(&self) {
        assert_eq!(
            self.status.as_u16(),
            204,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.body.is_empty());
    }

    /// The session cookie's `name=value` from Set-Cookie.
    pub(crate) fn cookie(&self) -> String {
        self.set_cookie().split(';').next().unwrap().to_owned()
    }

    /// The `name=value` of the Set-Cookie header for the cookie `name`, if any.
    pub(crate) fn cookie_named(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
            .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name))
    }

    pub(crate) fn set_cookie(&self) -> String {
        self.headers
            .get(header::SET_COOKIE)
            .expect("Set-Cookie")
            .to_str()
            .unwrap()
            .to_owned()
    }
}

/// The PostgreSQL server to test on (`postgres://user@host:port`, without a database), set by
/// `cargo xtask test`'s stage "demo handler tests on PostgreSQL"; SQLite in memory without it.
pub(crate) const POSTGRES_URL_VAR: &str = "SESAME_TEST_POSTGRES_URL";

/// The test server's PostgreSQL URL, if the tests run on PostgreSQL.
pub(crate) fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .map(|u| u.trim().trim_end_matches('/').to_owned())
}

/// A new, empty database of its own for one test: `sqlite::memory:` (each app's pool is its
/// own database), or on PostgreSQL a database `test_<random>` created now on the test server.
pub(crate) fn test_database_url() -> String {
    match postgres_server() {
        Some(server) => new_postgres_database(&server),
        None => "sqlite::memory:".into(),
    }
}

/// Creates `test_<random>` on `server` (through its maintenance database) and returns its URL.
/// Synchronous, so that `test_config` stays a plain function: the creation runs on a thread
/// and runtime of its own, also when called from a test's runtime.
pub(crate) fn new_postgres_database(server: &str) -> String {
    let name = format!("test_{}", sesame_demo::token::random_hex(8).unwrap());
    let url = format!("{server}/{name}");
    let create = url.clone();
    std::thread::spawn(move || {
        use sqlx::migrate::MigrateDatabase;
        sqlx::any::install_default_drivers();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(sqlx::Any::create_database(&create))
    })
    .join()
    .unwrap()
    .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    url
}

/// A database several apps of one test open (a restart, two instances): the file `name` in
/// `dir` on SQLite, a new database on PostgreSQL.
pub(crate) fn shared_database_url(dir: &std::path::Path, name: &str) -> String {
    match postgres_server() {
        Some(server) => new_postgres_database(&server),
        None => format!("sqlite://{}?mode=rwc", dir.join(name).display()),
    }
}

pub(crate) fn test_config() -> Config {
    Config {
        database_url: test_database_url(),
        dev_mode: true,
        ..Config::default()
    }
}

pub(crate) async fn test_app() -> TestApp {
    test_app_with(test_config()).await
}

/// An app on core's presets, except that the "not a robot" step the presets ask after
/// failures is left out: the brute-force tests count failures that the step (after 3) would
/// otherwise stop before the password is checked. The step after failures is tested on its
/// own in `captcha.rs`; Entr'Actes' (always) stays.
pub(crate) async fn test_app_with(config: Config) -> TestApp {
    test_app_custom(config, |state| {
        state.with_portals(presets_without_captcha_after_failures())
    })
    .await
}

/// Core's presets without their captcha step after failures.
pub(crate) fn presets_without_captcha_after_failures() -> Vec<sesame_core::PortalConfig> {
    sesame_demo::portals::presets_without_captcha_after_failures()
}

/// An app whose state `adjust` changes (senders, portals…).
pub(crate) async fn test_app_custom(
    config: Config,
    adjust: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let db = sesame_demo::db::connect(&config.database_url)
        .await
        .unwrap();
    sesame_demo::seed::seed(&db).await.unwrap();
    let time = Arc::new(AtomicI64::new(START));
    let t = time.clone();
    let state = adjust(AppState::new(
        config,
        db.clone(),
        Arc::new(move || t.load(Ordering::SeqCst)),
    ));
    TestApp {
        router: sesame_demo::app(state).layer(MockConnectInfo(SocketAddr::from(CLIENT))),
        db,
        time,
    }
}

impl TestApp {
    /// A handle on the same app, for a task.
    pub(crate) fn clone_handle(&self) -> TestApp {
        TestApp {
            router: self.router.clone(),
            db: self.db.clone(),
            time: self.time.clone(),
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.time.load(Ordering::SeqCst)
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.time.fetch_add(seconds, Ordering::SeqCst);
    }

    pub(crate) async fn send(&self, request: Request<Body>) -> Answer {
        send_to(self.router.clone(), request).await
    }

    pub(crate) async fn post_json(
        &self,
        path: &str,
        body: impl Into<Body>,
        cookie: Option<&str>,
    ) -> Answer {
        let mut req = post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(CSRF_HEADER, "1");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    pub(crate) async fn login(&self, portal: &str, identifier: &str, password: &str) -> Answer {
        let mut body =
            serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
        self.solve_captcha_if_always(portal, "password", &mut body)
            .await;
        self.post_json("/api/login/password", body.to_string(), None)
            .await
    }

    /// `POST /api/login/captcha/challenge`: a new proof-of-work challenge.
    pub(crate) async fn challenge(&self) -> sesame_core::captcha::CaptchaChallenge {
        let answer = self
            .post_json("/api/login/captcha/challenge", "", None)
            .await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        serde_json::from_value(answer.json()).unwrap()
    }

    /// For a preset whose offer of `method` asks the captcha at every login (Entr'Actes), a
    /// new challenge solved as a browser would (core's `solve`, `payload`), in `body`.
    pub(crate) async fn solve_captcha_if_always(
        &self,
        portal: &str,
        method: &str,
        body: &mut serde_json::Value,
    ) {
        use sesame_core::captcha::CaptchaRequired;
        let Some(config) = sesame_core::PortalConfig::preset(portal) else {
            return;
        };
        let always = config
            .captcha
            .as_ref()
            .is_some_and(|c| c.required == CaptchaRequired::Always);
        let offered = config
            .offers()
            .find(|o| o.method.as_str() == method)
            .is_some_and(|o| o.steps().contains(&sesame_core::Step::Captcha));
        if !(always && offered) {
            return;
        }
        let challenge = self.challenge().await;
        let number = challenge.solve().expect("a challenge that has a number");
        body["captcha"] = challenge.payload(number).into();
    }

    /// A login with extra headers (a cookie, `X-Forwarded-For`…) and, if given, from `peer`.
    pub(crate) async fn login_with(
        &self,
        (portal, identifier, password): (&str, &str, &str),
        headers: &[(&str, &str)],
        peer: Option<SocketAddr>,
    ) -> Answer {
        self.send(login_request((portal, identifier, password), headers, peer))
            .await
    }

    /// `n` logins sent at once; their answers.
    pub(crate) async fn parallel_logins(&self, n: usize, creds: (&str, &str, &str)) -> Vec<Answer> {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let app = TestApp {
                router: self.router.clone(),
                db: self.db.clone(),
                time: self.time.clone(),
            };
            let req = login_request(creds, &[], None);
            set.spawn(async move { app.send(req).await });
        }
        set.join_all().await
    }

    /// The account's stored consecutive-failure count.
    pub(crate) async fn failures(&self, portal: &str, identifier: &str) -> i64 {
        let (n,): (i64,) =
            sqlx::query_as("SELECT failures FROM accounts WHERE portal = $1 AND identifier = $2")
                .bind(portal)
                .bind(identifier)
                .fetch_one(&self.db)
                .await
                .unwrap();
        n
    }

    /// A password login with `method` (`"password"`, `"otp"`).
    pub(crate) async fn login_method(
        &self,
        (portal, identifier, password): (&str, &str, &str),
        method: &str,
        cookie: Option<&str>,
    ) -> Answer {
        let mut body = serde_json::json!({"portal": portal, "identifier": identifier,
            "password": password, "method": method});
        self.solve_captcha_if_always(portal, method, &mut body)
            .await;
        self.post_json("/api/login/password", body.to_string(), cookie)
            .await
    }

    /// `POST /api/login/code/send`.
    pub(crate) async fn send_code(&self, cookie: &str, channel: &str) -> Answer {
        let body = serde_json::json!({ "channel": channel });
        self.post_json("/api/login/code/send", body.to_string(), Some(cookie))
            .await
    }

    /// `POST /api/login/code`.
    pub(crate) async fn verify_code(&self, cookie: &str, code: &str) -> Answer {
        let body = serde_json::json!({ "code": code });
        self.post_json("/api/login/code", body.to_string(), Some(cookie))
            .await
    }

    /// The messages of the outbox to `to`, newest first (`GET /api/demo/outbox?to=`).
    pub(crate) async fn outbox(&self, to: &str) -> Vec<serde_json::Value> {
        let query: String = to
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let answer = self
            .send(
                Request::get(format!("/api/demo/outbox?to={query}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json().as_array().cloned().unwrap_or_default()
    }

    /// The code of the newest message to `to`.
    pub(crate) async fn last_code(&self, to: &str) -> String {
        let messages = self.outbox(to).await;
        let newest = messages
            .first()
            .unwrap_or_else(|| panic!("nothing sent to {to}"));
        newest["code"].as_str().expect("a code").to_owned()
    }

    /// Logs in with password then code as the account's preset asks (the `method`'s steps; an
    /// SMS code when the portal lets the person choose, the e-mail when it sends there alone);
    /// the final answer. Not for the app (see the OTP tests).
    pub(crate) async fn login_with_code(
        &self,
        account: &sesame_demo::seed::DemoAccount,
        method: &str,
    ) -> Answer {
        let first = self
            .login_method(
                (account.portal, account.identifier, account.password),
                method,
                None,
            )
            .await;
        if first.status != 202 {
            return first;
        }
        let cookie = first
            .cookie_named(sesame_demo::attempt::cookie_name(true))
            .expect("the attempt cookie");
        let step = first.json();
        let to = if step["channel"].is_null() {
            let sent = self.send_code(&cookie, "sms").await;
            assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));
            account.phone
        } else if step["channel"] == "sms" {
            account.phone
        } else {
            account.email
        };
        let code = self.last_code(to).await;
        self.verify_code(&cookie, &code).await
    }

    pub(crate) async fn session(&self, cookie: Option<&str>) -> Answer {
        let mut req = Request::get("/api/session");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub(crate) async fn change_password(&self, cookie: &str, current: &str, new: &str) -> Answer {
        let body = serde_json::json!({"current_password": current, "new_password": new});
        self.post_json("/api/password/change", body.to_string(), Some(cookie))
            .await
    }

    pub(crate) async fn logout(&self, cookie: Option<&str>) -> Answer {
        let mut req = post("/api/logout").header(CSRF_HEADER, "1");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub(crate) async fn audit_rows(&self) -> Vec<(i64, String, String, String, String, String)> {
        sqlx::query_as(
            "SELECT at, event, portal, identifier, ip, outcome FROM audit_log ORDER BY at",
        )
        .fetch_all(&self.db)
        .await
        .unwrap()
    }
}

/// A login request with extra headers, from `peer` if given (else [`CLIENT`]).
pub(crate) fn login_request(
    (portal, identifier, password): (&str, &str, &str),
    headers: &[(&str, &str)],
    peer: Option<SocketAddr>,
) -> Request<Body> {
    let body =
        serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
    let mut req = post("/api/login/password")
        .header(header::CONTENT_TYPE, "application/json")
        .header(CSRF_HEADER, "1");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let mut req = req.body(Body::from(body.to_string())).unwrap();
    if let Some(peer) = peer {
        req.extensions_mut().insert(ConnectInfo(peer));
    }
    req
}

pub(crate) fn post(path: &str) -> axum::http::request::Builder {
    Request::builder().method(Method::POST).uri(path)
}

pub(crate) const SPICO: (&str, &str, &str) = ("spico", "marie.dupont", "Soins-Occitanie-2026!");

/// Sends `request` to `router` and reads the whole answer.
pub(crate) async fn send_to(router: axum::Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}
