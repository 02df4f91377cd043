//! The "not a robot" step with a hosted provider (issue 8), in Chromium then Firefox: the
//! portal configured with reCAPTCHA (`SESAME_CAPTCHA_PROVIDER=recaptcha`), its script and
//! siteverify answered by a stand-in on loopback (`sesame_e2e::captcha_provider`: Google
//! cannot be reached from here; what is proved is Sésame's side of the documented contract).
//! The proof of work, Entr'Actes' default, runs in `one_time_codes.rs`. Keyboard only.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::Locator;
use sesame_core::captcha::DEFAULT_AFTER_FAILURES;
use sesame_core::otp::OtpChannel;
use sesame_core::{ErrorCode, Lang, Method, PortalConfig};
use sesame_e2e::captcha_provider::StandIn;
use sesame_e2e::harness::{in_each_browser_on, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};
use sesame_widget::dom::{self, action, class, widget};
use sesame_widget::texts::T;

const ENTRACTES: &str = "entractes";
const SPICO: &str = "spico";

/// The hosted provider's box, as the stand-in renders it.
const BOX: &str = "input.stand-in-captcha";

fn status() -> String {
    widget(&[&dom::class(class::CAPTCHA), " p[role=status]"].concat())
}

fn retry() -> String {
    widget(&dom::action(action::CAPTCHA_RETRY))
}

/// The step's polite region says `code`'s text.
async fn says(s: &Session, code: ErrorCode, why: &str) -> Result<()> {
    let text = visible(code.text(Lang::Fr));
    s.wait_for_text(&status(), |t| t.contains(&text))
        .await
        .with_context(|| format!("the captcha step says {} ({why})", code.as_str()))?;
    Ok(())
}

/// Dr Benali, on an Entr'Actes configured with reCAPTCHA: the box appears with the form (the
/// script loaded on demand); "log in" before ticking says the check is needed; he ticks it with
/// the keyboard; the token expires before he sends (the box is reset and says so); he ticks it
/// again, sends, and ends with his SMS code in a strong session. The portal verified the token
/// once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entractes_with_recaptcha_ticked_expired_ticked_again_then_logged_in() {
    let provider = StandIn::start().await.expect("the stand-in starts");
    let script = provider.script_url();
    in_each_browser_on(
        "captcha-hosted",
        &|c| provider.configure(c, script.clone()),
        async |s: &Session, portal: &Portal| {
            let karim = journey::account(ENTRACTES);
            let entractes = PortalConfig::preset(ENTRACTES).context("core's preset")?;
            let verified = provider.requests("/siteverify")?;
            journey::open(s, portal, &format!("/?preset={ENTRACTES}")).await?;
            journey::open_method_form(s, Method::Password).await?;
            s.wait_for(BOX)
                .await
                .context("the provider's box is shown")?;
            s.check_accessibility("the hosted captcha's box").await?;

            s.tab_to(&sel::IDENTIFIER, 10).await?;
            s.keys(karim.identifier).await?;
            s.tab_to(&sel::PASSWORD, 5).await?;
            s.keys(karim.password).await?;
            s.press(Key::Enter).await?;
            let needed = visible(ErrorCode::CaptchaRequired.text(Lang::Fr));
            s.wait_for_text(&sel::ERROR, |t| t.contains(&needed))
                .await
                .context("sent before ticking: the check is asked for")?;
            s.check_accessibility("the check asked for").await?;

            s.tab_to(BOX, 10).await?;
            s.press(Key::Space).await?;
            s.wait_for_text(&status(), |t| !t.trim().is_empty())
                .await
                .context("ticked: the step says it is done")?;

            // Two minutes later, as it were: the provider says the token expired.
            s.client
                .execute("window.grecaptcha.expire(0);", vec![])
                .await?;
            says(s, ErrorCode::CaptchaExpired, "the token expired").await?;
            let ticked = s.wait_for(BOX).await?.prop("checked").await?;
            ensure!(
                ticked.as_deref() != Some("true"),
                "the box is cleared for a new tick"
            );
            s.check_accessibility("the expired token").await?;

            s.tab_to(BOX, 10).await?;
            s.press(Key::Space).await?;
            s.tab_to(&sel::SUBMIT, 10).await?;
            s.press(Key::Enter).await?;
            let code =
                journey::receive_code(s, portal, &entractes, &karim, OtpChannel::Sms).await?;
            journey::enter_code(s, &code).await?;
            let steps = journey::steps(&entractes, Method::Password)?;
            journey::expect_session_after(s, &karim, &steps).await?;
            ensure!(
                provider.requests("/siteverify")? == verified + 1,
                "the portal verified the token once"
            );
            Ok(())
        },
    )
    .await;
}

/// The provider's script cannot load (a blocker, no network: here a URL that answers 404):
/// the step says so in plain words with "check again"; pressed with the keyboard, the script
/// is asked for again and the message stays, never a silent hang.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_provider_script_is_said_with_a_retry() {
    let provider = StandIn::start().await.expect("the stand-in starts");
    let script = provider.blocked_url();
    in_each_browser_on(
        "captcha-blocked",
        &|c| provider.configure(c, script.clone()),
        async |s: &Session, portal: &Portal| {
            let asked = provider.requests("/blocked.js")?;
            journey::open(s, portal, &format!("/?preset={ENTRACTES}")).await?;
            journey::open_method_form(s, Method::Password).await?;
            says(s, ErrorCode::CaptchaBlocked, "the script did not load").await?;
            s.wait_for(&retry()).await?;
            s.check_accessibility("the blocked captcha").await?;
            ensure!(
                provider.requests("/blocked.js")? == asked + 1,
                "the script was asked for once"
            );

            s.tab_to(&retry(), 15).await?;
            s.press(Key::Enter).await?;
            s.wait_until("the script asked for again", async || {
                Ok((provider.requests("/blocked.js")? == asked + 2).then_some(()))
            })
            .await?;
            says(s, ErrorCode::CaptchaBlocked, "still blocked").await?;
            s.wait_for(&retry()).await?;
            s.check_accessibility("blocked again").await
        },
    )
    .await;
}

