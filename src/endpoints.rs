//! The API door's endpoints as one table, [`ENDPOINTS`]: each method × path template and the
//! action on the path's resource it needs. The API door's router and its permission checks,
//! the OpenAPI paths and forward-auth ([`permission_for`]) are all read from it.
//!
//! | request | needs |
//! |---|---|
//! | `GET {prefix}/{resource}` | `{resource}.find` |
//! | `GET {prefix}/{resource}/{id}` | `{resource}.findOne` |
//! | `POST {prefix}/{resource}` | `{resource}.create` |
//! | `PUT {prefix}/{resource}/{id}` | `{resource}.update` |
//! | `DELETE {prefix}/{resource}/{id}` | `{resource}.delete` |
//!
//! Forward-auth reads `HEAD` as `GET` and `PATCH` as `PUT` ([`Method::read`]). Anything
//! else, or a resource not in the catalog, needs nothing a token can hold: it is refused
//! (deny by default).
//!
//! Before any of that, the URI must be canonical ([`canonical_path`]): the proxy, Tollgate
//! and the service behind must all read the same path from it, or a token allowed one route
//! could reach another (`/api/articles/1%2F..%2F..%2Fadmin` reads as an article to a
//! matcher that does not decode, and as `/admin` to a service that does).
//!
//! Plain data and string matching only, so the wasm panel compiles it too (for the endpoint
//! hints beside its permission checkboxes, [`Action::endpoint`]).

use std::fmt;

use crate::catalog::{Action, Catalog, Permission};

/// Where the API door is mounted; the templates below are under it.
pub const API_PREFIX: &str = "/api";

/// The placeholder of a template that names the resource (a catalog resource).
pub const RESOURCE: &str = "{resource}";

/// The placeholder of a template that names one document of the resource.
pub const ID: &str = "{id}";

/// A method an endpoint answers. Only these: the table never needs another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Get, Method::Post, Method::Put, Method::Delete];

    /// The name on the wire (RFC 9110: case-sensitive, upper case).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// The method a request's `name` is read as. `HEAD` is `GET` without the body (RFC 9110
    /// §9.3.2); `PATCH` is the update as the services behind a proxy often take it, where the
    /// API door itself replaces with `PUT` (and answers `PATCH` 405: no route serves it).
    pub fn read(name: &str) -> Option<Method> {
        match name {
            "HEAD" => Some(Method::Get),
            "PATCH" => Some(Method::Put),
            _ => Method::ALL
                .into_iter()
                .find(|method| method.as_str() == name),
        }
    }
}

/// One endpoint of the API door: `method` on `template` (under [`API_PREFIX`], with
/// [`RESOURCE`] and maybe [`ID`] in it) needs `action` on the resource it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    pub template: &'static str,
    pub action: Action,
}

/// A resource's collection.
pub const COLLECTION: &str = "/{resource}";
/// One document of a resource.
pub const ITEM: &str = "/{resource}/{id}";

/// Every endpoint over the catalog's resources, one per action.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Get,
        template: COLLECTION,
        action: Action::Find,
    },
    Endpoint {
        method: Method::Post,
        template: COLLECTION,
        action: Action::Create,
    },
    Endpoint {
        method: Method::Get,
        template: ITEM,
        action: Action::FindOne,
    },
    Endpoint {
        method: Method::Put,
        template: ITEM,
        action: Action::Update,
    },
    Endpoint {
        method: Method::Delete,
        template: ITEM,
        action: Action::Delete,
    },
];

impl Endpoint {
    /// The endpoint that needs `action`: there is exactly one.
    pub fn of(action: Action) -> &'static Endpoint {
        ENDPOINTS
            .iter()
            .find(|endpoint| endpoint.action == action)
            .expect("every action has an endpoint")
    }

    /// The endpoint `method` on `template` (exactly as written in the table) serves.
    pub fn find(method: Method, template: &str) -> Option<&'static Endpoint> {
        ENDPOINTS
            .iter()
            .find(|endpoint| endpoint.method == method && endpoint.template == template)
    }

    /// The path of this endpoint on `resource` under `prefix`, `{id}` left in:
    /// `/api/articles/{id}`.
    pub fn path(&self, prefix: &str, resource: &str) -> String {
        format!("{prefix}{}", self.template.replace(RESOURCE, resource))
    }

    /// Whether the template has an `{id}`.
    pub fn has_id(&self) -> bool {
        self.template.contains(ID)
    }

    /// The resource of `segments` (a path under the prefix, split at `/`) if they fit the
    /// template: the resource is in `catalog`, an id is not empty, anything else is equal.
    fn resource_in<'a>(&self, catalog: &Catalog, segments: &[&'a str]) -> Option<&'a str> {
        let template: Vec<&str> = self.template.trim_start_matches('/').split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut resource = None;
        for (expected, segment) in template.iter().zip(segments) {
            let fits = match *expected {
                RESOURCE => {
                    resource = Some(*segment);
                    catalog.has_resource(segment)
                }
                ID => !segment.is_empty(),
                literal => literal == *segment,
            };
            if !fits {
                return None;
            }
        }
        resource
    }
}

