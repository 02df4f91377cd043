//! A portal's own configuration file: the sample sixth portal (`demo/portals/example.json`,
//! `ceviane`) loaded as `SESAME_PORTALS` loads it logs in with password and e-mailed code;
//! refused files stop the start with every problem at its `file:line:column`; and
//! `sesame-demo check-config` says the same to portal teams, exit code 0 or 1, never a panic.

mod common;

use common::{test_app_custom, test_config};
use sesame_core::api::SessionInfo;
use sesame_core::{AssuranceLevel, Method, PortalConfig};
use sesame_demo::portals::{self, sample_path, MAX_CONFIG_BYTES};
use sesame_demo::seed::SAMPLE_ACCOUNTS;
use std::path::Path;
use std::process::Command;

#[tokio::test]
async fn the_sixth_portal_from_its_file_logs_in() {
    let extra = portals::load(&[sample_path()]).expect("the sample loads");
    assert_eq!(extra.len(), 1);
    let app = test_app_custom(test_config(), |state| {
        state.with_extra_portals(extra.clone()).unwrap()
    })
    .await;
    sesame_demo::seed::seed_samples(&app.db, &extra)
        .await
        .unwrap();
    let account = SAMPLE_ACCOUNTS[0];
    assert_eq!(account.portal, "ceviane");

    // Password and a code by e-mail: a strong session on ceviane.
    let answer = app.login_with_code(&account, "otp").await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let session: SessionInfo = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(session.portal.as_str(), "ceviane");
    assert_eq!(session.method, Method::Otp);
    assert_eq!(session.assurance, AssuranceLevel::Strong);

    // The password alone, as the file's second offer says.
    let answer = app
        .login(account.portal, account.identifier, account.password)
        .await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    // A method the file does not offer is refused.
    let answer = app
        .login_method(
            (account.portal, account.identifier, account.password),
            "qr",
            None,
        )
        .await;
    assert_ne!(answer.status, 200);

    // The banner prints the sample's account once the portal is loaded.
    let banner = sesame_demo::seed::banner("http://127.0.0.1:8080", &extra);
    assert!(banner.contains("claire.rousseau") && banner.contains("Parcours-Soins-2026"));
    let banner = sesame_demo::seed::banner("http://127.0.0.1:8080", &[]);
    assert!(!banner.contains("claire.rousseau"));
    assert!(banner.contains("SESAME_PORTALS=demo/portals/example.json"));
}

#[tokio::test]
async fn without_the_file_the_sixth_portal_is_unknown() {
    let app = test_app_custom(test_config(), |state| state).await;
    let a = SAMPLE_ACCOUNTS[0];
    // Its account alone does not make a portal.
    let extra = portals::load(&[sample_path()]).unwrap();
    sesame_demo::seed::seed_samples(&app.db, &extra)
        .await
        .unwrap();
    let answer = app.login(a.portal, a.identifier, a.password).await;
    assert_ne!(answer.status, 200);
}

/// A copy of the sample with `edit` applied, pretty-printed, in `dir`.
fn sample_with(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample_path()).unwrap()).unwrap();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn refused_files_stop_the_start_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = sample_with(dir.path(), "bad.json", |v| {
        v["theme"]["accent"] = "vert".into();
        v["links"]["forgot_password"] = "javascript:alert(1)".into();
    });
    let e = portals::load(&[bad.clone().into()])
        .unwrap_err()
        .to_string();
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines[0], "SESAME_PORTALS: refused", "{e}");
    assert!(
        lines[1].starts_with(&format!("{bad}:")) && lines[1].contains(": links.forgot_password: "),
        "{e}"
    );
    assert!(lines[2].contains(": theme.accent: \"vert\""), "{e}");
    // FILE:LINE:COLUMN: the line of the accent in the file.
    let text = std::fs::read_to_string(&bad).unwrap();
    let line = text.lines().position(|l| l.contains("\"vert\"")).unwrap() + 1;
    assert!(lines[2].starts_with(&format!("{bad}:{line}:")), "{e}");

    // The same id twice, or a preset's id.
    let again = sample_with(dir.path(), "again.json", |_| {});
    let e = portals::load(&[sample_path(), again.into()]).unwrap_err();
    assert!(e.to_string().contains("already in"), "{e}");
    let spico = sample_with(dir.path(), "spico.json", |v| v["id"] = "spico".into());
    let e = portals::load(&[spico.into()]).unwrap_err();
    assert!(e.to_string().contains("core's presets"), "{e}");

    // A folder: its *.json files, here one valid and the bad ones.
    let e = portals::load(&[dir.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.json:"), "{e}");
    let only = tempfile::tempdir().unwrap();
    std::fs::copy(sample_path(), only.path().join("ceviane.json")).unwrap();
    std::fs::write(only.path().join("notes.txt"), "not read").unwrap();
    let loaded = portals::load(&[only.path().to_path_buf()]).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(
        loaded[0],
        PortalConfig::from_json(&std::fs::read_to_string(sample_path()).unwrap()).unwrap()
    );

    // Through the environment, as the binary reads it.
    let config = sesame_demo::Config::from_lookup(|k| {
        (k == "SESAME_PORTALS").then(|| format!(" {}, {} ", sample_path().display(), bad))
    })
    .unwrap();
    assert_eq!(config.portal_files.len(), 2);
}

/// The way a portal team runs it: `SESAME_PORTALS` names the file, the server seeds its
/// account and a password login answers over HTTP.
#[tokio::test]
async fn a_server_started_with_the_file_serves_the_sixth_portal() {
    let dir = tempfile::tempdir().unwrap();
    let config = sesame_demo::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("p.sqlite").display()
        ),
        dev_mode: true,
        portal_files: vec![sample_path()],
        ..sesame_demo::Config::default()
    };
    let (addr, server) = sesame_demo::spawn(config).await.expect("it starts");
    let base = format!("http://{addr}");
    let a = SAMPLE_ACCOUNTS[0];
    let body = serde_json::json!({"portal": a.portal, "identifier": a.identifier,
        "password": a.password});
    let answer = reqwest::Client::new()
        .post(format!("{base}/api/login/password"))
        .header("content-type", "application/json")
        .header("x-sesame-csrf", "1")
        .header("origin", &base)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let session: SessionInfo = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_eq!(session.portal.as_str(), "ceviane");
    assert_eq!(session.display_name, a.display_name);
    server.abort();
}

