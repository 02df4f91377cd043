//! The audit log: who tried what, from where, with what outcome. Never a password.

use sesame_core::identifier::MAX_IDENTIFIER_LEN;
use std::net::IpAddr;

/// One audit entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Unix seconds.
    pub at: i64,
    /// What was attempted (`login_password`, `logout`, `change_password`).
    pub event: &'a str,
    /// Portal id.
    pub portal: &'a str,
    /// The identifier as typed (control characters replaced, length bounded).
    pub identifier: &'a str,
    /// Client address.
    pub ip: IpAddr,
    /// What happened (`success`, `failure`, `unknown_account`, `delayed`, `locked`…).
    pub outcome: &'a str,
}

/// Appends an entry.
pub async fn record<'e>(db: impl sqlx::SqliteExecutor<'e>, entry: Entry<'_>) -> sqlx::Result<()> {
    tracing::info!(
        event = entry.event,
        portal = entry.portal,
        ip = %entry.ip,
        outcome = entry.outcome,
        "audit"
    );
    sqlx::query(
        "INSERT INTO audit_log (at, event, portal, identifier, ip, outcome) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.event)
    .bind(entry.portal)
    .bind(printable(entry.identifier))
    .bind(entry.ip.to_string())
    .bind(entry.outcome)
    .execute(db)
    .await?;
    Ok(())
}

/// Control characters (NUL included, which PostgreSQL text refuses) become `\u{FFFD}`, and the
/// text is cut at the longest identifier.
fn printable(text: &str) -> String {
    text.chars()
        .take(MAX_IDENTIFIER_LEN)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_made_printable_and_bounded() {
        assert_eq!(printable("a\0b"), "a\u{FFFD}b");
        assert_eq!(
            printable(&"x".repeat(1000)).chars().count(),
            MAX_IDENTIFIER_LEN
        );
    }
}
