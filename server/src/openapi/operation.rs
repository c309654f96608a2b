//! A small builder over utoipa's for the one kind of operation this API has: optional
//! bearer authentication with a permission, JSON in and out, errors in one shape.

use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, OperationBuilder, Parameter, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, Ref, RefOr, Required, Schema};

/// The extension that names the permission an operation needs, for tools and for the
/// panel's API reference.
pub const PERMISSION_EXTENSION: &str = "x-tollgate-permission";

/// What an operation needs when any valid token will do.
pub const ANY_TOKEN: &str = "any valid token";

/// The security schemes a token may arrive by on this server.
#[derive(Clone, Copy)]
pub struct TokenSchemes {
    /// `?access_token=` is accepted (`--allow-query-token`).
    pub query: bool,
}

impl TokenSchemes {
    pub const BEARER: &str = "bearer";
    pub const QUERY: &str = "accessTokenQuery";
}

/// The reusable error responses, by their name under `components.responses`.
#[derive(Clone, Copy)]
pub enum Failure {
    BadRequest,
    /// The admin API without a valid session.
    NotSignedIn,
    /// The admin API when the admin's role lacks the permission.
    NotAllowed,
    Unauthorized,
    Forbidden,
    NotFound,
    /// A request body over the server's limit.
    PayloadTooLarge,
    TooManyRequests,
    Unavailable,
}

impl Failure {
    pub const ALL: [Failure; 9] = [
        Failure::BadRequest,
        Failure::NotSignedIn,
        Failure::NotAllowed,
        Failure::Unauthorized,
        Failure::Forbidden,
        Failure::NotFound,
        Failure::PayloadTooLarge,
        Failure::TooManyRequests,
        Failure::Unavailable,
    ];

    /// Every token check can end in these.
    pub const TOKEN_CHECK: [Failure; 4] = [
        Failure::Unauthorized,
        Failure::Forbidden,
        Failure::TooManyRequests,
        Failure::Unavailable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Failure::BadRequest => "BadRequest",
            Failure::NotSignedIn => "NotSignedIn",
            Failure::NotAllowed => "NotAllowed",
            Failure::Unauthorized => "Unauthorized",
            Failure::Forbidden => "Forbidden",
            Failure::NotFound => "NotFound",
            Failure::PayloadTooLarge => "PayloadTooLarge",
            Failure::TooManyRequests => "TooManyRequests",
            Failure::Unavailable => "Unavailable",
        }
    }

    pub fn status(self) -> &'static str {
        match self {
            Failure::BadRequest => "400",
            Failure::Unauthorized | Failure::NotSignedIn => "401",
            Failure::Forbidden | Failure::NotAllowed => "403",
            Failure::NotFound => "404",
            Failure::PayloadTooLarge => "413",
            Failure::TooManyRequests => "429",
            Failure::Unavailable => "503",
        }
    }
}

pub struct Op(OperationBuilder);

impl Op {
    /// `id` is the operationId and the anchor the panel's reference uses.
    pub fn new(id: &str, tag: &str, summary: &str) -> Self {
        Op(OperationBuilder::new()
            .operation_id(Some(id))
            .tag(tag)
            .summary(Some(summary)))
    }

    /// Anything else utoipa's builder offers.
    pub fn with(self, change: impl FnOnce(OperationBuilder) -> OperationBuilder) -> Self {
        Op(change(self.0))
    }

    pub fn describe(self, description: &str) -> Self {
        Op(self.0.description(Some(description)))
    }

    /// Needs a token holding `permission` (or [`ANY_TOKEN`]), by any scheme this server
    /// accepts; the permission also goes in the requirement's role list (OpenAPI 3.1 §4.8.30).
    pub fn needs(self, permission: &str, schemes: TokenSchemes) -> Self {
        let roles: Vec<&str> = if permission == ANY_TOKEN {
            Vec::new()
        } else {
            vec![permission]
        };
        let mut builder = self.0.security(SecurityRequirement::new(
            TokenSchemes::BEARER,
            roles.clone(),
        ));
        if schemes.query {
            builder = builder.security(SecurityRequirement::new(TokenSchemes::QUERY, roles));
        }
        let extensions = ExtensionsBuilder::new()
            .add(PERMISSION_EXTENSION, permission)
            .build();
        Op(builder.extensions(Some(extensions))).fails(&Failure::TOKEN_CHECK)
    }

    /// A public operation: no token.
    pub fn public(self) -> Self {
        Op(self.0.securities(Some(Vec::new())))
    }

    pub fn param(self, parameter: Parameter) -> Self {
        Op(self.0.parameter(parameter))
    }

    /// A JSON object in the body, which may be too large.
    pub fn json_body(self, description: &str, schema: RefOr<Schema>) -> Self {
        let body = RequestBodyBuilder::new()
            .description(Some(description))
            .required(Some(Required::True))
            .content("application/json", Content::new(Some(schema)))
            .build();
        Op(self.0.request_body(Some(body))).fails(&[Failure::PayloadTooLarge])
    }

    /// A JSON object in the body that may be left out (every field has a default).
    pub fn optional_json_body(self, description: &str, schema: RefOr<Schema>) -> Self {
        let body = RequestBodyBuilder::new()
            .description(Some(description))
            .required(Some(Required::False))
            .content("application/json", Content::new(Some(schema)))
            .build();
        Op(self.0.request_body(Some(body))).fails(&[Failure::PayloadTooLarge])
    }

    /// An answer of its own (not a shared failure), with a JSON body (`schema`) or none.
    pub fn answers(self, status: &str, description: &str, schema: Option<RefOr<Schema>>) -> Self {
        let mut response = ResponseBuilder::new().description(description);
        if let Some(schema) = schema {
            response = response.content("application/json", Content::new(Some(schema)));
        }
        Op(self.0.response(status, response.build()))
    }

    /// Adds a hand-built response (for headers).
    pub fn response(self, status: &str, response: utoipa::openapi::Response) -> Self {
        Op(self.0.response(status, response))
    }

    pub fn fails(self, failures: &[Failure]) -> Self {
        let builder = failures.iter().fold(self.0, |builder, failure| {
            builder.response(
                failure.status(),
                RefOr::Ref(Ref::from_response_name(failure.name())),
            )
        });
        Op(builder)
    }

    pub fn build(self) -> Operation {
        self.0.build()
    }
}

/// A required path parameter holding a whole number (`{id}`).
pub fn id_in_path(description: &str) -> Parameter {
    Parameter::builder()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        ))
        .build()
}

/// An optional request header holding text: some that is not white space, since an
/// empty header is the same as none.
pub fn header(name: &str, description: &str) -> Parameter {
    Parameter::builder()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(string().pattern(Some(r"\S"))))
        .build()
}

pub fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

pub fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}
