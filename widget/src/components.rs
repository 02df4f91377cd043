//! The widget's components: one per file, each rendering state it is given and reporting what
//! happens through `on<verb>` callbacks.

pub mod account;
pub mod change_password;
pub mod code_step;
pub mod cps_login;
pub mod error_message;
pub mod extension_offer;
pub mod forgot_password;
pub mod form;
pub mod login_widget;
pub mod method_chooser;
pub mod oidc_step;
pub(crate) mod part;
pub mod password_field;
pub mod password_login;
pub mod password_rules;
pub mod qr_login;
pub mod session_panel;

pub mod support_contact;
