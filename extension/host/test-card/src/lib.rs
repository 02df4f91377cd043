//! # sesame-test-card
//!
//! A SoftHSM2 token made like a CPS card, for Sésame's tests and demo. **A test card**: its
//! PIN (default `1234`) and its security officer's PIN are not secrets, its certificate is
//! issued by the demo's test CA (never IGC-Santé), and no portal outside dev mode accepts it.
//!
//! - [`create`]: `DIR/softhsm2.conf` (token folder `DIR/tokens`, file backend, log level
//!   ERROR) and one token: label (default "CPS Benali"), user PIN, an RSA-2048 key pair
//!   generated in the token (`CKA_ID` 01, signing, private, sensitive, not extractable), and the
//!   certificate of its public key issued by the test CA with
//!   [`TestCa::issue_card`](sesame_demo::cps::TestCa::issue_card), stored as an X.509
//!   `CKO_CERTIFICATE` with the same `CKA_ID` and label. Idempotent: a card already in `DIR`
//!   with that label, PIN, holder and national identifier, whose certificate that CA issued and
//!   is valid now, is kept; anything else is made afresh.
//! - [`empty`]: the same configuration with no initialised token: a reader without a card.
//! - [`run`]: the command line (`sesame-test-card create|empty …`, see [`usage`]), which prints
//!   one line of JSON.
//!
//! **One PKCS#11 library per process.** [`create`] sets `SOFTHSM2_CONF` in this process's
//! environment and loads the module: call it from one thread at a time (the binary does; tests
//! hold a lock), in a process that has no other SoftHSM2 configuration loaded.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, ensure, Context, Result};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use rsa::pkcs8::EncodePublicKey;
use serde_json::{json, Value};
use sesame_demo::cps;
/// The demo's test CA, re-exported for the tests that make cards with it.
pub use sesame_demo::cps::{test_ca, TestCa};

/// SoftHSM2's PKCS#11 module as Debian installs it (the default `--module`).
pub const SOFTHSM2_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The security officer's PIN of every test card.
pub const SO_PIN: &str = "12345678";
/// The label of the card's key pair and certificate.
pub const OBJECT_LABEL: &str = "Authentification";
/// The `CKA_ID` of the card's key pair and certificate.
pub const OBJECT_ID: [u8; 1] = [0x01];

/// What card to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSpec {
    /// The holder, the certificate's common name.
    pub holder: String,
    /// The national identifier ("8" + RPPS), the certificate's subject `serialNumber`.
    pub national_id: String,
    /// The user PIN (a test card's: not a secret).
    pub pin: String,
    /// The token's label.
    pub label: String,
}

impl Default for CardSpec {
    fn default() -> CardSpec {
        CardSpec {
            holder: "Dr Karim Benali".into(),
            national_id: "810012345678".into(),
            pin: "1234".into(),
            label: "CPS Benali".into(),
        }
    }
}

impl CardSpec {
    /// Checks what a token and a certificate can hold.
    pub fn check(&self) -> Result<()> {
        ensure!(
            (1..=64).contains(&self.holder.chars().count()),
            "the holder must have 1 to 64 characters"
        );
        ensure!(
            (1..=20).contains(&self.national_id.len())
                && self.national_id.bytes().all(|b| b.is_ascii_digit()),
            "the national identifier must be 1 to 20 digits"
        );
        ensure!(
            (4..=16).contains(&self.pin.len()) && !self.pin.contains('\0'),
            "the PIN must have 4 to 16 characters"
        );
        ensure!(
            (1..=32).contains(&self.label.len()),
            "the label must have 1 to 32 bytes (a PKCS#11 token label)"
        );
        Ok(())
    }
}

/// A SoftHSM2 configuration made by [`create`] or [`empty`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// `DIR/softhsm2.conf`, absolute.
    pub conf: PathBuf,
    /// The PKCS#11 module.
    pub module: PathBuf,
    /// The card, when there is one.
    pub card: Option<CardSpec>,
    /// Whether the card was made now (false: the one in `DIR` was kept).
    pub created: bool,
}

impl Made {
    /// The line `sesame-test-card` prints.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "conf": self.conf.display().to_string(),
            "module": self.module.display().to_string(),
        });
        if let Some(c) = &self.card {
            v["holder"] = json!(c.holder);
            v["national_id"] = json!(c.national_id);
            v["pin"] = json!(c.pin);
            v["label"] = json!(c.label);
            v["created"] = json!(self.created);
        }
        v
    }
}

