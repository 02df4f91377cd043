//! The common-password list shipped with Sésame (`common_passwords.txt`).
//!
//! Hand-assembled (no crate ships a French list). It lives on the server only, behind the
//! `common-passwords` feature that the demo enables: the widget's checklist shows
//! [`Rule::NotCommon`](super::Rule::NotCommon) as "checked on submit" and the server's answer
//! (422 with every rule's state) has the last word, so the list costs the widget nothing and
//! may grow without weighing on it.

/// Whether this build carries the list: servers do, the widget does not.
pub const HAS_COMMON_LIST: bool = cfg!(feature = "common-passwords");

#[cfg(feature = "common-passwords")]
const LIST: &str = include_str!("common_passwords.txt");
#[cfg(not(feature = "common-passwords"))]
const LIST: &str = "";

/// The list's entries (already in lower case).
fn entries() -> impl Iterator<Item = &'static str> {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether `password` is in the list, ignoring case and surrounding spaces: one lower-casing
/// of the candidate, no allocation per entry. Always `false` in a build without the list.
pub fn is_common(password: &str) -> bool {
    if !HAS_COMMON_LIST {
        return false;
    }
    let candidate = password.trim().to_lowercase();
    !candidate.is_empty() && entries().any(|entry| entry == candidate)
}

#[cfg(all(test, feature = "common-passwords"))]
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