/// Why forward-auth refuses a method and URI whatever the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The URI is not canonical: it carries what this names, which a proxy or the service
    /// behind it may decode differently from Tollgate.
    Ambiguous(&'static str),
    /// No permission maps to the method and path.
    NoRoute,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ambiguous(what) => write!(f, "the path contains {what}"),
            Self::NoRoute => f.write_str("no permission maps to it"),
        }
    }
}

/// The permission `method` on `uri` needs: the [`ENDPOINTS`] entry the path fits under
/// `prefix`. `uri` is the request target as the client sent it (path and optional query);
/// `method` is case-sensitive (RFC 9110) and read by [`Method::read`].
pub fn permission_for(
    catalog: &Catalog,
    prefix: &str,
    method: &str,
    uri: &str,
) -> Result<Permission, Refusal> {
    let path = canonical_path(uri).map_err(Refusal::Ambiguous)?;
    let rest = path
        .strip_prefix(prefix.trim_end_matches('/'))
        .ok_or(Refusal::NoRoute)?;
    // One trailing slash is the same collection (`/api/articles/`); empty segments are
    // refused by `canonical_path`, so there is at most one.
    let rest = rest.strip_prefix('/').ok_or(Refusal::NoRoute)?;
    let segments: Vec<&str> = rest.strip_suffix('/').unwrap_or(rest).split('/').collect();
    let method = Method::read(method).ok_or(Refusal::NoRoute)?;
    ENDPOINTS
        .iter()
        .filter(|endpoint| endpoint.method == method)
        .find_map(|endpoint| {
            let resource = endpoint.resource_in(catalog, &segments)?;
            Some(Permission::new(resource, endpoint.action))
        })
        .ok_or(Refusal::NoRoute)
}

/// The path of `uri` (everything before the first `?`) if every reader would agree on it,
/// else what makes it ambiguous. Refused, anywhere in the URI: anything but visible ASCII
/// (control characters, spaces, raw non-ASCII), `#` (a fragment is never sent, so one here
/// was smuggled) and `\` (some servers read it as `/`). In the path: not starting with `/`
/// (a `?` or `#` before it, or an absolute URI), empty segments (`//`; one trailing slash
/// is fine), dot segments (`.`, `..`), `;` (some servers cut a segment there), and
/// percent-escapes that are malformed or encode `/`, `\`, `.`, `%` (double encoding), `;`
/// or a control character.
pub fn canonical_path(uri: &str) -> Result<&str, &'static str> {
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a control character, a space or a character that is not ASCII");
    }
    if uri.contains('#') {
        return Err("a `#`");
    }
    if uri.contains('\\') {
        return Err("a backslash (`\\`)");
    }
    let path = uri.split('?').next().unwrap_or_default();
    let Some(after_root) = path.strip_prefix('/') else {
        return Err("no leading `/` (a `?` or `#` before the path, or a full URL)");
    };
    let segments: Vec<&str> = after_root.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() && i + 1 < segments.len() {
            return Err("an empty segment (`//`)");
        }
        if *segment == "." || *segment == ".." {
            return Err("a dot segment (`.` or `..`)");
        }
    }
    if path.contains(';') {
        return Err("a `;`");
    }
    check_escapes(path).map(|()| path)
}

