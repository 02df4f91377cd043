//! Who to call: phone (a `tel:` link), e-mail, hours, online form.

use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::portal::Support;
use sesame_core::Lang;

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
            el("span")
                .class("sesame-support-note")
                .text(" (")
                .text(n.get(lang).to_owned())
                .text(")")
        });
        el("li")
            .child(el("a").attr("href", tel_href(phone)).text(phone.clone()))
            .child(note)
    });
    let email = support.email.as_ref().map(|email| {
        el("li").child(
            el("a")
                .attr("href", format!("mailto:{email}"))
                .text(email.clone()),
        )
    });
    let hours = support
        .hours
        .as_ref()
        .map(|h| el("li").text(h.get(lang).to_owned()));
    let form = support.form.as_ref().map(|form| {
        el("li").child(
            el("a")
                .attr("href", form.clone())
                .attr("rel", "noopener")
                .text(T::SupportForm.get(lang)),
        )
    });
    let any = phone.is_some() || email.is_some() || hours.is_some() || form.is_some();
    el("div")
        .class("sesame-support")
        .child(
            el("p")
                .class("sesame-support-name")
                .text(support.name.get(lang).to_owned()),
        )
        .child(when(any, move || {
            el("ul")
                .class("sesame-support-list")
                .child(phone)
                .child(email)
                .child(hours)
                .child(form)
                .into()
        }))
        .into()
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
