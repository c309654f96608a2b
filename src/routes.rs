//! Which permission a request needs, from its method and path alone: the protected API's
//! shape, for forward-auth in front of services that follow it.
//!
//! | request | needs |
//! |---|---|
//! | `GET {prefix}/{resource}` | `{resource}.find` |
//! | `GET {prefix}/{resource}/{id}` | `{resource}.findOne` |
//! | `POST {prefix}/{resource}` | `{resource}.create` |
//! | `PUT` or `PATCH {prefix}/{resource}/{id}` | `{resource}.update` |
//! | `DELETE {prefix}/{resource}/{id}` | `{resource}.delete` |
//!
//! Anything else, or a resource not in the catalog, needs nothing a token can hold: it is
//! refused (deny by default).

use crate::catalog::{Action, Catalog, Permission};

/// The permission `method` on `uri` needs, or `None` when no permission maps to it.
/// `uri` may carry a query string; `HEAD` counts as `GET`.
pub fn permission_for(
    catalog: &Catalog,
    prefix: &str,
    method: &str,
    uri: &str,
) -> Option<Permission> {
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    let rest = path.strip_prefix(prefix.trim_end_matches('/'))?;
    let segments: Vec<&str> = rest
        .strip_prefix('/')?
        .trim_end_matches('/')
        .split('/')
        .collect();
    let (resource, has_id) = match segments.as_slice() {
        [resource] => (*resource, false),
        [resource, id] if !id.is_empty() => (*resource, true),
        _ => return None,
    };
    if !catalog.has_resource(resource) {
        return None;
    }
    let action = match (method.to_ascii_uppercase().as_str(), has_id) {
        ("GET" | "HEAD", false) => Action::Find,
        ("GET" | "HEAD", true) => Action::FindOne,
        ("POST", false) => Action::Create,
        ("PUT" | "PATCH", true) => Action::Update,
        ("DELETE", true) => Action::Delete,
        _ => return None,
    };
    Some(Permission::new(resource, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(method: &str, uri: &str) -> Option<String> {
        permission_for(&Catalog::default(), "/api", method, uri).map(|p| p.to_string())
    }

    #[test]
    fn rest_routes_map_to_their_actions() {
        assert_eq!(
            needs("GET", "/api/articles").as_deref(),
            Some("articles.find")
        );
        assert_eq!(
            needs("head", "/api/articles/").as_deref(),
            Some("articles.find")
        );
        assert_eq!(
            needs("GET", "/api/articles/7?x=1").as_deref(),
            Some("articles.findOne")
        );
        assert_eq!(
            needs("POST", "/api/authors").as_deref(),
            Some("authors.create")
        );
        assert_eq!(
            needs("PATCH", "/api/authors/3").as_deref(),
            Some("authors.update")
        );
        assert_eq!(
            needs("PUT", "/api/authors/3").as_deref(),
            Some("authors.update")
        );
        assert_eq!(
            needs("DELETE", "/api/categories/1").as_deref(),
            Some("categories.delete")
        );
    }

    #[test]
    fn everything_else_maps_to_nothing() {
        for (method, uri) in [
            ("GET", "/api/secrets"),
            ("GET", "/api"),
            ("GET", "/apiarticles"),
            ("GET", "/other/articles"),
            ("GET", "/api/articles/1/comments"),
            ("POST", "/api/articles/1"),
            ("DELETE", "/api/articles"),
            ("OPTIONS", "/api/articles"),
        ] {
            assert_eq!(needs(method, uri), None, "{method} {uri}");
        }
    }

    #[test]
    fn the_prefix_can_be_empty_or_end_in_a_slash() {
        let catalog = Catalog::default();
        assert!(permission_for(&catalog, "", "GET", "/articles").is_some());
        assert!(permission_for(&catalog, "/v1/", "GET", "/v1/articles").is_some());
    }
}
