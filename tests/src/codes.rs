//! Where the journeys' one-time codes come from, as a person gets them: an authenticator app
//! ([`App`], set up from the secret the enrolment screen shows, computing TOTP codes here) and
//! the phone or mailbox (the demo's outbox, [`sent_code`]). The settings (period, digits) come
//! from core's preset, never from this file.

use crate::harness::{Portal, WAIT};
use crate::journey::API;
use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;
use sesame_core::otp::OtpChannel;
use sesame_core::PortalConfig;
use sesame_demo::routes::outbox::OUTBOX_JSON;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// An authenticator app set up with a portal's secret: HMAC-SHA-1 (the one algorithm every app
/// computes), the portal's period and number of digits.
pub struct App {
    totp: Totp,
}

impl App {
    /// The app after typing `shown` — the secret as the page shows it, base32 in groups of four
    /// — for `portal` (its one-time code settings give the period and digits).
    pub fn set_up(shown: &str, portal: &PortalConfig) -> Result<App> {
        let otp = portal
            .otp
            .as_ref()
            .with_context(|| format!("{} has no one-time code settings", portal.id.as_str()))?;
        let base32: String = shown
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
            .collect();
        let secret = Secret::try_from_base32(&base32)
            .map_err(|e| anyhow::anyhow!("the secret shown is not base32 ({shown:?}): {e}"))?;
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(otp.digits)
            .with_step_duration(u64::from(otp.period_secs))
            .with_secret(secret)
            .build()
            .map_err(|e| anyhow::anyhow!("TOTP with the secret shown: {e}"))?;
        Ok(App { totp })
    }

    /// The code the app shows at `unix` seconds.
    pub fn code_at(&self, unix: u64) -> String {
        self.totp.generate(unix).to_string()
    }

    /// The code the app shows now.
    pub fn code_now(&self) -> Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        Ok(self.code_at(now))
    }
}

/// A code as people often copy it: in two halves with a space ("123 456").
pub fn with_a_space(code: &str) -> String {
    let (first, second) = code.split_at(code.len() / 2);
    format!("{first} {second}")
}

/// The messages the demo's outbox holds for `to` (a phone number or an address), newest
/// first, as its JSON gives them (`GET /api/demo/outbox?to=…`).
pub async fn outbox(portal: &Portal, to: &str) -> Result<Vec<Value>> {
    let to: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
    let json = portal
        .get_json(&format!("{API}{OUTBOX_JSON}?to={to}"))
        .await?;
    match json {
        Value::Array(messages) => Ok(messages),
        other => bail!("the outbox answered {other}, not an array"),
    }
}

/// The code of the newest message sent to `to` on `channel`, once there is one more message
/// than `before` (how many the outbox held for `to` before the code was asked for): waits for
/// it, as a person waits for their SMS.
pub async fn sent_code(
    portal: &Portal,
    to: &str,
    channel: OtpChannel,
    before: usize,
) -> Result<String> {
    let start = Instant::now();
    loop {
        let messages = outbox(portal, to).await?;
        if messages.len() > before {
            let newest = &messages[0];
            ensure!(
                newest["channel"] == channel.as_str(),
                "the newest message to {to} came by {}, expected {}",
                newest["channel"],
                channel.as_str()
            );
            return newest["code"]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no code in the message to {to}: {newest}"));
        }
        if start.elapsed() > WAIT {
            bail!("no new message to {to} within {WAIT:?} (the outbox holds {before})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A code of the same length that is certainly not `code` (each digit moved by one).
pub fn wrong_code(code: &str) -> String {
    code.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit((d + 1) % 10, 10).unwrap_or('0'),
            None => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_computes_rfc_6238_codes_from_a_secret_in_groups_of_four() {
        // RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890", 30-second steps; its
        // 8-digit codes end with these 6 digits.
        let mut portal = PortalConfig::preset("spico").expect("SPICO");
        let otp = portal.otp.as_mut().expect("SPICO sends codes");
        otp.period_secs = 30;
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let shown = sesame_core::otp::group_in_fours(&secret);
        let app = App::set_up(&shown, &portal).expect("a valid secret");
        assert_eq!(app.code_at(59), "287082");
        assert_eq!(app.code_at(1_111_111_109), "081804");
        assert_eq!(app.code_at(2_000_000_000), "279037");
    }

    #[test]
    fn codes_are_written_as_people_copy_them() {
        assert_eq!(with_a_space("123456"), "123 456");
        assert_eq!(wrong_code("123490"), "234501");
    }
}
