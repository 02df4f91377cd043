//! The portals the person enabled, kept in `storage.local` under [`KEY`], in the order they
//! were enabled (keyboard commands follow it).
//!
//! What is read back is checked again: an entry whose origin no longer parses is dropped, so a
//! damaged store never enables anything.

use serde::{Deserialize, Serialize};
use sesame_core::bridge::{EnabledPortal, PortalOrigin, MAX_FIELD_CHARS};

/// The `storage.local` key.
pub const KEY: &str = "portals";

/// One stored portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    origin: String,
    name: String,
    start_url: String,
}

/// Reads the stored list (the value under [`KEY`]); anything unreadable is left out.
pub fn read(stored: &serde_json::Value) -> Vec<EnabledPortal> {
    let Ok(list) = serde_json::from_value::<Vec<serde_json::Value>>(stored.clone()) else {
        return Vec::new();
    };
    let mut portals: Vec<EnabledPortal> = Vec::new();
    for item in list {
        let Ok(s) = serde_json::from_value::<Stored>(item) else {
            continue;
        };
        let Ok(origin) = PortalOrigin::from_url(&s.origin) else {
            continue;
        };
        // The start page must be on the portal's own origin.
        let on_origin = PortalOrigin::from_url(&s.start_url).is_ok_and(|o| o == origin);
        if !on_origin || portals.iter().any(|p| p.origin == origin) {
            continue;
        }
        let name: String = s.name.trim().chars().take(MAX_FIELD_CHARS).collect();
        portals.push(EnabledPortal {
            name: if name.is_empty() {
                origin.host().to_owned()
            } else {
                name
            },
            start_url: s.start_url,
            origin,
        });
    }
    portals
}

/// The value to store under [`KEY`].
pub fn write(portals: &[EnabledPortal]) -> serde_json::Value {
    let list: Vec<Stored> = portals
        .iter()
        .map(|p| Stored {
            origin: p.origin.as_str().to_owned(),
            name: p.name.clone(),
            start_url: p.start_url.clone(),
        })
        .collect();
    serde_json::to_value(list).unwrap_or_default()
}

/// Adds `portal` unless its origin is there already; whether it was added.
pub fn add(portals: &mut Vec<EnabledPortal>, portal: EnabledPortal) -> bool {
    if portals.iter().any(|p| p.origin == portal.origin) {
        return false;
    }
    portals.push(portal);
    true
}

/// Removes the portal of `origin`; whether it was there.
pub fn remove(portals: &mut Vec<EnabledPortal>, origin: &str) -> bool {
    let before = portals.len();
    portals.retain(|p| p.origin.as_str() != origin);
    portals.len() != before
}

#[cfg(target_arch = "wasm32")]
mod storage {
    use super::*;
    use crate::browser;
    use wasm_bindgen::JsValue;

    /// The enabled portals, from `storage.local` (empty if the store cannot be read).
    pub async fn load() -> Vec<EnabledPortal> {
        let Ok(all) = browser::storage_get(KEY).await else {
            return Vec::new();
        };
        let value = js_sys::Reflect::get(&all, &JsValue::from_str(KEY)).unwrap_or_default();
        match browser::from_js(&value) {
            Some((_, json)) => read(&json),
            None => Vec::new(),
        }
    }

    /// Stores the enabled portals.
    pub async fn save(portals: &[EnabledPortal]) -> Result<(), JsValue> {
        let items = serde_json::json!({ KEY: write(portals) });
        browser::storage_set(&browser::to_js(&items))
            .await
            .map(drop)
    }
}

#[cfg(target_arch = "wasm32")]
pub use storage::{load, save};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_and_damage() {
        let p = EnabledPortal {
            origin: PortalOrigin::from_url("https://spico.esante-occitanie.fr/").unwrap(),
            name: "SPICO".into(),
            start_url: "https://spico.esante-occitanie.fr/".into(),
        };
        assert_eq!(read(&write(std::slice::from_ref(&p))), vec![p.clone()]);
        let damaged = json!([
            {"origin": "http://evil.example", "name": "x", "start_url": "http://evil.example/"},
            {"origin": "https://a.fr", "name": "A", "start_url": "https://b.fr/"},
            {"origin": 3},
            "nope",
            {"origin": "https://spico.esante-occitanie.fr", "name": "  ",
             "start_url": "https://spico.esante-occitanie.fr/"},
            {"origin": "https://spico.esante-occitanie.fr", "name": "twice",
             "start_url": "https://spico.esante-occitanie.fr/"},
        ]);
        let got = read(&damaged);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "spico.esante-occitanie.fr");
        assert!(read(&json!({"not": "a list"})).is_empty());
        assert!(read(&serde_json::Value::Null).is_empty());
    }

    #[test]
    fn add_and_remove() {
        let p = EnabledPortal {
            origin: PortalOrigin::from_url("https://a.fr/").unwrap(),
            name: "A".into(),
            start_url: "https://a.fr/".into(),
        };
        let mut list = Vec::new();
        assert!(add(&mut list, p.clone()));
        assert!(!add(&mut list, p));
        assert!(remove(&mut list, "https://a.fr"));
        assert!(!remove(&mut list, "https://a.fr"));
    }
}
