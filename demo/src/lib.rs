//! # sesame-demo
//!
//! Sésame's reference portal: the portal API of [`sesame_core::api`] over axum and sqlx
//! (SQLite by default), the demo page and the built widget.
//!
//! - [`app`] builds the router from an [`AppState`] (tests drive it with `oneshot`);
//! - [`serve`] runs it as the `sesame-demo` binary does; [`spawn`] runs it in the background on a
//!   possibly free port (end-to-end tests).
//!
//! **Architecture invariant:** every rule, code and text comes from `sesame-core`; this crate
//! only stores, hashes, counts and answers.

pub mod account;
pub mod attempt;
pub mod audit;
pub mod captcha;
pub mod config;
pub mod cps;
pub mod credentials;
pub mod cross_origin;
pub mod csrf;
pub mod db;
pub mod device;
pub mod error;
pub mod json;
pub mod oidc;
pub mod openapi;
pub mod password_hash;
pub mod phone;
pub mod portals;
pub mod qr;
pub mod qr_watch;
pub mod rate_limit;
pub mod reservation;
pub mod routes;
pub mod security_headers;
pub mod seed;
pub mod sender;
pub mod session;
pub mod state;
pub mod static_files;
pub mod token;
pub mod totp;

pub use config::Config;
pub use state::{system_clock, AppState, Clock};

use anyhow::Context;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use sesame_core::api::paths;
use sesame_core::PortalConfig;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Requests handled at once; more are answered 503 `server_busy` at once.
pub const MAX_CONCURRENT_REQUESTS: usize = 256;
/// A request still unanswered after this long is answered 503 `server_busy`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application: `/api/*`, the demo page and the widget, behind the CSRF check and
/// with the security headers, a request timeout and a bound on requests in flight.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` (as [`serve`] and
/// [`spawn`] do): the client's address is needed for rate limiting, and a request without it
/// answers `internal_error`.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route(paths::LOGIN_PASSWORD, post(routes::login::login_password))
        .route(
            paths::LOGIN_CAPTCHA_CHALLENGE,
            post(routes::captcha::challenge),
        )
        .route(paths::LOGIN_CODE_SEND, post(routes::code::send_code))
        .route(paths::LOGIN_CODE, post(routes::code::verify_code))
        .route(paths::LOGIN_CPS_NONCE, post(routes::cps::nonce))
        .route(paths::LOGIN_CPS, post(routes::cps::login_cps))
        .route(paths::LOGIN_QR, post(routes::qr::create))
        .route(paths::LOGIN_QR_STATUS, post(routes::qr::status))
        .route(paths::LOGIN_QR_EVENTS, get(routes::qr::events))
        .route(paths::PHONE_REQUEST, post(routes::qr::request_info))
        .route(paths::PHONE_APPROVE, post(routes::qr::approve))
        .route(paths::PHONE_DECLINE, post(routes::qr::decline))
        .route(paths::PHONE_ENROLMENT, post(routes::qr::enrolment))
        .route(paths::PHONE_ENROL, post(routes::qr::enrol))
        .route(paths::LOGIN_OIDC_START, post(routes::oidc::start))
        .route(paths::LOGIN_OIDC_CALLBACK, get(routes::oidc::callback))
        .route(
            paths::SESSION_ESTABLISHMENT,
            post(routes::oidc::choose_establishment),
        )
        .route(paths::LOGOUT, post(routes::logout::logout))
        .route(paths::SESSION, get(routes::session::current_session))
        .route(paths::SESSION_TERMS, post(routes::session::terms))
        .route(
            paths::ACCOUNT_FORGOT_PASSWORD,
            post(routes::account::forgot_password),
        )
        .route(
            paths::ACCOUNT_FORGOT_IDENTIFIER,
            post(routes::account::forgot_identifier),
        )
        .route(paths::ACCOUNT_LINK, post(routes::account::link))
        .route(
            paths::ACCOUNT_SET_PASSWORD,
            post(routes::account::set_password),
        )
        .route(
            paths::ACCOUNT_SIGNUP_SEND,
            post(routes::account::signup_send),
        )
        .route(
            paths::ACCOUNT_SIGNUP_CONFIRM,
            post(routes::account::signup_confirm),
        )
        .route(
            paths::CHANGE_PASSWORD,
            post(routes::change_password::change_password),
        )
        .route(paths::OPENAPI, get(openapi::openapi_json))
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::api_method_not_allowed)
        .layer(DefaultBodyLimit::max(json::MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    // The outbox is the demo's and the tests' mailbox, and the account creations the tests'
    // way to start the account journeys: never outside dev mode.
    let api = if state.config.dev_mode {
        api.route(
            routes::outbox::OUTBOX_JSON,
            get(routes::outbox::outbox_json),
        )
        .route(
            routes::account::DEMO_INVITE,
            post(routes::account::demo_invite),
        )
        .route(
            routes::account::DEMO_SIGNUP,
            post(routes::account::demo_signup),
        )
    } else {
        api
    };
    // The widget on another site (`cross_origin`): every cookie of the API cross-site.
    let api = if state.config.cross_site {
        api.layer(axum::middleware::from_fn(cross_origin::cross_site_cookies))
    } else {
        api
    };
    let mut router = Router::new();
    if state.config.dev_mode {
        router = router.route(
            routes::outbox::OUTBOX_PAGE,
            get(routes::outbox::outbox_page),
        );
    }
    // The phone simulator (QR login): what a phone app would show.
    router = router.route_service(
        "/phone",
        tower_http::services::ServeFile::new(
            state
                .config
                .page_dir
                .join("demo")
                .join("page")
                .join("phone.html"),
        ),
    );
    let router = router
        .nest("/api", api)
        .merge(static_files::router(&state.config))
        .layer(axum::middleware::from_fn(error::log_app_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::check_csrf,
        ))
        .layer(
            // Method, path, status and latency; never a body, nor the query string (a form
            // sent by GET would put a password there).
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(error::overloaded))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    MAX_CONCURRENT_REQUESTS,
                ))
                .timeout(REQUEST_TIMEOUT),
        );
    // The CSP, widened for a hosted captcha's script and frames when one is configured (its
    // sources are the provider's documented ones and a URL's parsed origin: valid header text).
    // and the other origins pages may connect to (`SESAME_CONNECT_SRC`: checked origins).
    let mut csp_sources = state.config.captcha.csp_sources();
    if !state.config.connect_sources.is_empty() {
        csp_sources.push(("connect-src", state.config.connect_sources.join(" ")));
    }
    let csp = security_headers::content_security_policy(&csp_sources);
    let csp = axum::http::HeaderValue::from_str(&csp).unwrap_or_else(|_| {
        tracing::error!("the captcha's CSP sources are not header text; left out");
        axum::http::HeaderValue::from_static(security_headers::CONTENT_SECURITY_POLICY)
    });
    let router = security_headers::add(router, state.config.dev_mode, csp);
    // CORS outermost, for the listed origins only: a preflight is answered before anything else
    // runs, and every answer — a refusal, `server_busy` — carries its headers, so the widget on
    // another origin can read why.
    let router = if state.config.allowed_origins.is_empty() {
        router
    } else {
        router.layer(cross_origin::cors(&state.config.allowed_origins))
    };
    router.with_state(state)
}