/// Writes `DIR/softhsm2.conf` and an empty `DIR/tokens` (emptied when it held tokens); returns
/// the configuration's absolute path.
fn write_conf(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let tokens = dir.join("tokens");
    match std::fs::remove_dir_all(&tokens) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => bail!("cannot empty {}: {e}", tokens.display()),
    }
    std::fs::create_dir_all(&tokens)
        .with_context(|| format!("cannot create {}", tokens.display()))?;
    let conf = dir.join("softhsm2.conf");
    std::fs::write(&conf, conf_text(&tokens))
        .with_context(|| format!("cannot write {}", conf.display()))?;
    Ok(conf)
}

/// The SoftHSM2 configuration of a card whose tokens are in `tokens`.
fn conf_text(tokens: &Path) -> String {
    format!(
        "# A Sésame test card (sesame-test-card): not a real CPS card.\n\
         directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
        tokens.display()
    )
}

/// `DIR/softhsm2.conf`, absolute, when it is the one [`write_conf`] writes for `DIR`.
fn our_conf(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let conf = dir.join("softhsm2.conf");
    let text = std::fs::read_to_string(&conf).ok()?;
    (text == conf_text(&dir.join("tokens")) && dir.join("tokens").is_dir()).then_some(conf)
}

fn check_module(module: &Path) -> Result<()> {
    ensure!(
        module.is_file(),
        "the PKCS#11 module {} does not exist (Debian: apt-get install softhsm2)",
        module.display()
    );
    Ok(())
}

/// A reader without a card: `DIR/softhsm2.conf` whose token folder holds no initialised token.
pub fn empty(dir: &Path, module: &Path) -> Result<Made> {
    check_module(module)?;
    Ok(Made {
        conf: write_conf(dir)?,
        module: module.to_path_buf(),
        card: None,
        created: true,
    })
}

/// Another card: an initialised token (label "Autre carte", user PIN 1234) holding no
/// authentication key or certificate — a bank card, say, in the CPS reader.
pub fn other(dir: &Path, module: &Path) -> Result<Made> {
    check_module(module)?;
    let conf = write_conf(dir)?;
    let pkcs11 = load(module, &conf)?;
    let spec = CardSpec {
        label: "Autre carte".into(),
        ..CardSpec::default()
    };
    init_token(&pkcs11, &spec)?;
    Ok(Made {
        conf,
        module: module.to_path_buf(),
        card: None,
        created: true,
    })
}

/// The module loaded with the SoftHSM2 configuration `conf` (set in this process's
/// environment first: see the crate's documentation).
fn load(module: &Path, conf: &Path) -> Result<Pkcs11> {
    std::env::set_var("SOFTHSM2_CONF", conf);
    let pkcs11 =
        Pkcs11::new(module).with_context(|| format!("cannot load {}", module.display()))?;
    pkcs11
        .initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .context("the PKCS#11 module did not initialise")?;
    Ok(pkcs11)
}

/// A card like `spec`, issued by `ca`, in `DIR` (see the crate's documentation); kept when the
/// one there already is.
pub fn create(dir: &Path, module: &Path, ca: &TestCa, spec: &CardSpec) -> Result<Made> {
    check_module(module)?;
    spec.check()?;
    if let Some(conf) = our_conf(dir) {
        // Any failure to read the card there means it is not the one wanted: made afresh.
        if let Ok(true) = load(module, &conf).and_then(|p| is_card(&p, ca, spec)) {
            return Ok(Made {
                conf,
                module: module.to_path_buf(),
                card: Some(spec.clone()),
                created: false,
            });
        }
    }
    let conf = write_conf(dir)?;
    let pkcs11 = load(module, &conf)?;
    make_card(&pkcs11, ca, spec)?;
    // The module's own check that the card reads back as wanted.
    ensure!(
        is_card(&pkcs11, ca, spec)?,
        "the card made in {} does not read back as expected",
        dir.display()
    );
    Ok(Made {
        conf,
        module: module.to_path_buf(),
        card: Some(spec.clone()),
        created: true,
    })
}

fn the_slot(pkcs11: &Pkcs11, label: &str) -> Result<Option<Slot>> {
    for slot in pkcs11.get_slots_with_initialized_token()? {
        if pkcs11.get_token_info(slot)?.label().trim_end() == label {
            return Ok(Some(slot));
        }
    }
    Ok(None)
}

fn user_pin(spec: &CardSpec) -> AuthPin {
    AuthPin::new(spec.pin.clone().into())
}

