//! The JSON Schema of a portal configuration file (`widget/assets/sesame-portal.schema.json`),
//! derived from core's types by schemars (core's feature `schema`): for portal teams' editors
//! and tools, shipped in the widget's bundle (`cargo xtask dist` copies `widget/assets/`), never
//! loaded by the widget, so not counted in its budget. The committed file is written by the test
//! below, like the English table: stale, it is rewritten and the test fails so that it is
//! committed.

/// The schema's file name, in `widget/assets/` and `dist/widget/`.
pub(crate) const FILE: &str = "sesame-portal.schema.json";

#[cfg(test)]
mod tests {
    use super::FILE;

    #[test]
    fn the_committed_schema_is_up_to_date() {
        assert_eq!(FILE, sesame_core::portal::SCHEMA_FILE);
        let path = crate::repo_root().join("widget").join("assets").join(FILE);
        let fresh = sesame_core::PortalConfig::json_schema_text();
        if std::fs::read_to_string(&path).unwrap_or_default() != fresh {
            std::fs::write(&path, &fresh).unwrap();
            panic!("{} was stale: rewritten, commit it", path.display());
        }
    }
}
