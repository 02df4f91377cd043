//! The common-password list shipped with Sésame (`common_passwords.txt`).
//!
//! Hand-assembled and short (a few hundred entries) so that it costs little in the widget's
//! WebAssembly; a server may add a larger list of its own. Written by hand because no crate
//! ships a French list.

const LIST: &str = include_str!("common_passwords.txt");

/// The list's entries (already in lower case).
fn entries() -> impl Iterator<Item = &'static str> {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether `password` is in the list, ignoring case and surrounding spaces. Runs at every
/// keystroke of the checklist: one lower-casing of the candidate, no allocation per entry.
pub fn is_common(password: &str) -> bool {
    let candidate = password.trim().to_lowercase();
    !candidate.is_empty() && entries().any(|entry| entry == candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_in_lower_case_without_duplicates() {
        let mut seen = std::collections::HashSet::new();
        for entry in entries() {
            assert_eq!(entry, entry.to_lowercase(), "{entry}");
            assert!(seen.insert(entry), "{entry} twice");
        }
        assert!(seen.len() > 200);
    }

    #[test]
    fn finds_listed_passwords_whatever_the_case() {
        assert!(is_common("azerty"));
        assert!(is_common("AZERTY123"));
        assert!(is_common("  MotDePasse  "));
        assert!(is_common("Printemps2026!"));
        assert!(!is_common("correct horse battery staple"));
        assert!(!is_common(""));
        assert!(!is_common(
            "# Common passwords refused by Rule::NotCommon, compared without regard to case."
        ));
    }
}
