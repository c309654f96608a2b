//! Telling admins what changed: every admin who may read tokens hears when one is created
//! (who, when, the masked token; never its value), reported as leaked, about to expire, or
//! revoked for not being used, in the panel and, with SMTP configured, by email.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line in an admin's notification list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub message: String,
    /// Where the panel takes the admin for details.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The newest notifications and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<NotificationView>,
}

/// Email over SMTP (lettre); without an SMTP URL Tollgate notifies in the panel only.
#[cfg(feature = "server")]
pub mod mailer;

#[cfg(feature = "server")]
pub use service::Notifications;

#[cfg(feature = "server")]
mod service {
    use chrono::{DateTime, Utc};

    use super::Inbox;
    use crate::error::ServiceError;
    use crate::lifetime::describe;
    use crate::model::{AdminPermission, AdminView, TokenView, format_time, quoted_names};
    use crate::notifications::mailer::{Email, Mailer};
    use crate::store::{ExpiringToken, ExpiryWarning, Store};
    use crate::webhooks::OutboxEvent;

    /// How many notifications the bell lists.
    const INBOX_SIZE: i64 = 20;

    #[derive(Clone)]
    pub struct Notifications {
        store: Store,
        mailer: Option<Mailer>,
    }

    impl Notifications {
        pub fn new(store: Store, mailer: Option<Mailer>) -> Self {
            Self { store, mailer }
        }

        /// Records the news for every admin who may read tokens (already read for the
        /// creator, who knows) and mails them in the background. Never fails the creation
        /// it reports: a lost notification is logged.
        pub async fn token_created(&self, creator: &AdminView, token: &TokenView) {
            let news = News::created(creator, token);
            let link = crate::panel_paths::token(token.id);
            let told = self.tell(
                AdminPermission::ApiTokensRead,
                Some(creator.id),
                &link,
                news,
            );
            if let Err(error) = told.await {
                tracing::warn!(%error, token_id = token.id, "could not notify admins of a new token");
            }
        }

        /// Tells every admin who may read tokens that `token`'s value (or, with
        /// `previous_only`, its previous value) was reported as leaked, found at `source`.
        pub async fn token_leaked(
            &self,
            token: &TokenView,
            previous_only: bool,
            source: Option<&str>,
        ) {
            let news = News::leaked(token, previous_only, source);
            let link = crate::panel_paths::token(token.id);
            let told = self.tell(AdminPermission::ApiTokensRead, None, &link, news);
            if let Err(error) = told.await {
                tracing::warn!(%error, token_id = token.id, "could not notify admins of a leaked token");
            }
        }

        /// Warns `readers` (every admin who may read tokens, [`Self::token_readers`], read
        /// once per round) that `token` expires soon (the warning `days` before), with a
        /// bell entry, the `token.expiring` webhook event and, with SMTP configured, an
        /// email: `true` when this call sent it. The store marks it sent in the same
        /// transaction, so it goes out once across instances and restarts.
        pub async fn token_expiring(
            &self,
            token: &ExpiringToken,
            days: u32,
            readers: &[AdminView],
            now: DateTime<Utc>,
        ) -> Result<bool, ServiceError> {
            let recipients = readers.to_vec();
            let ids: Vec<i64> = recipients.iter().map(|r| r.id).collect();
            let news = News::expiring(token, now);
            let link = crate::panel_paths::token(token.id);
            let event = OutboxEvent::expiring(token.id, &token.name, token.expires_at, days, now);
            let warning = ExpiryWarning {
                token_id: token.id,
                days,
                expires_at: token.expires_at,
                recipients: &ids,
                message: &news.summary,
                link: &link,
                event: &event,
            };
            let sent = self.store.claim_expiry_warning(&warning, now).await?;
            if sent {
                self.mail_in_background(news, recipients);
            }
            Ok(sent)
        }

