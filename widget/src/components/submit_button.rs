//! A form's submit button, the same in every form.

use crate::view::prelude::*;

/// `button[type=submit].sesame-primary` saying `label`; while `busy`, `aria-disabled="true"`
/// (not `disabled`: it keeps its place in the Tab order and its focus; a second press while
/// busy is ignored by the form's submission state).
#[inline(never)]
pub fn submit_button(label: &'static str, busy: bool) -> El {
    el("button")
        .attr("type", "submit")
        .class("sesame-primary")
        .attr_opt("aria-disabled", busy.then_some("true"))
        .text(label)
}
