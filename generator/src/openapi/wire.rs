//! The IR's closed sets (HTTP method, token kinds, app types, content types, where a page
//! token goes) as the document spells them, each read in exactly one function here.

use crate::spec::{
    AppType, ContentType, HttpMethod, Pagination, Request, Response, Spec, TokenIn, TokenKind,
};

/// The operation's key in an OpenAPI path item (`get`, `put`, …).
pub fn method(spec: &Spec) -> &'static str {
    match spec.http.method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Patch => "patch",
    }
}

/// The method as the page wrote it, for messages.
pub fn method_text(spec: &Spec) -> &'static str {
    spec.http.method.as_str()
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

/// The token kinds the page lists, in page order.
pub fn tokens(spec: &Spec) -> Vec<Token> {
    let mut out = Vec::new();
    for token in &spec.auth.tokens {
        let token = match token {
            TokenKind::Tenant => Token::Tenant,
            TokenKind::User => Token::User,
            TokenKind::App => Token::App,
        };
        if !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

/// The app types (`custom`, `isv`) that may call the endpoint, as the IR spells them.
pub fn app_types(spec: &Spec) -> Vec<String> {
    let name = |app_type: &AppType| match app_type {
        AppType::Custom => "custom",
        AppType::Isv => "isv",
    };
    spec.auth
        .app_types
        .iter()
        .map(name)
        .map(String::from)
        .collect()
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
    if request.content_type == ContentType::Multipart || has_file {
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
        Some(r) if r.content_type == ContentType::OctetStream => Reply::Bytes,
        _ => Reply::Json,
    }
}

/// Where the page token of a paged list goes (`query` or `body`), as the IR spells it.
pub fn token_in(pagination: &Pagination) -> &'static str {
    match pagination.token_in {
        TokenIn::Query => "query",
        TokenIn::Body => "body",
    }
}
