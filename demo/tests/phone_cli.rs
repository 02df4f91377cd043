//! `sesame-demo phone enrol|approve|decline` (`sesame_demo::phone::run_cli`) against a portal
//! running on a real port: Jeanne logs in with her password and asks for an enrolment code;
//! the subcommand enrols with it and a PIN (the state file keeps the key and device, never the
//! PIN, readable by its owner only); a browser asks for a login code; the subcommand approves
//! it with the digits the page shows, and the browser's status poll (its QR cookie) claims a
//! strong session by QR. A second code declined by the subcommand is declined for the browser.
//! Mistakes are said: a login payload where an enrolment one is needed, a missing PIN.

use sesame_core::api::SessionInfo;
use sesame_core::qr::{QrCode, QrEnrolment, QrStatus};
use sesame_core::Method;
use sesame_demo::phone::run_cli;
use std::path::Path;

const PIN: &str = "4821";
/// PAACO offers the QR login; its demo account.
const PAACO: (&str, &str, &str) = ("paaco", "jeanne.martin", "lavande-tulipe-cafe");

/// A portal on a free port of 127.0.0.1 (dev mode: plain cookie names), its database in `dir`.
async fn portal(dir: &Path) -> (String, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let config = sesame_demo::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: format!("sqlite://{}?mode=rwc", dir.join("cli.sqlite").display()),
        dev_mode: true,
        ..sesame_demo::Config::default()
    };
    let (addr, server) = sesame_demo::spawn(config).await.expect("the portal starts");
    (format!("http://{addr}"), server)
}

/// A browser of the portal at `base`: its cookies by hand (name=value), its page's `Origin`.
struct Browser {
    base: String,
    http: reqwest::Client,
}

impl Browser {
    async fn post(&self, path: &str, body: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/api{path}", self.base))
            .header("content-type", "application/json")
            .header("x-sesame-csrf", "1")
            .header("origin", &self.base)
            .body(body.to_owned());
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("the portal answers")
    }

    /// The `name=value` of the cookie `name` an answer sets.
    fn cookie(answer: &reqwest::Response, name: &str) -> String {
        answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|pair| pair.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie"))
            .to_owned()
    }

