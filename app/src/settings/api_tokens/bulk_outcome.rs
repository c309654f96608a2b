//! What an action on several tokens did (revoke, suspend), said the same way for each:
//! the tokens it acted on by name, then each it left as it was, with why. One sentence for
//! the live region, and the message that stays on screen, focusable, since the button that
//! started it may be gone with the selection.

use leptos::prelude::*;

use super::list::server_fns::TokenFailure;
use super::revoke::Chosen;
use crate::components::{announce, focus_id};
use crate::error::AppError;

/// Once `action` succeeds: the confirmation (`confirming`) closes, the outcome is
/// announced and shown, `on_done` refreshes what shows the tokens, and focus goes to the
/// message with id `message_id` (the button that started it may be gone).
pub fn finish_when_done<I, T>(
    action: Action<I, Result<BulkOutcome, AppError>>,
    confirming: RwSignal<Option<T>>,
    outcome: RwSignal<Option<BulkOutcome>>,
    on_done: Callback<()>,
    message_id: &'static str,
) where
    I: Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(done)) = action.value().get() {
            action.value().set(None);
            confirming.set(None);
            announce(done.sentence());
            outcome.set(Some(done));
            on_done.run(());
            focus_id(message_id);
        }
    });
}

/// The action's verb, in the two forms the sentences need: `revoked` / `revoke`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    pub done: &'static str,
    pub to_do: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    verb: Verb,
    done: Vec<String>,
    /// Name, and the same sentence the action on that one token would show.
    failed: Vec<(String, String)>,
}

impl BulkOutcome {
    /// One token, acted on.
    pub fn one(verb: Verb, name: String) -> Self {
        Self {
            verb,
            done: vec![name],
            failed: Vec::new(),
        }
    }

    /// The server's answer for `chosen`, by the names the admin saw.
    pub fn of_bulk(verb: Verb, done: Vec<i64>, failed: Vec<TokenFailure>, chosen: &Chosen) -> Self {
        let name = |id: i64| {
            chosen
                .iter()
                .find(|(chosen, _)| *chosen == id)
                .map_or_else(|| format!("token {id}"), |(_, name)| name.clone())
        };
        Self {
            verb,
            done: done.into_iter().map(name).collect(),
            failed: failed
                .into_iter()
                .map(|failure| (name(failure.id), failure.reason))
                .collect(),
        }
    }

    /// "Token “ci-deploy” revoked." or "3 tokens revoked: a, b, c."; empty if none was.
    fn done_sentence(&self) -> String {
        let done = self.verb.done;
        match self.done.as_slice() {
            [] => String::new(),
            [name] => format!("Token “{name}” {done}."),
            names => format!("{} tokens {done}: {}.", names.len(), names.join(", ")),
        }
    }

    fn failed_sentence(&self) -> String {
        let to_do = self.verb.to_do;
        match self.failed.len() {
            0 => String::new(),
            1 => format!("Could not {to_do} 1 token:"),
            n => format!("Could not {to_do} {n} tokens:"),
        }
    }

    /// Everything the message says, for the live region.
    pub fn sentence(&self) -> String {
        let failures = self
            .failed
            .iter()
            .map(|(name, reason)| format!(" {name}: {reason}"))
            .collect::<String>();
        let failed = format!("{}{failures}", self.failed_sentence());
        [self.done_sentence(), failed]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The message on screen, with `id` (where focus goes) as its id and test id.
    pub fn view(&self, id: &'static str) -> impl IntoView + use<> {
        let done = (!self.done.is_empty())
            .then(|| view! { <p class="alert ok">{self.done_sentence()}</p> });
        let failed = (!self.failed.is_empty()).then(|| {
            let items = self
                .failed
                .iter()
                .map(|(name, reason)| view! { <li>{format!("{name}: {reason}")}</li> })
                .collect_view();
            view! {
                <div class="alert error">
                    <p>{self.failed_sentence()}</p>
                    <ul>{items}</ul>
                </div>
            }
        });
        view! {
            <div id=id class="bulk-outcome" tabindex="-1" data-testid=id>
                {done}
                {failed}
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVOKE: Verb = Verb {
        done: "revoked",
        to_do: "revoke",
    };

    fn chosen() -> Chosen {
        vec![
            (1, "ci-deploy".into()),
            (2, "docs".into()),
            (3, "nightly".into()),
        ]
    }

    #[test]
    fn one_token_is_named_in_quotes() {
        let outcome = BulkOutcome::one(REVOKE, "ci-deploy".into());
        assert_eq!(outcome.sentence(), "Token “ci-deploy” revoked.");
    }

    #[test]
    fn several_are_counted_and_named_and_failures_explained() {
        let failed = vec![TokenFailure {
            id: 2,
            reason: "Already revoked.".into(),
        }];
        let outcome = BulkOutcome::of_bulk(REVOKE, vec![1, 3], failed, &chosen());
        assert_eq!(
            outcome.sentence(),
            "2 tokens revoked: ci-deploy, nightly. Could not revoke 1 token: docs: Already revoked."
        );
    }

    #[test]
    fn an_id_the_page_did_not_show_is_named_by_number() {
        let outcome = BulkOutcome::of_bulk(REVOKE, vec![9], Vec::new(), &chosen());
        assert_eq!(outcome.sentence(), "Token “token 9” revoked.");
    }
}