/// Sets up logging to stderr (`RUST_LOG`, default `sesame_demo=info,tower_http=info`). Calling
/// it again does nothing.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("sesame_demo=info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// On PostgreSQL — where several instances may share the database — the keys every instance
/// must hold alike come from the environment: without `SESAME_OTP_KEY` one instance could not
/// open the authenticator secrets another sealed, without `SESAME_CAPTCHA_KEY` it would refuse
/// the challenges another signed (on SQLite they are kept in files beside the database). Dev
/// mode only warns (each instance then makes keys of its own).
fn shared_keys_given(config: &Config) -> anyhow::Result<()> {
    if db::Backend::of(&config.database_url)? != db::Backend::Postgres {
        return Ok(());
    }
    let missing: Vec<&str> = [
        ("SESAME_OTP_KEY", config.otp_key.is_none()),
        ("SESAME_CAPTCHA_KEY", config.captcha.key.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, missing)| missing.then_some(name))
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let message = format!(
        "on PostgreSQL set {} (the same on every instance)",
        missing.join(" and ")
    );
    if config.dev_mode {
        tracing::warn!("{message}: this instance uses keys of its own");
        Ok(())
    } else {
        anyhow::bail!("{message}")
    }
}

/// Binds, opens and migrates the database, seeds the demo accounts.
/// Returns the portals loaded from `SESAME_PORTALS` too, for the banner.
async fn prepare(
    mut config: Config,
) -> anyhow::Result<(TcpListener, Router, Config, Vec<PortalConfig>)> {
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    config.bind = listener.local_addr()?;
    // The portals' own configuration files first: a refused one stops the start, said plainly.
    let extra_portals = portals::load(&config.portal_files)?;
    shared_keys_given(&config)?;
    let db = db::connect(&config.database_url).await?;
    seed::seed(&db).await?;
    seed::seed_samples(&db, &extra_portals).await?;
    static_files::warn_if_missing(&config);
    let secret_box =
        totp::SecretBox::load(config.otp_key.as_deref(), config.otp_key_file().as_deref())?;
    let cps_trust = cps::load_trust(&config, cps::ca_file_from_env().as_deref())?;
    let captcha = captcha::Captcha::load(&config.captcha, config.captcha_key_file().as_deref())?;
    let state = AppState::new(config.clone(), db, system_clock())
        .with_secret_box(secret_box)
        .with_captcha(captcha)
        .with_cps_trust(cps_trust)
        .with_extra_portals(extra_portals.clone())?;
    seed::seed_invitations(&state).await?;
    Ok((listener, app(state), config, extra_portals))
}

/// Runs the server in the background; returns the bound address (useful with port 0) and the
/// task (abort it to stop the server).
pub async fn spawn(config: Config) -> anyhow::Result<(SocketAddr, JoinHandle<anyhow::Result<()>>)> {
    let (listener, router, config, _) = prepare(config).await?;
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .context("server stopped")
    });
    Ok((config.bind, task))
}

/// Runs the server until Ctrl-C, printing its URL and the demo accounts first.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let (listener, router, config, extra) = prepare(config).await?;
    println!("{}", seed::banner(&config.public_url(), &extra));
    tracing::info!(
        url = config.public_url(),
        dev_mode = config.dev_mode,
        "listening"
    );
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("server stopped")
}