/// Marie, on SPICO, mistypes her password three times; her fourth try, right, is first met
/// by the portal's "not a robot" step (after 3 failures, the proof of work): the widget solves
/// it with nothing asked of her and sends the same login again — a session, keyboard only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_three_failures_the_proof_of_work_comes_and_the_login_goes_through() {
    in_each_browser_on(
        "captcha-after-failures",
        &|_| {},
        async |s: &Session, portal: &Portal| {
            let marie = journey::account(SPICO);
            journey::open(s, portal, &format!("/?preset={SPICO}")).await?;
            journey::open_method_form(s, Method::Password).await?;
            let refused = visible(ErrorCode::InvalidCredentials.text(Lang::Fr));
            for attempt in 1..=DEFAULT_AFTER_FAILURES {
                s.tab_to(&sel::IDENTIFIER, 40).await?;
                s.clear_focused().await?;
                s.keys(marie.identifier).await?;
                s.tab_to(&sel::PASSWORD, 5).await?;
                s.clear_focused().await?;
                s.keys(&format!("Pas-le-bon-{attempt}!")).await?;
                s.press(Key::Enter).await?;
                s.wait_for_text(&sel::ERROR, |t| t.contains(&refused))
                    .await
                    .with_context(|| format!("wrong password {attempt} refused"))?;
                s.wait_until("the form offered again", async || {
                    Ok(journey::aria_disabled(s, &sel::SUBMIT)
                        .await?
                        .is_none()
                        .then_some(()))
                })
                .await?;
            }
            ensure!(
                !s.exists(&widget(&dom::class(class::CAPTCHA))).await?,
                "no captcha before the failures"
            );
            s.tab_to(&sel::PASSWORD, 10).await?;
            s.clear_focused().await?;
            s.keys(marie.password).await?;
            s.press(Key::Enter).await?;
            s.wait_for(&widget(&dom::class(class::CAPTCHA)))
                .await
                .context("the step appears once the portal asks for it")?;
            journey::expect_session(s, &marie).await
        },
    )
    .await;
}

/// While the proof of work is solved (a hard one here: up to 2 000 000 hashes, seconds of
/// work), the page stays responsive: its timers keep firing (the hashing is in a worker, not on
/// the main thread), the progress bar is there with its name, and the identifier can be typed.
/// A challenge whose number happens to be small is solved before the look: the page is opened
/// again, at most five times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_stays_responsive_while_the_proof_of_work_is_solved() {
    in_each_browser_on(
        "captcha-responsive",
        &|c| c.captcha.max_number = 2_000_000,
        async |s: &Session, portal: &Portal| {
            let progress = widget(&[&dom::class(class::CAPTCHA), " progress[aria-label]"].concat());
            let karim = journey::account(ENTRACTES);
            for _ in 0..5 {
                journey::open(s, portal, &format!("/?preset={ENTRACTES}")).await?;
                // The progress, or already solved (a small number, found before the look).
                let done = visible(T::CaptchaDone.get(Lang::Fr));
                let solving = s
                    .wait_until("the step shows its progress, or is solved", async || {
                        if s.exists(&progress).await? {
                            return Ok(Some(true));
                        }
                        let said = s.exists(&status()).await?
                            && s.client
                                .find(Locator::Css(&status()))
                                .await?
                                .text()
                                .await?
                                .contains(&done);
                        Ok(said.then_some(false))
                    })
                    .await?;
                if !solving {
                    continue;
                }
                // Timers every 50 ms for one second; how many fired, and whether it is still
                // being solved at the end.
                let seen = s
                    .client
                    .execute_async(
                        "const done = arguments[arguments.length - 1], sel = arguments[0];
                         let ticks = 0;
                         const t = setInterval(() => ticks++, 50);
                         setTimeout(() => { clearInterval(t);
                           done([ticks, document.querySelector(sel) !== null]); }, 1000);",
                        vec![serde_json::Value::from(progress.as_str())],
                    )
                    .await?;
                let ticks = seen[0].as_u64().unwrap_or(0);
                if seen[1].as_bool() != Some(true) {
                    continue;
                }
                ensure!(
                    ticks >= 10,
                    "the main thread is free while solving: {ticks} of 20 timer ticks fired"
                );
                s.tab_to(&sel::IDENTIFIER, 20).await?;
                s.keys(karim.identifier).await?;
                let typed = s.wait_for(&sel::IDENTIFIER).await?.prop("value").await?;
                ensure!(
                    typed.as_deref() == Some(karim.identifier),
                    "typed while solving: {typed:?}"
                );
                return s
                    .check_accessibility("the proof of work being solved")
                    .await;
            }
            anyhow::bail!("five challenges in a row were solved within a second")
        },
    )
    .await;
}
