//! The widget on another origin than the API: CORS for the listed origins only, and the
//! cross-site cookies of `SESAME_CROSS_SITE`.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{post, test_app_with, test_config, Answer, TestApp, SPICO};
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_core::ErrorCode;

const PORTAL: &str = "https://portal.example";
const OTHER: &str = "https://attacker.example";

async fn cross_origin_app(cross_site: bool) -> TestApp {
    test_app_with(sesame_demo::Config {
        allowed_origins: vec![PORTAL.into(), "https://second.example".into()],
        cross_site,
        ..test_config()
    })
    .await
}

async fn preflight(app: &TestApp, origin: &str) -> Answer {
    app.send(
        Request::builder()
            .method(Method::OPTIONS)
            .uri(["/api", paths::LOGIN_PASSWORD].concat())
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                ["content-type,", CSRF_HEADER].concat(),
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn login_from(app: &TestApp, origin: &str) -> Answer {
    let (portal, identifier, password) = SPICO;
    let body =
        serde_json::json!({ "portal": portal, "identifier": identifier, "password": password });
    app.send(
        post(&["/api", paths::LOGIN_PASSWORD].concat())
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/json")
            .header(CSRF_HEADER, "1")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

fn header(answer: &Answer, name: header::HeaderName) -> Option<&str> {
    answer.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_listed_origin_gets_its_preflight_with_credentials_and_the_csrf_header() {
    let app = cross_origin_app(false).await;
    let answer = preflight(&app, PORTAL).await;
    assert!(answer.status.is_success(), "{}", answer.status);
    assert_eq!(
        header(&answer, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(PORTAL)
    );
    assert_eq!(
        header(&answer, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    let allowed = header(&answer, header::ACCESS_CONTROL_ALLOW_HEADERS).unwrap_or_default();
    assert!(allowed.contains(CSRF_HEADER), "{allowed}");
    assert!(allowed.contains("content-type"), "{allowed}");
    assert_eq!(
        header(&answer, header::ACCESS_CONTROL_MAX_AGE),
        Some(
            sesame_demo::cross_origin::PREFLIGHT_MAX_AGE
                .as_secs()
                .to_string()
                .as_str()
        )
    );

    let login = login_from(&app, PORTAL).await;
    assert_eq!(
        login.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&login.body)
    );
    assert_eq!(
        header(&login, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(PORTAL)
    );
    assert_eq!(
        header(&login, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    // Without SESAME_CROSS_SITE, the cookies keep SameSite=Strict (same-site origins).
    assert!(
        login.set_cookie().contains("SameSite=Strict"),
        "{}",
        login.set_cookie()
    );
}

#[tokio::test]
async fn an_origin_not_listed_gets_no_cors_header_and_no_csrf_pass() {
    let app = cross_origin_app(true).await;
    let answer = preflight(&app, OTHER).await;
    assert_eq!(header(&answer, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    assert_eq!(
        header(&answer, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        None
    );
    // (`Access-Control-Allow-Headers` may be there: without an allowed origin the browser
    // refuses the preflight as a whole.)

    let login = login_from(&app, OTHER).await;
    login.assert_error(ErrorCode::CsrfRejected);
    assert_eq!(header(&login, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
    assert!(login.headers.get(header::SET_COOKIE).is_none());

    // Nor does a GET of the session from it carry CORS headers: its script cannot read it.
    let session = app
        .send(
            Request::builder()
                .uri(["/api", paths::SESSION].concat())
                .header(header::ORIGIN, OTHER)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(header(&session, header::ACCESS_CONTROL_ALLOW_ORIGIN), None);
}

#[tokio::test]
async fn cross_site_mode_sends_every_cookie_same_site_none_and_secure() {
    let app = cross_origin_app(true).await;
    let login = login_from(&app, PORTAL).await;
    assert_eq!(
        login.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&login.body)
    );
    let cookies: Vec<&str> = login
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(!cookies.is_empty());
    for cookie in &cookies {
        assert!(cookie.contains("; SameSite=None"), "{cookie}");
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert!(cookie.contains("; HttpOnly"), "{cookie}");
        assert!(
            !cookie.contains("Strict") && !cookie.contains("Lax"),
            "{cookie}"
        );
    }
    // The session it names works from that origin.
    let session = app.session(Some(&login.cookie())).await;
    assert_eq!(session.status, StatusCode::OK);
}
