//! The journeys of issue 11 — CPS-card login — in Chromium then Firefox, with the built
//! extension and the real native host installed, SoftHSM2 as the card (`harness::card`).
//! Texts come from core: the widget's from the bridge's codes, the PIN window's from the host's.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use serde_json::Value;
use sesame_core::bridge::BridgeError;
use sesame_core::host::HostError;
use sesame_core::{Lang, Method};
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};
use sesame_e2e::harness::card::{self, PIN};
use sesame_e2e::harness::{in_each_browser_with_extension, visible, Browser, Portal, Session};
use sesame_e2e::journey::{self, sel};
use sesame_widget::dom::{self, action};
use std::path::PathBuf;

/// The widget's CPS button.
fn cps_button() -> String {
    dom::widget(&dom::action(action::CPS_LOGIN))
}

/// Karim Benali, PAACO, whose card the test card imitates (national id 810012345678).
fn karim() -> DemoAccount {
    DEMO_ACCOUNTS
        .into_iter()
        .find(|a| a.identifier == "karim.benali")
        .expect("the demo's CPS holder")
}

/// The portal's origin as the browser gives it to the extension.
fn origin_of(portal: &Portal) -> String {
    format!("http://127.0.0.1:{}", portal.addr.port())
}

/// PAACO's login page, the CPS method chosen with the keyboard, the focus on its button.
async fn open_cps(s: &Session, portal: &Portal) -> Result<()> {
    journey::open(s, portal, "/?preset=paaco").await?;
    s.tab_to(&sel::choose(Method::Cps), 40).await?;
    s.press(Key::Enter).await?;
    s.wait_for(&cps_button()).await?;
    s.tab_to(&cps_button(), 40).await?;
    s.check_accessibility("the CPS method").await
}

/// The language of the extension's pages: the browser's.
async fn browser_lang(s: &Session) -> Result<Lang> {
    let tag = s
        .client
        .execute("return navigator.language;", vec![])
        .await?;
    Ok(Lang::from_tag(tag.as_str().unwrap_or_default()))
}

/// Waits for the widget's error region to say `expected`.
async fn page_says(s: &Session, expected: BridgeError) -> Result<()> {
    let text = expected.text(Lang::Fr);
    s.wait_for_text(&sel::ERROR, |t| visible(t).contains(&visible(text)))
        .await
        .with_context(|| format!("the page says {}", expected.as_str()))?;
    Ok(())
}

/// Karim logs in with his CPS card, keyboard only. The PIN window opens with the focus in the
/// PIN field and shows the portal's real address and his certificate. He cancels once (the
/// page says nothing changed), starts again, types a wrong PIN (the window says so and asks
/// again, the field focused), then 1234: the window closes and the portal shows his strong
/// session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cps_card_logs_in_with_the_pin_typed_in_the_extensions_window() {
    in_each_browser_with_extension("cps-login", async |s: &Session, portal: &Portal| {
        let test_card = card::card_for(s, portal)?;
        card::install_host(s, &test_card)?;
        let origin = origin_of(portal);
        open_cps(s, portal).await?;
        let page = s.current_window().await?;

        // Cancel in the PIN window.
        let known = s.windows().await?;
        s.press(Key::Enter).await?;
        let window = s.switch_to_new_window(&known).await?;
        s.wait_for("#pin-code").await?;
        s.press(Key::Tab).await?;
        s.press(Key::Tab).await?;
        anyhow::ensure!(
            s.focus_is("#pin-cancel").await?,
            "Tab, Tab from the PIN reaches cancel, not {}",
            s.describe_focus().await?
        );
        s.press_closing(Key::Enter).await?;
        s.wait_for_window_closed(&window).await?;
        s.switch_to_window(&page).await?;
        page_says(s, BridgeError::UserCancelled).await?;
        s.check_accessibility("cancelled at the card").await?;

        // Again: a wrong PIN, then the right one.
        s.tab_to(&cps_button(), 40).await?;
        let known = s.windows().await?;
        s.press(Key::Enter).await?;
        let window = s.switch_to_new_window(&known).await?;
        let shown = s.wait_for_text("#pin-origin", |t| !t.is_empty()).await?;
        anyhow::ensure!(
            shown == origin,
            "the PIN window shows {shown:?}, not the page's origin {origin}"
        );
        s.wait_for_text("#pin-certificate", |t| t.contains(test_card.holder()))
            .await
            .context("the PIN window shows the certificate's holder")?;
        s.check_accessibility("the PIN window").await?;
        anyhow::ensure!(
            s.focus_is("#pin-code").await?,
            "the PIN window opens with the focus in the PIN field, not on {}",
            s.describe_focus().await?
        );
        let lang = browser_lang(s).await?;
        s.keys("0000").await?;
        s.press(Key::Enter).await?;
        let wrong = HostError::PinIncorrect { tries_left: None }.text(lang);
        s.wait_for_text("#pin-alert", |t| visible(t) == visible(&wrong))
            .await
            .context("the PIN window says the PIN was wrong")?;
        anyhow::ensure!(
            s.focus_is("#pin-code").await?,
            "after a wrong PIN the focus is back in the field, not on {}",
            s.describe_focus().await?
        );
        s.check_accessibility("a wrong PIN").await?;
        s.screenshot("pin-window").await?;
        s.keys(PIN).await?;
        s.press_closing(Key::Enter).await?;
        s.wait_for_window_closed(&window).await?;
        s.switch_to_window(&page).await?;
        journey::expect_session_by(s, &karim(), Method::Cps).await
    })
    .await;
}

