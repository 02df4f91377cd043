//! The widget's hooks, and the submit flow every form shares.

pub mod submit_flow;
pub mod use_accent;
pub mod use_focus_on_mount;
pub mod use_uid;
