//! The first paint: what `sesame-login.js` shows before the WebAssembly has loaded.
//!
//! On an old hospital machine the wasm takes a while to arrive and compile; the person should be
//! able to start typing at once. The loader renders the preset's identifier and password fields
//! as plain HTML, with the very labels the widget will show, then hands what was typed (and the
//! focus, and a submit pressed meanwhile) to [`mount`](crate::element::mount), which takes over.
//!
//! The labels come from here, built natively from core's presets and the widget's texts, and
//! written into the loader between two marker lines by xtask's tidy test (which fails, and
//! rewrites the file, when they are stale): one source, no second copy to keep in step by hand.

use crate::state::widget::{working_methods, View, WidgetState};
use crate::texts::T;
use serde_json::{json, Map, Value};
use sesame_core::{Lang, Method, PortalConfig};

/// The line after which the generated table starts, in `assets/sesame-login.js`.
pub const BEGIN: &str =
    "// BEGIN first-paint labels: generated from core's presets by `cargo test -p xtask` (tidy).";
/// The line before which it ends.
pub const END: &str = "// END first-paint labels.";

fn both(fr: &str, en: &str) -> Value {
    json!({ "fr": fr, "en": en })
}

fn text(t: T) -> Value {
    both(t.get(Lang::Fr), t.get(Lang::En))
}

/// What the first paint of `config` shows, or `None` when the widget would not open on the
/// password form (a chooser, say): the loader then shows only the loading message.
pub fn labels(config: &PortalConfig) -> Option<Value> {
    let state = WidgetState::new(working_methods(config), Lang::Fr);
    if state.view() != View::Method(Method::Password) {
        return None;
    }
    let title = config
        .offer(Method::Password)
        .map(|o| both(&o.label.fr, &o.label.en))
        .unwrap_or_else(|| text(T::LogIn));
    Some(json!({
        "name": config.name,
        "tagline": both(&config.tagline.fr, &config.tagline.en),
        "accent": config.theme.accent,
        "title": title,
        "identifier": both(&config.identifier.label.fr, &config.identifier.label.en),
        "identifierMode": config.identifier.rule.input_mode(),
        "passwordMode": config.password.input_mode(),
    }))
}

/// The loader's table: the widget's own texts, then every preset's labels.
pub fn table() -> Value {
    let mut presets = Map::new();
    for config in PortalConfig::presets() {
        if let Some(labels) = labels(&config) {
            presets.insert(config.id.as_str().to_owned(), labels);
        }
    }
    json!({
        "texts": {
            "identifier": both("Identifiant", "Identifier"),
            "password": text(T::Password),
            "logIn": text(T::LogIn),
            "loading": text(T::Loading),
            "submitQueued": text(T::SubmitQueued),
        },
        "presets": presets,
    })
}

/// The generated lines, markers included, as they stand in the loader.
pub fn block() -> String {
    let json = serde_json::to_string(&table()).expect("a JSON value always serialises");
    format!("{BEGIN}\nconst FIRST_PAINT = {json};\n{END}")
}

/// `loader` with its generated block replaced by [`block`]; `None` if the markers are missing.
pub fn regenerate(loader: &str) -> Option<String> {
    let start = loader.find(BEGIN)?;
    let end = loader[start..].find(END)? + start + END.len();
    Some(format!("{}{}{}", &loader[..start], block(), &loader[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_that_opens_on_the_password_form_has_its_own_labels() {
        let table = table();
        for config in PortalConfig::presets() {
            let Some(entry) = table["presets"].get(config.id.as_str()) else {
                assert!(labels(&config).is_none(), "{}", config.id);
                continue;
            };
            assert_eq!(entry["identifier"]["fr"], config.identifier.label.fr);
            assert_eq!(entry["name"], config.name);
            assert_eq!(entry["accent"], config.theme.accent);
        }
        assert_eq!(table["texts"]["password"]["fr"], T::Password.get(Lang::Fr));
    }

    #[test]
    fn regenerating_replaces_only_the_block() {
        let loader = format!("before\n{BEGIN}\nold\n{END}\nafter\n");
        let new = regenerate(&loader).unwrap();
        assert!(new.starts_with("before\n") && new.ends_with("\nafter\n"));
        assert!(new.contains("const FIRST_PAINT = {"));
        assert_eq!(regenerate(&new).unwrap(), new, "stable");
        assert_eq!(regenerate("no markers"), None);
    }
}
