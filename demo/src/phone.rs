//! A phone, simulated: what a QR-login app does, for the end-to-end tests and the
//! `sesame-demo phone` subcommand. It holds a P-256 key (ring), enrols with an enrolment
//! payload and a PIN, reads what a login request shows, and approves or declines it over HTTP
//! (reqwest), signing core's [`to_be_signed`] / [`to_be_signed_decline`] with the origin and
//! portal the request showed.
//!
//! The pure parts ([`Phone::enrol_body`], [`Phone::approve_body`], [`Phone::decline_body`])
//! build the request bodies without a network, for the handler tests.

use anyhow::{anyhow, Context};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde::{Deserialize, Serialize};
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_core::qr::{
    to_be_signed, to_be_signed_decline, QrApproveRequest, QrDeclineRequest, QrDevice,
    QrEnrolRequest, QrPayload, QrPayloadRequest, QrRequestInfo,
};
use sesame_core::{ApiError, ErrorCode, Secret};
use std::path::Path;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What a phone keeps: its key (PKCS#8, base64url) and, once enrolled, its device.
#[derive(Clone, Serialize, Deserialize)]
pub struct PhoneState {
    /// The P-256 private key, PKCS#8 DER in base64url. A secret: the file is the owner's only.
    pub pkcs8: String,
    /// The device, once enrolled.
    #[serde(default)]
    pub device: Option<QrDevice>,
    /// The API base it enrolled with.
    #[serde(default)]
    pub api_base: Option<String>,
}

impl std::fmt::Debug for PhoneState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneState")
            .field("pkcs8", &"***")
            .field("device", &self.device)
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// A failed phone request: the portal's error, or no answer.
#[derive(Debug)]
pub enum PhoneError {
    /// The portal answered with an error.
    Api(ApiError),
    /// No usable answer (network, a payload that is not one…).
    Other(anyhow::Error),
}

impl PhoneError {
    /// The portal's code, if it answered one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            PhoneError::Api(e) => Some(e.code),
            PhoneError::Other(_) => None,
        }
    }
}

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhoneError::Api(e) => write!(f, "{}: {}", e.code, e.message),
            PhoneError::Other(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for PhoneError {}

impl From<anyhow::Error> for PhoneError {
    fn from(e: anyhow::Error) -> PhoneError {
        PhoneError::Other(e)
    }
}

/// A simulated phone.
pub struct Phone {
    state: PhoneState,
    key: EcdsaKeyPair,
    http: reqwest::Client,
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phone").field("state", &self.state).finish()
    }
}

