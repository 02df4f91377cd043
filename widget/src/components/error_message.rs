//! An error in words: what happened and what to do next, plus the support contact when the
//! person cannot fix it alone; and its good-news twin, [`success_message`].

use super::support_contact::support_contact;
use crate::dom;
use crate::state::problem::Problem;
use sesame_core::portal::Support;
use sesame_core::Lang;
use yew::prelude::*;

/// `div.sesame-error-block`: the problem in `lang`, and `support` when the person cannot fix
/// it alone.
///
/// A function, not a component: it keeps no state, and every component type brings its own
/// copy of Yew's mounting and diffing code (≈ 2 KB of wasm). Never inlined, so its code is
/// there once for every form that shows an error.
#[inline(never)]
pub fn error_message(problem: &Problem, lang: Lang, support: Option<&Support>) -> Html {
    let code = problem.code().map(|c| c.as_str());
    let support = support
        .filter(|_| problem.wants_support())
        .map(|support| support_contact(support, lang));
    html! {
        <div class="sesame-error-block">
            <div role="alert" class={dom::class::ERROR} data-code={code}>
                <span class="sesame-error-icon" aria-hidden="true">{"!"}</span>
                <p>{problem.text(lang)}</p>
            </div>
            {support}
        </div>
    }
}

/// `p[role="status"].sesame-success`: `text` with its tick (a function, never inlined, for the
/// same reason as [`error_message`]).
#[inline(never)]
pub fn success_message(text: &'static str) -> Html {
    html! {
        <p role="status" class={dom::class::SUCCESS}>
            <span class="sesame-success-icon" aria-hidden="true">{"✓ "}</span>
            {text}
        </p>
    }
}
