//! An error in words: what happened and what to do next, plus the support contact when the
//! person cannot fix it alone; and its good-news twin, [`success_message`].

use super::support_contact::support_contact;
use crate::dom;
use crate::state::problem::Problem;
use crate::view::prelude::*;
use sesame_core::portal::Support;
use sesame_core::Lang;

/// `div.sesame-error-block`: the problem in `lang`, and `support` when the person cannot fix
/// it alone.
///
/// A function, not a component: it keeps no state, so it needs no hooks of its own. Never
/// inlined, so its code is there once for every form that shows an error.
#[inline(never)]
pub fn error_message(problem: &Problem, lang: Lang, support: Option<&Support>) -> Html {
    let code = problem.code().map(|c| c.as_str());
    let support = support
        .filter(|_| problem.wants_support())
        .map(|support| support_contact(support, lang));
    el("div")
        .class("sesame-error-block")
        .child(
            el("div")
                .attr("role", "alert")
                .class(dom::class::ERROR)
                .attr_opt("data-code", code)
                .child(
                    el("span")
                        .class("sesame-error-icon")
                        .attr("aria-hidden", "true")
                        .text("!"),
                )
                .child(el("p").text(problem.text(lang))),
        )
        .child(support)
        .into()
}

/// `p[role="status"].sesame-success`: `text` with its tick (a function, never inlined, for the
/// same reason as [`error_message`]).
#[inline(never)]
pub fn success_message(text: &'static str) -> Html {
    el("p")
        .attr("role", "status")
        .class(dom::class::SUCCESS)
        .child(
            el("span")
                .class("sesame-success-icon")
                .attr("aria-hidden", "true")
                .text("✓ "),
        )
        .text(text)
        .into()
}
