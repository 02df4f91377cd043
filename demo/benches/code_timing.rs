//! One-time code latency by outcome (`POST /api/login/code`), through the real router and an
//! SQLite file: issue 7 asks that every failure of the code step answer the same generic error
//! at the same cost.
//!
//! Each timed request is the first check of its own login attempt (the password step and the
//! sending are done beforehand, untimed), so the attempt's state is alike everywhere; the
//! outcomes are interleaved round by round so that drift in the machine's speed touches them
//! alike, and the accounts' code counters are reset between rounds (so a wrong code stays that,
//! not "delayed"). Codes sent by e-mail (SPICO) are read from the demo's outbox; the
//! authenticator app (PAACO) is enrolled first, its codes computed from the enrolment's secret.
//! Prints a markdown table for BENCHMARKS.md.

mod common;

use common::{print_table, Answer, Bench};
use sesame_core::api::paths;
use sesame_core::otp::CODE_LIFE_SECS;
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};
use sesame_demo::totp::{code_at, secret_from_base32, Params};
use sesame_demo::{attempt, db, Config};

const ROUNDS: usize = 25;

/// The outcomes, in the order each round runs them (the app's replay needs its right code
/// accepted first, in the same time step).
const OUTCOMES: [&str; 7] = [
    "right code (e-mail)",
    "wrong code (e-mail)",
    "expired code (e-mail)",
    "another attempt's code (e-mail)",
    "right code (app)",
    "replayed code (app)",
    "wrong code (app)",
];

fn account(portal: &str) -> &'static DemoAccount {
    DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == portal)
        .expect("a demo account")
}

/// A six-digit code that is none of `taken`.
fn other_code(taken: &[&str]) -> String {
    let first: u32 = taken[0].parse().expect("digits");
    (1..)
        .map(|k| format!("{:06}", (first + k * 500_009) % 1_000_000))
        .find(|c| !taken.contains(&c.as_str()))
        .expect("a free code")
}

/// The password step with method `otp`: the attempt cookie and the code step.
async fn start(bench: &mut Bench, a: &DemoAccount) -> anyhow::Result<(String, serde_json::Value)> {
    let body = serde_json::json!({"portal": a.portal, "identifier": a.identifier,
        "password": a.password, "method": "otp"});
    let request = bench.post(paths::LOGIN_PASSWORD, &body, None);
    let answer = bench.send(request).await?.expect(202, "password step")?;
    let cookie = answer
        .cookie_named(attempt::cookie_name(true))
        .ok_or_else(|| anyhow::anyhow!("no attempt cookie"))?;
    Ok((cookie, answer.json()?))
}

/// A code sent by e-mail for the attempt of `cookie`; the code, read from the outbox.
async fn email_code(bench: &mut Bench, cookie: &str, to: &str) -> anyhow::Result<String> {
    let request = bench.post(
        paths::LOGIN_CODE_SEND,
        &serde_json::json!({"channel": "email"}),
        Some(cookie),
    );
    bench.send(request).await?.expect(200, "sending")?;
    let query: String = to
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let request = bench.get(&format!("/demo/outbox?to={query}"));
    let outbox = bench.send(request).await?.expect(200, "outbox")?.json()?;
    outbox[0]["code"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("nothing sent to {to}"))
}

/// A SPICO attempt with an e-mailed code: its cookie and code.
async fn email_attempt(bench: &mut Bench) -> anyhow::Result<(String, String)> {
    let a = account("spico");
    let (cookie, _) = start(bench, a).await?;
    let code = email_code(bench, &cookie, a.email).await?;
    Ok((cookie, code))
}

/// `POST /api/login/code`, timed; fails unless the answer is `status` (and, on 401,
/// `invalid_code`: not "attempt over").
async fn check(
    bench: &mut Bench,
    cookie: &str,
    code: &str,
    status: u16,
    what: &str,
) -> anyhow::Result<std::time::Duration> {
    let request = bench.post(
        paths::LOGIN_CODE,
        &serde_json::json!({ "code": code }),
        Some(cookie),
    );
    let (elapsed, answer) = bench.timed(request).await?;
    let answer: Answer = answer.expect(status, what)?;
    if status == 401 {
        let code = answer.json()?["code"].clone();
        anyhow::ensure!(
            code == "invalid_code",
            "{what}: {code} instead of invalid_code"
        );
    }
    Ok(elapsed)
}