#[tokio::test]
async fn the_server_does_not_start_with_a_refused_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = sample_with(dir.path(), "bad.json", |v| {
        v["methods"] = serde_json::json!([]);
    });
    let config = sesame_demo::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: "sqlite::memory:".into(),
        dev_mode: true,
        portal_files: vec![bad.clone().into()],
        ..sesame_demo::Config::default()
    };
    let e = sesame_demo::spawn(config).await.expect_err("refused");
    let e = format!("{e:#}");
    assert!(
        e.contains(&format!("{bad}:")) && e.contains(": methods: "),
        "{e}"
    );
}

fn check_config(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sesame-demo"))
        .arg("check-config")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().expect("an exit code, not a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_config_reports_every_problem_with_line_column_and_path() {
    let sample = sample_path().display().to_string();
    let (code, out, err) = check_config(&[&sample]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("{sample}: valid configuration for portal ceviane\n")
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = sample_with(dir.path(), "bad.json", |v| {
        v["methods"][1]["method"] = "otp".into();
        v["password"]["rules"] = serde_json::json!([{"rule": "min_length", "min": 20}, {"rule": "max_length", "max": 10}]);
        v["support"]["form"] = "javascript:alert(1)".into();
        v["theme"]["accent"] = "#fff".into();
    });
    let (code, out, err) = check_config(&[&bad]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    let paths: Vec<&str> = lines
        .iter()
        .take(4)
        .map(|l| {
            // FILE:LINE:COLUMN: PATH: message
            let rest = l.strip_prefix(&format!("{bad}:")).expect(l);
            let mut parts = rest.splitn(4, ": ");
            let position = parts.next().unwrap();
            let (line, column) = position.split_once(':').expect(l);
            assert!(line.parse::<usize>().unwrap() > 1, "{l}");
            assert!(column.parse::<usize>().unwrap() >= 1, "{l}");
            parts.next().unwrap()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "methods[1].method",
            "password.rules",
            "support.form",
            "theme.accent"
        ],
        "{err}"
    );
    assert_eq!(
        lines[4],
        format!("{bad}: 4 problems, not a valid configuration")
    );

    // A type error: serde's line and column, the field's path.
    let typo = sample_with(dir.path(), "typo.json", |v| {
        v["theme"]["accent"] = 12.into()
    });
    let (code, _, err) = check_config(&[&typo]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("{typo}:")) && err.contains(": theme.accent: "),
        "{err}"
    );

    // Several files: each said, 1 when any is refused.
    let (code, out, err) = check_config(&[&sample, &bad]);
    assert_eq!(code, 1);
    assert!(out.contains("valid configuration for portal ceviane"));
    assert!(err.contains("4 problems"));
}

#[test]
fn check_config_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let huge = write("huge.json", &vec![b' '; MAX_CONFIG_BYTES as usize + 1]);
    let cases = [
        (write("empty.json", b""), "EOF"),
        (write("binary.json", &[0xff, 0xfe, 0, 1, 2]), "not UTF-8"),
        (write("nul.json", b"{\"id\": \"a\0\"}"), ":1:"),
        (write("array.json", b"[1, 2, 3]"), "invalid type"),
        (
            write("deep.json", &"[".repeat(100_000).into_bytes()),
            "invalid type",
        ),
        (huge, "larger than 1 MiB"),
        (
            dir.path().join("missing.json").display().to_string(),
            "cannot read",
        ),
        (dir.path().display().to_string(), "cannot read"),
    ];
    for (file, said) in cases {
        let (code, out, err) = check_config(&[&file]);
        assert_eq!(code, 1, "{file}: {err}");
        assert_eq!(out, "");
        assert!(err.starts_with(&format!("{file}:")), "{file}: {err}");
        assert!(err.contains(said), "{file}: {said:?} not in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, _, err) = check_config(&[]);
    assert_eq!(code, 1);
    assert!(err.starts_with("usage: sesame-demo check-config FILE"));
}

/// README's "Your own portal" shows the sample as it is.
#[test]
fn the_readme_shows_the_sample() {
    let readme =
        std::fs::read_to_string(sesame_demo::config::repo_root().join("README.md")).unwrap();
    let section = readme
        .split("## Your own portal")
        .nth(1)
        .expect("README: Your own portal");
    let shown = section
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the sample in a json block");
    assert_eq!(shown, std::fs::read_to_string(sample_path()).unwrap());
}