impl Phone {
    /// A phone with a new P-256 key, not enrolled.
    pub fn new() -> anyhow::Result<Phone> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| anyhow!("cannot generate a P-256 key"))?;
        Phone::from_state(PhoneState {
            pkcs8: B64.encode(pkcs8.as_ref()),
            device: None,
            api_base: None,
        })
    }

    /// The phone a [`PhoneState`] describes.
    pub fn from_state(state: PhoneState) -> anyhow::Result<Phone> {
        let der = B64
            .decode(&state.pkcs8)
            .map_err(|_| anyhow!("the phone's key is not base64url"))?;
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
                .map_err(|_| anyhow!("the phone's key is not a P-256 PKCS#8 key"))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sesame-demo-phone/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("HTTP client")?;
        Ok(Phone { state, key, http })
    }

    /// Reads a phone from its state file, or makes a new one if the file does not exist.
    pub fn load_or_new(path: &Path) -> anyhow::Result<Phone> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let state: PhoneState = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a phone state file", path.display()))?;
                Phone::from_state(state)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Phone::new(),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Writes the state file (readable by its owner only: it holds the private key).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        use std::io::Write;
        let text = serde_json::to_string_pretty(&self.state)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(text.as_bytes())?;
        Ok(())
    }

    /// What the phone keeps.
    pub fn state(&self) -> &PhoneState {
        &self.state
    }

    /// The device, once enrolled.
    pub fn device(&self) -> Option<&QrDevice> {
        self.state.device.as_ref()
    }

    /// Takes `device` as this phone's (enrolled by a request sent another way, as the handler
    /// tests do with [`Phone::enrol_body`]).
    pub fn set_device(&mut self, device: QrDevice) {
        self.state.device = Some(device);
    }

    /// The raw public key (65-byte uncompressed point), base64url.
    pub fn public_key(&self) -> String {
        B64.encode(self.key.public_key().as_ref())
    }

    fn sign(&self, message: &[u8]) -> anyhow::Result<String> {
        let sig = self
            .key
            .sign(&SystemRandom::new(), message)
            .map_err(|_| anyhow!("signing failed"))?;
        Ok(B64.encode(sig.as_ref()))
    }

    fn device_id(&self) -> anyhow::Result<String> {
        self.device()
            .map(|d| d.device.clone())
            .ok_or_else(|| anyhow!("this phone is not enrolled: run `phone enrol` first"))
    }

    /// The enrolment body for `payload` with `pin` (ES256, this phone's key).
    pub fn enrol_body(&self, payload: &str, pin: &str) -> QrEnrolRequest {
        QrEnrolRequest {
            payload: payload.trim().to_owned(),
            algorithm: "ES256".into(),
            public_key: self.public_key(),
            pin: Secret::new(pin),
        }
    }

    /// The approval body for `payload` as `info` showed it, with the `digits` picked and `pin`.
    pub fn approve_body(
        &self,
        payload: &str,
        info: &QrRequestInfo,
        digits: &str,
        pin: &str,
    ) -> anyhow::Result<QrApproveRequest> {
        let (key, challenge) = login_parts(payload)?;
        let signed = to_be_signed(&key, &challenge, &info.origin, info.portal.as_str());
        Ok(QrApproveRequest {
            payload: payload.trim().to_owned(),
            device: self.device_id()?,
            signature: self.sign(&signed)?,
            pin: Secret::new(pin),
            digits: digits.to_owned(),
        })
    }

    /// The decline body for `payload` as `info` showed it.
    pub fn decline_body(
        &self,
        payload: &str,
        info: &QrRequestInfo,
    ) -> anyhow::Result<QrDeclineRequest> {
        let (key, challenge) = login_parts(payload)?;
        let signed = to_be_signed_decline(&key, &challenge, &info.origin, info.portal.as_str());
        Ok(QrDeclineRequest {
            payload: payload.trim().to_owned(),
            device: self.device_id()?,
            signature: self.sign(&signed)?,
        })
    }

    async fn post<T: Serialize>(
        &self,
        payload: &str,
        path: &str,
        body: &T,
    ) -> Result<Vec<u8>, PhoneError> {
        let parsed = QrPayload::parse(payload).ok_or_else(|| anyhow!("not a sesame-qr payload"))?;
        let url = format!("{}{path}", parsed.api_base());
        let answer = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(CSRF_HEADER, "1")
            .body(serde_json::to_vec(body).map_err(anyhow::Error::from)?)
            .send()
            .await
            .map_err(|e| anyhow!("cannot reach {url}: {e}"))?;
        let status = answer.status();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| anyhow!("no answer from {url}: {e}"))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(e) => Err(PhoneError::Api(e)),
            Err(_) => Err(anyhow!("{url} answered {status}").into()),
        }
    }

    /// Enrols with an enrolment payload and a PIN; keeps the device.
    pub async fn enrol(&mut self, payload: &str, pin: &str) -> Result<QrDevice, PhoneError> {
        let body = self.enrol_body(payload, pin);
        let bytes = self.post(payload, paths::PHONE_ENROL, &body).await?;
        let device: QrDevice = serde_json::from_slice(&bytes).map_err(anyhow::Error::from)?;
        self.state.device = Some(device.clone());
        self.state.api_base = QrPayload::parse(payload).map(|p| p.api_base());
        Ok(device)
    }

    /// What the login request of `payload` shows.
    pub async fn request(&self, payload: &str) -> Result<QrRequestInfo, PhoneError> {
        let body = QrPayloadRequest {
            payload: payload.trim().to_owned(),
        };
        let bytes = self.post(payload, paths::PHONE_REQUEST, &body).await?;
        Ok(serde_json::from_slice(&bytes).map_err(anyhow::Error::from)?)
    }

    /// Approves as `info` (from [`Phone::request`]) showed it, with the digits picked and PIN.
    pub async fn approve_shown(
        &self,
        payload: &str,
        info: &QrRequestInfo,
        digits: &str,
        pin: &str,
    ) -> Result<(), PhoneError> {
        let body = self.approve_body(payload, info, digits, pin)?;
        self.post(payload, paths::PHONE_APPROVE, &body).await?;
        Ok(())
    }

    /// Reads the request, then approves it with the `digits` the page shows and `pin`.
    pub async fn approve(&self, payload: &str, digits: &str, pin: &str) -> Result<(), PhoneError> {
        let info = self.request(payload).await?;
        self.approve_shown(payload, &info, digits, pin).await
    }

    /// Reads the request, then declines it.
    pub async fn decline(&self, payload: &str) -> Result<(), PhoneError> {
        let info = self.request(payload).await?;
        let body = self.decline_body(payload, &info)?;
        self.post(payload, paths::PHONE_DECLINE, &body).await?;
        Ok(())
    }
}

/// The session key and challenge of a login payload.
fn login_parts(payload: &str) -> anyhow::Result<(String, String)> {
    match QrPayload::parse(payload) {
        Some(QrPayload::Login { key, challenge, .. }) => Ok((key, challenge)),
        _ => Err(anyhow!("not a sesame-qr login payload")),
    }
}

