//! Shared helpers of the handler tests: an app over a fresh in-memory database, with a clock
//! the test moves.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sesame_core::api::CSRF_HEADER;
use sesame_core::{ApiError, ErrorCode};
use sesame_demo::db::Db;
use sesame_demo::{AppState, Config};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-01-01T00:00:00Z.
pub const START: i64 = 1_767_225_600;

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub time: Arc<AtomicI64>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as an ApiError, asserting the status matches the code.
    pub fn error(&self) -> ApiError {
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

    pub fn assert_error(&self, code: ErrorCode) -> ApiError {
        let e = self.error();
        assert_eq!(e.code, code, "{e:?}");
        e
    }

    /// `GET /api/session` found no session: 204, empty body.
    pub fn assert_no_session(&self) {
        assert_eq!(
            self.status.as_u16(),
            204,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.body.is_empty());
    }

    /// The session cookie's `name=value` from Set-Cookie.
    pub fn cookie(&self) -> String {
        self.set_cookie().split(';').next().unwrap().to_owned()
    }

    pub fn set_cookie(&self) -> String {
        self.headers
            .get(header::SET_COOKIE)
            .expect("Set-Cookie")
            .to_str()
            .unwrap()
            .to_owned()
    }
}

pub fn test_config() -> Config {
    Config {
        database_url: "sqlite::memory:".into(),
        ..Config::default()
    }
}

pub async fn test_app() -> TestApp {
    test_app_with(test_config()).await
}

pub async fn test_app_with(config: Config) -> TestApp {
    let db = sesame_demo::db::connect(&config.database_url)
        .await
        .unwrap();
    sesame_demo::seed::seed(&db).await.unwrap();
    let time = Arc::new(AtomicI64::new(START));
    let t = time.clone();
    let state = AppState::new(
        config,
        db.clone(),
        Arc::new(move || t.load(Ordering::SeqCst)),
    );
    TestApp {
        router: sesame_demo::app(state),
        db,
        time,
    }
}

impl TestApp {
    pub fn advance(&self, seconds: i64) {
        self.time.fetch_add(seconds, Ordering::SeqCst);
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
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

    pub async fn post_json(
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

    pub async fn login(&self, portal: &str, identifier: &str, password: &str) -> Answer {
        let body =
            serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
        self.post_json("/api/login/password", body.to_string(), None)
            .await
    }

    pub async fn session(&self, cookie: Option<&str>) -> Answer {
        let mut req = Request::get("/api/session");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn change_password(&self, cookie: &str, current: &str, new: &str) -> Answer {
        let body = serde_json::json!({"current_password": current, "new_password": new});
        self.post_json("/api/password/change", body.to_string(), Some(cookie))
            .await
    }

    pub async fn logout(&self, cookie: Option<&str>) -> Answer {
        let mut req = post("/api/logout").header(CSRF_HEADER, "1");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn audit_rows(&self) -> Vec<(i64, String, String, String, String, String)> {
        sqlx::query_as(
            "SELECT at, event, portal, identifier, ip, outcome FROM audit_log ORDER BY at",
        )
        .fetch_all(&self.db)
        .await
        .unwrap()
    }
}

pub fn post(path: &str) -> axum::http::request::Builder {
    Request::builder().method(Method::POST).uri(path)
}

pub const SPICO: (&str, &str, &str) = ("spico", "marie.dupont", "Soins-Occitanie-2026!");
