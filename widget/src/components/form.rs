//! What the widget's forms share: their element and title, and their submit button.

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

/// `form[data-form=<form>].<class>` titled by an `h3` saying `title` (its id `title_id`), sent
/// to `onsubmit`; the browser's own validation off (the widget says what is missing, in words
/// from core).
#[inline(never)]
pub fn titled_form(
    form: &'static str,
    class: &'static str,
    title_id: String,
    title: &'static str,
    onsubmit: Callback<SubmitEvent>,
) -> El {
    el("form")
        .attr("data-form", form)
        .attr("method", "post")
        .attr("aria-labelledby", title_id.clone())
        .attr("novalidate", "novalidate")
        .class(class)
        .on("submit", onsubmit)
        .child(el("h3").id(title_id).class("sesame-form-title").text(title))
}
