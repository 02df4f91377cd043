//! The JSON Schema of a portal configuration, from the types themselves (schemars, feature
//! `schema`): editors complete and check a portal's file with it. It says what serde accepts
//! (fields, enums, `deny_unknown_fields`) and the simple shapes (id, colour, links); the rules
//! across fields are [`PortalConfig::problems`]'s alone. Shipped as
//! `widget/assets/sesame-portal.schema.json` (written by xtask's tidy test).

use super::{PortalConfig, PortalId};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// A link the widget may show: `https://…`, or a path of the portal (`/…`, not `//`), without
/// spaces or backslashes (the pattern of `is_safe_link`).
pub(crate) const LINK: &str = r"^(https://|/(?![/\\]))[^\s\\]*$";

/// The schema's file name, in `widget/assets/` and the widget's bundle.
pub const SCHEMA_FILE: &str = "sesame-portal.schema.json";

impl JsonSchema for PortalId {
    fn schema_name() -> Cow<'static, str> {
        "PortalId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A portal's short identifier: 1 to 32 characters among a-z, 0-9 and -.",
            "type": "string",
            "pattern": "^[a-z0-9-]{1,32}$"
        })
    }
}

impl PortalConfig {
    /// The JSON Schema (draft 2020-12) of a configuration file, as pretty JSON ending with a
    /// new line.
    pub fn json_schema_text() -> String {
        let mut schema = SchemaGenerator::default().into_root_schema_for::<PortalConfig>();
        schema.insert(
            "title".into(),
            "Sésame portal configuration (PortalConfig)".into(),
        );
        let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
        text.push('\n');
        text
    }
}