/// Each `%` starts two hex digits that encode nothing a decoder could turn into structure.
fn check_escapes(path: &str) -> Result<(), &'static str> {
    let bytes = path.as_bytes();
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|b| *b == b'%') {
        let escape = at + offset;
        let decoded = bytes
            .get(escape + 1..escape + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .ok_or("a malformed percent-escape")?;
        match decoded {
            b'/' => return Err("an encoded `/` (`%2F`)"),
            b'\\' => return Err("an encoded backslash (`%5C`)"),
            b'.' => return Err("an encoded `.` (`%2E`)"),
            b'%' => return Err("an encoded `%` (`%25`, double encoding)"),
            b';' => return Err("an encoded `;` (`%3B`)"),
            b if b.is_ascii_control() => return Err("an encoded control character"),
            _ => {}
        }
        at = escape + 3;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_exactly_one_endpoint_on_the_resource() {
        for action in Action::ALL {
            let endpoints: Vec<_> = ENDPOINTS.iter().filter(|e| e.action == action).collect();
            assert_eq!(endpoints.len(), 1, "{action:?}");
            assert_eq!(Endpoint::of(action), endpoints[0]);
        }
        assert_eq!(ENDPOINTS.len(), Action::ALL.len());
        for endpoint in ENDPOINTS {
            assert!(endpoint.template.starts_with("/{resource}"), "{endpoint:?}");
            assert_eq!(
                Endpoint::find(endpoint.method, endpoint.template),
                Some(endpoint)
            );
        }
    }

    #[test]
    fn paths_and_hints_come_from_the_table() {
        let hints: Vec<String> = Action::ALL.map(|a| a.endpoint("articles")).to_vec();
        assert_eq!(
            hints,
            [
                "GET /api/articles",
                "GET /api/articles/{id}",
                "POST /api/articles",
                "PUT /api/articles/{id}",
                "DELETE /api/articles/{id}",
            ]
        );
        assert_eq!(
            Endpoint::of(Action::Update).path("/v1", "authors"),
            "/v1/authors/{id}"
        );
        assert!(Endpoint::of(Action::Delete).has_id());
        assert!(!Endpoint::of(Action::Create).has_id());
    }

    #[test]
    fn methods_are_read_case_sensitively_with_head_and_patch_as_aliases() {
        assert_eq!(Method::read("GET"), Some(Method::Get));
        assert_eq!(Method::read("HEAD"), Some(Method::Get));
        assert_eq!(Method::read("PATCH"), Some(Method::Put));
        assert_eq!(Method::read("DELETE"), Some(Method::Delete));
        for other in ["get", "Post", "OPTIONS", "TRACE", "CONNECT", ""] {
            assert_eq!(Method::read(other), None, "{other}");
        }
    }

    fn needs(method: &str, uri: &str) -> Option<String> {
        permission_for(&Catalog::default(), "/api", method, uri)
            .ok()
            .map(|p| p.to_string())
    }

    #[test]
    fn rest_routes_map_to_their_actions() {
        assert_eq!(
            needs("GET", "/api/articles").as_deref(),
            Some("articles.find")
        );
        assert_eq!(
            needs("HEAD", "/api/articles/").as_deref(),
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
            ("get", "/api/articles"),
            ("Delete", "/api/articles/1"),
        ] {
            assert_eq!(needs(method, uri), None, "{method} {uri}");
        }
    }

    #[test]
    fn the_prefix_can_be_empty_or_end_in_a_slash() {
        let catalog = Catalog::default();
        assert!(permission_for(&catalog, "", "GET", "/articles").is_ok());
        assert!(permission_for(&catalog, "/v1/", "GET", "/v1/articles").is_ok());
    }

    fn refusal(uri: &str) -> Refusal {
        permission_for(&Catalog::default(), "/api", "GET", uri).unwrap_err()
    }

    #[test]
    fn what_a_decoder_may_read_differently_is_refused_before_routing() {
        for uri in [
            // Encoded `/`, `\` and `.`, any case: one reader sees an id, another a new path.
            "/api/articles/1%2f..%2f..%2fadmin",
            "/api/articles%2F1",
            "/api/articles/1%5Cadmin",
            "/api/articles/1%5c",
            "/api/%2e%2e/admin",
            "/api/articles/%2E",
            "/api/articles/%2e%2e",
            // Double encoding, encoded `;` and control characters.
            "/api/articles/1%252f..",
            "/api/articles/1%3b",
            "/api/articles/1%00",
            "/api/articles/1%0A",
            "/api/articles/1%7f",
            // Malformed escapes.
            "/api/articles/1%",
            "/api/articles/1%2",
            "/api/articles/1%zz",
            "/api/articles/%+1",
            // Raw backslash, dot segments, empty segments, path parameters.
            "/api/articles\\1",
            "/api\\articles",
            "/api/articles/1/..",
            "/api/articles/..",
            "/api/./articles",
            "/api/../api/articles",
            "/api//articles",
            "//api/articles",
            "/api/articles//",
            "/api/articles//1",
            "/api/articles/..;/x",
            "/api/articles;x",
            // `?` or `#` before the prefix, fragments, full URLs.
            "?/api/articles",
            "#/api/articles",
            "/x#/api/articles",
            "/api/articles#x",
            "/api/articles?#",
            "http://example.com/api/articles",
            "api/articles",
            "",
            // Control characters, spaces and non-ASCII anywhere, the query included.
            "/api/articles\n",
            "/api/articles/1\t",
            "/api/articles/1 HTTP/1.1",
            "/api/articles?x=\u{7f}",
            "/api/artïcles",
            "/api/articles/1?q=é",
        ] {
            assert!(
                matches!(refusal(uri), Refusal::Ambiguous(_)),
                "{uri:?}: {:?}",
                refusal(uri)
            );
        }
    }

    #[test]
    fn canonical_paths_with_escapes_and_queries_still_map() {
        for (uri, permission) in [
            ("/api/articles/caf%C3%A9", "articles.findOne"),
            ("/api/articles/a%20b", "articles.findOne"),
            ("/api/articles/v1.2", "articles.findOne"),
            ("/api/articles/...", "articles.findOne"),
            ("/api/articles?q=%2f..%2f&x=a/../b", "articles.find"),
            ("/api/articles/7?", "articles.findOne"),
        ] {
            assert_eq!(needs("GET", uri).as_deref(), Some(permission), "{uri}");
        }
        assert_eq!(canonical_path("/api/articles?x=1"), Ok("/api/articles"));
        assert_eq!(
            refusal("/api/articles%2F1"),
            Refusal::Ambiguous("an encoded `/` (`%2F`)")
        );
        assert_eq!(refusal("/api/secrets"), Refusal::NoRoute);
    }
}
