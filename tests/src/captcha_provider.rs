//! A hosted captcha provider's stand-in on loopback, for the journeys of issue 8: the
//! provider's script (`tests/assets/captcha-stand-in.js`, the documented browser API of
//! reCAPTCHA v2 / hCaptcha / Turnstile with explicit render) and its `siteverify` (the
//! documented form POST and JSON answers). The real providers cannot be reached from the test
//! machine: these tests prove Sésame's side of the contract — the widget loads the script on
//! demand, renders, resets, hears the token, the expiry and the failure, says a blocked
//! script plainly; the portal verifies the token — not the provider's.

use anyhow::{Context, Result};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// The secret key the stand-in's siteverify expects.
pub const SECRET: &str = "stand-in-secret";
/// The site key the portal is configured with.
pub const SITE_KEY: &str = "stand-in-site-key";

const SCRIPT: &str = include_str!("../assets/captcha-stand-in.js");

#[derive(Default)]
struct Seen {
    /// Tokens verified (each is good once, as with the real providers).
    tokens: HashSet<String>,
    /// How many times each path was asked for.
    requests: Vec<String>,
}

/// The stand-in, serving until dropped.
pub struct StandIn {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: JoinHandle<()>,
}

#[derive(Deserialize)]
struct Verify {
    secret: String,
    response: String,
}

impl StandIn {
    /// Starts it on a free loopback port.
    pub async fn start() -> Result<StandIn> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = Router::new()
            .route("/api.js", get(script))
            .route("/blocked.js", get(blocked))
            .route("/siteverify", post(siteverify))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StandIn { addr, seen, task })
    }

    /// The working script's URL.
    pub fn script_url(&self) -> String {
        format!("http://{}/api.js", self.addr)
    }

    /// A script URL that answers 404, as a blocked or missing script does for the page.
    pub fn blocked_url(&self) -> String {
        format!("http://{}/blocked.js", self.addr)
    }

    /// The siteverify URL.
    pub fn verify_url(&self) -> String {
        format!("http://{}/siteverify", self.addr)
    }

    /// How many times `path` was asked for.
    pub fn requests(&self, path: &str) -> Result<usize> {
        let seen = self
            .seen
            .lock()
            .ok()
            .context("the stand-in's record is poisoned")?;
        Ok(seen.requests.iter().filter(|p| *p == path).count())
    }

    /// Configures a demo portal to use this stand-in as its reCAPTCHA (site key, secret, the
    /// script at `script_url`, siteverify here).
    pub fn configure(&self, config: &mut sesame_demo::Config, script_url: String) {
        let c = &mut config.captcha;
        c.recaptcha.secret = Some(SECRET.to_owned());
        c.recaptcha.site_key = Some(SITE_KEY.to_owned());
        c.recaptcha.script_url = Some(script_url);
        c.recaptcha.verify_url = self.verify_url();
        c.provider = Some(sesame_core::captcha::CaptchaProvider::Recaptcha {
            site_key: SITE_KEY.to_owned(),
        });
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn note(seen: &Mutex<Seen>, path: &str) {
    if let Ok(mut seen) = seen.lock() {
        seen.requests.push(path.to_owned());
    }
}

async fn script(State(seen): State<Arc<Mutex<Seen>>>) -> impl IntoResponse {
    note(&seen, "/api.js");
    ([(header::CONTENT_TYPE, "text/javascript")], SCRIPT)
}

async fn blocked(State(seen): State<Arc<Mutex<Seen>>>) -> StatusCode {
    note(&seen, "/blocked.js");
    StatusCode::NOT_FOUND
}

/// The documented answers: success with the hostname, `timeout-or-duplicate` for a token seen
/// before, `invalid-input-response` for one it did not give, `invalid-input-secret`.
async fn siteverify(
    State(seen): State<Arc<Mutex<Seen>>>,
    Form(form): Form<Verify>,
) -> Json<serde_json::Value> {
    note(&seen, "/siteverify");
    let refuse = |code: &str| Json(serde_json::json!({"success": false, "error-codes": [code]}));
    if form.secret != SECRET {
        return refuse("invalid-input-secret");
    }
    if !form.response.starts_with(&format!("stand-in-{SITE_KEY}-")) {
        return refuse("invalid-input-response");
    }
    let fresh = seen
        .lock()
        .map(|mut s| s.tokens.insert(form.response.clone()))
        .unwrap_or(false);
    if !fresh {
        return refuse("timeout-or-duplicate");
    }
    Json(serde_json::json!({
        "success": true,
        "challenge_ts": "2026-11-28T18:00:00Z",
        "hostname": "127.0.0.1",
    }))
}
