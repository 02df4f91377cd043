//! The journeys of issue 10 — the browser extension and the page bridge — each in Chromium then
//! Firefox, with the built extension installed (`in_each_browser_with_extension`) or without it.
//! Texts come from core and the widget; the extension's own answers are read through its
//! options page, as a person would check them. Run through `cargo xtask test` (it builds the
//! widget and the extension first).

use anyhow::{ensure, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{json, Value};
use sesame_core::bridge::{BridgeError, MAX_MESSAGE_BYTES};
use sesame_core::{Lang, PortalConfig};
use sesame_e2e::harness::{
    in_each_browser, in_each_browser_with_extension, visible, Browser, Portal, Session,
};
use sesame_widget::dom::{self, action, class};
use sesame_widget::texts::T;

/// The extension's offer in the widget.
fn offer() -> String {
    dom::widget(&dom::class(class::EXTENSION))
}

/// The offer's bookmark button.
fn bookmark_button() -> String {
    dom::widget(&dom::action(action::ADD_BOOKMARK))
}

/// The offer's live region.
fn offer_status() -> String {
    format!(r#"{} [role="status"]"#, offer())
}

/// Posts `message` to the page's own window, as the widget does, and waits for its
/// `-success` or `-failure` answer with id `id` (`{"timeout": true}` after 3 s).
async fn post(s: &Session, message: Value, id: &str) -> Result<Value> {
    let script = r#"
        const [message, id, done] = arguments;
        const timer = setTimeout(() => done({ timeout: true }), 3000);
        window.addEventListener('message', (e) => {
            const d = e.data;
            if (e.source === window && d && d.id === id && /-(success|failure)$/.test(d.action)) {
                clearTimeout(timer);
                done(d);
            }
        });
        window.postMessage(message, location.origin);
    "#;
    Ok(s.client
        .execute_async(script, vec![message, json!(id)])
        .await?)
}

/// Starts recording every message the page's window receives (`window.__sesameSeen`).
async fn record_messages(s: &Session) -> Result<()> {
    s.client
        .execute(
            "window.__sesameSeen = []; \
             window.addEventListener('message', (e) => window.__sesameSeen.push(e.data));",
            vec![],
        )
        .await?;
    Ok(())
}

/// The ids of the answers (`-ack`, `-success`, `-failure`) the page received so far.
async fn answered_ids(s: &Session) -> Result<Vec<String>> {
    let seen = s
        .client
        .execute(
            "return window.__sesameSeen \
               .filter((d) => d && typeof d.action === 'string' && /-(ack|success|failure)$/.test(d.action)) \
               .map((d) => d.id);",
            vec![],
        )
        .await?;
    Ok(seen
        .as_array()
        .context("an array")?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

/// The extension's options page, on the portal of `origin`: how many bookmarks it counts for
/// that portal (`None` if the portal is not enabled).
async fn bookmarks_of(s: &Session, origin: &str) -> Result<Option<usize>> {
    s.goto(&s.extension_url("options.html")?).await?;
    s.wait_for("#portals-title").await?;
    // The list fills in once the extension's storage has been read.
    s.wait_until("the options page lists the portals", async || {
        let listed = s.exists("ul.portals").await? || s.exists("p.empty").await?;
        Ok(listed.then_some(()))
    })
    .await?;
    let item = format!(r#"li.portal[data-origin="{origin}"]"#);
    if !s.exists(&item).await? {
        return Ok(None);
    }
    let count = s
        .client
        .execute(
            "return document.querySelector(arguments[0]).dataset.bookmarks;",
            vec![json!(item)],
        )
        .await?;
    let count = count.as_str().context("data-bookmarks")?.parse()?;
    Ok(Some(count))
}

/// Shift+Tab on the keyboard.
async fn shift_tab(s: &Session) -> Result<()> {
    let (shift, tab) = (char::from(Key::Shift), char::from(Key::Tab));
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: tab })
        .then(KeyAction::Up { value: tab })
        .then(KeyAction::Up { value: shift });
    s.client.perform_actions(actions).await?;
    Ok(())
}

/// The portal's origin as the browser gives it to the extension.
fn origin_of(portal: &Portal) -> String {
    format!("http://127.0.0.1:{}", portal.addr.port())
}

/// Nadia has no Sésame extension: the login page tells her, in her browser's terms, how to
/// install it, and nothing is logged as an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_extension_the_widget_says_how_to_install_it() {
    in_each_browser("extension-absent", async |s: &Session, portal: &Portal| {
        s.goto(&portal.url("/")).await?;
        let install = format!("{} {}", offer(), dom::class(class::EXTENSION_INSTALL));
        let text = s.wait_for_text(&install, |t| !t.is_empty()).await?;
        let expected = match s.browser {
            Browser::Firefox => T::InstallForFirefox,
            Browser::Chromium => T::InstallForChromium,
        };
        ensure!(
            visible(&text) == visible(expected.get(Lang::Fr)),
            "the install link says {text:?}"
        );
        s.check_accessibility("the install hint").await?;
        if let Some(log) = s.console_log().await? {
            let errors: Vec<_> = log.iter().filter(|e| e.level == "SEVERE").collect();
            ensure!(errors.is_empty(), "console errors: {errors:?}");
        }
        // The link leads to the steps for both browsers, with the packages.
        s.click(&install).await?;
        s.wait_for(r#"#firefox a[href="/extension/firefox.xpi"]"#)
            .await?;
        s.wait_for(r#"#chromium a[href="/extension/chromium.zip"]"#)
            .await?;
        s.check_accessibility("the install page").await
    })
    .await;
}

/// Karim, on Entr'Actes, has the extension and uses the keyboard only. The login page offers a
/// bookmark; the extension asks him in its own window, showing the portal's real address, the
/// focus on "cancel". He cancels first (Enter): nothing is made, the page says so, the focus is
/// still on its button. He asks again and accepts (Shift+Tab, Enter): exactly one bookmark,
/// which the extension's options page shows; asked a third time, the page says it is already
/// there and no window opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bookmark_is_made_once_and_only_after_the_person_confirms() {
    in_each_browser_with_extension(
        "extension-bookmark",
        async |s: &Session, portal: &Portal| {
            let origin = origin_of(portal);
            s.goto(&portal.url("/")).await?;
            s.wait_for(&bookmark_button()).await?;
            s.check_accessibility("the bookmark offer").await?;
            let page = s.current_window().await?;

            // Cancel in the extension's window.
            s.tab_to(&bookmark_button(), 30).await?;
            let known = s.windows().await?;
            s.press(Key::Enter).await?;
            let confirm = s.switch_to_new_window(&known).await?;
            let shown = s
                .wait_for_text("main", |t| t.contains(&origin))
                .await
                .context("the confirmation shows the page's real origin")?;
            ensure!(
                shown.contains("Entr'Actes"),
                "the claimed name is shown: {shown:?}"
            );
            s.check_accessibility("the extension's confirmation")
                .await?;
            ensure!(
                s.focus_is("#confirm-no").await?,
                "the confirmation opens with the focus on cancel, not on {}",
                s.describe_focus().await?
            );
            s.press_closing(Key::Enter).await?;
            s.wait_for_window_closed(&confirm).await?;
            s.switch_to_window(&page).await?;
            let cancelled = BridgeError::UserCancelled.text(Lang::Fr);
            s.wait_for_text(&offer_status(), |t| visible(t) == visible(cancelled))
                .await
                .context("the page says the person cancelled")?;

            // Accept.
            ensure!(
                s.focus_is(&bookmark_button()).await?,
                "back on the page, the focus is on its button, not on {}",
                s.describe_focus().await?
            );
            let known = s.windows().await?;
            s.press(Key::Enter).await?;
            let confirm = s.switch_to_new_window(&known).await?;
            s.wait_for("#confirm-yes").await?;
            shift_tab(s).await?;
            ensure!(
                s.focus_is("#confirm-yes").await?,
                "Shift+Tab from cancel reaches allow"
            );
            s.press_closing(Key::Enter).await?;
            s.wait_for_window_closed(&confirm).await?;
            s.switch_to_window(&page).await?;
            let added = T::BookmarkAdded.get(Lang::Fr);
            s.wait_for_text(&offer_status(), |t| visible(t) == visible(added))
                .await?;
            s.check_accessibility("the bookmark made").await?;

            // Asked again: no window, no second bookmark.
            let before = s.windows().await?.len();
            s.press(Key::Enter).await?;
            let already = T::BookmarkAlready.get(Lang::Fr);
            s.wait_for_text(&offer_status(), |t| visible(t) == visible(already))
                .await?;
            ensure!(
                s.windows().await?.len() == before,
                "no confirmation window for a bookmark already there"
            );

            let count = bookmarks_of(s, &origin).await?;
            ensure!(
                count == Some(1),
                "the options page counts {count:?} bookmarks for {origin}"
            );
            s.check_accessibility("the extension's options page")
                .await?;

            // A known portal added from the options page, then removed; the focus stays in
            // the list.
            let (_, name, address) = PortalConfig::KNOWN_ADDRESSES[0];
            let known_origin = address.trim_end_matches('/');
            s.click(r#"button[data-do="known-0"]"#).await?;
            let item = format!(r#"li.portal[data-origin="{known_origin}"]"#);
            let shown = s.wait_for_text(&item, |t| t.contains(name)).await?;
            ensure!(shown.contains(known_origin), "{shown:?}");
            s.click(&format!(
                r#"button[data-do="remove"][data-origin="{known_origin}"]"#
            ))
            .await?;
            s.wait_until("the removed portal leaves the list", async || {
                Ok((!s.exists(&item).await?).then_some(()))
            })
            .await?;
            ensure!(
                s.exists(&format!(r#"li.portal[data-origin="{origin}"]"#))
                    .await?,
                "the page's portal is still listed"
            );
            s.check_accessibility("the options page after removing a portal")
                .await
        },
    )
    .await;
}

/// A page on an origin the person has not enabled gets `origin_not_allowed`, even when its
/// message claims an enabled origin; oversized, malformed and unknown messages get their codes;
/// a message posted from a frame or from another window is not relayed at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_refuses_what_it_must() {
    in_each_browser_with_extension("extension-refusals", async |s: &Session, portal: &Portal| {
        let enabled = origin_of(portal);
        // Enable 127.0.0.1:<port> the way a person does (from its page, confirmed).
        s.goto(&portal.url("/")).await?;
        s.wait_for(&bookmark_button()).await?;
        let page = s.current_window().await?;
        let known = s.windows().await?;
        s.click(&bookmark_button()).await?;
        let confirm = s.switch_to_new_window(&known).await?;
        s.wait_for("#confirm-yes").await?;
        s.click("#confirm-yes").await?;
        s.wait_for_window_closed(&confirm).await?;
        s.switch_to_window(&page).await?;
        s.wait_for_text(&offer_status(), |t| {
                    visible(t) == visible(T::BookmarkAdded.get(Lang::Fr))
                })
            .await?;

        // localhost:<port> is another origin, not enabled.
        // (The demo forbids framing its pages: the probe frame below is a srcdoc.)
        let other_origin = format!("http://localhost:{}", portal.addr.port());
        let other = format!("{other_origin}/");
        s.goto(&other).await?;
        s.wait_for(&bookmark_button()).await?;
        s.check_accessibility("a portal not enabled").await?;
        let answer = post(
            s,
            json!({"action": "sesame:add-bookmark", "id": "claim",
                   "origin": enabled, "url": format!("{enabled}/")}),
            "claim",
        )
        .await?;
        ensure!(
            answer["code"] == BridgeError::OriginNotAllowed.as_str(),
            "a page not enabled, claiming an enabled origin: {answer}"
        );
        let cases = [
            (
                json!({"action": "sesame:status", "id": "big",
                       "pad": "x".repeat(MAX_MESSAGE_BYTES + 1)}),
                "big",
                BridgeError::MessageTooLarge,
            ),
            (
                json!({"action": "sesame:launch", "id": "unknown"}),
                "unknown",
                BridgeError::UnknownAction,
            ),
            (
                json!({"action": "sesame:enable-portal", "id": "bad", "bookmark": "yes"}),
                "bad",
                BridgeError::MalformedMessage,
            ),
        ];
        for (message, id, code) in cases {
            let answer = post(s, message, id).await?;
            ensure!(answer["code"] == code.as_str(), "{id}: {answer}");
        }
        // The status still answers: the background survived all of it.
        let status = post(s, json!({"action": "sesame:status", "id": "alive"}), "alive").await?;
        ensure!(
            status["action"] == "sesame:status-success" && status["enabled"] == false,
            "status after the bad messages: {status}"
        );

        // From a frame, and from another window: not relayed (no ack, no answer).
        record_messages(s).await?;
        s.client
            .execute(
                "const f = document.createElement('iframe'); f.id = 'probe'; \
                 f.srcdoc = '<p>probe</p>'; f.title = 'probe'; document.body.append(f);",
                vec![],
            )
            .await?;
        s.wait_for("#probe").await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let frame = s.client.find(fantoccini::Locator::Css("#probe")).await?;
        frame.enter_frame().await?;
        s.client
            .execute(
                "parent.postMessage({action: 'sesame:status', id: 'from-frame'}, arguments[0]);",
                vec![json!(other_origin)],
            )
            .await?;
        s.client.enter_parent_frame().await?;
        let known = s.windows().await?;
        s.client
            .execute("window.open(location.href, 'probe-window');", vec![])
            .await?;
        s.switch_to_new_window(&known).await?;
        // Loaded (not the first about:blank, whose origin is "null").
        s.wait_for(&bookmark_button()).await?;
        s.client
            .execute(
                "opener.postMessage({action: 'sesame:status', id: 'from-window'}, location.origin);",
                vec![],
            )
            .await?;
        s.client.close_window().await?;
        s.switch_to_window(&page).await?;
        // The same page's own request is answered meanwhile: the relay works.
        let own = post(s, json!({"action": "sesame:status", "id": "own"}), "own").await?;
        ensure!(own["action"] == "sesame:status-success", "own request: {own}");
        let ids = answered_ids(s).await?;
        ensure!(
            !ids.iter().any(|i| i == "from-frame" || i == "from-window"),
            "messages from a frame or another window were relayed: {ids:?}"
        );
        ensure!(ids.iter().any(|i| i == "own"), "the page's own request: {ids:?}");
        Ok(())
    })
    .await;
}
