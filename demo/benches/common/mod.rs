//! What the demo's latency benches share: the real router over a seeded SQLite file with a
//! clock the bench moves, requests that each come from their own address (the per-IP limit
//! stays out of the way), and the markdown table of latencies by outcome.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sesame_core::api::CSRF_HEADER;
use sesame_demo::db::Db;
use sesame_demo::{app, db, seed, AppState, Clock, Config};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The demo server in-process: router, database, clock.
pub(crate) struct Bench {
    pub(crate) router: Router,
    pub(crate) pool: Db,
    now: Arc<AtomicI64>,
    /// Requests made so far: each gets its own client address.
    requests: usize,
    /// Holds the SQLite file.
    _dir: tempfile::TempDir,
}

/// An answer, read whole.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_slice(&self.body)?)
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

    /// Fails unless the status is `status`, naming what was asked.
    pub(crate) fn expect(self, status: u16, what: &str) -> anyhow::Result<Answer> {
        anyhow::ensure!(
            self.status.as_u16() == status,
            "{what}: status {} instead of {status}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        Ok(self)
    }
}

impl Bench {
    /// The app over a fresh, seeded SQLite file, the clock at 2027-01-15, on core's presets
    /// without their "not a robot" step after failures (the benches count failures by outcome,
    /// as the demo's brute-force tests do; the step would answer 428 from the third).
    pub(crate) async fn start(config: Config) -> anyhow::Result<Bench> {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.sqlite").display()
        );
        let pool = db::connect(&url).await?;
        seed::seed(&pool).await?;
        let now = Arc::new(AtomicI64::new(1_800_000_000));
        let clock: Clock = {
            let now = now.clone();
            Arc::new(move || now.load(Ordering::SeqCst))
        };
        let router = app(AppState::new(config, pool.clone(), clock)
            .with_portals(sesame_demo::portals::presets_without_captcha_after_failures()));
        Ok(Bench {
            router,
            pool,
            now,
            requests: 0,
            _dir: dir,
        })
    }

    pub(crate) fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
    }

    /// `POST /api{path}` with `body` as JSON and the CSRF header (and `cookie`, if any), from
    /// an address no other request used.
    pub(crate) fn post(
        &mut self,
        path: &str,
        body: &serde_json::Value,
        cookie: Option<&str>,
    ) -> Request<Body> {
        let mut request = Request::post(format!("/api{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(CSRF_HEADER, "1");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request
            .body(Body::from(body.to_string()))
            .expect("a valid request");
        self.with_new_address(request)
    }

    /// `GET /api{path_and_query}`, from an address no other request used.
    pub(crate) fn get(&mut self, path_and_query: &str) -> Request<Body> {
        let request = Request::get(format!("/api{path_and_query}"))
            .body(Body::empty())
            .expect("a valid request");
        self.with_new_address(request)
    }

    fn with_new_address(&mut self, mut request: Request<Body>) -> Request<Body> {
        self.requests += 1;
        let n = self.requests;
        let ip = Ipv4Addr::new(
            10,
            (n / 62_500) as u8,
            (n / 250 % 250) as u8,
            (n % 250) as u8 + 1,
        );
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        request
    }

    /// Sends `request`; the answer, read whole (not timed).
    pub(crate) async fn send(&self, request: Request<Body>) -> anyhow::Result<Answer> {
        Ok(self.timed(request).await?.1)
    }

    /// Sends `request`; the time until the router answered (the body, already in memory, is
    /// read afterwards), and the answer.
    pub(crate) async fn timed(&self, request: Request<Body>) -> anyhow::Result<(Duration, Answer)> {
        let start = Instant::now();
        let response = self.router.clone().oneshot(request).await?;
        let elapsed = start.elapsed();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes().to_vec();
        Ok((
            elapsed,
            Answer {
                status,
                headers,
                body,
            },
        ))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints `### {title}` and a markdown table: one row per outcome, its median, p10 and p90 in
/// milliseconds with `decimals` decimals.
pub(crate) fn print_table(
    title: &str,
    decimals: usize,
    outcomes: &[&str],
    times: &mut [Vec<Duration>],
) {
    println!("\n### {title}\n");
    println!("| outcome | median | p10 | p90 |");
    println!("|---|---:|---:|---:|");
    for (name, t) in outcomes.iter().zip(times.iter_mut()) {
        t.sort();
        println!(
            "| {name} | {:.d$} ms | {:.d$} ms | {:.d$} ms |",
            percentile(t, 0.5),
            percentile(t, 0.1),
            percentile(t, 0.9),
            d = decimals
        );
    }
}