        /// One summary for every admin who may read tokens of the tokens the inactivity
        /// rule just revoked (never one notification per token).
        pub async fn unused_revoked(&self, names: &[String], days: u32) {
            if names.is_empty() {
                return;
            }
            let news = News::unused_revoked(names, days);
            let link = format!("{}?status=revoked", crate::panel_paths::TOKENS);
            let told = self.tell(AdminPermission::ApiTokensRead, None, &link, news);
            if let Err(error) = told.await {
                tracing::warn!(%error, "could not notify admins of revoked unused tokens");
            }
        }

        /// The active admins whose role may read tokens: who hears about tokens.
        pub async fn token_readers(&self) -> Result<Vec<AdminView>, ServiceError> {
            self.admins_who_may(AdminPermission::ApiTokensRead).await
        }

        async fn admins_who_may(
            &self,
            permission: AdminPermission,
        ) -> Result<Vec<AdminView>, ServiceError> {
            Ok(self
                .store
                .active_admins()
                .await?
                .into_iter()
                .filter(|admin| admin.can(permission))
                .collect())
        }

        /// Mails `news` to each of `recipients` without making the caller wait: SMTP can
        /// take seconds.
        fn mail_in_background(&self, news: News, recipients: Vec<AdminView>) {
            if let Some(mailer) = &self.mailer {
                let mailer = mailer.clone();
                tokio::spawn(async move { news.mail(&mailer, recipients).await });
            }
        }

        /// A bell entry linking to `link` for every active admin whose role allows
        /// `permission` (already read for `actor`, who knows), and an email to each in the
        /// background: how every piece of news but the expiry warning (which the store
        /// writes with its marker) reaches the admins.
        async fn tell(
            &self,
            permission: AdminPermission,
            actor: Option<i64>,
            link: &str,
            news: News,
        ) -> Result<(), ServiceError> {
            let recipients = self.admins_who_may(permission).await?;
            let ids: Vec<i64> = recipients.iter().map(|r| r.id).collect();
            self.store
                .insert_notifications(&ids, actor, &news.summary, Some(link), Utc::now())
                .await?;
            self.mail_in_background(news, recipients);
            Ok(())
        }

        /// Tells every admin who manages webhooks that deliveries to an endpoint are
        /// being given up on: a bell entry and, with SMTP configured, an email. Once per
        /// stretch of failure (the store marks the endpoint), never once per event.
        pub async fn webhook_failing(&self, endpoint_id: i64, url: &str) {
            let link = crate::panel_paths::webhook(endpoint_id);
            let news = News::webhook_failing(url);
            let told = self.tell(AdminPermission::WebhooksManage, None, &link, news);
            if let Err(error) = told.await {
                tracing::warn!(%error, endpoint_id, "could not notify admins of a failing webhook");
            }
        }

        pub async fn inbox(&self, admin: &AdminView) -> Result<Inbox, ServiceError> {
            let (items, unread) = self.store.inbox(admin.id, INBOX_SIZE).await?;
            Ok(Inbox { unread, items })
        }

        pub async fn mark_all_read(&self, admin: &AdminView) -> Result<(), ServiceError> {
            Ok(self
                .store
                .mark_notifications_read(admin.id, Utc::now())
                .await?)
        }
    }

    /// What to say about a token: the masked hint only, never its value.
    struct News {
        subject: String,
        summary: String,
        body: String,
    }

    impl News {
        fn leaked(token: &TokenView, previous_only: bool, source: Option<&str>) -> Self {
            let found = source.map_or_else(String::new, |s| format!(" It was found at {s}."));
            let (summary, done) = if previous_only {
                (
                    format!(
                        "The previous value of the API token “{}” was reported as leaked and no longer works; the current value ({}) still does.{found}",
                        token.name, token.hint
                    ),
                    "Its previous value (still in a regenerate's grace period) no longer works.\n\
                     The current value was not reported and keeps working.",
                )
            } else {
                (
                    format!(
                        "The API token “{}” ({}) was reported as leaked and has been revoked.{found}",
                        token.name, token.hint
                    ),
                    "It has been revoked and no longer works. Whoever used it needs a new token.",
                )
            };
            let body = format!(
                "Someone reported the value of an API token as leaked, and Tollgate acted on it.\n\n\
                 Name:       {name}\n\
                 Token:      {hint} (masked)\n\
                 Found at:   {source}\n\n\
                 {done}\n\n\
                 The report is in Settings > Audit log; the token under Settings > API Tokens.\n",
                name = token.name,
                hint = token.hint,
                source = source.unwrap_or("(not said)"),
            );
            Self {
                subject: format!("API token \"{}\" reported as leaked", token.name),
                summary,
                body,
            }
        }

