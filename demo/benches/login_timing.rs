//! Login latency by outcome, through the real router, argon2id parameters and an SQLite file.
//!
//! The four outcomes are interleaved round by round so that drift in the machine's speed
//! touches them alike; each request comes from its own address (the per-IP limit stays out of
//! the way) and the known account's failure count is reset between rounds (so "wrong password"
//! stays that, not "delayed" or "locked"). Prints a markdown table for BENCHMARKS.md.

mod common;

use common::{print_table, Bench};
use sesame_core::api::paths;
use sesame_demo::seed::DEMO_ACCOUNTS;
use sesame_demo::{db, Config};

const ROUNDS: usize = 25;

fn login(portal: &str, identifier: &str, password: &str) -> serde_json::Value {
    serde_json::json!({"portal": portal, "identifier": identifier, "password": password})
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The bench moves the clock: locking an account takes 10 failures, each past the growing
    // delay that follows the fifth (attempts during a delay are refused without counting).
    let mut bench = Bench::start(Config::default()).await?;

    let known = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "spico")
        .expect("spico");
    let locked = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "paaco")
        .expect("paaco");
    // Lock PAACO's account: 10 wrong passwords, two minutes apart.
    for _ in 0..10 {
        bench.advance(120);
        let request = bench.post(
            paths::LOGIN_PASSWORD,
            &login(locked.portal, locked.identifier, "wrong-wrong-wrong"),
            None,
        );
        bench.send(request).await?;
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
    let mut times = vec![Vec::new(); cases.len()];
    for _ in 0..ROUNDS {
        let counter = db::Counter::Account {
            portal: known.portal.to_owned(),
            identifier: known.identifier.to_owned(),
            failures: 0,
            last_failure: None,
        };
        db::reset_counter(&bench.pool, &counter).await?;
        for (i, (name, portal, identifier, password, status)) in cases.iter().enumerate() {
            let request = bench.post(
                paths::LOGIN_PASSWORD,
                &login(portal, identifier, password),
                None,
            );
            let (elapsed, answer) = bench.timed(request).await?;
            times[i].push(elapsed);
            answer.expect(*status, name)?;
        }
    }

    let names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    print_table(
        &format!("Login latency by outcome ({ROUNDS} rounds, in-process, SQLite file)"),
        1,
        &names,
        &mut times,
    );
    Ok(())
}
