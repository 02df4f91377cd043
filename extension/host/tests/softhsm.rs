//! The host against a real PKCS#11 module: SoftHSM2 as the CPS card.
//!
//! Each test makes its own token in a temporary folder (its own `SOFTHSM2_CONF` and token
//! directory) with `sesame-test-card` (its library, in this process, one at a time): user PIN
//! 1234, an RSA-2048 key pair generated *in the token* (CKA_ID `01`), and a certificate for that
//! key issued by a fresh test CA (the demo's `TestCa`): holder "Dr Karim Benali" as the
//! subject's CN, and the RPPS-based national identifier `810012345678` ("8" + an 11-digit
//! RPPS-like number) as the subject's `serialNumber`. Then the real `sesame-host` binary is run
//! with `SESAME_PKCS11_MODULE` pointing at SoftHSM2 (or its configuration file, as a browser
//! starts it) and spoken to over native messaging framing.
//!
//! Skipped, saying so, when SoftHSM2 is not installed (`cargo xtask test` installs it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{json, Value};
use sesame_core::host::{to_be_signed, VERSION};
use sesame_host::framing::{read_message, write_message};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Where Debian's softhsm2 puts its module (and other places it is found).
const SOFTHSM_PATHS: [&str; 3] = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];
const USER_PIN: &str = "1234";
const LABEL: &str = "CPS Benali";
const HOLDER: &str = "Dr Karim Benali";
const NATIONAL_ID: &str = "810012345678";
const ORIGIN: &str = "https://portail.sesame-sante.invalid";
const NONCE: &str = "kX3dM0Jq9v1nR2oP8sT4uW6yZ0aB2cD4eF6gH8iJ0kL";

/// In-process PKCS#11 (making a card) loads one library per process: one card at a time.
static SETUP: Mutex<()> = Mutex::new(());

fn softhsm() -> Option<PathBuf> {
    std::env::var_os("SESAME_SOFTHSM2_MODULE")
        .map(PathBuf::from)
        .into_iter()
        .chain(SOFTHSM_PATHS.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

macro_rules! need_softhsm {
    () => {
        match softhsm() {
            Some(m) => m,
            None => {
                eprintln!(
                    "skipped: SoftHSM2 is not installed (apt-get install softhsm2; \
                     `cargo xtask test` installs it)"
                );
                return;
            }
        }
    };
}

/// A SoftHSM2 configuration in its own folder.
struct TestCard {
    dir: PathBuf,
    conf: PathBuf,
}

impl Drop for TestCard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sesame-softhsm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A SoftHSM2 configuration with an empty token folder: one slot, no initialised token.
fn empty_card(module: &Path, name: &str) -> TestCard {
    let dir = test_dir(name);
    let made = sesame_test_card::empty(&dir, module).unwrap();
    TestCard {
        dir,
        conf: made.conf,
    }
}

/// A token like a CPS card, made by sesame-test-card: see the file's documentation.
fn cps_card(module: &Path, name: &str) -> TestCard {
    let dir = test_dir(name);
    let spec = sesame_test_card::CardSpec {
        holder: HOLDER.into(),
        national_id: NATIONAL_ID.into(),
        pin: USER_PIN.into(),
        label: LABEL.into(),
    };
    let ca = sesame_test_card::TestCa::generate().unwrap();
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let made = sesame_test_card::create(&dir.join("card"), module, &ca, &spec).unwrap();
    assert!(made.created);
    TestCard {
        dir,
        conf: made.conf,
    }
}

/// `sesame-host` with its home in the card's folder (no configuration file of the person
/// running the tests can reach it).
fn host(card: &TestCard) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sesame-host"));
    c.env("HOME", &card.dir)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SESAME_PKCS11_MODULE")
        .env_remove("SOFTHSM2_CONF");
    c
}

/// Runs `sesame-host` with `module`, sends a hello then `messages`, returns the answers to
/// `messages` (the hello's is checked).
fn talk(card: &TestCard, module: &Path, messages: &[Value]) -> Vec<Value> {
    let mut c = host(card);
    c.env("SOFTHSM2_CONF", &card.conf)
        .env("SESAME_PKCS11_MODULE", module);
    talk_with(c, messages)
}

/// Runs `command` (a `sesame-host`), sends a hello then `messages`, returns the answers to
/// `messages` (the hello's is checked).
fn talk_with(mut command: Command, messages: &[Value]) -> Vec<Value> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut input = Vec::new();
    let hello = json!({"command": "hello", "version": VERSION});
    for m in std::iter::once(&hello).chain(messages) {
        write_message(&mut input, &m.to_string()).unwrap();
    }
    stdin.write_all(&input).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let mut r = out.stdout.as_slice();
    let mut answers = Vec::new();
    while let Ok(text) = read_message(&mut r) {
        answers.push(serde_json::from_str::<Value>(&text).unwrap());
    }
    assert_eq!(answers[0], json!({"result": "hello", "version": VERSION}));
    answers.remove(0);
    answers
}