/// Without the card program (native host) installed, the page says what is missing and who
/// can install it; nothing hangs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_card_program_the_page_says_how_to_get_it() {
    in_each_browser_with_extension("cps-no-host", async |s: &Session, portal: &Portal| {
        open_cps(s, portal).await?;
        s.press(Key::Enter).await?;
        page_says(s, BridgeError::HostMissing).await?;
        s.check_accessibility("no card program").await?;
        anyhow::ensure!(
            s.windows().await?.len() == 1,
            "no PIN window without a card program"
        );
        Ok(())
    })
    .await;
}

/// With the card program but no card in the reader, the page says to insert it; the button
/// works again once it is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_card_the_page_says_to_insert_it() {
    in_each_browser_with_extension("cps-no-card", async |s: &Session, portal: &Portal| {
        let reader = card::no_card(s)?;
        card::install_host(s, &reader)?;
        open_cps(s, portal).await?;
        s.press(Key::Enter).await?;
        page_says(s, BridgeError::CardAbsent).await?;
        s.check_accessibility("no card in the reader").await?;
        let button = s.wait_for(&cps_button()).await?;
        let busy: Value = button.attr("aria-disabled").await?.into();
        anyhow::ensure!(busy.is_null(), "the button is usable again: {busy}");
        Ok(())
    })
    .await;
}

/// The host's manifest the session's browser reads (as `sesame-host install` wrote it).
fn manifest_of(s: &Session) -> PathBuf {
    let home = s.profile_dir();
    match s.browser {
        Browser::Firefox => home.join(".mozilla/native-messaging-hosts/fr.sesame.host.json"),
        Browser::Chromium => home.join(".config/chromium/NativeMessagingHosts/fr.sesame.host.json"),
    }
}

/// Points the installed manifest at `script` (a fault: a host that crashes, or that answers
/// as another version would).
fn fake_host(s: &Session, name: &str, script: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = s.profile_dir().join(name);
    std::fs::write(&path, script)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    let manifest = manifest_of(s);
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest)?)?;
    m["path"] = Value::from(path.to_str().context("a UTF-8 path")?);
    std::fs::write(&manifest, serde_json::to_vec_pretty(&m)?)?;
    Ok(())
}

/// The options page's card state: its code and text, once checked.
async fn card_state(s: &Session) -> Result<(String, String)> {
    s.goto(&s.extension_url("options.html")?).await?;
    let text = s.wait_for_text("#card-state", |t| !t.is_empty()).await?;
    let code = s
        .wait_for("#card-state")
        .await?
        .attr("data-code")
        .await?
        .unwrap_or_default();
    Ok((code, text))
}

