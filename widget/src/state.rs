//! The widget's state machines, in plain Rust: no browser types, tested natively. Components
//! only render them and dispatch their actions.

/// Implements `view::Reducible` for a state whose transitions are
/// `fn apply(&mut self, action)`: `reduce` applies the action to a copy. Each state module
/// keeps its transitions in `apply`, testable without Yew.
macro_rules! reducible_by_apply {
    ($state:ty, $action:ty) => {
        impl crate::view::Reducible for $state {
            type Action = $action;

            fn reduce(self: std::rc::Rc<Self>, action: $action) -> std::rc::Rc<Self> {
                let mut next = (*self).clone();
                next.apply(action);
                std::rc::Rc::new(next)
            }
        }
    };
}

pub mod account;
pub mod change_password;
pub mod code_entry;
pub mod cps_login;
pub mod password_login;
pub mod problem;
pub mod qr_login;
pub mod submission;
pub mod widget;
