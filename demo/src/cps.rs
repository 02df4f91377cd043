//! CPS card login, the portal's side: nonces bound to the browser, the certification
//! authorities the portal trusts, and the verification of the card's token. The endpoints are
//! in [`crate::routes::cps`].
//!
//! - **Nonce**: [`CPS_NONCE_BYTES`] from the OS random source, unpadded base64url. The browser
//!   holds a random token in the CPS cookie (`__Host-sesame-cps`, dev `sesame-cps`; HttpOnly,
//!   SameSite=Strict, [`CPS_NONCE_LIFE_SECS`]); the table `cps_nonces` keeps only the SHA-256
//!   of the nonce and of that token. A nonce is used once, by that browser, within its life:
//!   one conditional `UPDATE … WHERE used = 0 AND created_at >= now - life RETURNING`.
//! - **Trust** ([`Trust`]): the CA certificates of `SESAME_CPS_CA` (a PEM file: the IGC-Santé
//!   authorities in production). In dev mode without it, the demo's **test CA** ([`test_ca`]):
//!   an ECDSA P-256 key and a self-signed certificate in two files beside the SQLite database,
//!   `<database>-cps-ca.pem` and `<database>-cps-ca-key.pem`, created on the first start — the
//!   same files `cargo xtask setup` reads to issue the SoftHSM2 test card's certificate
//!   ([`TestCa::issue_card`]). An in-memory database gets a test CA for the life of the process.
//!   Outside dev mode and without `SESAME_CPS_CA`, no card is accepted.
//! - **Token** ([`check_certificate`], [`check_signature`]): the card's certificate is issued
//!   directly by a trusted CA (one level, its signature verified with the CA's key: RSA or
//!   ECDSA as ring supports them), valid at the injected clock (CA included), not a CA itself,
//!   with key usage `digitalSignature` (and, when it has an extended key usage, `clientAuth`);
//!   then the signature over [`to_be_signed`](sesame_core::host::to_be_signed)`(origin, nonce)`:
//!   RS256 (RSA PKCS#1 v1.5, SHA-256), PS256 (RSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt) with
//!   an RSA key of 2048 to 8192 bits, ES256 (ECDSA P-256, SHA-256, `r ‖ s` as PKCS#11 gives it)
//!   with a P-256 key. Intermediate CAs are not followed: list each issuing CA in the file.
//! - **Holder**: the subject's `serialNumber` (2.5.4.5: the national identifier, "8" + RPPS
//!   for an RPPS holder) is looked up in `cps_holders` for the portal. The common name is not
//!   used to find an account (namesakes).

use crate::config::Config;
use crate::session::{cookie_header, read_cookie};
use anyhow::{anyhow, Context};
use axum::http::{HeaderMap, HeaderValue};
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use ring::signature::{self, UnparsedPublicKey};
use sesame_core::api::{CPS_NONCE_BYTES, CPS_NONCE_LIFE_SECS};
use sesame_core::ErrorCode;
use std::path::{Path, PathBuf};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_X509_SERIALNUMBER,
};
use x509_parser::prelude::{FromDer, X509Certificate};

/// The CPS cookie's name in dev mode (plain HTTP); outside it, with the `__Host-` prefix.
pub const COOKIE_NAME: &str = "sesame-cps";

/// The CPS cookie's name for this mode.
pub fn cookie_name(dev_mode: bool) -> &'static str {
    if dev_mode {
        COOKIE_NAME
    } else {
        "__Host-sesame-cps"
    }
}

/// The `Set-Cookie` value that gives the browser its CPS `token`, for a nonce's life.
pub fn set_cookie(token: &str, dev_mode: bool) -> HeaderValue {
    cookie_header(
        cookie_name(dev_mode),
        token,
        i64::from(CPS_NONCE_LIFE_SECS),
        dev_mode,
    )
}

/// The `Set-Cookie` value that removes the CPS cookie.
pub fn clear_cookie(dev_mode: bool) -> HeaderValue {
    cookie_header(cookie_name(dev_mode), "", 0, dev_mode)
}

/// The CPS token of the request's cookies, if well formed.
pub fn token_from(headers: &HeaderMap, dev_mode: bool) -> Option<String> {
    read_cookie(headers, cookie_name(dev_mode))
}

