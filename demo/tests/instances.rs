//! Several demo instances sharing one database (issue 13).
//!
//! On PostgreSQL (`SESAME_TEST_POSTGRES_URL`, set by `cargo xtask test`'s PostgreSQL stage;
//! skipped with a printed reason without it): two `sesame_demo::app` servers on two real
//! loopback ports, each with its own pool on one database — a lockout reached through A holds
//! on B (and the per-address limiter counted A's attempts where B reads them), and a QR
//! approval received by A reaches the event stream opened on B, through `NOTIFY`.
//!
//! Everywhere: the check that fails when a per-instance store appears — every table of the
//! migrations and every field of `AppState` and every piece of process memory in `demo/src`
//! (`Mutex`, `static`, atomics…) is listed below with why it is shared or why it may stay per
//! instance. A new one fails the test until it is listed (and, if it holds security state,
//! moved into the database).

mod common;

use common::{postgres_server, START};
use sesame_core::api::CSRF_HEADER;
use sesame_core::lockout::{LOCK_AFTER_FAILURES, LOCK_SECONDS, MAX_DELAY_SECONDS};
use sesame_core::qr::{QrCode, QrDevice, QrEnrolment, QrRequestInfo};
use sesame_demo::phone::Phone;
use sesame_demo::{AppState, Config};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Spico's demo account; PAACO's (QR login).
const SPICO: (&str, &str, &str) = ("spico", "marie.dupont", "Soins-Occitanie-2026!");
const PAACO: (&str, &str, &str) = ("paaco", "jeanne.martin", "lavande-tulipe-cafe");
const PIN: &str = "4821";

