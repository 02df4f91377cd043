//! The demo page (`/`, `/demo/*`) and the built widget (`/widget/*`), from disk.

use crate::config::Config;
use axum::handler::HandlerWithoutStateExt;
use axum::http::StatusCode;
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};

/// What to tell a person whose widget is not built.
pub const WIDGET_HINT: &str =
    "the widget is not built: run `cargo xtask demo` (or set SESAME_WIDGET_DIR)";

/// Logs a hint at start if the widget or the page is missing.
pub fn warn_if_missing(config: &Config) {
    if !config.widget_dir.is_dir() {
        tracing::warn!(dir = %config.widget_dir.display(), "{WIDGET_HINT}");
    }
    let index = config.page_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(file = %index.display(), "the demo page is missing (set SESAME_PAGE_DIR)");
    }
}

/// Routes for the page and the widget. Unknown files are a plain 404; `.wasm` is served as
/// `application/wasm`; the widget's precompressed copies are used when the browser accepts them.
pub fn router<S: Clone + Send + Sync + 'static>(config: &Config) -> Router<S> {
    let widget_dir = config.widget_dir.clone();
    let not_found = move || {
        let widget_dir: PathBuf = widget_dir.clone();
        async move {
            if !Path::new(&widget_dir).is_dir() {
                tracing::warn!(dir = %widget_dir.display(), "{WIDGET_HINT}");
            }
            StatusCode::NOT_FOUND
        }
    };
    Router::new()
        .route_service("/", ServeFile::new(config.page_dir.join("index.html")))
        .nest_service(
            "/demo",
            ServeDir::new(config.page_dir.join("demo").join("page")),
        )
        .nest_service(
            "/widget",
            // `cargo xtask` writes `.br` and `.gz` copies beside each file: served to browsers
            // that accept them (the wasm is 488 KB raw, 143 KB brotli).
            ServeDir::new(&config.widget_dir)
                .precompressed_br()
                .precompressed_gzip()
                .not_found_service(not_found.into_service()),
        )
}
