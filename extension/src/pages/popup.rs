//! The toolbar button's popup: the portals and their shortcuts, a link to the options.

use super::dom::{attr, text};
use super::portal_list;
use crate::texts::T;
use sesame_core::Lang;
use web_sys::Element;

/// Builds the popup into `root`.
pub fn build(root: &Element, lang: Lang) {
    let _ = root.append_child(&text("h1", T::PopupTitle.get(lang)));
    portal_list::build(root, lang);
    let link = attr(
        attr(text("a", T::OptionsLink.get(lang)), "href", "options.html"),
        "target",
        "_blank",
    );
    let p = text("p", "");
    let _ = p.append_child(&link);
    let _ = root.append_child(&p);
}