/// One instance: its base URL and its state (for the QR watcher's counters).
struct Instance {
    base: String,
    state: AppState,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// An instance on a free loopback port over `url` (its own pool), with the shared clock.
async fn instance(url: &str, time: &Arc<AtomicI64>) -> Instance {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bind = listener.local_addr().unwrap();
    let config = Config {
        bind,
        database_url: url.to_owned(),
        dev_mode: true,
        // The keys every instance must share (see `sesame_demo::serve` on PostgreSQL).
        otp_key: Some("11".repeat(32)),
        ..Config::default()
    };
    let db = sesame_demo::db::connect(url).await.unwrap();
    let t = time.clone();
    let state = AppState::new(config, db, Arc::new(move || t.load(Ordering::SeqCst)))
        .with_portals(common::presets_without_captcha_after_failures());
    let router = sesame_demo::app(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Instance {
        base: format!("http://{bind}"),
        state,
        server,
    }
}

/// Two instances on one new PostgreSQL database, seeded once; `None` (the reason printed)
/// without a test server.
async fn two_instances() -> Option<(Instance, Instance, Arc<AtomicI64>)> {
    let Some(server) = postgres_server() else {
        eprintln!(
            "skipped: {} is not set (cargo xtask test sets it for its PostgreSQL stage)",
            common::POSTGRES_URL_VAR
        );
        return None;
    };
    let url = common::new_postgres_database(&server);
    let seeding = sesame_demo::db::connect(&url).await.unwrap();
    sesame_demo::seed::seed(&seeding).await.unwrap();
    seeding.close().await;
    let time = Arc::new(AtomicI64::new(START));
    let a = instance(&url, &time).await;
    let b = instance(&url, &time).await;
    Some((a, b, time))
}

/// A JSON POST (`null`: an empty body) with the CSRF header and `cookie`; the status, the
/// Set-Cookie pairs and the body.
async fn post(
    base: &str,
    path: &str,
    body: serde_json::Value,
    cookie: Option<&str>,
) -> (u16, Vec<String>, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .header(CSRF_HEADER, "1")
        .body(if body.is_null() {
            String::new()
        } else {
            body.to_string()
        });
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let cookies = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .collect();
    let bytes = answer.bytes().await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, cookies, json)
}

async fn login(
    base: &str,
    (portal, identifier, password): (&str, &str, &str),
) -> (u16, Vec<String>, serde_json::Value) {
    let body =
        serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
    post(base, "/api/login/password", body, None).await
}

fn cookie(cookies: &[String], name: &str) -> String {
    cookies
        .iter()
        .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lockout_reached_through_one_instance_holds_on_the_other() {
    let Some((a, b, time)) = two_instances().await else {
        return;
    };
    let (portal, identifier, password) = SPICO;
    // Each failure through A, spaced past any delay so that every one is counted.
    for i in 0..LOCK_AFTER_FAILURES {
        let (status, _, body) = login(&a.base, (portal, identifier, "wrong")).await;
        assert_eq!(status, 401, "failure {i}: {body}");
        time.fetch_add(MAX_DELAY_SECONDS + 1, Ordering::SeqCst);
    }
    // Locked on B too: the right password is refused there.
    let (status, _, body) = login(&b.base, SPICO).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "invalid_credentials");
    // The per-address limiter counted A's attempts (and B's) where both read them.
    let (counted,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ip_attempts")
        .fetch_one(&b.state.db)
        .await
        .unwrap();
    assert_eq!(counted, i64::from(LOCK_AFTER_FAILURES) + 1);
    // The lock's end is the same for both.
    time.fetch_add(LOCK_SECONDS, Ordering::SeqCst);
    let (status, _, body) = login(&b.base, (portal, identifier, password)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_approval_through_one_instance_reaches_the_stream_on_the_other() {
    let Some((a, b, _time)) = two_instances().await else {
        return;
    };
    // A phone enrolled through A.
    let (status, cookies, body) = login(&a.base, PAACO).await;
    assert_eq!(status, 200, "{body}");
    let session = cookie(&cookies, sesame_demo::session::COOKIE_NAME);
    let (status, _, enrolment) = post(
        &a.base,
        "/api/phone/enrolment",
        serde_json::Value::Null,
        Some(&session),
    )
    .await;
    assert_eq!(status, 200, "{enrolment}");
    let enrolment: QrEnrolment = serde_json::from_value(enrolment).unwrap();
    let mut phone = Phone::new().unwrap();
    let device: QrDevice = phone.enrol(&enrolment.payload, PIN).await.unwrap();
    assert_eq!(device.identifier, PAACO.1);

    // A browser on B: a code, and its event stream held open by B.
    let (status, cookies, code) = post(
        &b.base,
        "/api/login/qr",
        serde_json::json!({"portal": "paaco"}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{code}");
    let browser = cookie(&cookies, sesame_demo::qr::COOKIE_NAME);
    let code: QrCode = serde_json::from_value(code).unwrap();
    let mut stream = reqwest::Client::new()
        .get(format!("{}/api/login/qr/events?id={}", b.base, code.id))
        .header("cookie", &browser)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut text = String::new();
    while !text.contains(r#"data: {"state":"pending"}"#) {
        let chunk = stream
            .chunk()
            .await
            .unwrap()
            .expect("the stream's first event");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let watch = b.state.qr_watch();
    assert_eq!(watch.streams_for(&sesame_demo::token::hash(&code.id)), 1);

    // The phone answers A (not B, whose address the code carries).
    let (status, _, shown) = post(
        &a.base,
        "/api/phone/request",
        serde_json::json!({"payload": code.payload}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    let shown: QrRequestInfo = serde_json::from_value(shown).unwrap();
    let approval = phone
        .approve_body(&code.payload, &shown, &code.digits, PIN)
        .unwrap();
    let (status, _, body) = post(
        &a.base,
        "/api/phone/approve",
        serde_json::to_value(&approval).unwrap(),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");

    // B's stream says so; B's watcher heard it through NOTIFY.
    let approved = r#"data: {"state":"approved_pending_claim"}"#;
    tokio::time::timeout(Duration::from_secs(20), async {
        while !text.contains(approved) {
            match stream.chunk().await.unwrap() {
                Some(chunk) => text.push_str(&String::from_utf8_lossy(&chunk)),
                None => break,
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no approval on B's stream: {text}"));
    assert!(text.contains(approved), "{text}");
    assert!(watch.notified() >= 1, "B's watcher got no NOTIFY");
    // The browser claims its session from B.
    let (status, cookies, body) = post(
        &b.base,
        "/api/login/qr/status",
        serde_json::json!({"id": code.id}),
        Some(&browser),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "approved", "{body}");
    cookie(&cookies, sesame_demo::session::COOKIE_NAME);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_address_limit_holds_for_attempts_sent_in_parallel_to_two_instances() {
    use sesame_demo::rate_limit::{IpLimiter, MAX_FAILURES_PER_IP};
    let Some(server) = postgres_server() else {
        eprintln!(
            "skipped: {} is not set (cargo xtask test sets it for its PostgreSQL stage)",
            common::POSTGRES_URL_VAR
        );
        return;
    };
    let url = common::new_postgres_database(&server);
    let a = IpLimiter::new(sesame_demo::db::connect(&url).await.unwrap());
    let b = IpLimiter::new(sesame_demo::db::connect(&url).await.unwrap());
    let ip: std::net::IpAddr = "192.0.2.77".parse().unwrap();
    let mut tries = tokio::task::JoinSet::new();
    for i in 0..MAX_FAILURES_PER_IP + 30 {
        let limiter = if i % 2 == 0 { a.clone() } else { b.clone() };
        tries.spawn(async move { limiter.try_reserve(ip, START).await.unwrap().is_some() });
    }
    let granted = tries.join_all().await.into_iter().filter(|g| *g).count();
    assert_eq!(granted, MAX_FAILURES_PER_IP);
    assert_eq!(b.recent(ip, START).await.unwrap(), MAX_FAILURES_PER_IP);
}

// ---------------------------------------------------------------------------------------------
// No per-instance store.

/// Every table of `demo/migrations/`, who writes it, and so why several instances agree: each
/// is in the shared database. A new table fails the test until it is listed here.
const TABLES: &[(&str, &str)] = &[
    (
        "accounts",
        "passwords, the password and one-time-code failure counters (all methods)",
    ),
    ("sessions", "sessions of every method"),
    ("audit_log", "every method's audit rows"),
    (
        "trusted_devices",
        "password: device cookies and their failure counters",
    ),
    (
        "timing_decoy",
        "password and codes: the write of an attempt that counts nothing",
    ),
    (
        "totp_secrets",
        "authenticator app: secrets and the last step accepted (replay)",
    ),
    (
        "login_attempts",
        "one-time codes: attempts, codes sent, sends and checks counted",
    ),
    ("outbox", "one-time codes: the demo's SMS and e-mail"),
    ("cps_nonces", "CPS card: nonces, used once"),
    ("cps_holders", "CPS card: holders' accounts"),
    (
        "captcha_solutions",
        "captcha: each proof of work accepted once (replay records)",
    ),
    ("qr_sessions", "QR code: codes, their state and poll pacing"),
    (
        "qr_devices",
        "QR code: phones and their PIN failure counters",
    ),
    ("qr_enrolments", "QR code: enrolment codes, used once"),
    (
        "oidc_requests",
        "Pro Santé Connect and SSO: logins under way (state, nonce, PKCE)",
    ),
    (
        "oidc_accounts",
        "Pro Santé Connect and SSO: identities' accounts",
    ),
    (
        "ip_attempts",
        "password, codes, CPS: the per-address limiter's attempts; the account journeys' \
         limits per address and per account",
    ),
    (
        "ip_buckets",
        "the per-address limiter: the row its reservations take turns on",
    ),
    (
        "account_links",
        "account journeys: e-mailed links (used once), sign-up codes, sends and checks counted",
    ),
    (
        "terms_acceptances",
        "terms of use: the versions each account accepted (sessions pending until then)",
    ),
];

/// Every field of `AppState` and why it may be per instance: none holds security state.
const STATE_FIELDS: &[(&str, &str)] = &[
    ("config", "configuration, the same for every instance"),
    ("db", "the shared database"),
    ("clock", "the time"),
    ("portals", "configuration"),
    ("allowed_origins", "configuration"),
    (
        "ip_limiter",
        "a handle on the database (tables ip_attempts, ip_buckets)",
    ),
    (
        "hash_permits",
        "bounds this process's argon2 runs: its own CPU and memory",
    ),
    ("hash_wait", "configuration"),
    (
        "secret_box",
        "the OTP key: SESAME_OTP_KEY, the same on every instance",
    ),
    ("cps_trust", "configuration: the CAs"),
    (
        "captcha",
        "the captcha key (SESAME_CAPTCHA_KEY, shared) and an HTTP client",
    ),
    ("senders", "delivery: SMTP relay or the outbox table"),
    (
        "qr_watch",
        "this process's open event streams (connections to it) and their wake-ups",
    ),
    (
        "oidc",
        "the providers' discovery documents, public, cached 10 minutes",
    ),
];

/// Process memory in `demo/src` (file, what is matched, how many) and why it holds no state an
/// attacker could spread attempts across.
const PROCESS_MEMORY: &[(&str, &str, usize, &str)] = &[
    (
        "qr_watch.rs",
        "Mutex<",
        2,
        "the open streams and the moves told to them",
    ),
    (
        "qr_watch.rs",
        "Atomic",
        7,
        "the watcher's start flag and counters",
    ),
    (
        "oidc.rs",
        "Mutex<",
        1,
        "the discovery cache (public metadata)",
    ),
    (
        "password_hash.rs",
        "OnceLock",
        2,
        "the dummy hash, computed once",
    ),
    (
        "password_hash.rs",
        "static ",
        2,
        "the dummy hash; argon2id's working memory pool",
    ),
    (
        "password_hash.rs",
        "Mutex<",
        1,
        "argon2id's working memory, pooled and wiped (no login state)",
    ),
];

/// What counts as process memory.
const MEMORY_MARKERS: &[&str] = &[
    "Mutex<",
    "RwLock<",
    "OnceLock",
    "LazyLock",
    "OnceCell",
    "static ",
    "thread_local!",
    "Atomic",
    "Cell<",
    "DashMap",
];

fn demo_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_table_is_listed_with_who_writes_it() {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(demo_dir().join("migrations")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("CREATE TABLE ") {
                let name = rest.split([' ', '(']).next().unwrap_or("").to_owned();
                found.push(name);
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = TABLES.iter().map(|(t, _)| (*t).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "a table was added or removed: list it in TABLES with who writes it"
    );
}

#[test]
fn every_field_of_the_state_is_listed_with_why_it_may_be_per_instance() {
    let text = std::fs::read_to_string(demo_dir().join("src/state.rs")).unwrap();
    let start = text.find("pub struct AppState {").expect("AppState");
    let body = &text[start..];
    let body = &body[..body.find("\n}").expect("the struct's end")];
    let mut fields: Vec<String> = body
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#') && l.contains(':'))
        .map(|l| {
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            l.split(':').next().unwrap().trim().to_owned()
        })
        .collect();
    fields.sort();
    let mut listed: Vec<String> = STATE_FIELDS.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(
        fields, listed,
        "AppState changed: list the field in STATE_FIELDS, saying why it holds no state that \
         instances must share (or keep that state in the database)"
    );
}

#[test]
fn process_memory_is_listed_with_why_it_may_be_per_instance() {
    let mut found: Vec<(String, String, usize)> = Vec::new();
    let mut dirs = vec![demo_dir().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Code only: a module's tests may keep what they like.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for marker in MEMORY_MARKERS {
                let n = code
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.starts_with("//"))
                    .map(|l| l.replace("'static", ""))
                    .filter(|l| l.contains(marker))
                    .count();
                if n > 0 {
                    found.push((name.clone(), (*marker).to_owned(), n));
                }
            }
        }
    }
    found.sort();
    let mut listed: Vec<(String, String, usize)> = PROCESS_MEMORY
        .iter()
        .map(|(f, m, n, _)| ((*f).to_owned(), (*m).to_owned(), *n))
        .collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "process memory changed in demo/src: list it in PROCESS_MEMORY with why instances need \
         not share it (or keep that state in the database)"
    );
}
