//! Email over SMTP (lettre), for notifications. Optional: without an SMTP URL, Tollgate
//! notifies in the panel only.

use std::fmt;

use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

/// Where and as whom to send mail.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587` (STARTTLS, required: see `with_safe_tls`), `smtps://…:465`
    /// (TLS from the start), or plain `smtp://127.0.0.1:25` for a local relay.
    pub smtp_url: String,
    /// The From address: `Tollgate <tollgate@example.com>`.
    pub from: String,
}

/// The URL holds the SMTP password: never print it.
impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP URL is not usable: {0} (expected smtp://USER:PASSWORD@HOST:PORT)")]
    Url(String),
    #[error(
        "the SMTP URL has credentials but allows sending them without TLS (`{0}`): drop the \
         `tls` parameter or use `?tls=required` (STARTTLS), or `smtps://` (TLS from the start)"
    )]
    CleartextCredentials(String),
    #[error("`{0}` is not an email address (expected e.g. Tollgate <tollgate@example.com>)")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("the SMTP server refused or did not answer: {0}")]
    Send(String),
}

/// One email to one admin.
pub struct Email {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Checks the settings now, so a typo stops start-up instead of losing mail later.
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        let url = with_safe_tls(&settings.smtp_url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            // The error may quote the URL, password included: say only what kind it was.
            .map_err(|e| MailError::Url(error_kind(&e)))?
            .build();
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::Address(settings.from.clone()))?;
        Ok(Self { transport, from })
    }

    pub async fn send(&self, email: Email) -> Result<(), MailError> {
        let address = email
            .to_address
            .parse()
            .map_err(|_| MailError::Address(email.to_address.clone()))?;
        let to = Mailbox::new(Some(email.to_name), address);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .body(email.body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

/// The URL as lettre should read it. lettre takes `smtp://` without a `tls` parameter as
/// no TLS at all, and `tls=opportunistic` falls back to cleartext when the server offers no
/// STARTTLS: either would send the password in the clear. So with credentials, `smtp://`
/// means STARTTLS required (a server without it fails the send, before `AUTH`), and a
/// parameter that allows cleartext is refused. Without credentials (a local relay) `smtp://`
/// stays plain, and `tls=none` says so explicitly.
fn with_safe_tls(smtp_url: &str) -> Result<url::Url, MailError> {
    // The parse error never quotes the URL, so the password is not echoed.
    let url = url::Url::parse(smtp_url).map_err(|e| MailError::Url(e.to_string()))?;
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let tls = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    match (url.scheme(), tls.as_deref(), has_credentials) {
        ("smtp", None, true) => Ok(with_tls(url, Some("required"))),
        ("smtp", Some(mode @ ("none" | "opportunistic")), true) => {
            Err(MailError::CleartextCredentials(format!("tls={mode}")))
        }
        ("smtp", Some("none"), false) => Ok(with_tls(url, None)),
        // `smtps://`, `tls=required`, a relay without credentials; anything else lettre refuses.
        _ => Ok(url),
    }
}

/// `url` with its `tls` parameter set to `tls` (or removed), the other parameters kept.
fn with_tls(mut url: url::Url, tls: Option<&str>) -> url::Url {
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != "tls")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    url.set_query(None);
    if !others.is_empty() || tls.is_some() {
        let mut query = url.query_pairs_mut();
        query.extend_pairs(others);
        if let Some(tls) = tls {
            query.append_pair("tls", tls);
        }
    }
    url
}

fn error_kind(error: &lettre::transport::smtp::Error) -> String {
    if error.is_client() {
        "bad URL or parameters".into()
    } else {
        "unsupported".into()
    }
}