        fn expiring(token: &ExpiringToken, now: DateTime<Utc>) -> Self {
            let left = describe(token.expires_at - now);
            let expires = format_time(token.expires_at);
            let summary = format!(
                "The API token “{}” ({}) expires in {left}, on {expires}. Renew it on its page to keep it working.",
                token.name, token.hint
            );
            let body = format!(
                "An API token expires soon.\n\n\
                 Name:       {name}\n\
                 Token:      {hint} (masked)\n\
                 Expires:    {expires} (in {left})\n\
                 Its page:   {path} in Tollgate\n\n\
                 Renew it there to keep the same value working for as long again as it was\n\
                 first given (within the token policy), or regenerate it if the value must change.\n",
                name = token.name,
                hint = token.hint,
                path = crate::panel_paths::token(token.id),
            );
            Self {
                subject: format!("API token \"{}\" expires in {left}", token.name),
                summary,
                body,
            }
        }

        fn webhook_failing(url: &str) -> Self {
            let summary = format!(
                "Webhook deliveries to {url} are failing: Tollgate gave up on an event after retrying for a day."
            );
            Self {
                subject: "Tollgate webhook deliveries are failing".to_owned(),
                body: format!(
                    "{summary}\n\nNew events are still tried. See the endpoint's recent deliveries, fix the receiver and redeliver, under Settings > Webhooks.\n"
                ),
                summary,
            }
        }

        fn unused_revoked(names: &[String], days: u32) -> Self {
            let shown = &names[..names.len().min(crate::policy::PREVIEW_NAMES as usize)];
            let count = match names.len() {
                1 => "1 API token".to_owned(),
                n => format!("{n} API tokens"),
            };
            let summary = format!(
                "Tollgate revoked {count} unused for {days} days, as the token policy says: {}.",
                quoted_names(shown, names.len() as i64)
            );
            let body = format!(
                "{summary}\n\nEach is in Settings > Audit log as revoked by {by}; the list's\n\
                 \"Revoked\" filter shows them. Whoever still needs one needs a new token.\n",
                by = crate::model::TOLLGATE_ITSELF,
            );
            Self {
                subject: format!("Tollgate revoked {count} unused for {days} days"),
                summary,
                body,
            }
        }

        fn created(creator: &AdminView, token: &TokenView) -> Self {
            let expires = token
                .expires_at
                .map_or_else(|| "never".to_owned(), format_time);
            let summary = format!(
                "{} created the API token “{}” ({}, {}).",
                creator.name,
                token.name,
                token.hint,
                token.token_type.label()
            );
            let body = format!(
                "A new API token was created in Tollgate.\n\n\
                 Name:       {name}\n\
                 Token:      {hint} (masked; the value is shown only to its creator, once)\n\
                 Type:       {kind}\n\
                 Expires:    {expires}\n\
                 Created by: {creator} <{email}>\n\
                 Created at: {created}\n\n\
                 If you did not expect it, review or revoke it under Settings > API Tokens.\n",
                name = token.name,
                hint = token.hint,
                kind = token.token_type.label(),
                creator = creator.name,
                email = creator.email,
                created = format_time(token.created_at),
            );
            Self {
                subject: format!(
                    "New API token \"{}\" created by {}",
                    token.name, creator.name
                ),
                summary,
                body,
            }
        }

        async fn mail(&self, mailer: &Mailer, recipients: Vec<AdminView>) {
            for recipient in recipients {
                let email = Email {
                    to_name: recipient.name.clone(),
                    to_address: recipient.email.clone(),
                    subject: self.subject.clone(),
                    body: self.body.clone(),
                };
                if let Err(error) = mailer.send(email).await {
                    tracing::warn!(%error, admin_id = recipient.id, "could not email a notification");
                }
            }
        }
    }
}
