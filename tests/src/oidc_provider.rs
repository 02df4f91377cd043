//! The OpenID Connect stand-in for Pro Santé Connect and the regional SSO "ESEA"
//! (`demo/oidc-provider/provider.mjs`, panva's certified oidc-provider under it), started on
//! free loopback ports for a test: real discovery, authorization, token, userinfo and
//! end-session endpoints, the French login pages, and the e-CPS "phone" the tests drive over
//! HTTP ([`OidcStandIn::ecps_pending`], [`OidcStandIn::ecps_answer`]).
//!
//! `cargo xtask test` installs oidc-provider under `target/node/` and sets [`MODULES_ENV`] (and
//! [`JS_ENV`], which defaults to the script in the repository).

use anyhow::{bail, Context, Result};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// The environment variable naming `provider.mjs` (default: the repository's).
pub const JS_ENV: &str = "SESAME_OIDC_PROVIDER_JS";
/// The environment variable naming the `node_modules` folder oidc-provider is installed in.
pub const MODULES_ENV: &str = "SESAME_OIDC_PROVIDER_MODULES";
/// The client both issuers know the portal as (demonstration only).
pub const CLIENT_ID: &str = "sesame-demo";
/// Its secret (demonstration only).
pub const CLIENT_SECRET: &str = "sesame-demo-secret";
/// The password of every ESEA test identity.
pub const SSO_PASSWORD: &str = "esea-demo";

/// How long the stand-in may take to print its issuers.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// How many of its last log lines are kept for error messages.
const LOG_LINES: usize = 40;

/// The stand-in's folder in the repository.
fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("demo")
        .join("oidc-provider")
}

/// The test identities (`demo/oidc-provider/identities.json`), the file the stand-in serves.
#[derive(Debug, Clone, Deserialize)]
pub struct Identities {
    /// Pro Santé Connect's health professionals.
    pub psc: Vec<PscIdentity>,
    /// The regional SSO's users.
    pub sso: Vec<SsoIdentity>,
}

/// A health professional known to the PSC stand-in.
#[derive(Debug, Clone, Deserialize)]
pub struct PscIdentity {
    /// The RPPS number (11 digits).
    pub rpps: String,
    /// PSC's `SubjectNameID`: "8" + the RPPS number.
    pub subject_name_id: String,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// The profession's code (`10` médecin, `21` pharmacien, `60` infirmier).
    pub profession: String,
    /// The places of work (`SubjectRefPro`'s activities).
    pub activities: Vec<Activity>,
}

/// One place of work of a health professional.
#[derive(Debug, Clone, Deserialize)]
pub struct Activity {
    /// `identifiantTechniqueDeLaStructure`.
    pub id: String,
    /// `raisonSocialeSite`.
    pub name: String,
}

/// A user of the ESEA stand-in (password [`SSO_PASSWORD`]).
#[derive(Debug, Clone, Deserialize)]
pub struct SsoIdentity {
    /// What they type as identifier (also `preferred_username`).
    pub login: String,
    /// Their `sub`.
    pub sub: String,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// E-mail address.
    pub email: String,
}

