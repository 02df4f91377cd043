//! The widget's state machines, in plain Rust: no browser types, tested natively. Components
//! only render them and dispatch their actions.

pub mod change_password;
pub mod password_login;
pub mod problem;
pub mod widget;
