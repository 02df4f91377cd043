//! The demo page (`/`, `/demo/*`), the built widget (`/widget/*`) and the extension's packages
//! (`/extension/*`), from disk.

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
    let extension_dir = config.extension_dir.clone();
    let package = move |axum::extract::Path(file): axum::extract::Path<String>| {
        let dir = extension_dir.clone();
        async move { extension_package(&dir, &file).await }
    };
    Router::new()
        .route_service("/", ServeFile::new(config.page_dir.join("index.html")))
        .route("/extension/{file}", axum::routing::get(package))
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

/// The extension's package for `file` (`firefox.xpi` or `chromium.zip`): the one `cargo xtask
/// dist` wrote as `sesame-<version>-<browser>.<ext>` in `dir`, offered as a download.
async fn extension_package(dir: &Path, file: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some((browser, ext, mime)) = (match file {
        "firefox.xpi" => Some(("firefox", "xpi", "application/x-xpinstall")),
        "chromium.zip" => Some(("chromium", "zip", "application/zip")),
        _ => None,
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let suffix = format!("-{browser}.{ext}");
    let found = std::fs::read_dir(dir).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("sesame-") && n.ends_with(&suffix))
            })
            .max()
    });
    let Some(path) = found else {
        tracing::warn!(dir = %dir.display(), "the extension is not built: run `cargo xtask dist`");
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(file);
            let disposition = format!("attachment; filename=\"{name}\"");
            (
                [
                    (axum::http::header::CONTENT_TYPE, mime.to_owned()),
                    (axum::http::header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
