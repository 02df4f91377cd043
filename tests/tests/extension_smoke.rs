//! The extension loads in both browsers: its options page opens at its fixed address, shows its
//! title and passes the accessibility check, and a popup window the extension opens
//! (`windows.create`, as its confirmations do) can be driven and left. A smoke test for the
//! harness (`in_each_browser_with_extension`); the extension's journeys will replace it. Run
//! through `cargo xtask test`, which builds the extension and sets `SESAME_EXTENSION_DIR`.

use anyhow::ensure;
use serde_json::json;
use sesame_e2e::harness::{in_each_browser_with_extension, Portal, Session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extension_options_page_opens() {
    in_each_browser_with_extension("extension-smoke", async |s: &Session, _: &Portal| {
        let url = s.extension_url("options.html")?;
        s.goto(&url).await?;
        // Fails naming the last <h1> text seen when it never says Sésame.
        s.wait_for_text("h1", |t| t.contains("Sésame")).await?;
        s.check_accessibility("the extension's options page")
            .await?;

        // A popup window opened by the extension, as its confirmations are.
        let main = s.current_window().await?;
        let known = s.windows().await?;
        let created = s
            .client
            .execute_async(
                "const [url, done] = arguments; \
                 const api = globalThis.browser ?? globalThis.chrome; \
                 api.windows.create({ url, type: 'popup', width: 480, height: 640 }) \
                   .then(() => done(null), (e) => done(String(e)));",
                vec![json!(url)],
            )
            .await?;
        ensure!(created.is_null(), "windows.create failed: {created}");
        let popup = s.switch_to_new_window(&known).await?;
        s.wait_for_text("h1", |t| t.contains("Sésame")).await?;
        s.client.close_window().await?;
        s.wait_for_window_closed(&popup).await?;
        s.switch_to_window(&main).await?;
        s.wait_for("h1").await?;
        Ok(())
    })
    .await;
}
