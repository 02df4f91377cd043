//! The demo's outbox, where SMS (and e-mails without an SMTP relay) "arrive": a page for people
//! (`GET /demo/outbox`, newest first, plain French HTML) and JSON for tests
//! (`GET /api/demo/outbox?to=<destination>`, each message's code and account link token picked
//! out). Routed only in dev mode ([`crate::app`]): a
//! production configuration has no outbox to read.

use crate::db::{self, OutboxRow};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The page's path.
pub const OUTBOX_PAGE: &str = "/demo/outbox";
/// The JSON's path, under `/api`.
pub const OUTBOX_JSON: &str = "/demo/outbox";
/// Messages shown at most.
const LIMIT: i64 = 50;

/// The JSON's query.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    /// Only the messages to this phone number or address.
    pub to: Option<String>,
}

/// One message, as the JSON gives it.
#[derive(Debug, Serialize)]
pub struct OutboxMessage {
    /// When it was sent, Unix seconds.
    pub sent_at: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The phone number or address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// The code it carries (its digits, without the space), for tests.
    pub code: Option<String>,
    /// The token of the account link it carries (what follows `#sesame-link=`), for tests.
    pub link: Option<String>,
}

/// The code in a message's text: the first "ddd ddd" (a login code), else, in an SMS, the
/// first run of exactly four digits (a sign-up code).
fn code_in(body: &str, sms: bool) -> Option<String> {
    let chars: Vec<char> = body.chars().collect();
    let six = chars.windows(7).find_map(|w| {
        let shape = w[..3].iter().all(char::is_ascii_digit)
            && w[3] == ' '
            && w[4..].iter().all(char::is_ascii_digit);
        shape.then(|| w.iter().filter(|c| c.is_ascii_digit()).collect())
    });
    six.or_else(|| {
        if !sms {
            return None;
        }
        body.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 4)
            .map(str::to_owned)
    })
}

/// The token of the account link in a message's text.
fn link_in(body: &str) -> Option<String> {
    let marker = [sesame_core::account::LINK_FRAGMENT, "="].concat();
    let (_, rest) = body.split_once(&marker)?;
    let token: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    (!token.is_empty()).then_some(token)
}

impl From<OutboxRow> for OutboxMessage {
    fn from(row: OutboxRow) -> OutboxMessage {
        OutboxMessage {
            code: code_in(&row.body, row.channel == "sms"),
            link: link_in(&row.body),
            sent_at: row.sent_at,
            channel: row.channel,
            to: row.destination,
            subject: row.subject,
            body: row.body,
        }
    }
}

/// `GET /api/demo/outbox?to=…`: the messages, newest first.
pub async fn outbox_json(
    State(state): State<AppState>,
    Query(query): Query<OutboxQuery>,
) -> Result<Json<Vec<OutboxMessage>>, AppError> {
    let rows = db::list_outbox(&state.db, query.to.as_deref(), LIMIT).await?;
    Ok(Json(rows.into_iter().map(OutboxMessage::from).collect()))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /demo/outbox`: what "arrived", newest first.
pub async fn outbox_page(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let rows = db::list_outbox(&state.db, None, LIMIT).await?;
    let mut items = String::new();
    for row in &rows {
        let kind = if row.channel == "sms" {
            "SMS"
        } else {
            "E-mail"
        };
        items.push_str(&format!(
            "<li><article><h2>{kind} à {to}</h2><p class=\"meta\">Reçu à <time datetime=\"{at}\">{at}</time> \
             (secondes Unix) — {subject}</p><pre>{body}</pre></article></li>\n",
            to = escape(&row.destination),
            at = row.sent_at,
            subject = escape(&row.subject),
            body = escape(&row.body),
        ));
    }
    let list = if rows.is_empty() {
        "<p>Aucun message pour l'instant. Connectez-vous avec un mode «\u{a0}code à usage \
         unique\u{a0}» : le code arrivera ici.</p>"
            .to_owned()
    } else {
        format!("<ol reversed>\n{items}</ol>")
    };
    Ok(Html(format!(
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Boîte d'envoi de démonstration — Sésame</title>\n\
         <link rel=\"stylesheet\" href=\"/demo/demo.css\">\n</head>\n<body>\n<main>\n\
         <h1>Boîte d'envoi de démonstration</h1>\n\
         <p>Les SMS et e-mails que le portail de démonstration a «\u{a0}envoyés\u{a0}», du plus \
         récent au plus ancien. Rechargez la page pour voir les nouveaux.</p>\n\
         <p><a href=\"/\">Retour à la page de connexion</a></p>\n{list}\n</main>\n</body>\n</html>\n"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_messages_and_html_is_escaped() {
        assert_eq!(
            code_in("SPICO : votre code est 123 456. Valable", true).as_deref(),
            Some("123456")
        );
        assert_eq!(code_in("pas de code", true), None);
        assert_eq!(
            code_in(
                "Entr'Actes : votre code est 0482. Valable 10 minutes.",
                true
            )
            .as_deref(),
            Some("0482")
        );
        assert_eq!(
            code_in("http://127.0.0.1:8080/", false),
            None,
            "e-mails: 6 digits only"
        );
        let token = "ab".repeat(32);
        let mail = format!(
            "Ouvrez :\n\nhttp://127.0.0.1:8080/?preset=spico#sesame-link={token}\n\nIl est"
        );
        assert_eq!(link_in(&mail), Some(token));
        assert_eq!(link_in("pas de lien"), None);
        assert_eq!(escape("<b>&\""), "&lt;b&gt;&amp;&quot;");
    }
}
