//! Steps the journeys share: open the demo on a portal, log in, look at the session, hold the
//! widget's requests. Every expected text comes from `sesame-core` or the demo's seed, never
//! typed here a second time. A step that ends on a settled page runs the accessibility check
//! there ([`Session::check_accessibility`]).

use crate::codes;
use crate::harness::{visible, Portal, Session};
use anyhow::{bail, ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::Value;
use sesame_core::otp::{mask_email, mask_phone, OtpChannel};
use sesame_core::{Method, PortalConfig, Step};
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};

/// The widget's stable DOM hooks, built from the widget's own contract (`sesame_widget::dom`):
/// a renamed hook breaks compilation here, not a journey at run time. Use them as `&sel::X`.
pub mod sel {
    use sesame_core::otp::OtpChannel;
    use sesame_core::Method;
    use sesame_widget::dom::{self, action, class, field, form, widget};
    use std::sync::LazyLock;

    type Sel = LazyLock<String>;

    /// The password form.
    pub static PASSWORD_FORM: Sel = LazyLock::new(|| widget(&dom::form(form::PASSWORD)));
    /// The chooser button of the password method (shown when several methods work).
    pub static CHOOSE_PASSWORD: Sel = LazyLock::new(|| widget(&dom::method(Method::Password)));
    /// Identifier field.
    pub static IDENTIFIER: Sel = LazyLock::new(|| widget(&dom::field(field::IDENTIFIER)));
    /// Password field.
    pub static PASSWORD: Sel = LazyLock::new(|| widget(&dom::field(field::PASSWORD)));
    /// The login form's submit button.
    pub static SUBMIT: Sel = LazyLock::new(|| {
        widget(&format!(
            r#"{} button[type="submit"]"#,
            dom::form(form::PASSWORD)
        ))
    });
    /// An error message.
    pub static ERROR: Sel =
        LazyLock::new(|| widget(&format!(r#"[role="alert"]{}"#, dom::class(class::ERROR))));
    /// The loader's alert when the WebAssembly cannot load (a direct child of the element).
    pub static LOAD_FAILURE: Sel = LazyLock::new(|| r#"sesame-login > p[role="alert"]"#.into());
    /// The widget's session view.
    pub static WIDGET_SESSION: Sel = LazyLock::new(|| widget(&dom::class(class::SESSION)));
    /// Log out.
    pub static LOGOUT: Sel = LazyLock::new(|| widget(&dom::action(action::LOGOUT)));
    /// Open the change-password form.
    pub static CHANGE_PASSWORD: Sel =
        LazyLock::new(|| widget(&dom::action(action::CHANGE_PASSWORD)));
    /// The change-password form.
    pub static CHANGE_FORM: Sel = LazyLock::new(|| widget(&dom::form(form::CHANGE_PASSWORD)));
    /// Current password, in the change-password form.
    pub static CURRENT_PASSWORD: Sel =
        LazyLock::new(|| widget(&dom::field(field::CURRENT_PASSWORD)));
    /// New password, in the change-password form.
    pub static NEW_PASSWORD: Sel = LazyLock::new(|| widget(&dom::field(field::NEW_PASSWORD)));
    /// The change-password form's submit button.
    pub static CHANGE_SUBMIT: Sel = LazyLock::new(|| {
        widget(&format!(
            r#"{} button[type="submit"]"#,
            dom::form(form::CHANGE_PASSWORD)
        ))
    });
    /// A success message.
    pub static SUCCESS: Sel =
        LazyLock::new(|| widget(&format!(r#"[role="status"]{}"#, dom::class(class::SUCCESS))));
    /// A checklist item, by its rule's tag.
    pub fn rule(tag: &str) -> String {
        widget(&dom::rule(tag))
    }
    /// The first paint (served with the page, or drawn by the loader) before the takeover.
    pub static FIRST_PAINT: Sel =
        LazyLock::new(|| format!("sesame-login > section{}", dom::class(class::FIRST_PAINT)));
    /// The chooser button of `method`.
    pub fn choose(method: Method) -> String {
        widget(&dom::method(method))
    }
    /// The one-time code step's form.
    pub static CODE_FORM: Sel = LazyLock::new(|| widget(&dom::form(form::CODE)));
    /// The one-time code field.
    pub static CODE: Sel = LazyLock::new(|| widget(&dom::field(field::CODE)));
    /// The code step's submit button.
    pub static CODE_SUBMIT: Sel = LazyLock::new(|| {
        widget(&format!(
            r#"{} button[type="submit"]"#,
            dom::form(form::CODE)
        ))
    });
    /// The button sending a code on `channel`.
    pub fn send_code(channel: OtpChannel) -> String {
        widget(&dom::send_code(channel.as_str()))
    }
    /// Where the code went, as the server masked it.
    pub static CODE_DESTINATION: Sel =
        LazyLock::new(|| widget(&dom::class(class::CODE_DESTINATION)));
    /// The authenticator app's QR code, on the enrolment screen.
    pub static ENROL_QR: Sel = LazyLock::new(|| widget(&dom::class(class::ENROL_QR)));
    /// The authenticator app's secret in groups of four, on the enrolment screen.
    pub static ENROL_SECRET: Sel = LazyLock::new(|| widget(&dom::class(class::ENROL_SECRET)));
    /// The session's method (its `data-method`), in the widget's session view.
    pub static SESSION_METHOD: Sel =
        LazyLock::new(|| widget(&format!("{} [data-method]", dom::class(class::SESSION))));
    /// The session's assurance level (its `data-assurance`), in the widget's session view.
    pub static SESSION_ASSURANCE: Sel =
        LazyLock::new(|| widget(&format!("{} [data-assurance]", dom::class(class::SESSION))));
    /// The demo page's service tiles that need strong authentication.
    pub static STRONG_TILES: Sel = LazyLock::new(|| r#".tile[data-requires="strong"]"#.into());
    /// The demo page's preset switcher.
    pub static PRESET: Sel = LazyLock::new(|| "select#preset".into());
    /// The demo page's session panel.
    pub static PAGE_SESSION: Sel = LazyLock::new(|| "#session".into());
}

/// Where the demo page mounts the portal API (the `<sesame-login api>` attribute's default);
/// prefix it to `sesame_core::api::paths`.
pub const API: &str = "/api";

/// The demo account of `portal` (from the demo's seed).
pub fn account(portal: &str) -> DemoAccount {
    DEMO_ACCOUNTS
        .into_iter()
        .find(|a| a.portal == portal)
        .unwrap_or_else(|| panic!("no demo account for {portal}"))
}

/// Picks `preset` in the demo page's switcher, as a person would.
pub async fn choose_preset(s: &Session, preset: &str) -> Result<()> {
    s.wait_for(&sel::PRESET)
        .await?
        .select_by_value(preset)
        .await?;
    s.wait_until("the widget takes the preset", async || {
        let el = s.client.find(Locator::Css("sesame-login")).await?;
        Ok((el.attr("preset").await?.as_deref() == Some(preset)).then_some(()))
    })
    .await
}

/// Opens `path` on the portal and waits until the widget shows the password form or the method
/// chooser (stops at once, saying why, if the WebAssembly did not load); checks accessibility.
pub async fn open(s: &Session, portal: &Portal, path: &str) -> Result<()> {
    s.goto(&portal.url(path)).await?;
    widget_ready(s).await?;
    s.check_accessibility(&format!("open {path}")).await
}

/// Waits until the widget shows the password form (`true`) or the method chooser (`false`).
pub async fn widget_ready(s: &Session) -> Result<bool> {
    s.wait_until("the password form or the method chooser", async || {
        if s.exists(&sel::PASSWORD_FORM).await? {
            return Ok(Some(true));
        }
        // The loader's own alert: the WebAssembly did not load. Stop at once, saying why.
        if s.exists(&sel::LOAD_FAILURE).await? {
            let text = s
                .client
                .find(Locator::Css(&sel::LOAD_FAILURE))
                .await?
                .text()
                .await?;
            bail!("the widget did not load: {text}");
        }
        Ok(s.exists(&sel::CHOOSE_PASSWORD).await?.then_some(false))
    })
    .await
}

/// Shows the password form: directly, or through the method chooser; checks accessibility.
pub async fn open_password_form(s: &Session) -> Result<()> {
    open_method_form(s, Method::Password).await
}

/// Shows the identifier and password form of `method` (the password method, or the first step
/// of the one-time code method): directly when the portal has one method, or through the
/// method chooser; checks accessibility.
pub async fn open_method_form(s: &Session, method: Method) -> Result<()> {
    if !widget_ready(s).await? {
        s.click(&sel::choose(method)).await?;
        s.wait_for(&sel::PASSWORD_FORM).await?;
    }
    s.check_accessibility(&format!("the {} form", method.as_str()))
        .await
}

/// Shows the password form, types the identifier and password, and submits with the mouse
/// (the step that follows waits for the outcome and checks it).
pub async fn log_in(s: &Session, identifier: &str, password: &str) -> Result<()> {
    fill_login(s, identifier, password).await?;
    s.click(&sel::SUBMIT).await
}

/// Shows `method`'s identifier and password form, types `who`'s, and submits with the mouse
/// (the step that follows waits for the outcome: a session, or the code step).
pub async fn log_in_for(s: &Session, method: Method, who: &DemoAccount) -> Result<()> {
    open_method_form(s, method).await?;
    s.fill(&sel::IDENTIFIER, who.identifier).await?;
    s.fill(&sel::PASSWORD, who.password).await?;
    s.click(&sel::SUBMIT).await
}

/// Shows the password form and types the identifier and password, without submitting.
pub async fn fill_login(s: &Session, identifier: &str, password: &str) -> Result<()> {
    open_password_form(s).await?;
    s.fill(&sel::IDENTIFIER, identifier).await?;
    s.fill(&sel::PASSWORD, password).await
}

/// The `aria-disabled` attribute of the element matching `css` (`None` when absent).
pub async fn aria_disabled(s: &Session, css: &str) -> Result<Option<String>> {
    Ok(s.wait_for(css).await?.attr("aria-disabled").await?)
}

/// Waits until the page shows `who`'s session: the panel is visible and names them.
pub async fn expect_session(s: &Session, who: &DemoAccount) -> Result<()> {
    s.wait_until("the session panel is shown", async || {
        let panel = s.client.find(Locator::Css(&sel::PAGE_SESSION)).await?;
        Ok(panel.is_displayed().await?.then_some(()))
    })
    .await?;
    let name = s.wait_for_text("#session-who", |t| !t.is_empty()).await?;
    ensure!(
        name == who.display_name,
        "session of {name:?}, expected {:?}",
        who.display_name
    );
    s.wait_for_text(&sel::WIDGET_SESSION, |t| t.contains(who.display_name))
        .await?;
    s.check_accessibility("the session").await
}

/// Waits until the page shows `who`'s session after the steps `done` (the steps of the offer
/// they logged in with): the method and assurance level core gives those steps, in the widget's
/// session view (`data-method`, `data-assurance`).
pub async fn expect_session_after(s: &Session, who: &DemoAccount, done: &[Step]) -> Result<()> {
    expect_session_by(s, who, Step::session_method(done)).await
}

/// Waits until the page shows `who`'s session by `method` (one that is not a sequence of form
/// steps: CPS card, QR, Pro Santé Connect), at that method's assurance level (core's
/// [`Method::assurance`]).
pub async fn expect_session_by(s: &Session, who: &DemoAccount, method: Method) -> Result<()> {
    expect_session(s, who).await?;
    let shown = s
        .wait_for(&sel::SESSION_METHOD)
        .await?
        .attr("data-method")
        .await?;
    ensure!(
        shown.as_deref() == Some(method.as_str()),
        "session method {shown:?}, expected {method:?}"
    );
    let level = s
        .wait_for(&sel::SESSION_ASSURANCE)
        .await?
        .attr("data-assurance")
        .await?;
    ensure!(
        level.as_deref() == Some(method.assurance().as_str()),
        "session assurance {level:?} for {method:?}, expected {:?}",
        method.assurance()
    );
    Ok(())
}

/// The steps of `method` on `config` (from core's preset).
pub fn steps(config: &PortalConfig, method: Method) -> Result<Vec<Step>> {
    Ok(config
        .offer(method)
        .with_context(|| format!("{} offers {}", config.id.as_str(), method.as_str()))?
        .steps()
        .to_vec())
}

/// Types `code` into the code field with the keyboard only: Tab to the field (it may have the
/// focus already), select what it holds and delete it, type, Enter.
pub async fn enter_code(s: &Session, code: &str) -> Result<()> {
    s.tab_to(&sel::CODE, 20).await?;
    s.clear_focused().await?;
    s.keys(code).await?;
    let typed = s
        .wait_for(&sel::CODE)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        typed == code,
        "typed {code:?}, the code field holds {typed:?}"
    );
    s.press(Key::Enter).await
}

/// On the code step, gets a code sent to `who` on `channel` (SMS or e-mail) as a person does:
/// where the portal lets them choose, Tab to that channel's button and Enter; then the step
/// names the masked destination (core's masking of the seed's number or address) and the code
/// arrives in the demo's outbox. Checks accessibility before and after; returns the code.
pub async fn receive_code(
    s: &Session,
    portal: &Portal,
    config: &PortalConfig,
    who: &DemoAccount,
    channel: OtpChannel,
) -> Result<String> {
    let (to, masked) = match channel {
        OtpChannel::Sms => (who.phone, mask_phone(who.phone)),
        OtpChannel::Email => (who.email, mask_email(who.email)),
        OtpChannel::App => bail!("the app's codes are not sent"),
    };
    let otp = config.otp.as_ref().context("the portal sends codes")?;
    // With one channel the portal sends the code as it answers the password, which the caller
    // may not have waited for: the message may already be there. Its newest message is then
    // this login's (each journey has its own portal and outbox).
    let before = if otp.only_sending_channel() == Some(channel) {
        0
    } else {
        codes::outbox(portal, to).await?.len()
    };
    if otp.only_sending_channel() != Some(channel) {
        // The person chooses where the code goes.
        let button = sel::send_code(channel);
        s.wait_for(&button).await?;
        s.check_accessibility("the choice of channel").await?;
        s.tab_to(&button, 20).await?;
        s.press(Key::Enter).await?;
    }
    s.wait_for_text(&sel::CODE_DESTINATION, |t| t.contains(&visible(&masked)))
        .await
        .context("the code step names where the code went")?;
    s.wait_for(&sel::CODE).await?;
    s.check_accessibility("the code step").await?;
    codes::sent_code(portal, to, channel, before).await
}

/// Checks that the demo page's services needing strong authentication are open (no longer
/// greyed, no reason given) and that one opens when clicked; checks accessibility.
pub async fn expect_strong_services_open(s: &Session) -> Result<()> {
    let tiles = s.client.find_all(Locator::Css(&sel::STRONG_TILES)).await?;
    ensure!(
        !tiles.is_empty(),
        "the page has services needing strong authentication"
    );
    for tile in &tiles {
        ensure!(
            tile.attr("aria-disabled").await?.is_none(),
            "a service needing strong authentication is still greyed: {}",
            tile.html(false).await?
        );
        ensure!(
            tile.find_all(Locator::Css(".tile-reason"))
                .await?
                .is_empty(),
            "an open service still gives a reason: {}",
            tile.html(false).await?
        );
    }
    let target = tiles[0].attr("href").await?.context("a tile is a link")?;
    tiles[0].click().await?;
    s.wait_until("the service opens", async || {
        let url = s.client.current_url().await?;
        Ok(url.as_str().ends_with(&target).then_some(()))
    })
    .await?;
    s.check_accessibility("the services, open").await
}

/// Whether the page's session panel is visible.
pub async fn session_shown(s: &Session) -> Result<bool> {
    Ok(s.client
        .find(Locator::Css(&sel::PAGE_SESSION))
        .await?
        .is_displayed()
        .await?)
}

/// Makes the page's `fetch` wait from now on, as a slow network would, without timing
/// anything: each call is recorded (see [`held_requests`]) and goes out only after
/// [`release_requests`]. The widget calls `window.fetch` at each request, so this catches them.
pub async fn hold_requests(s: &Session) -> Result<()> {
    s.client
        .execute(
            r#"
            const real = window.fetch;
            let release;
            const gate = new Promise((resolve) => { release = resolve; });
            window.__sesameHeld = { urls: [], release: () => { window.fetch = real; release(); } };
            window.fetch = function (input, init) {
              window.__sesameHeld.urls.push(String((input && input.url) || input));
              return gate.then(() => real.call(window, input, init));
            };
            "#,
            vec![],
        )
        .await
        .context("holding the page's requests")?;
    Ok(())
}

/// The URLs of the requests held since [`hold_requests`].
pub async fn held_requests(s: &Session) -> Result<Vec<String>> {
    let urls = s
        .client
        .execute("return window.__sesameHeld.urls;", vec![])
        .await
        .context("reading the held requests (was `hold_requests` called?)")?;
    Ok(urls
        .as_array()
        .context("an array of URLs")?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

/// Lets the held requests go, and the next ones go at once.
pub async fn release_requests(s: &Session) -> Result<()> {
    s.client
        .execute("window.__sesameHeld.release();", vec![])
        .await
        .context("releasing the held requests")?;
    Ok(())
}
