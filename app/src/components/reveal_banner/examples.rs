//! The shell lines the reveal offers to try the token with. Each must run as shown: a write
//! sends a JSON body the API accepts, and the value appears in the export line only, so the
//! request itself can be shared or kept in notes without the secret.

use tollgate::catalog::Action;
use tollgate::model::{CreatedToken, TokenType};

/// A document body every resource accepts: any non-empty JSON object without the fields
/// the server sets (`id`, `created_at`, `updated_at`).
const EXAMPLE_BODY: &str = r#"{"title":"Hello from Tollgate"}"#;

/// The document id put in place of `{id}`: the reader is told to replace it.
const EXAMPLE_ID: &str = "1";

/// What the banner shows under "Try it".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples {
    /// `export TOKEN='tg_…'`: the one line with the value in it.
    pub export_line: String,
    /// The curl request, reading the value from `$TOKEN`.
    pub request: String,
    /// Whether the request names a document ([`EXAMPLE_ID`]) the reader must replace.
    pub names_a_document: bool,
}

/// The examples for a token just revealed, against the API at `origin` (`http://host:port`).
/// The endpoint is the first permission of a custom token, else listing articles.
pub fn examples(created: &CreatedToken, secret: &str, origin: &str) -> Examples {
    let endpoint = match created.token.token_type {
        TokenType::Custom => created
            .token
            .permissions
            .first()
            .map(|p| p.action.endpoint(&p.resource)),
        _ => None,
    }
    .unwrap_or_else(|| Action::Find.endpoint("articles"));
    let (method, template) = endpoint.split_once(' ').unwrap_or(("GET", "/api/articles"));
    let names_a_document = template.contains("{id}");
    let path = template.replace("{id}", EXAMPLE_ID);
    Examples {
        export_line: format!("export TOKEN='{secret}'"),
        request: request(method, &format!("{origin}{path}")),
        names_a_document,
    }
}

/// `curl` for `method` on `url`: GET needs no `-X`; POST and PUT carry a JSON body.
fn request(method: &str, url: &str) -> String {
    let auth = r#"-H "Authorization: Bearer $TOKEN""#;
    match method {
        "GET" => format!("curl {auth} {url}"),
        "POST" | "PUT" | "PATCH" => format!(
            "curl -X {method} {auth} -H 'Content-Type: application/json' -d '{EXAMPLE_BODY}' {url}"
        ),
        _ => format!("curl -X {method} {auth} {url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use tollgate::catalog::Permission;
    use tollgate::model::{RevealedSecret, TokenView};

    fn created(token_type: TokenType, permissions: Vec<Permission>) -> CreatedToken {
        CreatedToken {
            token: TokenView {
                id: 7,
                name: "CI / deploy".into(),
                description: String::new(),
                token_type,
                permissions,
                hint: "tg_…alue".into(),
                created_by: None,
                created_by_removed: false,
                created_at: Utc::now(),
                last_used_at: None,
                last_used_ip: None,
                expires_at: None,
                revoked_at: None,
                revoked_by: None,
                restrictions: Default::default(),
                quota_remaining: None,
                metadata: Default::default(),
                suspended: None,
                previous_value: None,
                leak: None,
                expiry_set_at: None,
                revoked_unused: false,
                outside_policy: false,
            },
            secret: RevealedSecret("tg_value".into()),
        }
    }

    const ORIGIN: &str = "http://127.0.0.1:3000";

    #[test]
    fn read_only_and_full_access_list_articles_with_the_value_in_the_export_line_only() {
        for kind in [TokenType::ReadOnly, TokenType::FullAccess] {
            let shown = examples(&created(kind, vec![]), "tg_value", ORIGIN);
            assert_eq!(shown.export_line, "export TOKEN='tg_value'");
            assert_eq!(
                shown.request,
                r#"curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/articles"#
            );
            assert!(!shown.names_a_document);
        }
    }

    #[test]
    fn a_write_sends_a_json_body() {
        let permission = Permission::new("articles", Action::Create);
        let shown = examples(
            &created(TokenType::Custom, vec![permission]),
            "tg_value",
            ORIGIN,
        );
        assert_eq!(
            shown.request,
            r#"curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"title":"Hello from Tollgate"}' http://127.0.0.1:3000/api/articles"#
        );
        assert!(!shown.request.contains("tg_value"));
    }

    #[test]
    fn one_document_is_named_by_an_id_to_replace() {
        let update = Permission::new("authors", Action::Update);
        let shown = examples(&created(TokenType::Custom, vec![update]), "tg_v", ORIGIN);
        assert!(shown.request.starts_with("curl -X PUT "));
        assert!(shown.request.contains("-d '{"));
        assert!(shown.request.ends_with("/api/authors/1"));
        assert!(shown.names_a_document);

        let delete = Permission::new("authors", Action::Delete);
        let shown = examples(&created(TokenType::Custom, vec![delete]), "tg_v", ORIGIN);
        assert_eq!(
            shown.request,
            r#"curl -X DELETE -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/authors/1"#
        );
    }
}