fn authenticate(pin: &str) -> Value {
    json!({"command": "authenticate", "origin": ORIGIN, "nonce": NONCE, "pin": pin})
}

#[test]
fn status_and_certificate_find_the_card() {
    let module = need_softhsm!();
    let card = cps_card(&module, "status");
    let a = talk(
        &card,
        &module,
        &[
            json!({"command": "status"}),
            json!({"command": "certificate"}),
        ],
    );
    assert_eq!(a[0]["result"], "status", "{}", a[0]);
    assert_eq!(a[0]["module"], module.display().to_string());
    let cards: Vec<&Value> = a[0]["readers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("card"))
        .collect();
    assert_eq!(cards.len(), 1, "{}", a[0]);
    assert_eq!(cards[0]["label"], LABEL);
    assert_eq!(cards[0]["pin"], "ok");
    assert_eq!(cards[0]["pin_pad"], false);
    // SoftHSM2 is a "configured" module: its maximum tries are not known.
    assert!(cards[0].get("tries_left").is_none());

    assert_eq!(a[1]["result"], "certificate", "{}", a[1]);
    assert_eq!(a[1]["holder"], HOLDER);
    assert_eq!(a[1]["serial_number"], NATIONAL_ID);
    assert_eq!(a[1]["algorithm"], "RS256");
    assert!(a[1]["subject"].as_str().unwrap().contains(HOLDER));
    assert!(a[1]["not_after"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn the_configuration_file_names_the_module_and_its_variables() {
    let module = need_softhsm!();
    // The tool's command line, as the e2e tests run it, against a fresh test CA's files.
    let dir = test_dir("config");
    let arg = |p: &Path| p.display().to_string();
    let made = {
        let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
        sesame_test_card::run(&[
            "create".into(),
            "--dir".into(),
            arg(&dir.join("card")),
            "--ca-cert".into(),
            arg(&dir.join("ca.pem")),
            "--ca-key".into(),
            arg(&dir.join("ca-key.pem")),
            "--module".into(),
            arg(&module),
        ])
        .unwrap()
    };
    assert_eq!(made["holder"], HOLDER);
    let card = TestCard {
        conf: PathBuf::from(made["conf"].as_str().unwrap()),
        dir,
    };
    // What a browser's environment looks like: no SESAME_PKCS11_MODULE, no SOFTHSM2_CONF; the
    // file written by `install` in HOME says both.
    let out = host(&card)
        .args(["install", "--browser", "firefox", "--module"])
        .arg(&module)
        .arg("--module-env")
        .arg(format!("SOFTHSM2_CONF={}", card.conf.display()))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = card.dir.join(".config/sesame/host.json");
    assert!(report.contains(&config.display().to_string()), "{report}");
    assert!(card
        .dir
        .join(".mozilla/native-messaging-hosts/fr.sesame.host.json")
        .is_file());
    let a = talk_with(host(&card), &[json!({"command": "certificate"})]);
    assert_eq!(a[0]["holder"], HOLDER, "{}", a[0]);

    // A damaged file: named in the answer, with what is wrong.
    std::fs::write(&config, "{\"module\": ").unwrap();
    let a = talk_with(host(&card), &[json!({"command": "status"})]);
    assert_eq!(a[0]["code"], "module_not_found", "{}", a[0]);
    let checked = a[0]["checked"][0].as_str().unwrap();
    assert!(
        checked.starts_with(&config.display().to_string()),
        "{checked}"
    );
    assert!(checked.contains("JSON"), "{checked}");

    let out = host(&card).arg("uninstall").output().unwrap();
    assert!(out.status.success());
    assert!(!config.exists());
}

#[test]
fn authenticate_signs_the_challenge() {
    use base64::Engine as _;
    let module = need_softhsm!();
    let card = cps_card(&module, "sign");
    let a = talk(&card, &module, &[authenticate(USER_PIN)]);
    assert_eq!(a[0]["result"], "authenticated", "{}", a[0]);
    assert_eq!(a[0]["algorithm"], "RS256");
    let b64 = base64::engine::general_purpose::STANDARD;
    let der = b64.decode(a[0]["certificate"].as_str().unwrap()).unwrap();
    let signature = b64.decode(a[0]["signature"].as_str().unwrap()).unwrap();
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    let public = rsa::RsaPublicKey::from_public_key_der(cert.public_key().raw).unwrap();
    let verifier = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(public);
    let signature = rsa::pkcs1v15::Signature::try_from(signature.as_slice()).unwrap();
    verifier
        .verify(&to_be_signed(ORIGIN, NONCE), &signature)
        .expect("the signature verifies over SHA-256(origin) ‖ SHA-256(nonce)");
    // And not over another origin's bytes.
    assert!(verifier
        .verify(&to_be_signed("https://evil.invalid", NONCE), &signature)
        .is_err());
}

#[test]
fn wrong_pins() {
    let module = need_softhsm!();
    let card = cps_card(&module, "pin");
    let a = talk(
        &card,
        &module,
        &[authenticate("9999"), json!({"command": "status"})],
    );
    // SoftHSM2 does not say how many tries are left: no number, never a made-up one.
    assert_eq!(a[0], json!({"result": "error", "code": "pin_incorrect"}));
    let card_status = a[1]["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r.get("card"))
        .unwrap();
    assert_eq!(card_status["pin"], "count_low", "{}", a[1]);

    // SoftHSM2 never blocks a user PIN (it sets CKF_USER_PIN_COUNT_LOW, never
    // CKF_USER_PIN_FINAL_TRY or CKF_USER_PIN_LOCKED): ten wrong PINs still leave it usable.
    // A blocked card's `pin_locked` is covered by the flag and error mapping's unit tests.
    let mut many: Vec<Value> = (0..10).map(|_| authenticate("0000")).collect();
    many.push(authenticate(USER_PIN));
    many.push(json!({"command": "status"}));
    let a = talk(&card, &module, &many);
    for wrong in &a[..10] {
        assert_eq!(wrong["code"], "pin_incorrect", "{wrong}");
    }
    assert_eq!(a[10]["result"], "authenticated", "{}", a[10]);
    // A right PIN clears the low count.
    let card_status = a[11]["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r.get("card"))
        .unwrap();
    assert_eq!(card_status["pin"], "ok", "{}", a[11]);
}

#[test]
fn no_card() {
    let module = need_softhsm!();
    // SoftHSM2 with no token: one reader (slot) and no initialised token in it.
    let card = empty_card(&module, "empty");
    let a = talk(
        &card,
        &module,
        &[
            json!({"command": "status"}),
            json!({"command": "certificate"}),
            authenticate(USER_PIN),
        ],
    );
    assert_eq!(a[0]["result"], "status", "{}", a[0]);
    let readers = a[0]["readers"].as_array().unwrap();
    assert!(!readers.is_empty());
    assert!(readers.iter().all(|r| r.get("card").is_none()), "{}", a[0]);
    assert_eq!(a[1], json!({"result": "error", "code": "card_absent"}));
    assert_eq!(a[2], json!({"result": "error", "code": "card_absent"}));
}

#[test]
fn no_module() {
    let module = need_softhsm!();
    let card = empty_card(&module, "nomodule");
    let missing = card.dir.join("libcps3_pkcs11_lux.so");
    let a = talk(&card, &missing, &[json!({"command": "status"})]);
    assert_eq!(
        a[0],
        json!({"result": "error", "code": "module_not_found",
               "checked": [missing.display().to_string()]})
    );
    // A file that is not a PKCS#11 module.
    let not_a_module = card.dir.join("softhsm2.conf");
    let a = talk(&card, &not_a_module, &[json!({"command": "status"})]);
    assert_eq!(a[0], json!({"result": "error", "code": "module_failed"}));
}

#[test]
fn protocol_errors() {
    let module = need_softhsm!();
    let card = empty_card(&module, "protocol");
    // A command before the handshake, then a bad handshake.
    let mut child = host(&card)
        .env("SOFTHSM2_CONF", &card.conf)
        .env("SESAME_PKCS11_MODULE", &module)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = Vec::new();
    for m in [
        json!({"command": "status"}),
        json!({"command": "hello", "version": "999.0.0"}),
        json!({"command": "status"}),
    ] {
        write_message(&mut input, &m.to_string()).unwrap();
    }
    write_message(&mut input, "not json").unwrap();
    // Then a frame announcing more than 1 MiB: answered, and the host stops.
    input.extend_from_slice(&(2u32 * 1024 * 1024).to_ne_bytes());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&input).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let mut r = out.stdout.as_slice();
    let mut codes = Vec::new();
    while let Ok(text) = read_message(&mut r) {
        let v: Value = serde_json::from_str(&text).unwrap();
        codes.push(v["code"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        codes,
        [
            "handshake_required",
            "version_mismatch",
            "handshake_required",
            "malformed_message",
            "message_too_large"
        ]
    );
    assert!(!out.status.success());
}
