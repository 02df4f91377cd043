//! What the server logs. Alone in its test binary: tracing caches which call sites are enabled
//! per process, and a test-local subscriber must not race the other tests for that.

mod common;

use common::test_app;

/// A `MakeWriter` into a shared buffer, to read what was logged.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn requests_are_logged_by_path_never_with_their_query() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        // No timestamps: their digits could contain a 6-digit code by chance.
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = test_app().await;
    let answer = app
        .send(
            axum::http::Request::get("/api/session?identifier=marie&password=Query-Secret-1")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, 204);

    // One-time codes: neither the code, nor the app's secret, nor the attempt token is logged.
    let spico = sesame_demo::seed::DEMO_ACCOUNTS[1];
    let paaco = sesame_demo::seed::DEMO_ACCOUNTS[0];
    assert_eq!((spico.portal, paaco.portal), ("spico", "paaco"));
    let started = app
        .login_method(
            (spico.portal, spico.identifier, spico.password),
            "otp",
            None,
        )
        .await;
    let attempt = started.cookie_named("sesame-attempt").unwrap();
    assert_eq!(app.send_code(&attempt, "sms").await.status, 200);
    let code = app.last_code(spico.phone).await;
    assert_eq!(app.verify_code(&attempt, "000000").await.status, 401);
    assert_eq!(app.verify_code(&attempt, &code).await.status, 200);
    let enrolment = app
        .login_method(
            (paaco.portal, paaco.identifier, paaco.password),
            "otp",
            None,
        )
        .await
        .json();
    let secret: String = enrolment["enrol"]["secret"]
        .as_str()
        .unwrap()
        .split(' ')
        .collect();
    let token = attempt.split_once('=').unwrap().1.to_owned();

    // CPS: neither the nonce, nor the browser's CPS token, nor what the card sent is logged.
    let answer = app.post_json("/api/login/cps/nonce", "", None).await;
    assert_eq!(answer.status, 200);
    let nonce = answer.json()["nonce"].as_str().unwrap().to_owned();
    let cps_cookie = answer
        .cookie_named(sesame_demo::cps::COOKIE_NAME)
        .expect("the CPS cookie");
    let cps_token = cps_cookie.split_once('=').unwrap().1.to_owned();
    let body = serde_json::json!({
        "portal": "paaco", "certificate": "Q2VydGlmaWNhdC1TZWNyZXQ", "algorithm": "ES256",
        "signature": "U2lnbmF0dXJlLVNlY3JldA", "origin": "http://127.0.0.1:8080", "nonce": nonce,
    });
    let req = common::post("/api/login/cps")
        .header("content-type", "application/json")
        .header(sesame_core::api::CSRF_HEADER, "1")
        .header("origin", "http://127.0.0.1:8080")
        .header("cookie", &cps_cookie);
    let answer = app
        .send(req.body(axum::body::Body::from(body.to_string())).unwrap())
        .await;
    assert_eq!(answer.status, 400, "garbage DER");

    // Account journeys: neither a link's token, nor a sign-up code, nor a password set.
    let body = serde_json::json!({"portal": "spico", "identifier": "sophie.martin",
        "display_name": "Sophie Martin", "email": "sophie.martin@exemple.fr"});
    let created = app
        .post_json("/api/demo/invite", body.to_string(), None)
        .await;
    assert_eq!(created.status, 201);
    let link = |messages: Vec<serde_json::Value>| {
        messages
            .iter()
            .find_map(|m| m["link"].as_str().map(str::to_owned))
            .unwrap()
    };
    let first_login = link(app.outbox("sophie.martin@exemple.fr").await);
    let body = serde_json::json!({"token": first_login, "new_password": "Logged-Never-2026!"});
    let set = app
        .post_json("/api/account/set-password", body.to_string(), None)
        .await;
    assert_eq!(set.status, 200);
    let body = serde_json::json!({"portal": "entractes", "identifier": "54321",
        "display_name": "Anne Roux", "email": "anne.roux@exemple.fr", "phone": "06 98 76 54 32"});
    let created = app
        .post_json("/api/demo/signup", body.to_string(), None)
        .await;
    assert_eq!(created.status, 201);
    let signup = link(app.outbox("anne.roux@exemple.fr").await);
    let signup_code = app.last_code("06 98 76 54 32").await;
    let body = serde_json::json!({"token": signup, "code": signup_code});
    let confirmed = app
        .post_json("/api/account/signup/confirm", body.to_string(), None)
        .await;
    assert_eq!(confirmed.status, 200);
    let forgot = serde_json::json!({"portal": "spico", "identifier": "sophie.martin"});
    let answer = app
        .post_json("/api/account/forgot-password", forgot.to_string(), None)
        .await;
    assert_eq!(answer.status, 202);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/api/account/set-password"), "{text}");
    for secret in [
        first_login.as_str(),
        &first_login[..16],
        signup.as_str(),
        "Logged-Never-2026!",
        "sophie.martin@exemple.fr",
        "06 98 76 54 32",
    ] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
    assert!(
        !text.contains(&format!("est {signup_code}")),
        "the sign-up code: {text}"
    );
    assert!(text.contains("/api/login/cps"), "{text}");
    for secret in [
        nonce.as_str(),
        cps_token.as_str(),
        "Q2VydGlmaWNhdC1TZWNyZXQ",
        "U2lnbmF0dXJlLVNlY3JldA",
    ] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
    assert!(
        text.contains("/api/login/code"),
        "the code step is logged: {text}"
    );
    for secret in [code.as_str(), secret.as_str(), &secret[..8], token.as_str()] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
    assert!(
        !text.contains(spico.phone) && !text.contains(spico.email),
        "{text}"
    );
    assert!(text.contains("/api/session"), "the path is logged: {text}");
    assert!(!text.contains("Query-Secret-1"), "{text}");
    assert!(!text.contains("password="), "{text}");
}