/// A new nonce: [`CPS_NONCE_BYTES`] random bytes, unpadded base64url.
pub fn new_nonce() -> anyhow::Result<String> {
    let mut bytes = [0u8; CPS_NONCE_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// Base64 or base64url, padded or not; `None` if neither.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let url = text.contains(['-', '_']);
    let engine = if url {
        GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT)
    } else {
        GeneralPurpose::new(&alphabet::STANDARD, LENIENT)
    };
    engine.decode(text).ok()
}

/// A signature algorithm a card may use (core's `CPS_ALGORITHMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-256.
    Rs256,
    /// RSA-PSS with SHA-256 (MGF1-SHA-256, 32-byte salt).
    Ps256,
    /// ECDSA P-256 with SHA-256, `r ‖ s`.
    Es256,
}

impl CardAlgorithm {
    /// Parses the JOSE name.
    pub fn parse(name: &str) -> Option<CardAlgorithm> {
        match name {
            "RS256" => Some(CardAlgorithm::Rs256),
            "PS256" => Some(CardAlgorithm::Ps256),
            "ES256" => Some(CardAlgorithm::Es256),
            _ => None,
        }
    }
}

/// A card certificate as DER, parsed once it is known to be one.
pub fn parse_certificate(der: &[u8]) -> Option<X509Certificate<'_>> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Some(cert),
        _ => None,
    }
}

/// The certification authorities whose card certificates the portal accepts (DER, each
/// checked to parse when added).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    roots: Vec<Vec<u8>>,
}

impl Trust {
    /// Trusts these DER certificates.
    pub fn new(roots: Vec<Vec<u8>>) -> anyhow::Result<Trust> {
        for (i, der) in roots.iter().enumerate() {
            anyhow::ensure!(
                parse_certificate(der).is_some(),
                "CA certificate {} is not a DER X.509 certificate",
                i + 1
            );
        }
        Ok(Trust { roots })
    }

    /// Trusts every `CERTIFICATE` of a PEM text (at least one).
    pub fn from_pem(pem: &[u8]) -> anyhow::Result<Trust> {
        let mut roots = Vec::new();
        for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
            let block = block.map_err(|e| anyhow!("not PEM: {e}"))?;
            if block.label == "CERTIFICATE" {
                roots.push(block.contents);
            }
        }
        anyhow::ensure!(!roots.is_empty(), "no CERTIFICATE in the PEM text");
        Trust::new(roots)
    }

    /// Whether no CA is trusted (every card is refused).
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// How many CAs are trusted.
    pub fn len(&self) -> usize {
        self.roots.len()
    }
}

/// The environment variable naming the PEM file of trusted CA certificates.
pub const CA_FILE_VAR: &str = "SESAME_CPS_CA";

/// The PEM file of `SESAME_CPS_CA`, if set (read once, at start, by [`crate::serve`] and
/// [`crate::spawn`]). Not a [`Config`] field yet: the end-to-end harness builds `Config` field
/// by field.
pub fn ca_file_from_env() -> Option<PathBuf> {
    std::env::var_os(CA_FILE_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The portal's trust: the CA certificates of `ca_file` (`SESAME_CPS_CA`), else in dev mode
/// the test CA beside the database (see the module's documentation), else none.
pub fn load_trust(config: &Config, ca_file: Option<&Path>) -> anyhow::Result<Trust> {
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .with_context(|| format!("SESAME_CPS_CA: cannot read {}", path.display()))?;
        return Trust::from_pem(&pem)
            .with_context(|| format!("SESAME_CPS_CA: {} holds no usable CA", path.display()));
    }
    if !config.dev_mode {
        tracing::warn!("no SESAME_CPS_CA: CPS card logins are refused");
        return Ok(Trust::default());
    }
    let ca = match config.cps_test_ca_files() {
        Some((cert, key)) => test_ca(&cert, &key)?,
        None => TestCa::generate()?,
    };
    Trust::new(vec![ca.cert_der()?])
}

/// The demo's test certification authority (never an IGC-Santé one): an ECDSA P-256 key and
/// its self-signed certificate, both PEM. Its key is not a secret worth the name: dev mode only.
#[derive(Clone)]
pub struct TestCa {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The private key, PKCS#8 PEM.
    pub key_pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestCa(***)")
    }
}

