//! Who to call: phone (a `tel:` link), e-mail, hours, online form.

use crate::texts::T;
use sesame_core::portal::Support;
use sesame_core::Lang;
use yew::prelude::*;

/// `tel:` form of a number as people dial it: digits and a leading `+` only.
pub fn tel_href(phone: &str) -> String {
    let mut href = String::from("tel:");
    for (i, c) in phone.trim().chars().enumerate() {
        if c.is_ascii_digit() || (i == 0 && c == '+') {
            href.push(c);
        }
    }
    href
}

/// The support contact (a function, not a component: see
/// [`error_message`](super::error_message::error_message)).
#[inline(never)]
pub fn support_contact(support: &Support, lang: Lang) -> Html {
    let phone = support.phone.as_ref().map(|phone| {
        let note = support.phone_note.as_ref().map(|n| {
            html! { <span class="sesame-support-note">{" ("}{n.get(lang)}{")"}</span> }
        });
        html! { <li><a href={tel_href(phone)}>{phone}</a>{note}</li> }
    });
    let email = support.email.as_ref().map(|email| {
        html! { <li><a href={format!("mailto:{email}")}>{email}</a></li> }
    });
    let hours = support
        .hours
        .as_ref()
        .map(|h| html! { <li>{h.get(lang)}</li> });
    let form = support.form.as_ref().map(|form| {
        html! { <li><a href={form.clone()} rel="noopener">{T::SupportForm.get(lang)}</a></li> }
    });
    let any = phone.is_some() || email.is_some() || hours.is_some() || form.is_some();
    html! {
        <div class="sesame-support">
            <p class="sesame-support-name">{support.name.get(lang)}</p>
            if any {
                <ul class="sesame-support-list">{phone}{email}{hours}{form}</ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_links_keep_digits_only() {
        assert_eq!(tel_href("0 820 250 035"), "tel:0820250035");
        assert_eq!(tel_href("+33 5 64 090 090"), "tel:+33564090090");
    }
}
