//! HTTP-level tests: bad inputs, CSRF, security headers, unknown routes, OpenAPI, static files.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{post, test_app, test_app_with, test_config, SPICO};
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_core::ErrorCode;

const LOGIN: &str = "/api/login/password";

#[tokio::test]
async fn bad_inputs_get_a_4xx_with_an_api_error_never_a_5xx() {
    let app = test_app().await;
    let big = format!(
        r#"{{"portal":"spico","identifier":"x","password":"{}"}}"#,
        "a".repeat(1 << 20)
    );
    let cases: Vec<(&str, Vec<u8>, ErrorCode)> = vec![
        ("empty body", vec![], ErrorCode::InvalidRequest),
        ("1 MiB body", big.into_bytes(), ErrorCode::BodyTooLarge),
        ("invalid UTF-8", b"{\"portal\":\"spico\",\"identifier\":\"\xff\xfe\",\"password\":\"x\"}".to_vec(), ErrorCode::InvalidRequest),
        ("invalid JSON", b"{\"portal\": spico".to_vec(), ErrorCode::InvalidRequest),
        ("not an object", b"[1,2,3]".to_vec(), ErrorCode::InvalidRequest),
        ("wrong types", br#"{"portal":"spico","identifier":42,"password":true}"#.to_vec(), ErrorCode::InvalidRequest),
        ("missing field", br#"{"portal":"spico","identifier":"x"}"#.to_vec(), ErrorCode::InvalidRequest),
        ("unknown field", br#"{"portal":"spico","identifier":"x","password":"y","admin":true}"#.to_vec(), ErrorCode::InvalidRequest),
        ("raw NUL byte", b"{\"portal\":\"spico\",\"identifier\":\"a\0b\",\"password\":\"x\"}".to_vec(), ErrorCode::InvalidRequest),
        ("escaped NUL in identifier", br#"{"portal":"spico","identifier":"marie.dupont\u0000","password":"Soins-Occitanie-2026!"}"#.to_vec(), ErrorCode::InvalidCredentials),
        ("NUL in password", br#"{"portal":"spico","identifier":"marie.dupont","password":"a\u0000b"}"#.to_vec(), ErrorCode::InvalidCredentials),
        ("NUL in portal", br#"{"portal":"spi\u0000co","identifier":"x","password":"y"}"#.to_vec(), ErrorCode::InvalidRequest),
        ("huge identifier", format!(r#"{{"portal":"spico","identifier":"{}","password":"y"}}"#, "é".repeat(4000)).into_bytes(), ErrorCode::InvalidCredentials),
        ("lone surrogate", br#"{"portal":"spico","identifier":"\ud800","password":"y"}"#.to_vec(), ErrorCode::InvalidRequest),
        ("deep nesting", format!("{}{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes(), ErrorCode::InvalidRequest),
    ];
    for (name, body, code) in cases {
        let answer = app.post_json(LOGIN, body, None).await;
        assert!(answer.status.is_client_error(), "{name}: {}", answer.status);
        let e = answer.error();
        assert_eq!(e.code, code, "{name}: {e:?}");
    }

    // Content types.
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut req = post(LOGIN).header(CSRF_HEADER, "1");
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let body = r#"{"portal":"spico","identifier":"x","password":"y"}"#;
        let answer = app.send(req.body(Body::from(body)).unwrap()).await;
        answer.assert_error(ErrorCode::UnsupportedMediaType);
    }
    let (portal, id, pw) = SPICO;
    let req = post(LOGIN)
        .header(CSRF_HEADER, "1")
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(
            serde_json::json!({"portal": portal, "identifier": id, "password": pw}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.send(req).await.status,
        200,
        "charset parameter accepted"
    );

    // The same on the password change endpoint, with a session.
    let cookie = app.login(portal, id, pw).await.cookie();
    for (body, code) in [
        (&b""[..], ErrorCode::InvalidRequest),
        (
            &br#"{"current_password":1,"new_password":2}"#[..],
            ErrorCode::InvalidRequest,
        ),
        (
            &br#"{"current_password":"a","new_password":"b","x":1}"#[..],
            ErrorCode::InvalidRequest,
        ),
    ] {
        app.post_json(
            paths_api(paths::CHANGE_PASSWORD).as_str(),
            body.to_vec(),
            Some(&cookie),
        )
        .await
        .assert_error(code);
    }
    let huge = format!(
        r#"{{"current_password":"a","new_password":"{}"}}"#,
        "b".repeat(20_000)
    );
    app.post_json("/api/password/change", huge, Some(&cookie))
        .await
        .assert_error(ErrorCode::BodyTooLarge);
}

fn paths_api(path: &str) -> String {
    format!("/api{path}")
}

#[tokio::test]
async fn csrf_header_and_origin_are_required_for_posts() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let body = serde_json::json!({"portal": portal, "identifier": id, "password": pw}).to_string();
    let send = |csrf: Option<&'static str>, origin: Option<&'static str>| {
        let mut req = post(LOGIN).header(header::CONTENT_TYPE, "application/json");
        if let Some(v) = csrf {
            req = req.header(CSRF_HEADER, v);
        }
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        app.send(req.body(Body::from(body.clone())).unwrap())
    };
    send(None, None).await.assert_error(ErrorCode::CsrfRejected);
    send(Some("0"), None)
        .await
        .assert_error(ErrorCode::CsrfRejected);
    send(Some("1"), Some("https://evil.example"))
        .await
        .assert_error(ErrorCode::CsrfRejected);
    send(Some("1"), Some("null"))
        .await
        .assert_error(ErrorCode::CsrfRejected);
    send(Some("1"), Some("http://127.0.0.1:8081"))
        .await
        .assert_error(ErrorCode::CsrfRejected);
    assert_eq!(
        send(Some("1"), Some("http://127.0.0.1:8080")).await.status,
        200
    );
    assert_eq!(
        send(Some("1"), Some("http://localhost:8080")).await.status,
        200
    );
    assert_eq!(send(Some("1"), None).await.status, 200);
    // Logout is a POST too.
    let answer = app
        .send(post("/api/logout").body(Body::empty()).unwrap())
        .await;
    answer.assert_error(ErrorCode::CsrfRejected);
    // GETs need nothing.
    assert_eq!(
        app.send(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap()
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn configured_origins_replace_the_defaults() {
    let app = test_app_with(sesame_demo::Config {
        allowed_origins: vec!["https://portail.example".into()],
        ..test_config()
    })
    .await;
    let (portal, id, pw) = SPICO;
    let body = serde_json::json!({"portal": portal, "identifier": id, "password": pw}).to_string();
    for (origin, ok) in [
        ("https://portail.example", true),
        ("http://127.0.0.1:8080", false),
    ] {
        let req = post(LOGIN)
            .header(header::CONTENT_TYPE, "application/json")
            .header(CSRF_HEADER, "1")
            .header(header::ORIGIN, origin)
            .body(Body::from(body.clone()))
            .unwrap();
        assert_eq!(app.send(req).await.status == StatusCode::OK, ok, "{origin}");
    }
}

#[tokio::test]
async fn unknown_api_routes_and_wrong_methods_answer_json() {
    let app = test_app().await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    app.send(get("/api/nope"))
        .await
        .assert_error(ErrorCode::NotFound);
    app.send(get("/api/login"))
        .await
        .assert_error(ErrorCode::NotFound);
    app.send(get(LOGIN))
        .await
        .assert_error(ErrorCode::MethodNotAllowed);
    app.post_json("/api/session", "{}", None)
        .await
        .assert_error(ErrorCode::MethodNotAllowed);
    app.post_json("/api/nope", "{}", None)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = test_app().await;
    let answers = [
        app.send(Request::get("/api/session").body(Body::empty()).unwrap())
            .await,
        app.send(Request::get("/api/nope").body(Body::empty()).unwrap())
            .await,
        app.send(Request::get("/").body(Body::empty()).unwrap())
            .await,
        app.send(
            Request::get("/widget/missing.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
        app.login("spico", "x", "y").await,
        app.send(post(LOGIN).body(Body::empty()).unwrap()).await,
    ];
    for a in answers {
        let csp = a.headers.get(header::CONTENT_SECURITY_POLICY).expect("CSP");
        assert_eq!(csp, sesame_demo::security_headers::CONTENT_SECURITY_POLICY);
        assert!(csp
            .to_str()
            .unwrap()
            .contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert_eq!(
            a.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff"
        );
        assert_eq!(
            a.headers.get(header::REFERRER_POLICY).unwrap(),
            "no-referrer"
        );
    }
}

#[tokio::test]
async fn openapi_lists_every_path_of_the_api() {
    let app = test_app().await;
    let answer = app
        .send(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, 200);
    let doc = answer.json();
    let documented = doc["paths"].as_object().expect("paths");
    let all = [
        (paths::LOGIN_PASSWORD, "post"),
        (paths::LOGIN_CAPTCHA_CHALLENGE, "post"),
        (paths::LOGIN_CODE_SEND, "post"),
        (paths::LOGIN_CODE, "post"),
        (paths::LOGIN_CPS_NONCE, "post"),
        (paths::LOGIN_CPS, "post"),
        (paths::LOGIN_QR, "post"),
        (paths::LOGIN_QR_STATUS, "post"),
        (paths::LOGIN_QR_EVENTS, "get"),
        (paths::PHONE_REQUEST, "post"),
        (paths::PHONE_APPROVE, "post"),
        (paths::PHONE_DECLINE, "post"),
        (paths::PHONE_ENROLMENT, "post"),
        (paths::PHONE_ENROL, "post"),
        (paths::LOGIN_OIDC_START, "post"),
        (paths::LOGIN_OIDC_CALLBACK, "get"),
        (paths::SESSION_ESTABLISHMENT, "post"),
        (paths::LOGOUT, "post"),
        (paths::SESSION, "get"),
        (paths::CHANGE_PASSWORD, "post"),
        (paths::SESSION_TERMS, "post"),
        (paths::ACCOUNT_FORGOT_PASSWORD, "post"),
        (paths::ACCOUNT_FORGOT_IDENTIFIER, "post"),
        (paths::ACCOUNT_LINK, "post"),
        (paths::ACCOUNT_SET_PASSWORD, "post"),
        (paths::ACCOUNT_SIGNUP_SEND, "post"),
        (paths::ACCOUNT_SIGNUP_CONFIRM, "post"),
        (paths::OPENAPI, "get"),
    ];
    assert_eq!(documented.len(), all.len(), "{:?}", documented.keys());
    for (path, method) in all {
        let full = format!("/api{path}");
        assert!(
            documented.get(&full).and_then(|p| p.get(method)).is_some(),
            "{method} {full} not documented"
        );
    }
    // The shared error answers are listed on both JSON endpoints.
    for path in [paths::LOGIN_PASSWORD, paths::CHANGE_PASSWORD] {
        let responses = &doc["paths"][format!("/api{path}")]["post"]["responses"];
        for status in ["400", "401", "403", "413", "415", "422", "429", "503"] {
            assert!(
                responses.get(status).is_some(),
                "{path}: {status} not documented"
            );
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "LoginPasswordRequest",
        "ChangePasswordRequest",
        "SessionInfo",
        "ApiError",
        "ErrorCode",
        "RuleOutcome",
        "CodeStep",
        "Enrolment",
        "SendCodeRequest",
        "VerifyCodeRequest",
        "OtpChannel",
        "LinkInfo",
        "PasswordSet",
        "Terms",
        "TermsRequest",
        "SetPasswordRequest",
        "SignupConfirmRequest",
    ] {
        assert!(schemas.contains_key(name), "{name} schema missing");
    }
}

#[tokio::test]
async fn serves_the_page_its_assets_and_the_widget() {
    let page = tempfile::tempdir().unwrap();
    let widget = tempfile::tempdir().unwrap();
    std::fs::write(
        page.path().join("index.html"),
        "<!doctype html><title>Sésame</title>",
    )
    .unwrap();
    std::fs::create_dir_all(page.path().join("demo/page")).unwrap();
    std::fs::write(page.path().join("demo/page/demo.js"), "export {};").unwrap();
    std::fs::write(
        widget.path().join("sesame_widget_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(widget.path().join("sesame-login.js"), "export {};").unwrap();
    std::fs::write(widget.path().join("sesame-login.js.br"), b"BROTLI-BYTES").unwrap();
    let app = test_app_with(sesame_demo::Config {
        page_dir: page.path().into(),
        widget_dir: widget.path().into(),
        ..test_config()
    })
    .await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let index = app.send(get("/")).await;
    assert_eq!(index.status, 200);
    assert!(String::from_utf8_lossy(&index.body).contains("Sésame"));
    assert!(index.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let js = app.send(get("/demo/demo.js")).await;
    assert_eq!(js.status, 200);
    assert!(js.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let wasm = app.send(get("/widget/sesame_widget_bg.wasm")).await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.headers[header::CONTENT_TYPE], "application/wasm");
    let plain = app.send(get("/widget/sesame-login.js")).await;
    assert_eq!(plain.status, 200);
    assert_eq!(&plain.body[..], b"export {};");
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    // A browser that accepts brotli gets the precompressed copy, with the original's type.
    let br = app
        .send(
            Request::get("/widget/sesame-login.js")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(br.status, 200);
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert!(br.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(&br.body[..], b"BROTLI-BYTES");
    assert_eq!(app.send(get("/widget/nope.js")).await.status, 404);
    assert_eq!(app.send(get("/widget/../index.html")).await.status, 404);
    assert_eq!(app.send(get("/nope")).await.status, 404);
}

#[tokio::test]
async fn a_missing_widget_dir_gives_404() {
    let app = test_app_with(sesame_demo::Config {
        widget_dir: "/nonexistent/sesame/widget".into(),
        ..test_config()
    })
    .await;
    let answer = app
        .send(
            Request::get("/widget/sesame-login.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn server_errors_hide_their_details() {
    let app = test_app().await;
    app.db.close().await;
    let (portal, id, pw) = SPICO;
    let answer = app.login(portal, id, pw).await;
    assert_eq!(answer.status, 500);
    let e = answer.assert_error(ErrorCode::InternalError);
    assert_eq!(
        e.message,
        ErrorCode::InternalError.text(sesame_core::Lang::En)
    );
}

#[tokio::test]
async fn the_extension_packages_are_offered_by_browser() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sesame-0.1.0-firefox.xpi"), b"XPI").unwrap();
    std::fs::write(dir.path().join("sesame-0.1.0-chromium.zip"), b"ZIP").unwrap();
    let app = test_app_with(sesame_demo::Config {
        extension_dir: dir.path().into(),
        ..test_config()
    })
    .await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let xpi = app.send(get("/extension/firefox.xpi")).await;
    assert_eq!(xpi.status, 200);
    assert_eq!(&xpi.body[..], b"XPI");
    assert_eq!(xpi.headers[header::CONTENT_TYPE], "application/x-xpinstall");
    assert!(xpi.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("sesame-0.1.0-firefox.xpi"));
    let zip = app.send(get("/extension/chromium.zip")).await;
    assert_eq!(&zip.body[..], b"ZIP");
    for bad in [
        "/extension/safari.zip",
        "/extension/..%2Fsecret",
        "/extension/sesame-0.1.0-firefox.xpi",
    ] {
        assert_eq!(app.send(get(bad)).await.status, 404, "{bad}");
    }
    let empty = tempfile::tempdir().unwrap();
    let app = test_app_with(sesame_demo::Config {
        extension_dir: empty.path().into(),
        ..test_config()
    })
    .await;
    assert_eq!(app.send(get("/extension/firefox.xpi")).await.status, 404);
}