/// The test CA's common name.
pub const TEST_CA_NAME: &str = "Sésame demo test CA (not IGC-Santé)";

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn pem_block(text: &str, label: &str) -> anyhow::Result<Vec<u8>> {
    x509_parser::pem::Pem::iter_from_buffer(text.as_bytes())
        .filter_map(Result::ok)
        .find(|p| p.label == label)
        .map(|p| p.contents)
        .ok_or_else(|| anyhow!("no {label} block"))
}

impl TestCa {
    /// A new test CA.
    pub fn generate() -> anyhow::Result<TestCa> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, TEST_CA_NAME);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Sésame (démonstration)");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            cert_pem: pem("CERTIFICATE", cert.der()),
            key_pem: pem("PRIVATE KEY", &key.serialize_der()),
        })
    }

    /// The certificate, DER.
    pub fn cert_der(&self) -> anyhow::Result<Vec<u8>> {
        pem_block(&self.cert_pem, "CERTIFICATE")
    }

    /// An rcgen issuer for this CA, to issue card certificates (tests, `cargo xtask setup`).
    pub fn issuer(&self) -> anyhow::Result<rcgen::Issuer<'static, rcgen::KeyPair>> {
        let key = rcgen::KeyPair::try_from(pem_block(&self.key_pem, "PRIVATE KEY")?)?;
        let der = rustls_pki_types::CertificateDer::from(self.cert_der()?);
        Ok(rcgen::Issuer::from_ca_cert_der(&der, key)?)
    }

    /// A CPS-like authentication certificate for the card key `spki` (SubjectPublicKeyInfo,
    /// DER): common name `holder`, `serialNumber` `national_id` ("8" + RPPS), key usage
    /// `digitalSignature`, extended key usage `clientAuth`; DER.
    pub fn issue_card(
        &self,
        spki: &[u8],
        holder: &str,
        national_id: &str,
    ) -> anyhow::Result<Vec<u8>> {
        use rcgen::{
            CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose,
            SubjectPublicKeyInfo,
        };
        let mut p = CertificateParams::new(Vec::<String>::new())?;
        p.distinguished_name.push(DnType::CountryName, "FR");
        p.distinguished_name.push(DnType::CommonName, holder);
        p.distinguished_name
            .push(DnType::CustomDnType(vec![2, 5, 4, 5]), national_id);
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let key = SubjectPublicKeyInfo::from_der(spki)?;
        Ok(p.signed_by(&key, &self.issuer()?)?.der().to_vec())
    }
}

/// The demo's test CA kept in `cert` and `key` (PEM files): read, or created (the key file
/// readable by its owner only) when neither exists. [`Config::cps_test_ca_files`] says where
/// the demo keeps them.
pub fn test_ca(cert: &Path, key: &Path) -> anyhow::Result<TestCa> {
    match (std::fs::read_to_string(cert), std::fs::read_to_string(key)) {
        (Ok(cert_pem), Ok(key_pem)) => {
            let ca = TestCa { cert_pem, key_pem };
            ca.issuer()
                .with_context(|| format!("the test CA {} is damaged", cert.display()))?;
            Ok(ca)
        }
        (Err(c), Err(k))
            if c.kind() == std::io::ErrorKind::NotFound
                && k.kind() == std::io::ErrorKind::NotFound =>
        {
            let ca = TestCa::generate()?;
            crate::totp::write_private(key, &ca.key_pem)
                .with_context(|| format!("cannot write {}", key.display()))?;
            std::fs::write(cert, &ca.cert_pem)
                .with_context(|| format!("cannot write {}", cert.display()))?;
            tracing::info!(file = %cert.display(), "created the CPS test CA");
            Ok(ca)
        }
        _ => anyhow::bail!(
            "the CPS test CA needs both {} and {} (remove the one left to start afresh)",
            cert.display(),
            key.display()
        ),
    }
}

