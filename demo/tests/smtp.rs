//! Codes by e-mail through a real SMTP server: aiosmtpd (PyPI), started here on a free local
//! port, printing what it receives. `cargo xtask setup` (and `cargo xtask test`) install it
//! under `target/python/`; without it this test fails and says so.

mod common;

use common::{test_app_with, test_config};
use sesame_core::{AssuranceLevel, Method};
use sesame_demo::sender::SmtpRelay;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where xtask installs aiosmtpd (`SESAME_AIOSMTPD_PATH` when xtask runs the tests).
fn aiosmtpd_path() -> PathBuf {
    std::env::var_os("SESAME_AIOSMTPD_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            sesame_demo::config::repo_root()
                .join("target")
                .join("python")
                .join("aiosmtpd-1.4.6")
        })
}

/// The relay, killed on drop.
struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const MISSING: &str = "aiosmtpd is missing: run `cargo xtask setup` (it installs aiosmtpd \
                       under target/python/), or set SESAME_AIOSMTPD_PATH";

/// Starts aiosmtpd on a free port; its port and the lines it prints.
fn start_relay() -> (Relay, u16, mpsc::Receiver<String>) {
    let path = aiosmtpd_path();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-u", "-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .env("PYTHONPATH", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}). {MISSING}"));
    let mut relay = Relay(child);
    let (tx, rx) = mpsc::channel();
    let stdout = relay.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        if let Ok(Some(status)) = relay.0.try_wait() {
            let mut err = String::new();
            if let Some(mut stderr) = relay.0.stderr.take() {
                use std::io::Read;
                let _ = stderr.read_to_string(&mut err);
            }
            panic!("aiosmtpd stopped ({status}): {err}\n{MISSING}");
        }
        assert!(
            Instant::now() < deadline,
            "aiosmtpd did not listen. {MISSING}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (relay, port, rx)
}

/// The code in the printed message: the "ddd ddd" on the line that announces it.
fn code_in(lines: &mpsc::Receiver<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if !line.contains("code de connexion") {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let found = chars.windows(7).find(|w| {
            w[..3].iter().all(char::is_ascii_digit)
                && w[3] == ' '
                && w[4..].iter().all(char::is_ascii_digit)
        });
        if let Some(w) = found {
            return w.iter().filter(|c| c.is_ascii_digit()).collect();
        }
    }
    panic!("no code arrived at the SMTP server");
}

#[tokio::test]
async fn codes_by_email_go_through_a_real_smtp_server() {
    let (_relay, port, lines) = start_relay();
    let app = test_app_with(sesame_demo::Config {
        smtp: Some(SmtpRelay {
            host: "127.0.0.1".into(),
            port,
        }),
        ..test_config()
    })
    .await;
    let nexus = sesame_demo::seed::DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "nexus")
        .unwrap();
    // Nexus sends its e-mail at once.
    let answer = app
        .login_method(
            (nexus.portal, nexus.identifier, nexus.password),
            "otp",
            None,
        )
        .await;
    assert_eq!(
        answer.status,
        202,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let cookie = answer.cookie_named("sesame-attempt").unwrap();
    let code = tokio::task::spawn_blocking(move || code_in(&lines))
        .await
        .unwrap();
    assert!(
        app.outbox(nexus.email).await.is_empty(),
        "through SMTP, not the outbox"
    );
    let done = app.verify_code(&cookie, &code).await;
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    let info: sesame_core::api::SessionInfo = serde_json::from_slice(&done.body).unwrap();
    assert_eq!(
        (info.method, info.assurance),
        (Method::Otp, AssuranceLevel::Strong)
    );
}

/// The message the relay prints next, from its headers to its end, with quoted-printable soft
/// line breaks joined and `=3D` decoded (the links are longer than a line).
fn next_message(lines: &mpsc::Receiver<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut message = String::new();
    let mut inside = false;
    while Instant::now() < deadline {
        let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if line.contains("MESSAGE FOLLOWS") {
            inside = true;
            continue;
        }
        if line.contains("END MESSAGE") && inside {
            return message.replace("=\n", "").replace("=3D", "=");
        }
        if inside {
            message.push_str(&line);
            message.push('\n');
        }
    }
    panic!("no message arrived at the SMTP server");
}

#[tokio::test]
async fn account_emails_go_through_a_real_smtp_server() {
    let (_relay, port, lines) = start_relay();
    let app = test_app_with(sesame_demo::Config {
        smtp: Some(SmtpRelay {
            host: "127.0.0.1".into(),
            port,
        }),
        ..test_config()
    })
    .await;
    let body = serde_json::json!({"portal": "spico", "identifier": "sophie.martin",
        "display_name": "Sophie Martin", "email": "sophie.martin@exemple.fr"});
    let created = app
        .post_json("/api/demo/invite", body.to_string(), None)
        .await;
    assert_eq!(created.status, 201);
    let (first, second) = tokio::task::spawn_blocking(move || {
        let first = next_message(&lines);
        (first, next_message(&lines))
    })
    .await
    .unwrap();
    assert!(first.contains("sophie.martin@exemple.fr"), "{first}");
    assert!(first.contains("sophie.martin"), "the identifier: {first}");
    let marker = "#sesame-link=";
    let at = second.find(marker).unwrap_or_else(|| panic!("{second}")) + marker.len();
    let token: String = second[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{second}");
    assert!(app.outbox("sophie.martin@exemple.fr").await.is_empty());
    // The link that arrived is the one that works.
    let body = serde_json::json!({"token": token, "new_password": "Nouveau-Depart-2026!"});
    let set = app
        .post_json("/api/account/set-password", body.to_string(), None)
        .await;
    assert_eq!(set.status, 200, "{}", String::from_utf8_lossy(&set.body));
}
