//! Notification emails against a real SMTP conversation: a minimal SMTP sink on
//! 127.0.0.1 that accepts whatever it is sent and hands the messages to the test. It offers
//! `AUTH` but no STARTTLS, like a misconfigured or impersonated server would.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tollgate::admins::actor::{Actor, RequestOrigin};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tollgate::model::{NewAdminRequest, NewTokenRequest, TokenLifetime, TokenType};
use tollgate::notifications::mailer::{Email, MailSettings, Mailer};
use tollgate::store::Store;
use tollgate::{Settings, Tollgate, server_key::ServerKey};

/// One delivered message: the envelope recipient and the DATA section.
struct Delivered {
    recipient: String,
    data: String,
}

/// Every command line the sink was sent, in order.
type Conversation = Arc<Mutex<Vec<String>>>;

/// Starts the sink; returns its port, where delivered messages arrive, and what it heard.
async fn smtp_sink() -> (u16, mpsc::UnboundedReceiver<Delivered>, Conversation) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sent, received) = mpsc::unbounded_channel();
    let heard = Conversation::default();
    let conversation = heard.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let sent = sent.clone();
            let heard = heard.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut recipient = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    heard.lock().unwrap().push(line.clone());
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-sink\r\n250 AUTH PLAIN LOGIN\r\n",
                        "AUTH" => b"235 accepted\r\n",
                        "RCPT" => {
                            recipient = line[8..].trim_matches(['<', '>', ' ']).to_owned();
                            b"250 OK\r\n"
                        }
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(line)) = lines.next_line().await {
                                if line == "." {
                                    break;
                                }
                                data.push_str(&line);
                                data.push('\n');
                            }
                            let _ = sent.send(Delivered {
                                recipient: recipient.clone(),
                                data,
                            });
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 OK\r\n", // MAIL FROM, RSET, NOOP
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received, conversation)
}

/// The body comes quoted-printable when it holds non-ASCII text (the hint's `…`).
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.map(|h| u8::from_str_radix(h, 16)) {
            Some(Ok(byte)) if bytes[i] == b'=' => {
                decoded.push(byte);
                i += 3;
            }
            _ => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap()
}

#[tokio::test]
async fn every_admin_is_mailed_the_masked_token_never_its_value() {
    // Arrange
    let (port, mut inbox, _) = smtp_sink().await;
    let mailer = Mailer::new(&MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Tollgate <tollgate@example.com>".into(),
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let settings = Settings {
        mailer: Some(mailer),
        ..Settings::default()
    };
    let core = Tollgate::new(store, ServerKey::generate(), settings);
    let admin = core
        .admins
        .create_first(
            &NewAdminRequest {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                password: "correct horse battery staple".into(),
                password_confirm: "correct horse battery staple".into(),
            },
            &RequestOrigin::default(),
        )
        .await
        .unwrap()
        .admin;
    let admin = Actor::trusted(admin);

    // Act
    let created = core
        .tokens
        .create(
            &admin,
            &NewTokenRequest {
                name: "deploy bot".into(),
                description: String::new(),
                lifetime: Some(TokenLifetime::Days30),
                token_type: TokenType::FullAccess,
                permissions: Vec::new(),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // Assert: the mail arrives (sent in the background; wait for it, bounded).
    let mail = tokio::time::timeout(Duration::from_secs(10), inbox.recv())
        .await
        .expect("a notification mail within 10 s")
        .unwrap();
    assert_eq!(mail.recipient, "ada@example.com");
    let mail = Delivered {
        data: decode_quoted_printable(&mail.data),
        ..mail
    };
    assert!(
        mail.data
            .contains("Subject: New API token \"deploy bot\" created by Ada"),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("deploy bot"));
    assert!(mail.data.contains(&created.token.hint), "{}", mail.data);
    assert!(mail.data.contains("Created by: Ada <ada@example.com>"));
    assert!(mail.data.contains("Full access"));
    assert!(
        !mail.data.contains(created.secret.expose()),
        "the value never leaves in a mail"
    );
    let inbox = core.notifications.inbox(&admin).await.unwrap();
    assert_eq!(inbox.items.len(), 1, "in the panel too");
    assert_eq!(inbox.unread, 0, "already read: Ada created it herself");
}

#[tokio::test]
async fn a_bad_smtp_url_or_sender_is_refused_at_start_up() {
    let bad_url = Mailer::new(&MailSettings {
        smtp_url: "smtp://user:hunter2@".into(),
        from: "Tollgate <tollgate@example.com>".into(),
    });
    let message = bad_url.expect_err("refused").to_string();
    assert!(message.contains("SMTP URL"), "{message}");
    assert!(!message.contains("hunter2"), "the password is not echoed");

    let bad_from = Mailer::new(&MailSettings {
        smtp_url: "smtp://127.0.0.1:25".into(),
        from: "not an address".into(),
    });
    assert!(
        bad_from
            .err()
            .unwrap()
            .to_string()
            .contains("not an address")
    );
}

fn email() -> Email {
    Email {
        to_name: "Ada".into(),
        to_address: "ada@example.com".into(),
        subject: "test".into(),
        body: "hello".into(),
    }
}

fn mailer(smtp_url: String) -> Result<Mailer, tollgate::notifications::mailer::MailError> {
    Mailer::new(&MailSettings {
        smtp_url,
        from: "Tollgate <tollgate@example.com>".into(),
    })
}

#[tokio::test]
async fn credentials_never_go_to_a_server_without_starttls() {
    let (port, _inbox, heard) = smtp_sink().await;
    // No `tls` parameter: what the README's example looks like.
    let mailer = mailer(format!("smtp://tollgate:hunter2@127.0.0.1:{port}")).unwrap();

    let sent = mailer.send(email()).await;

    let error = sent
        .expect_err("refused: the server offers no STARTTLS")
        .to_string();
    assert!(!error.contains("hunter2"), "{error}");
    let heard = heard.lock().unwrap().clone();
    assert!(
        !heard
            .iter()
            .any(|line| line.to_ascii_uppercase().starts_with("AUTH")),
        "AUTH in cleartext: {heard:?}"
    );
    assert!(
        !heard.iter().any(|line| line.starts_with("DATA")),
        "{heard:?}"
    );
}

#[tokio::test]
async fn a_url_that_allows_cleartext_credentials_is_refused_at_start_up() {
    for mode in ["none", "opportunistic"] {
        let refused = mailer(format!("smtp://tollgate:hunter2@127.0.0.1:25?tls={mode}"));
        let message = refused.expect_err(mode).to_string();
        assert!(message.contains(&format!("tls={mode}")), "{message}");
        assert!(
            message.contains("?tls=required") && message.contains("smtps://"),
            "names the fix: {message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }
    for safe in [
        "smtp://tollgate:hunter2@127.0.0.1:587?tls=required",
        "smtps://tollgate:hunter2@127.0.0.1:465",
    ] {
        assert!(mailer(safe.into()).is_ok(), "{safe}");
    }
}

#[tokio::test]
async fn a_local_relay_without_credentials_still_gets_the_mail_in_plain_smtp() {
    for query in ["", "?tls=none"] {
        let (port, mut inbox, heard) = smtp_sink().await;
        let mailer = mailer(format!("smtp://127.0.0.1:{port}{query}")).unwrap();

        mailer.send(email()).await.unwrap();

        let mail = inbox.try_recv().expect("delivered");
        assert_eq!(mail.recipient, "ada@example.com");
        assert!(
            !heard
                .lock()
                .unwrap()
                .iter()
                .any(|line| line.starts_with("AUTH")),
            "{query}"
        );
    }
}