/// Reads the test identities.
pub fn identities() -> Result<Identities> {
    let path = folder().join("identities.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// An e-CPS request waiting on the phone.
#[derive(Debug, Clone, Deserialize)]
pub struct EcpsPending {
    /// The request's id (what the phone answers).
    pub uid: String,
    /// The three numbers the phone offers; the right one is the one the browser shows.
    pub choices: Vec<u8>,
    /// The name of the service asking (the client's name).
    pub client: String,
}

/// The stand-in, running until dropped (then killed and waited for).
pub struct OidcStandIn {
    /// The PSC issuer, `http://127.0.0.1:<port>`.
    pub psc_issuer: String,
    /// The ESEA issuer, `http://127.0.0.1:<port>`.
    pub sso_issuer: String,
    child: Child,
    log: Arc<Mutex<VecDeque<String>>>,
}

impl OidcStandIn {
    /// Starts it on two free ports, with loopback redirect URIs accepted on any port (the test
    /// portal's port is random); waits (20 s at most) for it to say where it listens.
    pub fn start() -> Result<OidcStandIn> {
        let script = std::env::var_os(JS_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| folder().join("provider.mjs"));
        let modules = std::env::var_os(MODULES_ENV).with_context(|| {
            format!(
                "{MODULES_ENV} is not set: run the e2e tests through `cargo xtask test`, which \
                 installs oidc-provider and sets it"
            )
        })?;
        let mut child = Command::new("node")
            .arg(&script)
            .arg("--modules")
            .arg(&modules)
            .args(["--psc-port", "0", "--sso-port", "0", "--redirect-port-any"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| {
                format!(
                    "starting `node {}` (is Node.js installed?)",
                    script.display()
                )
            })?;
        let log = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Ok(mut log) = log.lock() {
                        if log.len() == LOG_LINES {
                            log.pop_front();
                        }
                        log.push_back(line);
                    }
                }
            });
        }
        let stdout = child.stdout.take().context("the stand-in's stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Nothing else is printed there; read on so that the pipe never fills.
            for _ in lines {}
        });
        let mut stand_in = OidcStandIn {
            psc_issuer: String::new(),
            sso_issuer: String::new(),
            child,
            log,
        };
        let line = match rx.recv_timeout(READY_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            Ok(_) => {
                // Gives the log thread a moment to read the last words.
                std::thread::sleep(Duration::from_millis(200));
                bail!(
                    "the OIDC stand-in stopped before it was ready; its log:\n{}",
                    stand_in.log_tail()
                )
            }
            Err(_) => bail!(
                "the OIDC stand-in printed no issuers within {} s; its log:\n{}",
                READY_TIMEOUT.as_secs(),
                stand_in.log_tail()
            ),
        };
        #[derive(Deserialize)]
        struct Issuers {
            psc: String,
            sso: String,
        }
        let issuers: Issuers = serde_json::from_str(&line).with_context(|| {
            format!("the OIDC stand-in's first line is not its issuers: {line}")
        })?;
        stand_in.psc_issuer = issuers.psc;
        stand_in.sso_issuer = issuers.sso;
        Ok(stand_in)
    }

    /// The stand-in's last log lines (stderr), for a failing test's message.
    pub fn log_tail(&self) -> String {
        self.log
            .lock()
            .map(|log| log.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    /// The e-CPS request waiting on the phone of `rpps`, if any (`GET /ecps/pending`).
    pub async fn ecps_pending(&self, rpps: &str) -> Result<Option<EcpsPending>> {
        let rpps: String = url::form_urlencoded::byte_serialize(rpps.as_bytes()).collect();
        let url = format!("{}/ecps/pending?rpps={rpps}", self.psc_issuer);
        let (status, body) = request(http::Method::GET, &url, None).await?;
        match status.as_u16() {
            200 => serde_json::from_str(&body)
                .map(Some)
                .with_context(|| format!("GET {url}: {body}")),
            404 => Ok(None),
            _ => bail!("GET {url}: {status} {body}"),
        }
    }

    /// The phone picks `number` for request `uid`: `"approved"` when it is the number the
    /// browser shows, `"refused"` otherwise (`POST /ecps/answer`).
    pub async fn ecps_answer(&self, uid: &str, number: u8) -> Result<String> {
        self.answer(serde_json::json!({ "uid": uid, "number": number }))
            .await
    }

    /// The phone declines request `uid` (`"refused"`).
    pub async fn ecps_decline(&self, uid: &str) -> Result<String> {
        self.answer(serde_json::json!({ "uid": uid, "decline": true }))
            .await
    }

    async fn answer(&self, body: serde_json::Value) -> Result<String> {
        let url = format!("{}/ecps/answer", self.psc_issuer);
        let (status, text) = request(http::Method::POST, &url, Some(body.to_string())).await?;
        if !status.is_success() {
            bail!("POST {url}: {status} {text}");
        }
        let answer: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("POST {url}: {text}"))?;
        answer["result"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("POST {url}: no result in {text}"))
    }
}

impl Drop for OidcStandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP request (JSON body when given) to the stand-in: its status and body. No redirect
/// is followed.
pub async fn request(
    method: http::Method,
    url: &str,
    json: Option<String>,
) -> Result<(http::StatusCode, String)> {
    let (status, _, body) = request_with_headers(method, url, json).await?;
    Ok((status, body))
}

/// Like [`request`], with the response's headers.
pub async fn request_with_headers(
    method: http::Method,
    url: &str,
    json: Option<String>,
) -> Result<(http::StatusCode, http::HeaderMap, String)> {
    let client = Client::builder(TokioExecutor::new()).build_http::<String>();
    let mut builder = http::Request::builder().method(method.clone()).uri(url);
    if json.is_some() {
        builder = builder.header(http::header::CONTENT_TYPE, "application/json");
    }
    let response = client
        .request(builder.body(json.unwrap_or_default())?)
        .await
        .with_context(|| format!("{method} {url}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .with_context(|| format!("{method} {url}: reading the body"))?
        .to_bytes();
    Ok((
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}
