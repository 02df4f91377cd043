//! `sesame-test-card` as the e2e tests and xtask run it: a card against a fresh test CA, kept
//! when asked again, made afresh for another CA or holder; a reader without a card. (That the
//! host reads the card: extension/host/tests/softhsm.rs, with the real `sesame-host`.)

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn softhsm() -> Option<PathBuf> {
    std::env::var_os("SESAME_SOFTHSM2_MODULE")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from(sesame_test_card::SOFTHSM2_MODULE)])
        .find(|p| p.is_file())
}

/// Runs the tool; its JSON line, or its error's text.
fn tool<S: AsRef<std::ffi::OsStr>>(args: &[S], module: &Path) -> Result<Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_sesame-test-card"))
        .args(args)
        .arg("--module")
        .arg(module)
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    Ok(serde_json::from_str(&text).unwrap())
}

#[test]
fn creates_keeps_and_remakes_a_card() {
    let Some(module) = softhsm() else {
        eprintln!("skipped: SoftHSM2 is not installed (`cargo xtask test` installs it)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("sesame-test-card-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let s = |p: &Path| p.display().to_string();
    let (card, ca, ca_key) = (dir.join("card"), dir.join("ca.pem"), dir.join("ca-key.pem"));
    let create = |ca: &Path, key: &Path, extra: &[&str]| {
        let mut args = vec!["create".to_owned(), "--dir".into(), s(&card)];
        args.extend(["--ca-cert".into(), s(ca), "--ca-key".into(), s(key)]);
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        tool(&args, &module)
    };

    let made = create(&ca, &ca_key, &[]).unwrap();
    assert_eq!(made["holder"], "Dr Karim Benali");
    assert_eq!(made["national_id"], "810012345678");
    assert_eq!(made["pin"], "1234");
    assert_eq!(made["module"], s(&module));
    assert_eq!(made["created"], true);
    let conf = PathBuf::from(made["conf"].as_str().unwrap());
    assert_eq!(conf, card.canonicalize().unwrap().join("softhsm2.conf"));
    assert!(std::fs::read_to_string(&conf)
        .unwrap()
        .contains("objectstore.backend = file"));
    assert!(
        ca.is_file() && ca_key.is_file(),
        "the CA is created as the demo does"
    );

    // Again, same CA: kept (the tool read the card back: certificate, PIN, key).
    assert_eq!(create(&ca, &ca_key, &[]).unwrap()["created"], false);
    // Another holder, another CA: made afresh.
    let again = create(&ca, &ca_key, &["--holder", "Dr Anne Roux", "--pin", "4321"]).unwrap();
    assert_eq!(again["created"], true);
    assert_eq!(again["holder"], "Dr Anne Roux");
    let (ca2, key2) = (dir.join("ca2.pem"), dir.join("ca2-key.pem"));
    assert_eq!(
        create(&ca2, &key2, &["--holder", "Dr Anne Roux", "--pin", "4321"]).unwrap()["created"],
        true
    );

    // Mistakes are said in words.
    let e = create(&ca, &ca_key, &["--pin", "12"]).unwrap_err();
    assert!(e.contains("PIN"), "{e}");
    std::fs::remove_file(&ca_key).unwrap();
    let e = create(&ca, &ca_key, &[]).unwrap_err();
    assert!(e.contains("needs both"), "{e}");
    let e = tool(&["create", "--dir", &s(&card)], &module).unwrap_err();
    assert!(e.contains("--ca-cert"), "{e}");
    let e = tool(
        &[
            "create",
            "--dir",
            &s(&card),
            "--ca-cert",
            &s(&dir.join("ca3.pem")),
            "--ca-key",
            &s(&dir.join("ca3-key.pem")),
        ],
        Path::new("/nonexistent/libsofthsm2.so"),
    )
    .unwrap_err();
    assert!(e.contains("does not exist"), "{e}");
    assert!(
        !dir.join("ca3.pem").exists(),
        "nothing written for a missing module"
    );

    // A reader without a card.
    let empty = tool(&["empty", "--dir", &s(&dir.join("empty"))], &module).unwrap();
    assert!(empty.get("holder").is_none());
    let tokens = dir.join("empty").join("tokens");
    assert_eq!(std::fs::read_dir(&tokens).unwrap().count(), 0);
    // `empty` over a card's folder takes the card out.
    tool(&["empty", "--dir", &s(&card)], &module).unwrap();
    assert_eq!(std::fs::read_dir(card.join("tokens")).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