/// Whether the module's card is `spec`'s, issued by `ca` and valid now.
fn is_card(pkcs11: &Pkcs11, ca: &TestCa, spec: &CardSpec) -> Result<bool> {
    let Some(slot) = the_slot(pkcs11, &spec.label)? else {
        return Ok(false);
    };
    let session = pkcs11.open_ro_session(slot)?;
    let certificates = session.find_objects(&[
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::Id(OBJECT_ID.to_vec()),
    ])?;
    let [certificate] = certificates[..] else {
        return Ok(false);
    };
    let der = match session.get_attributes(certificate, &[AttributeType::Value])?[..] {
        [Attribute::Value(ref der)] => der.clone(),
        _ => return Ok(false),
    };
    let Some(cert) = cps::parse_certificate(&der) else {
        return Ok(false);
    };
    let trust = cps::Trust::from_pem(ca.cert_pem.as_bytes())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let holder = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok());
    if cps::check_certificate(&trust, now, &cert).is_err()
        || holder != Some(spec.holder.as_str())
        || cps::national_id(&cert).as_deref() != Some(spec.national_id.as_str())
    {
        return Ok(false);
    }
    // The PIN opens it, and the private key is there.
    if session
        .login(UserType::User, Some(&user_pin(spec)))
        .is_err()
    {
        return Ok(false);
    }
    let keys = session.find_objects(&[
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::Id(OBJECT_ID.to_vec()),
    ]);
    let _ = session.logout();
    Ok(keys.is_ok_and(|k| k.len() == 1))
}

/// Initialises the first empty token as `spec`'s card.
/// Initialises the first slot's token with `spec`'s label and user PIN (SO PIN [`SO_PIN`]);
/// an open read-write session on it, logged out.
fn init_token(pkcs11: &Pkcs11, spec: &CardSpec) -> Result<Session> {
    let slot = *pkcs11
        .get_slots_with_token()?
        .first()
        .ok_or_else(|| anyhow!("SoftHSM2 offers no slot"))?;
    let so_pin = AuthPin::new(SO_PIN.into());
    pkcs11
        .init_token(slot, &so_pin, &spec.label)
        .context("cannot initialise the token")?;
    // SoftHSM2 gives the initialised token a new slot id.
    let slot = the_slot(pkcs11, &spec.label)?
        .ok_or_else(|| anyhow!("the initialised token is not found"))?;
    let session = pkcs11.open_rw_session(slot)?;
    session.login(UserType::So, Some(&so_pin))?;
    session.init_pin(&user_pin(spec))?;
    session.logout()?;
    Ok(session)
}

fn make_card(pkcs11: &Pkcs11, ca: &TestCa, spec: &CardSpec) -> Result<()> {
    let session = init_token(pkcs11, spec)?;
    session.login(UserType::User, Some(&user_pin(spec)))?;
    let result = fill(&session, ca, spec);
    let _ = session.logout();
    result
}

/// The key pair and its certificate, in a logged-in session.
fn fill(session: &Session, ca: &TestCa, spec: &CardSpec) -> Result<()> {
    let id = OBJECT_ID.to_vec();
    let label = OBJECT_LABEL.as_bytes().to_vec();
    let (public, _private) = session
        .generate_key_pair(
            &Mechanism::RsaPkcsKeyPairGen,
            &[
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::ModulusBits(2048.into()),
                Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
                Attribute::Verify(true),
                Attribute::Id(id.clone()),
                Attribute::Label(label.clone()),
            ],
            &[
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
                Attribute::Id(id.clone()),
                Attribute::Label(label.clone()),
            ],
        )
        .context("cannot generate the key pair in the token")?;
    let (mut n, mut e) = (None, None);
    for a in session.get_attributes(
        public,
        &[AttributeType::Modulus, AttributeType::PublicExponent],
    )? {
        match a {
            Attribute::Modulus(v) => n = Some(v),
            Attribute::PublicExponent(v) => e = Some(v),
            _ => {}
        }
    }
    let (n, e) = n
        .zip(e)
        .ok_or_else(|| anyhow!("the token did not give the public key"))?;
    let public = rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&n),
        rsa::BigUint::from_bytes_be(&e),
    )?;
    let spki = public.to_public_key_der()?;
    let der = ca.issue_card(spki.as_bytes(), &spec.holder, &spec.national_id)?;
    let subject = cps::parse_certificate(&der)
        .ok_or_else(|| anyhow!("the issued certificate does not parse"))?
        .subject()
        .as_raw()
        .to_vec();
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(id),
            Attribute::Label(label),
            Attribute::Subject(subject),
            Attribute::Value(der),
        ])
        .context("cannot store the certificate in the token")?;
    Ok(())
}

