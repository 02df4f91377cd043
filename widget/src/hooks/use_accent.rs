//! The portal's accent colour as the `--sesame-accent` custom property, set through the CSSOM:
//! CSP `style-src 'self'` refuses `style` attributes, not CSSOM changes.

use crate::view::prelude::*;
use web_sys::HtmlElement;

/// Sets `--sesame-accent` to `accent` on the element behind `root`, whenever it changes.
pub fn use_accent(root: NodeRef, accent: String) {
    use_effect_with((accent, root), |(accent, root)| {
        if let Some(el) = root.cast::<HtmlElement>() {
            let _ = el.style().set_property("--sesame-accent", accent);
        }
    });
}
