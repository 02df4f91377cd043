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

use crate::dom;
use crate::state::widget::{working_methods, View, WidgetState};
use crate::texts::T;
use serde_json::{json, Map, Value};
use sesame_core::portal::MethodOffer;
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

/// The password offer of `config` when the widget opens on the password form; `None` otherwise
/// (a chooser, say: the first paint then shows only the loading message).
fn password_offer(config: &PortalConfig) -> Option<Option<&MethodOffer>> {
    let state = WidgetState::new(working_methods(config), Lang::Fr);
    (state.view() == View::Method(Method::Password)).then(|| config.offer(Method::Password))
}

/// What the first paint of `config` shows, or `None` when the widget would not open on the
/// password form. Bilingual texts keep their serde form, `{"fr": …, "en": …}`.
pub fn labels(config: &PortalConfig) -> Option<Value> {
    let offer = password_offer(config)?;
    Some(json!({
        "notice": offer.and_then(|o| o.notice.as_ref()),
        "name": config.name,
        "tagline": config.tagline,
        "accent": config.theme.accent,
        "title": offer.map_or_else(|| text(T::LogIn), |o| json!(o.label)),
        "identifier": config.identifier.label,
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

/// The first paint as HTML, for a page to serve inside `<sesame-login>` so the fields are there
/// as soon as the page is parsed (the loader adopts it): `config`'s labels in `lang`, ids
/// prefixed with `id` (unique on the page). The submit button is disabled until the loader has
/// run, so a page whose scripts cannot run never posts a password anywhere; its status then
/// says, after 8 seconds (CSS), to reload. `None` when the widget would not open on the
/// password form.
pub fn markup(config: &PortalConfig, lang: Lang, id: &str) -> Option<String> {
    let offer = password_offer(config)?;
    let e = escape;
    let title = offer.map_or(T::LogIn.get(lang), |o| o.label.get(lang));
    let late = match lang {
        Lang::Fr => "S'il ne se charge pas, rechargez la page\u{a0}; si cela recommence, contactez l'assistance de votre portail.",
        Lang::En => "If it does not load, reload the page; if it happens again, contact your portal's support.",
    };
    Some(format!(
        r#"<section class="{root} {first_paint}" lang="{lang}" aria-busy="true" aria-labelledby="{id}-portal" data-preset="{preset}">
  <header class="sesame-header"><div class="sesame-brand"><h2 id="{id}-portal" class="sesame-portal">{name}</h2><p class="sesame-tagline">{tagline}</p></div></header>
  <form class="sesame-form" data-form="{form}" method="post" novalidate aria-labelledby="{id}-title">
    <h3 id="{id}-title" class="sesame-form-title">{title}</h3>{notice}
    <div class="sesame-field"><label for="{id}-identifier">{identifier}</label><input id="{id}-identifier" name="{identifier_name}" type="text" autocomplete="username" spellcheck="false" autocapitalize="off" inputmode="{imode}" aria-required="true"></div>
    <div class="sesame-field"><label for="{id}-password">{password}</label><div class="sesame-password-row"><input id="{id}-password" name="{password_name}" type="password" autocomplete="current-password" inputmode="{pmode}"></div></div>
    <p class="sesame-first-paint-status" role="status">{loading} <span class="sesame-fallback-late">{late}</span></p>
    <button type="submit" class="sesame-primary" disabled>{login}</button>
  </form>
</section>"#,
        lang = lang.tag(),
        root = dom::class::ROOT,
        first_paint = dom::class::FIRST_PAINT,
        form = dom::form::PASSWORD,
        identifier_name = dom::field::IDENTIFIER,
        password_name = dom::field::PASSWORD,
        preset = e(config.id.as_str()),
        name = e(&config.name),
        tagline = e(config.tagline.get(lang)),
        title = e(title),
        notice = offer
            .and_then(|o| o.notice.as_ref())
            .map(|n| {
                format!(
                    "\n    <p class=\"sesame-notice\"><span class=\"sesame-notice-icon\" aria-hidden=\"true\">i</span>{}</p>",
                    e(n.get(lang))
                )
            })
            .unwrap_or_default(),
        identifier = e(config.identifier.label.get(lang)),
        imode = config.identifier.rule.input_mode(),
        password = e(T::Password.get(lang)),
        pmode = config.password.input_mode(),
        loading = e(T::Loading.get(lang)),
        late = e(late),
        login = e(T::LogIn.get(lang)),
    ))
}

/// Text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The demo page's served first paint (PAACO, its default preset, in French), between these
/// two lines of `index.html`; the tidy test keeps it generated.
pub const PAGE_BEGIN: &str =
    "<!-- BEGIN served first paint: generated by `cargo test -p xtask` (tidy). -->";
/// The line after it.
pub const PAGE_END: &str = "<!-- END served first paint. -->";

/// `page` with its served first paint regenerated for `preset`; `None` if the markers are
/// missing or the preset does not open on the password form.
pub fn regenerate_page(page: &str, preset: &str) -> Option<String> {
    let config = PortalConfig::preset(preset)?;
    let html = markup(&config, Lang::Fr, "sesame-fp")?;
    let start = page.find(PAGE_BEGIN)?;
    let end = page[start..].find(PAGE_END)? + start + PAGE_END.len();
    let indent = "      ";
    let body: String = html.lines().map(|l| format!("{indent}{l}\n")).collect();
    Some(format!(
        "{}{PAGE_BEGIN}\n{body}{indent}{PAGE_END}{}",
        &page[..start],
        &page[end..]
    ))
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
    fn served_markup_escapes_and_names_its_preset() {
        let mut config = PortalConfig::entractes();
        config.name = "A <b>&\"".into();
        let html = markup(&config, Lang::Fr, "x").unwrap();
        assert!(html.contains("A &lt;b&gt;&amp;&quot;"), "{html}");
        assert!(html.contains(r#"data-preset="entractes""#));
        assert_eq!(
            markup(&PortalConfig::spico(), Lang::Fr, "x"),
            None,
            "SPICO opens on the method chooser"
        );
        assert!(html.contains(r#"id="x-password" name="password" type="password""#));
        assert!(
            html.contains(" disabled>"),
            "no submit before the loader runs"
        );
        let page = format!("a\n      {PAGE_BEGIN}\nold\n      {PAGE_END}\nb");
        let new = regenerate_page(&page, "entractes").unwrap();
        assert_eq!(regenerate_page(&new, "entractes").unwrap(), new, "stable");
        assert!(new.contains(r#"data-preset="entractes""#));
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
