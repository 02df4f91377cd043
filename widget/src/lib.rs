//! # sesame-widget
//!
//! Sésame's login widget, in Yew. Two ways to use it:
//!
//! - **Yew apps** render [`LoginWidget`] with a [`PortalConfig`](sesame_core::PortalConfig) and
//!   callbacks (`onlogin`, `onlogout`, `onerror`);
//! - **any other page** loads `sesame-login.js` and writes
//!   `<sesame-login preset="spico" api="/api" lang="fr"></sesame-login>`; the element fires
//!   `sesame-login`, `sesame-logout` and `sesame-error` DOM events ([`element`]).
//!
//! **Architecture invariant:** each method's state machine lives in [`state`], in plain Rust
//! tested natively; components only render it. Rules, error texts, presets and wire types come
//! from `sesame-core`, never written twice.

pub mod api;
pub mod bridge;
pub mod captcha;
pub mod components;
pub mod dom;
pub mod element;
pub mod english;
#[cfg(not(target_arch = "wasm32"))]
pub mod first_paint;
pub mod hooks;
pub mod state;
pub mod submit_flow;
pub mod texts;
pub mod view;
#[cfg(feature = "yew")]
pub mod yew_app;

pub use components::login_widget::LoginWidgetProps;
pub use element::{mount, WidgetHandle};
pub use english::english;
#[cfg(feature = "yew")]
pub use yew_app::LoginWidget;

/// The allocator: talc instead of Rust's default dlmalloc, smaller in the wasm (BENCHMARKS.md,
/// lever table) and faster. Single-threaded wasm (no `atomics`) only.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
