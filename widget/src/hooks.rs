//! The widget's hooks.

pub mod use_accent;
pub mod use_effect_on;
pub mod use_focus_on_mount;
pub mod use_uid;
