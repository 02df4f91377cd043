//! The demo's phone simulator page (`/phone`, `demo/page/phone.*`) driven for real, in
//! Chromium then Firefox, keyboard only, axe after each step of both pages: Jeanne logs in
//! with her password on PAACO, opens the simulator in a second window of the same browser (it
//! needs her session cookie), asks it for an enrolment code and enrols it with a PIN; she logs
//! out, chooses the QR code; the code the widget shows is scanned (its image decoded) and its
//! payload typed into the simulator, which shows the portal, the page's origin, this browser
//! and three digit pairs; she picks the page's digits, types the PIN and approves: a strong
//! session by QR. Then a second code, declined on the simulator: the widget says so (core's
//! text). The simulator's texts are the page's own (checked against `phone.js`/`phone.html`).

use anyhow::{bail, ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::wd::WindowHandle;
use sesame_core::qr::describe_user_agent;
use sesame_core::{ErrorCode, Lang, Method, PortalConfig};
use sesame_demo::seed::DemoAccount;
use sesame_e2e::harness::{in_each_browser, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};
use sesame_e2e::qr::{self, ShownCode, PIN};
use sesame_widget::texts::T;

const PAACO: &str = "paaco";

/// A PIN that is not the one enrolled.
const WRONG_PIN: &str = "9157";

/// The simulator's script and page, whose own words the journey looks for.
const PHONE_JS: &str = include_str!("../../demo/page/phone.js");
const PHONE_HTML: &str = include_str!("../../demo/page/phone.html");

/// A text the simulator shows, checked to be the page's own (not retyped wrong here).
fn page_text(text: &'static str) -> &'static str {
    assert!(
        PHONE_JS.contains(text) || PHONE_HTML.contains(text),
        "the phone simulator has no text {text:?}"
    );
    text
}

/// The simulator's elements (its ids: `demo/page/phone.html`).
mod page {
    pub(super) const ENROLMENT_ASK: &str = "#enrolment-ask";
    pub(super) const ENROL_PAYLOAD: &str = "#enrol-payload";
    pub(super) const ENROL_PIN: &str = "#enrol-pin";
    pub(super) const DEVICE_STATE: &str = "#device-state";
    pub(super) const LOGIN_PAYLOAD: &str = "#login-payload";
    pub(super) const READ_REQUEST: &str = "#request-form button[type=\"submit\"]";
    pub(super) const REQUEST_SHOWN: &str = "#request:not([hidden])";
    pub(super) const PORTAL: &str = "#r-portal";
    pub(super) const ORIGIN: &str = "#r-origin";
    pub(super) const BROWSER: &str = "#r-browser";
    pub(super) const DIGITS: &str = "#digits input[type=\"radio\"]";
    pub(super) const DIGITS_PICKED: &str = "#digits input[type=\"radio\"]:checked";
    pub(super) const LOGIN_PIN: &str = "#login-pin";
    pub(super) const APPROVE: &str = "#approve";
    pub(super) const DECLINE: &str = "#decline";
    pub(super) const MESSAGE: &str = "#message";
}

/// Logs `who` in with the password, keyboard only, from PAACO's chooser.
async fn log_in_with_password(s: &Session, portal: &Portal, who: &DemoAccount) -> Result<()> {
    journey::open(s, portal, &format!("/?preset={PAACO}")).await?;
    s.tab_to(&sel::choose(Method::Password), 40).await?;
    s.press(Key::Enter).await?;
    s.wait_for(&sel::PASSWORD_FORM).await?;
    s.check_accessibility("the password form").await?;
    s.tab_to(&sel::IDENTIFIER, 10).await?;
    s.keys(who.identifier).await?;
    s.tab_to(&sel::PASSWORD, 5).await?;
    s.keys(who.password).await?;
    s.press(Key::Enter).await?;
    journey::expect_session_by(s, who, Method::Password).await
}

/// Logs out from the widget's session view (Tab, Enter) and chooses the QR code in the
/// chooser that follows; the code the widget shows, scanned.
async fn log_out_and_choose_qr(s: &Session) -> Result<ShownCode> {
    s.tab_to(&sel::LOGOUT, 60).await?;
    s.press(Key::Enter).await?;
    s.wait_until("the session ends", async || {
        Ok((!journey::session_shown(s).await?).then_some(()))
    })
    .await?;
    // The widget comes back on the password form, the method last used: "another way to
    // log in" leads to the chooser.
    let other = sesame_widget::dom::widget(&sesame_widget::dom::action(
        sesame_widget::dom::action::OTHER_METHOD,
    ));
    let other_text = visible(T::OtherMethod.get(Lang::Fr));
    s.wait_for_text(&other, |t| t == other_text)
        .await
        .context("the widget offers another way to log in after logging out")?;
    s.check_accessibility("logged out").await?;
    // It comes just before the step the focus is on: Shift+Tab (forward, the Tabs would leave
    // the page for Firefox's own toolbar before coming back).
    s.shift_tab_to(&other, 10).await?;
    s.press(Key::Enter).await?;
    let button = sel::choose(Method::Qr);
    s.wait_for(&button)
        .await
        .context("the chooser offers the QR code")?;
    // The button pressed is gone: its focus goes to the chooser's first method, not to the
    // top of the page.
    let first = sel::choose(Method::Password);
    s.wait_until("the chooser's first method has the focus", async || {
        Ok(s.focus_is(&first).await?.then_some(()))
    })
    .await?;
    s.tab_to(&button, 40).await?;
    s.press(Key::Enter).await?;
    s.wait_for(&qr::step()).await.context("the QR step opens")?;
    let code = qr::shown_code(s).await?;
    s.check_accessibility("the QR code shown").await?;
    Ok(code)
}

/// Waits until the simulator's message says `text` (one of the page's own).
async fn phone_says(s: &Session, text: &'static str) -> Result<()> {
    let text = visible(page_text(text));
    s.wait_for_text(page::MESSAGE, |t| t.contains(&text))
        .await
        .with_context(|| format!("the simulator says {text:?}"))?;
    Ok(())
}

/// The value of the element that has the focus.
async fn focused_value(s: &Session) -> Result<String> {
    Ok(s.client
        .active_element()
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// On the simulator: Tab to the enrolment button, Enter; the enrolment payload fills in; Tab
/// to the PIN, type it, Enter (submits the form): enrolled for `who`.
async fn enrol_simulator(s: &Session, who: &DemoAccount) -> Result<()> {
    s.wait_for_text(page::DEVICE_STATE, |t| {
        t.contains(&visible(page_text(
            "Ce téléphone n'est pas encore enregistré.",
        )))
    })
    .await?;
    s.check_accessibility("the phone simulator, not enrolled")
        .await?;
    s.tab_to(page::ENROLMENT_ASK, 10).await?;
    s.press(Key::Enter).await?;
    phone_says(s, "Code d'enregistrement prêt.").await?;
    let payload = s
        .wait_for(page::ENROL_PAYLOAD)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        payload.starts_with("sesame-qr://") && payload.contains("?e="),
        "the enrolment payload filled in is {payload:?}"
    );
    s.check_accessibility("the enrolment code").await?;
    s.tab_to(page::ENROL_PIN, 10).await?;
    s.keys(PIN).await?;
    s.press(Key::Enter).await?;
    phone_says(s, "Téléphone enregistré.").await?;
    let enrolled = format!("Enregistré pour {} sur {PAACO}.", who.identifier);
    s.wait_for_text(page::DEVICE_STATE, |t| t.contains(&enrolled))
        .await
        .context("the simulator says whom it is enrolled for")?;
    let pin = s
        .wait_for(page::ENROL_PIN)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(pin.is_empty(), "the PIN field is emptied once enrolled");
    s.check_accessibility("the phone simulator, enrolled").await
}

/// On the simulator: types `code`'s payload (as a phone's camera would pass it on), Tab to
/// "read the request", Enter; checks what it shows — PAACO (core's preset name), the page's
/// origin, this browser and system (core's reading of the User-Agent), three pairs of digits
/// among which the page's.
async fn read_request(s: &Session, portal: &Portal, code: &ShownCode) -> Result<()> {
    s.tab_to(page::LOGIN_PAYLOAD, 20).await?;
    s.clear_focused().await?;
    s.keys(&code.payload).await?;
    let typed = focused_value(s).await?;
    ensure!(
        typed == code.payload,
        "typed the payload, the field holds {typed:?}"
    );
    s.tab_to(page::READ_REQUEST, 5).await?;
    s.press(Key::Enter).await?;
    if let Err(e) = s.wait_for(page::REQUEST_SHOWN).await {
        let said = s.wait_for(page::MESSAGE).await?.text().await?;
        bail!(
            "the simulator does not show the request ({e:#}); it says {said:?}; focus on {}",
            s.describe_focus().await?
        );
    }
    phone_says(s, "Demande lue : vérifiez le portail et le site").await?;

    let paaco = PortalConfig::preset(PAACO).context("core's preset")?;
    let shown = visible(&s.wait_for(page::PORTAL).await?.text().await?);
    ensure!(
        shown.contains(&visible(&paaco.name)) && shown.contains(PAACO),
        "the simulator shows the portal {shown:?}, expected {} ({PAACO})",
        paaco.name
    );
    let origin = s.wait_for(page::ORIGIN).await?.text().await?;
    ensure!(
        origin == portal.url(""),
        "the simulator shows the request from {origin:?}, expected {}",
        portal.url("")
    );
    let agent = s
        .client
        .execute("return navigator.userAgent;", vec![])
        .await?;
    let (browser, system) = describe_user_agent(agent.as_str().unwrap_or_default());
    let shown = visible(&s.wait_for(page::BROWSER).await?.text().await?);
    ensure!(
        shown.contains(browser) && shown.contains(system),
        "the simulator shows {shown:?}, expected {browser} on {system}"
    );
    let mut choices = Vec::new();
    for radio in s
        .client
        .find_all(fantoccini::Locator::Css(page::DIGITS))
        .await?
    {
        choices.push(radio.prop("value").await?.unwrap_or_default());
    }
    ensure!(
        choices.len() == 3
            && choices
                .iter()
                .all(|c| qr::two_digits(c).is_ok_and(|d| &d == c)),
        "the simulator offers {choices:?}, expected three pairs of digits"
    );
    ensure!(
        choices.contains(&code.digits),
        "the simulator offers {choices:?}, not the page's {}",
        code.digits
    );
    s.check_accessibility("the request on the phone").await
}

/// Picks `digits` among the radio buttons with the keyboard: Tab into the group, arrows until
/// the focus is on them (arrows check the radio they reach), Space if the first one is it.
async fn pick_digits(s: &Session, digits: &str) -> Result<()> {
    s.tab_to(page::DIGITS, 10).await?;
    for _ in 0..4 {
        if focused_value(s).await? == digits {
            if !s.exists(page::DIGITS_PICKED).await? {
                s.press(Key::Space).await?;
            }
            let picked = s.wait_for(page::DIGITS_PICKED).await?.prop("value").await?;
            ensure!(
                picked.as_deref() == Some(digits),
                "picked {picked:?}, wanted {digits}"
            );
            return Ok(());
        }
        s.press(Key::Right).await?;
    }
    bail!("the digits {digits} were not reached with the arrow keys")
}

/// Opens the simulator in a new window of the same browser (the session cookie goes with it).
async fn open_simulator(s: &Session, portal: &Portal) -> Result<WindowHandle> {
    let window = s.client.new_window(false).await?.handle;
    s.switch_to_window(&window).await?;
    s.goto(&portal.url("/phone")).await?;
    s.wait_for(page::ENROLMENT_ASK).await?;
    Ok(window)
}

/// Jeanne enrols the simulator after a password login, then logs in by QR through it
/// (approve), then declines a second code from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_simulator_enrols_then_approves_and_declines_a_qr_login() {
    in_each_browser("phone-simulator", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        log_in_with_password(s, portal, &jeanne).await?;
        let widget = s.current_window().await?;

        let phone = open_simulator(s, portal).await?;
        enrol_simulator(s, &jeanne).await?;

        // Approve.
        s.switch_to_window(&widget).await?;
        let code = log_out_and_choose_qr(s).await?;
        s.switch_to_window(&phone).await?;
        read_request(s, portal, &code).await?;
        pick_digits(s, &code.digits).await?;
        // A PIN mistyped first: refused, said with what to do; then the right one.
        s.tab_to(page::LOGIN_PIN, 5).await?;
        s.keys(WRONG_PIN).await?;
        s.tab_to(page::APPROVE, 5).await?;
        s.press(Key::Enter).await?;
        phone_says(s, "Code PIN incorrect. Vérifiez-le et réessayez").await?;
        s.check_accessibility("a wrong PIN on the phone").await?;
        s.shift_tab_to(page::LOGIN_PIN, 5).await?;
        ensure!(
            focused_value(s).await?.is_empty(),
            "the wrong PIN is emptied"
        );
        s.keys(PIN).await?;
        s.tab_to(page::APPROVE, 5).await?;
        s.press(Key::Enter).await?;
        phone_says(s, "Connexion approuvée.").await?;
        ensure!(
            s.focus_is(page::LOGIN_PAYLOAD).await? && focused_value(s).await?.is_empty(),
            "once approved, the focus is back on the emptied payload field, not on {}",
            s.describe_focus().await?
        );
        s.check_accessibility("approved on the phone").await?;
        s.switch_to_window(&widget).await?;
        journey::expect_session_by(s, &jeanne, Method::Qr).await?;

        // Decline.
        let code = log_out_and_choose_qr(s).await?;
        s.switch_to_window(&phone).await?;
        read_request(s, portal, &code).await?;
        s.tab_to(page::DECLINE, 10).await?;
        s.press(Key::Enter).await?;
        phone_says(s, "Connexion refusée.").await?;
        s.check_accessibility("declined on the phone").await?;
        s.switch_to_window(&widget).await?;
        let said = visible(ErrorCode::QrDeclined.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&said))
            .await
            .context("the widget says the login was declined")?;
        qr::wait_for_state(s, qr::state::DECLINED).await?;
        ensure!(
            !journey::session_shown(s).await?,
            "no session after a decline"
        );
        s.check_accessibility("the declined code").await
    })
    .await;
}
