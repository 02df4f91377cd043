//! # sesame-core
//!
//! What every part of Sésame agrees on, defined once: the wire types of the portal API
//! ([`api`], including the CPS card login's nonce and token; the account journeys' in
//! [`account`]), the error codes and their plain-language texts ([`error`]), password rules and
//! their presets ([`password`]), identifier rules ([`identifier`]), login methods and their
//! assurance levels and steps ([`method`]), one-time codes ([`otp`]), the "not a robot" step
//! ([`captcha`]), portal presets ([`portal`]), the brute-force schedule
//! ([`lockout`]), the QR-code login approved on a phone ([`qr`]), the page ↔ extension bridge ([`bridge`]) and the extension ↔ native host wire
//! with the bytes a CPS card signs ([`host`]).
//!
//! **Architecture invariant:** this crate knows nothing of browsers, servers, databases or
//! clocks. Time comes in as a parameter, so every rule is a pure function, testable natively and
//! usable in WebAssembly.

pub mod account;
pub mod api;
pub mod bridge;
pub mod captcha;
pub mod error;
pub mod host;
pub mod i18n;
pub mod identifier;
pub mod lockout;
pub mod method;
pub mod oidc;
pub mod otp;
pub mod password;
pub mod portal;
pub mod qr;
pub mod secret;
pub mod wire;

pub use error::{ApiError, ErrorCode};
pub use i18n::{Lang, Text};
pub use method::{AssuranceLevel, Method, Step};
pub use portal::{PortalConfig, PortalId};
pub use secret::Secret;
