//! `use_effect_with`, boxed.

use crate::view::prelude::*;
use std::any::Any;

/// What an effect keeps until the next run or the unmount, when it is dropped (a timer, say);
/// `Box::new(())` for nothing.
pub type Kept = Box<dyn Any>;

/// Runs `effect` after a render in which `deps` changed (and after the first), like
/// `use_effect_with`; what it returns is dropped before the next run and at unmount. The
/// effect is boxed: Yew's effect code (the hook's state, its `rendered` and its teardown) is
/// instantiated once per dependency type instead of once per effect closure.
pub fn use_effect_on<D: PartialEq + 'static>(deps: D, effect: Box<dyn FnOnce(&D) -> Kept>) {
    use_effect_with(deps, move |deps| {
        let kept = effect(deps);
        move || drop(kept)
    });
}
