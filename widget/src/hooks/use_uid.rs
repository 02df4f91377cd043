//! Unique id prefixes, so that several widgets on one page never share a label's `for`.

use crate::view::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

thread_local! {
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// A prefix such as `sesame3`, the same for the component's whole life and different in every
/// instance; build ids with `format!("{uid}-password")`.
pub fn use_uid() -> Rc<String> {
    use_memo((), |_| {
        let n = NEXT.with(|next| {
            next.set(next.get() + 1);
            next.get()
        });
        format!("sesame{n}")
    })
}
