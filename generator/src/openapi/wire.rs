//! The IR's string-valued facts (HTTP method, token kinds, content types, where a page
//! token goes), each read in exactly one function here, so a change of how the IR spells
//! them touches only this file.

use crate::spec::{Pagination, Request, Response, Spec};

/// The operation's key in an OpenAPI path item (`get`, `put`, …); `None` for a method
/// OpenAPI has no key for.
pub fn method(spec: &Spec) -> Option<&'static str> {
    Some(match spec.http.method.to_ascii_uppercase().as_str() {
        "GET" => "get",
        "PUT" => "put",
        "POST" => "post",
        "DELETE" => "delete",
        "PATCH" => "patch",
        "HEAD" => "head",
        "OPTIONS" => "options",
        "TRACE" => "trace",
        _ => return None,
    })
}

/// The method as the page wrote it, for messages.
pub fn method_text(spec: &Spec) -> &str {
    &spec.http.method
}

/// A kind of access token an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Token {
    Tenant,
    User,
    App,
}

impl Token {
    pub const ALL: [Token; 3] = [Token::Tenant, Token::User, Token::App];

    /// The security scheme's name in `components.securitySchemes`.
    pub fn scheme(self) -> &'static str {
        match self {
            Token::Tenant => "tenant_access_token",
            Token::User => "user_access_token",
            Token::App => "app_access_token",
        }
    }
}

/// The token kinds the page lists, in page order; kinds the IR does not know are left out.
pub fn tokens(spec: &Spec) -> Vec<Token> {
    let mut out = Vec::new();
    for token in &spec.auth.tokens {
        let token = match token.as_str() {
            "tenant" => Token::Tenant,
            "user" => Token::User,
            "app" => Token::App,
            _ => continue,
        };
        if !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

/// The app types (`custom`, `isv`) that may call the endpoint, as the IR spells them.
pub fn app_types(spec: &Spec) -> Vec<String> {
    spec.auth.app_types.clone()
}

/// How a request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Json,
    Multipart,
}

/// The request's media type. A body with a file in it is a multipart form whatever the
/// page says (the Rust client sends it so too).
pub fn request_body(request: &Request) -> Body {
    let has_file = request.fields.iter().any(super::schema::is_file);
    if request.content_type == "multipart/form-data" || has_file {
        Body::Multipart
    } else {
        Body::Json
    }
}

/// How a reply travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The `{code, msg, data}` envelope.
    Json,
    /// The file's bytes (a download); errors still come as the envelope.
    Bytes,
}

pub fn reply(response: Option<&Response>) -> Reply {
    match response {
        Some(r) if r.content_type == "application/octet-stream" => Reply::Bytes,
        _ => Reply::Json,
    }
}

/// Where the page token of a paged list goes (`query` or `body`), as the IR spells it.
pub fn token_in(pagination: &Pagination) -> &str {
    &pagination.token_in
}
