//! Languages and bilingual texts. French first, English second.
//!
//! **English on demand** (feature `english-on-demand`, which the widget turns on for its wasm
//! only): [`pick`] and [`Text::new`] drop their English side, so no English text is compiled
//! into the bundle, and English is looked up at run time, by the French text, in the table the
//! widget installs with [`set_english`] (xtask writes it from these very calls:
//! `sesame-en.json`). Until then, and for a text the table lacks, English falls back to the
//! French text, never to an empty one. Natively (server, extension, tests) nothing changes.

use serde::{Deserialize, Serialize};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Français: the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Parses a `lang` attribute such as `fr`, `fr-FR`, `en`, `en-GB`; anything else is French.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Lang::En,
            _ => Lang::Fr,
        }
    }

    /// The BCP 47 tag to put in a `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The other language, for a language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

/// A text in both languages, as portal presets and JSON configurations give them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Builds a text from its French and English forms.
    #[cfg(not(all(feature = "english-on-demand", target_arch = "wasm32")))]
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// Builds a text from its French form alone: the English one is looked up when asked for
    /// (English on demand; the widget's wasm).
    #[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text {
        let _ = en;
        Text {
            fr: fr.into(),
            en: String::new(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            #[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
            Lang::En if self.en.is_empty() => english(&self.fr).unwrap_or(self.fr.as_str()),
            Lang::En => &self.en,
        }
    }
}

/// The text of a `(french, english)` pair in `lang`: what [`pick`] does, for a table that
/// yields the pair first (one lookup after a `match`, not one per arm). With English on
/// demand, the pair's English side is not compiled in once the optimiser sees it unused.
#[inline(always)]
pub fn either(lang: Lang, pair: (&'static str, &'static str)) -> &'static str {
    #[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
    {
        french_or_english(lang, pair.0)
    }
    #[cfg(not(all(feature = "english-on-demand", target_arch = "wasm32")))]
    match lang {
        Lang::Fr => pair.0,
        Lang::En => pair.1,
    }
}

/// Picks the French or English form of a static text.
#[cfg(not(all(feature = "english-on-demand", target_arch = "wasm32")))]
pub const fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// Picks the French form of a static text, or its English twin from the table installed at run
/// time (the French one until then): `en` is not compiled in. Inlined, so that no call passes
/// `en`; the lookup itself is one function (inlined at each call site it cost 0.6 KB brotli).
#[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
#[inline(always)]
pub fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    let _ = en;
    french_or_english(lang, fr)
}

/// `fr`, or its English twin in `lang` English.
#[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
#[inline(never)]
fn french_or_english(lang: Lang, fr: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => english(fr).unwrap_or(fr),
    }
}

#[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
thread_local! {
    /// The English texts by their French twins, as installed by [`set_english`].
    static ENGLISH: std::cell::RefCell<Vec<(&'static str, &'static str)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The English twin of a French text, from the installed table.
#[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
fn english(fr: &str) -> Option<&'static str> {
    ENGLISH.with_borrow(|table| table.iter().find(|(f, _)| *f == fr).map(|(_, en)| *en))
}

/// Installs the English texts, `(french, english)` pairs, replacing any before (English on
/// demand; natively English is compiled in and this does nothing).
pub fn set_english(pairs: Vec<(&'static str, &'static str)>) {
    #[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
    ENGLISH.set(pairs);
    #[cfg(not(all(feature = "english-on-demand", target_arch = "wasm32")))]
    drop(pairs);
}

/// Whether English texts are there: always natively, once installed with English on demand.
pub fn english_loaded() -> bool {
    #[cfg(all(feature = "english-on-demand", target_arch = "wasm32"))]
    return ENGLISH.with_borrow(|table| !table.is_empty());
    #[cfg(not(all(feature = "english-on-demand", target_arch = "wasm32")))]
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_tags() {
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("EN"), Lang::En);
        assert_eq!(Lang::from_tag("fr_FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("de"), Lang::Fr);
        assert_eq!(Lang::from_tag(""), Lang::Fr);
        assert_eq!(Lang::En.other(), Lang::Fr);
        assert_eq!(Text::new("Bonjour", "Hello").get(Lang::En), "Hello");
    }
}