    /// A new login code for PAACO, and the QR cookie that goes with it.
    async fn new_code(&self, qr_cookie: Option<&str>) -> (QrCode, String) {
        let answer = self
            .post("/login/qr", r#"{"portal":"paaco"}"#, qr_cookie)
            .await;
        assert_eq!(answer.status(), 200);
        let cookie = Browser::cookie(&answer, sesame_demo::qr::cookie_name(true));
        (json(answer).await, cookie)
    }

    async fn status(&self, code: &QrCode, qr_cookie: &str) -> (QrStatus, Option<String>) {
        let body = serde_json::json!({ "id": code.id }).to_string();
        let answer = self.post("/login/qr/status", &body, Some(qr_cookie)).await;
        assert_eq!(answer.status(), 200);
        let session = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{}=", sesame_demo::session::cookie_name(true))))
            .map(str::to_owned);
        (json(answer).await, session)
    }
}

/// The JSON body of an answer (reqwest here has no `json` feature).
async fn json<T: serde::de::DeserializeOwned>(answer: reqwest::Response) -> T {
    let bytes = answer.bytes().await.expect("a body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn the_phone_subcommand_enrols_then_approves_and_declines_against_a_running_portal() {
    let dir = tempfile::tempdir().unwrap();
    let (base, server) = portal(dir.path()).await;
    let browser = Browser {
        base: base.clone(),
        http: reqwest::Client::new(),
    };
    let state = dir.path().join("phone.json");
    let state_arg = state.to_str().unwrap();

    // Jeanne's enrolment code, after a password login.
    let login = serde_json::json!({"portal": PAACO.0, "identifier": PAACO.1, "password": PAACO.2});
    let login = browser
        .post("/login/password", &login.to_string(), None)
        .await;
    assert_eq!(login.status(), 200);
    let session = Browser::cookie(&login, sesame_demo::session::cookie_name(true));
    let enrolment = browser.post("/phone/enrolment", "", Some(&session)).await;
    assert_eq!(enrolment.status(), 200);
    let enrolment: QrEnrolment = json(enrolment).await;

    // A login payload is not an enrolment one; without a PIN, nothing is sent.
    let (early, _) = browser.new_code(None).await;
    let wrong = run_cli(&args(&[
        "enrol",
        &early.payload,
        "--pin",
        PIN,
        "--state",
        state_arg,
    ]))
    .await
    .expect_err("a login payload does not enrol");
    assert!(!format!("{wrong:#}").is_empty());
    let no_pin = run_cli(&args(&["enrol", &enrolment.payload, "--state", state_arg]))
        .await
        .expect_err("no PIN, no enrolment");
    assert!(format!("{no_pin:#}").contains("--pin"), "{no_pin:#}");

    let said = run_cli(&args(&[
        "enrol",
        &enrolment.payload,
        "--pin",
        PIN,
        "--state",
        state_arg,
    ]))
    .await
    .unwrap_or_else(|e| panic!("phone enrol: {e:#}"));
    assert!(
        said.contains("Téléphone enregistré") && said.contains(PAACO.1),
        "{said}"
    );

    // The state file: the key and the device, no PIN (in any form), the owner's only.
    let text = std::fs::read_to_string(&state).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    fn no_pin_in(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(map) => map
                .iter()
                .all(|(k, v)| !k.to_ascii_lowercase().contains("pin") && no_pin_in(v)),
            serde_json::Value::Array(list) => list.iter().all(no_pin_in),
            serde_json::Value::String(s) => s != PIN && !s.contains("$argon2"),
            _ => true,
        }
    }
    assert!(no_pin_in(&json), "the state file holds a PIN: {text}");
    assert!(!text.contains(&format!("\"{PIN}\"")), "{text}");
    assert_eq!(json["device"]["identifier"], PAACO.1);
    assert!(json["pkcs8"].as_str().is_some_and(|k| !k.is_empty()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the state file is its owner's only: {mode:o}"
        );
    }

    // A login by QR: the subcommand approves with the page's digits; the browser's poll
    // claims the session.
    let (code, qr_cookie) = browser.new_code(None).await;
    let (pending, _) = browser.status(&code, &qr_cookie).await;
    assert_eq!(pending, QrStatus::Pending);
    let said = run_cli(&args(&[
        "approve",
        &code.payload,
        "--pin",
        PIN,
        "--state",
        state_arg,
        "--digits",
        &code.digits,
    ]))
    .await
    .unwrap_or_else(|e| panic!("phone approve: {e:#}"));
    assert!(said.contains("PAACO/Globule"), "{said}");
    assert!(said.contains(&base), "the origin is shown: {said}");
    assert!(said.contains(&code.digits), "{said}");
    assert!(said.contains("Connexion approuvée"), "{said}");
    match browser.status(&code, &qr_cookie).await {
        (QrStatus::Approved { session }, Some(cookie)) => {
            let SessionInfo {
                identifier, method, ..
            } = session;
            assert_eq!(identifier, PAACO.1);
            assert_eq!(method, Method::Qr);
            assert!(!cookie.is_empty());
        }
        other => panic!("after the approval the browser's poll answers {other:?}"),
    }
    // The approval again: refused (the code is used), said as an error.
    let again = run_cli(&args(&[
        "approve",
        &code.payload,
        "--pin",
        PIN,
        "--state",
        state_arg,
        "--digits",
        &code.digits,
    ]))
    .await
    .expect_err("a code approves once");
    assert!(
        format!("{again:#}").contains("qr_already_used"),
        "{again:#}"
    );

    // Digits that are not among the choices are a typing mistake: nothing is sent, the code
    // is still pending (a wrong pick would decline it).
    let (code, qr_cookie) = browser.new_code(Some(&qr_cookie)).await;
    let typo = run_cli(&args(&[
        "approve",
        &code.payload,
        "--pin",
        PIN,
        "--state",
        state_arg,
        "--digits",
        "4",
    ]))
    .await
    .expect_err("digits not offered are not sent");
    assert!(
        format!("{typo:#}").contains("rien n'a été envoyé"),
        "{typo:#}"
    );
    let (still, _) = browser.status(&code, &qr_cookie).await;
    assert_eq!(still, QrStatus::Pending);

    // A wrong PIN is refused and said.
    let wrong_pin = run_cli(&args(&[
        "approve",
        &code.payload,
        "--pin",
        "9157",
        "--state",
        state_arg,
        "--digits",
        &code.digits,
    ]))
    .await
    .expect_err("a wrong PIN is refused");
    assert!(
        format!("{wrong_pin:#}").contains("qr_pin_wrong"),
        "{wrong_pin:#}"
    );

    // Declined from the subcommand: the browser's poll says so.
    let said = run_cli(&args(&["decline", &code.payload, "--state", state_arg]))
        .await
        .unwrap_or_else(|e| panic!("phone decline: {e:#}"));
    assert!(said.contains("Connexion refusée"), "{said}");
    let (declined, session) = browser.status(&code, &qr_cookie).await;
    assert_eq!(declined, QrStatus::Declined);
    assert!(session.is_none());
    server.abort();
}
