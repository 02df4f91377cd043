//! The security findings of the first review (issue 6), each reproduced by a test.

mod common;

use common::{test_app, SPICO};
use sesame_core::lockout::{FREE_FAILURES, LOCK_AFTER_FAILURES, LOCK_SECONDS, MAX_DELAY_SECONDS};
use sesame_core::ErrorCode;
use sesame_demo::device::COOKIE_NAME;
use sesame_demo::rate_limit::MAX_FAILURES_PER_IP;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_each_counted_before_being_checked() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let answers = app.parallel_logins(50, (portal, id, "wrong")).await;
    for a in &answers {
        a.assert_error(ErrorCode::InvalidCredentials);
    }
    // 50 guesses at one instant get as many checks as 50 sequential ones: the free five, then
    // the delay refuses the rest without counting them.
    assert_eq!(
        app.failures(portal, id).await,
        i64::from(FREE_FAILURES),
        "each checked guess is counted"
    );
    // The owner, from another address (this one used up its failures), is refused too.
    let owner = std::net::SocketAddr::from(([198, 51, 100, 7], 50_000));
    app.login_with((portal, id, pw), &[], Some(owner))
        .await
        .assert_error(ErrorCode::InvalidCredentials);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bursts_of_parallel_guesses_reach_the_lock() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    // Six bursts of eight, each past the previous delay: 48 guesses, under the per-address limit.
    for _ in 0..6 {
        app.advance(MAX_DELAY_SECONDS + 1);
        for a in app.parallel_logins(8, (portal, id, "wrong")).await {
            a.assert_error(ErrorCode::InvalidCredentials);
        }
    }
    assert!(
        app.failures(portal, id).await >= i64::from(LOCK_AFTER_FAILURES),
        "count {}",
        app.failures(portal, id).await
    );
    app.advance(MAX_DELAY_SECONDS + 1);
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_failures_from_one_address_are_all_counted() {
    let app = test_app().await;
    let extra = 10;
    let answers = app
        .parallel_logins(
            MAX_FAILURES_PER_IP + extra,
            ("spico", "nobody.here", "wrong"),
        )
        .await;
    let limited = answers
        .iter()
        .filter(|a| a.error().code == ErrorCode::RateLimited)
        .count();
    assert!(limited >= extra, "only {limited} rate-limited");
}

#[tokio::test]
async fn a_hundred_consecutive_failures_block_the_account_until_a_reset() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    for _ in 0..100 {
        // Past any delay or lock: the count goes on across locks.
        app.advance(LOCK_SECONDS + 1);
        app.login(portal, id, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    assert!(app.failures(portal, id).await >= 100);
    app.advance(365 * 24 * 3600);
    let blocked = app.login(portal, id, pw).await;
    blocked.assert_error(ErrorCode::AccountBlocked);
    // Only a reset (the demo's seed, or support) lifts it.
    sesame_demo::seed::seed(&app.db).await.unwrap();
    assert_eq!(app.login(portal, id, pw).await.status, 200);
}

#[tokio::test]
async fn an_attacker_cannot_lock_the_owner_out_of_a_trusted_browser() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    let owner = app.login(portal, id, pw).await;
    assert_eq!(owner.status, 200);
    let device = owner
        .cookie_named(COOKIE_NAME)
        .expect("a device cookie after a successful login");
    // The attacker, from another browser, locks the strict counter…
    for _ in 0..LOCK_AFTER_FAILURES {
        app.advance(MAX_DELAY_SECONDS + 1);
        app.login(portal, id, "wrong")
            .await
            .assert_error(ErrorCode::InvalidCredentials);
    }
    app.login(portal, id, pw)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    // …and a made-up device cookie does not help them.
    app.login_with(
        (portal, id, pw),
        &[("cookie", &format!("{COOKIE_NAME}={}", "ab".repeat(32)))],
        None,
    )
    .await
    .assert_error(ErrorCode::InvalidCredentials);
    // The owner's browser still logs in.
    let again = app
        .login_with((portal, id, pw), &[("cookie", &device)], None)
        .await;
    assert_eq!(again.status, 200, "{:?}", again.json());
    // The device cookie is renewed at each login.
    let device = again
        .cookie_named(COOKIE_NAME)
        .expect("a new device cookie");
    // While the strict counter is locked, the owner's browser can still change the password.
    let session = again.cookie();
    let both = format!("{session}; {device}");
    let changed = app.change_password(&both, pw, "Nouveau-Mot-2026!").await;
    assert_eq!(
        changed.status,
        204,
        "{}",
        String::from_utf8_lossy(&changed.body)
    );
    // Its own failures do not touch the strict counter either way.
    let before = app.failures(portal, id).await;
    app.login_with((portal, id, "wrong"), &[("cookie", &device)], None)
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(app.failures(portal, id).await, before);
}