/// The command line's help.
pub fn usage() -> &'static str {
    "usage: sesame-test-card create --dir DIR (--ca-cert CA.pem --ca-key CA-key.pem | --demo-ca) \
     [--holder NAME] [--national-id DIGITS] [--pin PIN] [--label LABEL] [--module PATH]\n       \
     sesame-test-card empty --dir DIR [--module PATH]\n       \
     sesame-test-card other --dir DIR [--module PATH]\n\
     A SoftHSM2 token like a CPS card (a test card: its PIN is not a secret) in DIR, its \
     certificate issued by the test CA in CA.pem and CA-key.pem (created when both are \
     missing, as the demo does; --demo-ca: the demo's own, beside its database as the demo finds \
     it from DATABASE_URL and the working folder); `empty`: a reader without a card; `other`: \
     another card (a token with no authentication certificate). Prints one line of JSON: \
     {\"conf\", \"module\", \"holder\", \"national_id\", \"pin\", \"label\", \"created\"}. \
     The module defaults to Debian's SoftHSM2, /usr/lib/softhsm/libsofthsm2.so."
}

/// The demo's test CA files, found as the demo finds them: beside its SQLite database
/// (`DATABASE_URL`, else `sesame-demo.sqlite` in the working folder), see
/// [`Config::cps_test_ca_files`](sesame_demo::config::Config::cps_test_ca_files).
pub fn demo_ca_files() -> Result<(PathBuf, PathBuf)> {
    let config = sesame_demo::config::Config::from_env()
        .context("the demo's configuration (its environment)")?;
    config.cps_test_ca_files().ok_or_else(|| {
        anyhow!(
            "the demo's database is not an SQLite file (DATABASE_URL): its test CA lives only \
             as long as the demo runs, so no card can be issued by it"
        )
    })
}

/// Runs the command line (`args` without the program's name); returns the line to print.
pub fn run(args: &[String]) -> Result<Value> {
    let (command, rest) = args.split_first().ok_or_else(|| anyhow!("{}", usage()))?;
    let mut dir = None;
    let mut ca_cert = None;
    let mut ca_key = None;
    let mut module = PathBuf::from(SOFTHSM2_MODULE);
    let mut spec = CardSpec::default();
    let mut demo_ca = false;
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        if command == "create" && flag == "--demo-ca" {
            demo_ca = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| anyhow!("{flag} needs a value\n{}", usage()))?
            .clone();
        match (command.as_str(), flag.as_str()) {
            (_, "--dir") => dir = Some(PathBuf::from(value)),
            (_, "--module") => module = PathBuf::from(value),
            ("create", "--ca-cert") => ca_cert = Some(PathBuf::from(value)),
            ("create", "--ca-key") => ca_key = Some(PathBuf::from(value)),
            ("create", "--holder") => spec.holder = value,
            ("create", "--national-id") => spec.national_id = value,
            ("create", "--pin") => spec.pin = value,
            ("create", "--label") => spec.label = value,
            _ => bail!("unknown option {flag} for {command}\n{}", usage()),
        }
    }
    let dir = dir.ok_or_else(|| anyhow!("--dir is needed\n{}", usage()))?;
    // Before any file is written (the CA's included).
    check_module(&module)?;
    let made = match command.as_str() {
        "create" => {
            let (cert, key) = match (ca_cert, ca_key, demo_ca) {
                (Some(cert), Some(key), false) => (cert, key),
                (None, None, true) => demo_ca_files()?,
                _ => bail!(
                    "give either --ca-cert and --ca-key, or --demo-ca\n{}",
                    usage()
                ),
            };
            for file in [&cert, &key] {
                if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
            }
            let ca = test_ca(&cert, &key)?;
            create(&dir, &module, &ca, &spec)?
        }
        "empty" => empty(&dir, &module)?,
        "other" => other(&dir, &module)?,
        _ => bail!("unknown command {command}\n{}", usage()),
    };
    Ok(made.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_spec_and_the_printed_line() {
        assert!(CardSpec::default().check().is_ok());
        for bad in [
            CardSpec {
                holder: String::new(),
                ..CardSpec::default()
            },
            CardSpec {
                national_id: "81A".into(),
                ..CardSpec::default()
            },
            CardSpec {
                pin: "12".into(),
                ..CardSpec::default()
            },
            CardSpec {
                label: "L".repeat(33),
                ..CardSpec::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
        let made = Made {
            conf: "/c/softhsm2.conf".into(),
            module: SOFTHSM2_MODULE.into(),
            card: None,
            created: true,
        };
        assert_eq!(
            made.to_json(),
            json!({"conf": "/c/softhsm2.conf", "module": SOFTHSM2_MODULE})
        );
        let with_card = Made {
            card: Some(CardSpec::default()),
            ..made
        };
        assert_eq!(with_card.to_json()["pin"], "1234");
        assert_eq!(with_card.to_json()["holder"], "Dr Karim Benali");
        assert!(run(&["frob".into()]).is_err());
        assert!(run(&["empty".into()])
            .unwrap_err()
            .to_string()
            .contains("--dir"));
        assert!(run(&[]).is_err());
    }
}
