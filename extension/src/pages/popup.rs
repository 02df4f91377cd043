//! The toolbar button's popup: the portals and their shortcuts, a link to the options.

use super::portal_list::PortalList;
use crate::texts::T;
use yew::prelude::*;

/// The popup.
#[component]
pub fn Popup() -> Html {
    let lang = super::lang();
    html! {
        <>
            <h1>{T::PopupTitle.get(lang)}</h1>
            <PortalList {lang} />
            <p><a href="options.html" target="_blank">{T::OptionsLink.get(lang)}</a></p>
        </>
    }
}