/// The card certificate is one a trusted CA issued, valid at `now`, for authentication;
/// else `cps_certificate_refused`.
pub fn check_certificate(
    trust: &Trust,
    now: i64,
    cert: &X509Certificate<'_>,
) -> Result<(), ErrorCode> {
    let refused = ErrorCode::CpsCertificateRefused;
    let valid_at = |c: &X509Certificate<'_>| {
        let v = c.validity();
        v.not_before.timestamp() <= now && now <= v.not_after.timestamp()
    };
    let issued = trust.roots.iter().any(|der| {
        parse_certificate(der).is_some_and(|ca| {
            ca.subject().as_raw() == cert.issuer().as_raw()
                && valid_at(&ca)
                && cert.verify_signature(Some(ca.public_key())).is_ok()
        })
    });
    if !issued || !valid_at(cert) {
        return Err(refused);
    }
    match cert.basic_constraints() {
        Ok(Some(bc)) if bc.value.ca => return Err(refused),
        Ok(_) => {}
        Err(_) => return Err(refused),
    }
    match cert.key_usage() {
        Ok(Some(ku)) if ku.value.digital_signature() => {}
        _ => return Err(refused),
    }
    match cert.extended_key_usage() {
        Ok(None) => Ok(()),
        Ok(Some(eku)) if eku.value.client_auth || eku.value.any => Ok(()),
        _ => Err(refused),
    }
}

/// `signature` is the card's, with `algorithm`, over `message`; else `cps_signature_invalid`
/// (an algorithm that does not fit the certificate's key included).
pub fn check_signature(
    cert: &X509Certificate<'_>,
    algorithm: CardAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ErrorCode> {
    let spki = cert.public_key();
    let key_type = &spki.algorithm.algorithm;
    let is_rsa = *key_type == OID_PKCS1_RSAENCRYPTION;
    let is_p256 = *key_type == OID_KEY_TYPE_EC_PUBLIC_KEY
        && spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .is_some_and(|curve| curve == OID_EC_P256);
    let verifier: &dyn signature::VerificationAlgorithm = match algorithm {
        CardAlgorithm::Rs256 if is_rsa => &signature::RSA_PKCS1_2048_8192_SHA256,
        CardAlgorithm::Ps256 if is_rsa => &signature::RSA_PSS_2048_8192_SHA256,
        CardAlgorithm::Es256 if is_p256 => &signature::ECDSA_P256_SHA256_FIXED,
        _ => return Err(ErrorCode::CpsSignatureInvalid),
    };
    UnparsedPublicKey::new(verifier, &spki.subject_public_key.data)
        .verify(message, signature)
        .map_err(|_| ErrorCode::CpsSignatureInvalid)
}

/// The subject's `serialNumber` (the national identifier), if the certificate has one.
pub fn national_id(cert: &X509Certificate<'_>) -> Option<String> {
    cert.subject()
        .iter_by_oid(&OID_X509_SERIALNUMBER)
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_256_bits_of_base64url() {
        let n = new_nonce().unwrap();
        assert_eq!(n.len(), 43);
        assert!(sesame_core::host::check_nonce(&n).is_ok());
        assert_ne!(n, new_nonce().unwrap());
        assert_eq!(decode_base64(&n).unwrap().len(), 32);
    }

    #[test]
    fn base64_either_alphabet_padded_or_not() {
        assert_eq!(decode_base64("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_base64("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_base64("-_8=").unwrap(), [0xfb, 0xff]);
        assert!(decode_base64("not base64!").is_none());
        assert!(decode_base64("+_8=").is_none(), "mixed alphabets");
    }

    #[test]
    fn the_test_ca_is_kept_in_two_files() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("ca.pem"), dir.path().join("ca-key.pem"));
        let ca = test_ca(&cert, &key).unwrap();
        let again = test_ca(&cert, &key).unwrap();
        assert_eq!(ca.cert_pem, again.cert_pem);
        assert!(!format!("{ca:?}").contains("PRIVATE"));
        let trust = Trust::from_pem(ca.cert_pem.as_bytes()).unwrap();
        assert_eq!(trust.len(), 1);
        std::fs::remove_file(&key).unwrap();
        assert!(test_ca(&cert, &key).is_err(), "half a CA is an error");
        assert!(Trust::from_pem(b"nothing").is_err());
    }
}