/// Support asks Karim to open the extension's diagnostics: each fault of the card chain shows
/// its own code and one plain fix — the card program missing (naming where the browser looked),
/// crashing, of another version; no card; another card; then his card, ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagnostics_name_each_card_fault_and_its_fix() {
    in_each_browser_with_extension("cps-diagnostics", async |s: &Session, portal: &Portal| {
        let lang = {
            s.goto(&s.extension_url("options.html")?).await?;
            browser_lang(s).await?
        };
        let (code, text) = card_state(s).await?;
        ensure!(code == "host_missing", "no host: {code} {text}");
        let folder = match s.browser {
            Browser::Firefox => "native-messaging-hosts",
            Browser::Chromium => "NativeMessagingHosts",
        };
        ensure!(
            visible(&text).contains(&visible(BridgeError::HostMissing.text(lang))),
            "the fix is said: {text}"
        );
        ensure!(text.contains(folder), "the path checked is named: {text}");
        s.check_accessibility("the diagnostics without a card program")
            .await?;

        let reader = card::no_card(s)?;
        card::install_host(s, &reader)?;
        let (code, text) = card_state(s).await?;
        ensure!(code == "card_absent", "no card: {code} {text}");

        let other = card::other_card(s)?;
        card::install_host(s, &other)?;
        let (code, text) = card_state(s).await?;
        ensure!(code == "card_unsupported", "another card: {code} {text}");
        card::install_host(s, &reader)?;

        fake_host(s, "crashing-host", "#!/bin/sh\nexit 3\n")?;
        let (code, text) = card_state(s).await?;
        ensure!(code == "host_failed", "a crashing host: {code} {text}");

        fake_host(
            s,
            "older-host",
            "#!/usr/bin/env python3\n\
             import json, struct, sys\n\
             n = struct.unpack('=I', sys.stdin.buffer.read(4))[0]\n\
             sys.stdin.buffer.read(n)\n\
             out = json.dumps({'result': 'error', 'code': 'version_mismatch'}).encode()\n\
             sys.stdout.buffer.write(struct.pack('=I', len(out)) + out)\n\
             sys.stdout.buffer.flush()\n",
        )?;
        let (code, text) = card_state(s).await?;
        ensure!(
            code == "host_outdated",
            "a host of another version: {code} {text}"
        );

        let test_card = card::card_for(s, portal)?;
        card::install_host(s, &test_card)?;
        let (code, text) = card_state(s).await?;
        ensure!(code == "ready", "the card: {code} {text}");
        ensure!(
            text.contains(test_card.holder()),
            "the holder is named: {text}"
        );
        s.check_accessibility("the diagnostics with the card ready")
            .await
    })
    .await;
}

/// Firefox only (Chromium has no such API and shows nothing): the options page installs the
/// card's PKCS#11 module into Firefox, for portals that still ask for TLS client authentication
/// with the card — impossible (and said so) before the card program is installed, then
/// installed and removed with one button, keyboard only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_installs_the_cards_module_for_certificate_sites() {
    in_each_browser_with_extension("cps-firefox-module", async |s: &Session, _: &Portal| {
        let state = async || -> Result<String> {
            s.wait_until("the module's state", async || {
                let e = s.wait_for("#pkcs11-state").await?;
                Ok(e.attr("data-state").await?)
            })
            .await
        };
        s.goto(&s.extension_url("options.html")?).await?;
        s.wait_for("#card-state").await?;
        if s.browser == Browser::Chromium {
            ensure!(
                !s.exists("#pkcs11-state").await?,
                "Chromium has no pkcs11 API: nothing is offered"
            );
            return s.check_accessibility("the options page in Chromium").await;
        }
        let before = state().await?;
        ensure!(
            before == "unavailable",
            "without the card program: {before}"
        );
        let reader = card::no_card(s)?;
        card::install_host(s, &reader)?;
        s.goto(&s.extension_url("options.html")?).await?;
        let shown = state().await?;
        ensure!(shown == "not-installed", "with the card program: {shown}");
        s.check_accessibility("the card's module in Firefox")
            .await?;
        s.tab_to("#pkcs11-button", 60).await?;
        s.press(Key::Enter).await?;
        s.wait_until("installed", async || {
            Ok((state().await? == "installed").then_some(()))
        })
        .await?;
        ensure!(
            s.focus_is("#pkcs11-button").await?,
            "the focus stays on the button"
        );
        s.press(Key::Enter).await?;
        s.wait_until("removed", async || {
            Ok((state().await? == "not-installed").then_some(()))
        })
        .await?;
        Ok(())
    })
    .await;
}
