//! Email over SMTP (lettre), for notifications. Optional: without an SMTP URL, Tollgate
//! notifies in the panel only.

use std::fmt;

use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

/// Where and as whom to send mail.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587` (STARTTLS when offered; `?tls=required` to insist),
    /// `smtps://…:465`, or plain `smtp://127.0.0.1:25` for a local relay.
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
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
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

fn error_kind(error: &lettre::transport::smtp::Error) -> String {
    if error.is_client() {
        "bad URL or parameters".into()
    } else {
        "unsupported".into()
    }
}