#[tokio::test]
async fn argon2_work_is_bounded_and_a_busy_server_says_when_to_retry() {
    use std::time::Duration;
    let config = common::test_config();
    let db = sesame_demo::db::connect(&config.database_url)
        .await
        .unwrap();
    sesame_demo::seed::seed(&db).await.unwrap();
    // No permit at all: every login waits (here not at all) and is told to come back.
    let state = sesame_demo::AppState::new(config, db.clone(), sesame_demo::system_clock())
        .with_hash_limit(0, Duration::ZERO);
    let router = sesame_demo::app(state);
    let (portal, id, pw) = SPICO;
    let req = common::login_request((portal, id, pw), &[], Some(common::CLIENT.into()));
    let answer = common::send_to(router, req).await;
    answer.assert_error(ErrorCode::ServerBusy);
    assert_eq!(answer.status, 503);
    let retry: u32 = answer.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0);
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "nothing written for a login that was not checked");
}

#[tokio::test]
async fn a_rate_limited_attempt_writes_nothing() {
    let app = test_app().await;
    for _ in 0..MAX_FAILURES_PER_IP {
        app.login("spico", "nobody.here", "wrong").await;
    }
    let before = app.audit_rows().await.len();
    let (portal, id, pw) = SPICO;
    let answer = app.login(portal, id, pw).await;
    answer.assert_error(ErrorCode::RateLimited);
    assert!(answer.headers.contains_key("retry-after"));
    assert_eq!(app.audit_rows().await.len(), before, "no audit row on 429");
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy_and_ipv6_per_64() {
    use std::net::SocketAddr;
    let proxy = SocketAddr::from(([10, 0, 0, 2], 443));
    let app = common::test_app_with(sesame_demo::Config {
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        ..common::test_config()
    })
    .await;
    // Behind the proxy, two clients have their own buckets: one is limited, not the other.
    for _ in 0..MAX_FAILURES_PER_IP {
        app.login_with(
            ("spico", "nobody.here", "wrong"),
            &[("x-forwarded-for", "203.0.113.9")],
            Some(proxy),
        )
        .await;
    }
    let (portal, id, pw) = SPICO;
    app.login_with(
        (portal, id, pw),
        &[("x-forwarded-for", "203.0.113.9")],
        Some(proxy),
    )
    .await
    .assert_error(ErrorCode::RateLimited);
    let other = app
        .login_with(
            (portal, id, pw),
            &[("x-forwarded-for", "203.0.113.10")],
            Some(proxy),
        )
        .await;
    assert_eq!(other.status, 200);
    // A client that is not a proxy cannot pick its address with the header.
    let direct = SocketAddr::from(([203, 0, 113, 9], 5000));
    app.login_with(
        (portal, id, pw),
        &[("x-forwarded-for", "198.51.100.1")],
        Some(direct),
    )
    .await
    .assert_error(ErrorCode::RateLimited);

    // IPv6: a whole /64 is one bucket.
    let app = test_app().await;
    for i in 0..MAX_FAILURES_PER_IP {
        let peer: SocketAddr = format!("[2001:db8:1:2::{:x}]:4000", i + 1).parse().unwrap();
        app.login_with(("spico", "nobody.here", "wrong"), &[], Some(peer))
            .await;
    }
    let same_64: SocketAddr = "[2001:db8:1:2:ffff::1]:4000".parse().unwrap();
    app.login_with((portal, id, pw), &[], Some(same_64))
        .await
        .assert_error(ErrorCode::RateLimited);
    let next_64: SocketAddr = "[2001:db8:1:3::1]:4000".parse().unwrap();
    assert_eq!(
        app.login_with((portal, id, pw), &[], Some(next_64))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_request_without_the_client_address_is_refused() {
    let config = common::test_config();
    let db = sesame_demo::db::connect(&config.database_url)
        .await
        .unwrap();
    sesame_demo::seed::seed(&db).await.unwrap();
    let state = sesame_demo::AppState::new(config, db, sesame_demo::system_clock());
    // No connect info, no MockConnectInfo: never a shared 0.0.0.0 bucket.
    let router = sesame_demo::app(state);
    let req = common::login_request(SPICO, &[], None);
    let response = tower::ServiceExt::oneshot(router, req).await.unwrap();
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn rejections_name_the_field_but_never_echo_its_value() {
    let app = test_app().await;
    for body in [
        r#"{"portal":"spico","identifier":"marie.dupont","password":987654321}"#,
        r#"{"portal":"spico","identifier":987654321,"password":"x"}"#,
        r#"{"portal":"spico","identifier":"x","password":["987654321"]}"#,
    ] {
        let answer = app.post_json("/api/login/password", body, None).await;
        let e = answer.assert_error(ErrorCode::InvalidRequest);
        assert!(!e.message.contains("987654321"), "{}", e.message);
        assert!(
            e.message.contains("password") || e.message.contains("identifier"),
            "names the field: {}",
            e.message
        );
    }
}

#[tokio::test]
async fn passwords_are_compared_in_nfkc_and_identifiers_in_one_form() {
    let app = test_app().await;
    let (portal, id, pw) = SPICO;
    // Full-width letters and digits from another keyboard layout are the same password.
    let wide: String = pw
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap(),
            _ => c,
        })
        .collect();
    assert_ne!(wide, pw);
    assert_eq!(app.login(portal, id, &wide).await.status, 200);
    // The identifier is compared trimmed and lower-cased.
    let upper = format!(" {} ", id.to_uppercase());
    let answer = app.login(portal, &upper, pw).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["identifier"], id);
}

#[test]
fn attempts_do_not_print_the_identifier() {
    let portal = sesame_core::PortalConfig::spico();
    let password = sesame_core::Secret::new("Pass-Word-2026!");
    let attempt = sesame_demo::credentials::Attempt {
        event: sesame_demo::audit::AuditEvent::LoginPassword,
        portal: &portal,
        identifier: "Typed-Password-In-Id",
        password: &password,
        ip: "192.0.2.1".parse().unwrap(),
        device: Some("device-token"),
    };
    let text = format!("{attempt:?}");
    for secret in ["Typed-Password-In-Id", "Pass-Word-2026!", "device-token"] {
        assert!(!text.contains(secret), "{text}");
    }
}

/// Every failed login makes the same disk writes: an attempt that counts nothing (unknown
/// account, closed gate) writes the decoy row where a wrong password raises its account's
/// count (a statement matching no row skipped a disk sync: measured ≈ 5 ms faster).
#[tokio::test]
async fn attempts_that_count_nothing_write_the_decoy_row_instead() {
    let app = test_app().await;
    let decoy = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT writes FROM timing_decoy WHERE id = 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
        n
    };
    assert_eq!(decoy().await, 0);
    app.login("spico", "nobody.here", "wrong")
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(decoy().await, 1, "unknown account: the decoy row");
    let (portal, id, _) = SPICO;
    app.login(portal, id, "wrong")
        .await
        .assert_error(ErrorCode::InvalidCredentials);
    assert_eq!(decoy().await, 1, "a counted failure writes its own counter");
    assert_eq!(app.failures(portal, id).await, 1);
}