fn reset_codes_counter(portal: &str, identifier: &str) -> db::Counter {
    db::Counter::Otp {
        portal: portal.to_owned(),
        identifier: identifier.to_owned(),
        failures: 0,
        last_failure: None,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Dev mode: the outbox endpoint, where the e-mailed codes are read.
    let mut bench = Bench::start(Config {
        dev_mode: true,
        ..Config::default()
    })
    .await?;
    let spico = account("spico");
    let paaco = account("paaco");

    // Enrol PAACO's app, as a person would: the secret shown, a first code typed.
    let (cookie, step) = start(&mut bench, paaco).await?;
    let secret = step["enrol"]["secret"]
        .as_str()
        .and_then(secret_from_base32)
        .ok_or_else(|| anyhow::anyhow!("no enrolment: {step}"))?;
    let app = Params {
        digits: u8::try_from(step["digits"].as_u64().unwrap_or(0))?,
        period: u32::try_from(step["period"].as_u64().unwrap_or(0))?,
    };
    let period = i64::from(app.period);
    let code = code_at(&secret, app, bench.now())?;
    check(&mut bench, &cookie, &code, 200, "enrolment").await?;

    let mut times = vec![Vec::new(); OUTCOMES.len()];
    for _ in 0..ROUNDS {
        for a in [spico, paaco] {
            db::reset_counter(&bench.pool, &reset_codes_counter(a.portal, a.identifier)).await?;
        }
        // A time step no code was accepted in yet.
        bench.advance(period);

        let (cookie, code) = email_attempt(&mut bench).await?;
        times[0].push(check(&mut bench, &cookie, &code, 200, OUTCOMES[0]).await?);

        let (cookie, code) = email_attempt(&mut bench).await?;
        let wrong = other_code(&[&code]);
        times[1].push(check(&mut bench, &cookie, &wrong, 401, OUTCOMES[1]).await?);

        let (cookie, code) = email_attempt(&mut bench).await?;
        bench.advance(i64::from(CODE_LIFE_SECS) + 1);
        times[2].push(check(&mut bench, &cookie, &code, 401, OUTCOMES[2]).await?);

        // Two attempts of the same account; the second's check with the first's code (drawn
        // again in the one-in-a-million case where both codes are the same).
        let (_, mut foreign) = email_attempt(&mut bench).await?;
        let (cookie, code) = email_attempt(&mut bench).await?;
        while foreign == code {
            (_, foreign) = email_attempt(&mut bench).await?;
        }
        times[3].push(check(&mut bench, &cookie, &foreign, 401, OUTCOMES[3]).await?);

        let now = bench.now();
        let code = code_at(&secret, app, now)?;
        let (cookie, _) = start(&mut bench, paaco).await?;
        times[4].push(check(&mut bench, &cookie, &code, 200, OUTCOMES[4]).await?);

        let (cookie, _) = start(&mut bench, paaco).await?;
        times[5].push(check(&mut bench, &cookie, &code, 401, OUTCOMES[5]).await?);

        let window = [
            code_at(&secret, app, now - period)?,
            code,
            code_at(&secret, app, now + period)?,
        ];
        let wrong = other_code(&[&window[1], &window[0], &window[2]]);
        let (cookie, _) = start(&mut bench, paaco).await?;
        times[6].push(check(&mut bench, &cookie, &wrong, 401, OUTCOMES[6]).await?);
    }

    print_table(
        &format!(
            "`POST /api/login/code` latency by outcome ({ROUNDS} rounds, in-process, SQLite file; \
             each the first check of its attempt)"
        ),
        2,
        &OUTCOMES,
        &mut times,
    );
    Ok(())
}
