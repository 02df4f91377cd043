//! Sending one-time codes: the [`Sender`] trait and its two implementations.
//!
//! - [`Outbox`]: the message is stored in the `outbox` table. The demo page `GET /demo/outbox`
//!   lists what "arrived" and `GET /api/demo/outbox?to=…` gives it as JSON for tests — both only
//!   in dev mode ([`crate::routes::outbox`]).
//! - [`Smtp`]: e-mail through an SMTP relay with `lettre` (`SESAME_SMTP_URL`, e.g.
//!   `smtp://127.0.0.1:2525`; plain SMTP, for a relay on the same host or network — a relay
//!   across the internet needs TLS, which this demo does not configure).
//!
//! **SMS** always goes to the outbox. A real SMS gateway plugs in here: implement [`Sender`]
//! for it (one HTTPS call to the operator's API with the number and the text; an `Err` when it
//! refuses, which the user sees as `send_failed`, the attempt kept) and return it for
//! [`OtpChannel::Sms`] in [`Senders::for_channel`].
//!
//! Messages hold the code: they are never logged; a failure is logged without the message.

use crate::db::{self, Db};
use anyhow::Context;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sesame_core::otp::OtpChannel;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A message carrying a code. Its `Debug` hides the destination and the text.
#[derive(Clone)]
pub struct Message {
    /// `sms` or `email`.
    pub channel: OtpChannel,
    /// The phone number or e-mail address.
    pub to: String,
    /// The e-mail's subject (a title for an SMS).
    pub subject: String,
    /// The text, with the code.
    pub body: String,
    /// When it is sent, Unix seconds.
    pub at: i64,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// The future a [`Sender`] returns.
pub type Sending<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// Something that delivers codes.
pub trait Sender: Send + Sync {
    /// Delivers `message`; an error when it could not.
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a>;
}

/// The demo's outbox: a table.
#[derive(Debug, Clone)]
pub struct Outbox {
    db: Db,
}

impl Outbox {
    /// The outbox of this database.
    pub fn new(db: Db) -> Outbox {
        Outbox { db }
    }
}

impl Sender for Outbox {
    fn send<'a>(&'a self, m: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            db::insert_outbox(
                &self.db,
                m.at,
                m.channel.as_str(),
                &m.to,
                &m.subject,
                &m.body,
            )
            .await
            .context("outbox")
        })
    }
}

/// E-mail through an SMTP relay.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// A relay's address, from `smtp://host:port` (port 25 when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpRelay {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
}

impl SmtpRelay {
    /// Parses `smtp://host[:port]`.
    pub fn parse(url: &str) -> anyhow::Result<SmtpRelay> {
        let rest = url
            .strip_prefix("smtp://")
            .context("must start with smtp://")?
            .trim_end_matches('/');
        anyhow::ensure!(
            !rest.is_empty() && !rest.contains(['@', '/', '?']),
            "must be smtp://host or smtp://host:port"
        );
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().context("the port is not a number")?),
            None => (rest, 25),
        };
        Ok(SmtpRelay {
            host: host.to_owned(),
            port,
        })
    }
}

impl Smtp {
    /// A sender through `relay`, from the address `from`.
    pub fn new(relay: &SmtpRelay, from: &str) -> anyhow::Result<Smtp> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&relay.host)
            .port(relay.port)
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Smtp {
            transport,
            from: from.parse().context("SESAME_MAIL_FROM is not an address")?,
        })
    }
}

impl Sender for Smtp {
    fn send<'a>(&'a self, m: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            let email = lettre::Message::builder()
                .from(self.from.clone())
                .to(m.to.parse().context("the account's address")?)
                .subject(&m.subject)
                .header(ContentType::TEXT_PLAIN)
                // Quoted-printable: the code stays readable in the raw message.
                .body(
                    Body::new_with_encoding(
                        m.body.clone(),
                        ContentTransferEncoding::QuotedPrintable,
                    )
                    .map_err(|_| anyhow::anyhow!("the e-mail's text cannot be encoded"))?,
                )
                .context("building the e-mail")?;
            self.transport
                .send(email)
                .await
                .map(drop)
                .context("the SMTP relay refused the e-mail")
        })
    }
}

/// Which sender each channel uses.
#[derive(Clone)]
pub struct Senders {
    /// SMS: the outbox (see the module's documentation for a gateway).
    pub sms: Arc<dyn Sender>,
    /// E-mail: SMTP when configured, else the outbox.
    pub email: Arc<dyn Sender>,
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Senders")
    }
}

impl Senders {
    /// Everything to the outbox.
    pub fn outbox(db: &Db) -> Senders {
        let outbox: Arc<dyn Sender> = Arc::new(Outbox::new(db.clone()));
        Senders {
            sms: outbox.clone(),
            email: outbox,
        }
    }

    /// The sender of `channel` (none for the app).
    pub fn for_channel(&self, channel: OtpChannel) -> Option<&Arc<dyn Sender>> {
        match channel {
            OtpChannel::Sms => Some(&self.sms),
            OtpChannel::Email => Some(&self.email),
            OtpChannel::App => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_parse() {
        assert_eq!(
            SmtpRelay::parse("smtp://127.0.0.1:2525").unwrap(),
            SmtpRelay {
                host: "127.0.0.1".into(),
                port: 2525
            }
        );
        assert_eq!(SmtpRelay::parse("smtp://mail.local").unwrap().port, 25);
        for bad in ["http://x", "smtp://", "smtp://u:p@h:25", "smtp://h:port"] {
            assert!(SmtpRelay::parse(bad).is_err(), "{bad}");
        }
    }
}