/// `sesame-demo phone …`: the subcommand's arguments (after `phone`), run; what to print.
pub async fn run_cli(args: &[String]) -> anyhow::Result<String> {
    const USAGE: &str = "usage: sesame-demo phone enrol <payload> --pin <4 digits> --state <file>\n\
                         \x20      sesame-demo phone approve <payload> --pin <4 digits> --state <file> [--digits <2 digits>]\n\
                         \x20      sesame-demo phone decline <payload> --state <file>";
    let mut positional = Vec::new();
    let (mut pin, mut state, mut digits) = (None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--pin" => pin = it.next().cloned(),
            "--state" => state = it.next().cloned(),
            "--digits" => digits = it.next().cloned(),
            "-h" | "--help" => return Ok(USAGE.to_owned()),
            other => positional.push(other.to_owned()),
        }
    }
    let [command, payload] = positional.as_slice() else {
        anyhow::bail!("{USAGE}");
    };
    let state = state.ok_or_else(|| anyhow!("--state <file> is needed\n{USAGE}"))?;
    let path = Path::new(&state);
    let mut phone = Phone::load_or_new(path)?;
    let need_pin = || {
        pin.clone()
            .ok_or_else(|| anyhow!("--pin is needed\n{USAGE}"))
    };
    match command.as_str() {
        "enrol" | "enroll" => {
            let device = phone.enrol(payload, &need_pin()?).await?;
            phone.save(path)?;
            Ok(format!(
                "Téléphone enregistré pour {} sur {} (appareil {}). Phone enrolled.",
                device.identifier, device.portal, device.device
            ))
        }
        "approve" => {
            let pin = need_pin()?;
            let info = phone.request(payload).await?;
            let (digits, mut out) = match digits {
                Some(d) => (d.trim().to_owned(), describe(&info)),
                // The prompt showed the request already.
                None => (ask_digits(&info)?, String::new()),
            };
            // As an app only offers the three pairs: anything else is a typing mistake, not a
            // pick (sent, it would decline the login: one guess).
            if !info.choices.contains(&digits) {
                anyhow::bail!(
                    "{digits:?} n'est pas l'un des choix proposés ({}) : rien n'a été envoyé, \
                     recommencez avec les chiffres affichés à côté du QR code. {digits:?} is \
                     not one of the choices offered: nothing was sent, try again with the \
                     digits shown beside the QR code.",
                    info.choices.join(", ")
                );
            }
            phone.approve_shown(payload, &info, &digits, &pin).await?;
            out.push_str("Connexion approuvée. Login approved.");
            Ok(out)
        }
        "decline" => {
            let info = phone.request(payload).await?;
            let mut out = describe(&info);
            let body = phone.decline_body(payload, &info)?;
            phone.post(payload, paths::PHONE_DECLINE, &body).await?;
            out.push_str("Connexion refusée. Login declined.");
            Ok(out)
        }
        other => anyhow::bail!("unknown phone command {other:?}\n{USAGE}"),
    }
}

/// What the phone shows of a request, in French then English.
pub fn describe(info: &QrRequestInfo) -> String {
    format!(
        "Portail (portal) : {} ({})\nDemandé par (requested by) : {}\nNavigateur (browser) : {} — \
         système (system) : {}\nLieu approximatif (approximate place) : {}\nExpire dans \
         (expires in) : {} s\nChiffres proposés (digits offered) : {}\n",
        info.portal_name,
        info.portal,
        info.origin,
        info.browser,
        info.system,
        info.place,
        info.expires_in,
        info.choices.join("  "),
    )
}

fn ask_digits(info: &QrRequestInfo) -> anyhow::Result<String> {
    use std::io::Write;
    print!(
        "{}Quels chiffres sont affichés à côté du QR code ? Which digits does the page show? ",
        describe(info)
    );
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_keeps_its_key_and_signs_what_it_was_shown() {
        let phone = Phone::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phone.json");
        phone.save(&path).unwrap();
        let again = Phone::load_or_new(&path).unwrap();
        assert_eq!(again.public_key(), phone.public_key());
        assert!(!format!("{again:?}").contains(&phone.state.pkcs8));
        assert_eq!(B64.decode(phone.public_key()).unwrap().len(), 65);
        let body = phone.enrol_body(" sesame-qr://x ", "4821");
        assert_eq!(body.payload, "sesame-qr://x");
        assert_eq!(body.algorithm, "ES256");
        // Not enrolled: no approval.
        let info = QrRequestInfo {
            portal: sesame_core::PortalId::new("paaco").unwrap(),
            portal_name: "PAACO/Globule".into(),
            origin: "http://127.0.0.1:8080".into(),
            browser: "Firefox".into(),
            system: "Linux".into(),
            place: "cet ordinateur".into(),
            choices: vec!["12".into(), "47".into(), "83".into()],
            expires_in: 30,
        };
        let payload = QrPayload::login(
            "http://127.0.0.1:8080",
            "/api",
            &"k".repeat(43),
            &"c".repeat(22),
        );
        assert!(phone.approve_body(&payload, &info, "47", "4821").is_err());
        assert!(describe(&info).contains("PAACO/Globule"));
    }
}
