//! Login latency by outcome, through the real router, argon2id parameters and an SQLite file.
//!
//! The four outcomes are interleaved round by round so that drift in the machine's speed
//! touches them alike; each request comes from its own address (the per-IP limit stays out of
//! the way) and the known account's failure count is reset between rounds (so "wrong password"
//! stays that, not "delayed" or "locked"). Prints a markdown table for BENCHMARKS.md.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_demo::seed::DEMO_ACCOUNTS;
use sesame_demo::{app, db, seed, AppState, Clock, Config};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ROUNDS: usize = 25;

fn request(n: usize, portal: &str, identifier: &str, password: &str) -> Request<Body> {
    let body =
        serde_json::json!({"portal": portal, "identifier": identifier, "password": password});
    let ip = Ipv4Addr::new(10, 0, (n / 250) as u8, (n % 250) as u8 + 1);
    let mut request = Request::post(format!("/api{}", paths::LOGIN_PASSWORD))
        .header(header::CONTENT_TYPE, "application/json")
        .header(CSRF_HEADER, "1")
        .body(Body::from(body.to_string()))
        .expect("a valid request");
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    request
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.sqlite").display()
    );
    let pool = db::connect(&url).await?;
    seed::seed(&pool).await?;
    // A clock the bench moves: locking an account takes 10 failures, each past the growing
    // delay that follows the fifth (attempts during a delay are refused without counting).
    let now = Arc::new(AtomicI64::new(1_800_000_000));
    let clock: Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let router = app(AppState::new(Config::default(), pool.clone(), clock));

    let known = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "spico")
        .expect("spico");
    let locked = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "paaco")
        .expect("paaco");
    let mut n = 0;
    // Lock PAACO's account: 10 wrong passwords, two minutes apart.
    for _ in 0..10 {
        now.fetch_add(120, Ordering::SeqCst);
        n += 1;
        router
            .clone()
            .oneshot(request(
                n,
                locked.portal,
                locked.identifier,
                "wrong-wrong-wrong",
            ))
            .await?;
    }

    let cases: [(&str, &str, &str, &str, u16); 4] = [
        (
            "right password",
            known.portal,
            known.identifier,
            known.password,
            200,
        ),
        (
            "wrong password",
            known.portal,
            known.identifier,
            "Not-Her-Password-1!",
            401,
        ),
        (
            "unknown account",
            known.portal,
            "nobody.here",
            "Not-Her-Password-1!",
            401,
        ),
        (
            "locked account",
            locked.portal,
            locked.identifier,
            locked.password,
            401,
        ),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for _ in 0..ROUNDS {
        let counter = db::Counter::Account {
            portal: known.portal.to_owned(),
            identifier: known.identifier.to_owned(),
            failures: 0,
            last_failure: None,
        };
        db::reset_counter(&pool, &counter).await?;
        for (i, (_, portal, identifier, password, status)) in cases.iter().enumerate() {
            n += 1;
            let req = request(n, portal, identifier, password);
            let start = Instant::now();
            let answer = router.clone().oneshot(req).await?;
            times[i].push(start.elapsed());
            anyhow::ensure!(
                answer.status().as_u16() == *status,
                "{}: status {} instead of {status}",
                cases[i].0,
                answer.status()
            );
        }
    }

    println!("\n### Login latency by outcome ({ROUNDS} rounds, in-process, SQLite file)\n");
    println!("| outcome | median | p10 | p90 |");
    println!("|---|---:|---:|---:|");
    for ((name, ..), t) in cases.iter().zip(times.iter_mut()) {
        t.sort();
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms |",
            percentile(t, 0.5),
            percentile(t, 0.1),
            percentile(t, 0.9)
        );
    }
    Ok(())
}
