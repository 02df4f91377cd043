//! The API handlers, one module per endpoint of [`sesame_core::api::paths`].

pub mod account;
pub mod captcha;
pub mod change_password;
pub mod code;
pub mod cps;
pub mod login;
pub mod logout;
pub mod oidc;
pub mod outbox;
pub mod qr;
pub mod session;
