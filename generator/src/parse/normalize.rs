//! Normalisation: the step between what a page states ([`Stated`], the reader's output)
//! and the spec, applying the project's conventions (`docs/spec-format.md`,
//! Normalisation). The reader reports what the page says; [`spec`] and the functions it
//! calls are the only places that decide something the page leaves open: a GET's
//! documented body is its query, a body's content type when the page names none, a
//! download's reply type, and whether an endpoint pages.

use serde_json::Value;

use super::stated::Stated;
use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{
    ContentType, Field, FieldType, Http, HttpMethod, Pagination, Request, Response, Spec, TokenIn,
};

/// What a page states → the spec: each convention below, in the order they depend on
/// each other (the body a GET really sends decides the content type and the paging).
pub fn spec(stated: Stated) -> Spec {
    let Stated {
        mut query_params,
        mut body,
        mut request_example,
        mut response,
        mut diagnostics,
        ..
    } = stated;
    // What the conventions say comes first among a line's diagnostics.
    let mut decided = Vec::new();
    get_body_into_query(
        stated.method,
        &mut query_params,
        &mut body,
        &mut request_example,
        stated.basics_line,
        &mut decided,
    );
    diagnostics.splice(0..0, decided);
    let request = (body.is_some() || request_example.is_some()).then(|| {
        let fields = body.unwrap_or_default();
        Request {
            content_type: request_content_type(stated.content_type, &fields),
            fields,
            example: request_example,
        }
    });
    if stated.binary_response {
        binary_response(&mut response);
    }
    let pagination = pagination(&query_params, request.as_ref(), response.as_ref());
    diagnostics.sort_by_key(|d| d.line);
    Spec {
        id: stated.id,
        title: stated.title,
        summary: stated.summary,
        source: stated.source,
        http: Http {
            method: stated.method,
            path: stated.path,
        },
        rate_limit: stated.rate_limit,
        auth: stated.auth,
        path_params: stated.path_params,
        query_params,
        headers: stated.headers,
        request,
        response,
        pagination,
        errors: stated.errors,
        sdk_names: stated.sdk_names,
        overrides: Vec::new(),
        diagnostics,
    }
}

/// Older pages list a GET's query parameters under 请求体; a GET body is never sent, so
/// when the page lists no query parameters the body's fields are the query (and its
/// example is dropped), with a warning at `line` when there were any.
pub fn get_body_into_query(
    method: HttpMethod,
    query: &mut Vec<Field>,
    body: &mut Option<Vec<Field>>,
    example: &mut Option<Value>,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if method != HttpMethod::Get || !query.is_empty() {
        return;
    }
    let Some(fields) = body.take() else {
        return;
    };
    if !fields.is_empty() {
        diagnostics.push(Diagnostic::warning(
            line,
            Kind::BadValue,
            "a GET request documents a body; its fields are read as query parameters",
        ));
    }
    *query = fields;
    *example = None;
}

/// The body's content type: the one the page's `Content-Type` header names (never
/// octet-stream, which describes a reply), else a form when a field is a file, else JSON.
pub fn request_content_type(stated: Option<ContentType>, fields: &[Field]) -> ContentType {
    match stated {
        Some(stated) if stated != ContentType::OctetStream => stated,
        _ if fields.iter().any(|f| f.ty == FieldType::File) => ContentType::Multipart,
        _ => ContentType::Json,
    }
}

/// A reply the page calls a file's bytes (`返回文件二进制流`) is octet-stream, with or
/// without a described `data`.
pub fn binary_response(response: &mut Option<Response>) {
    let response = response.get_or_insert_with(|| Response {
        content_type: ContentType::OctetStream,
        fields: Vec::new(),
        fields_from: None,
        example: None,
    });
    response.content_type = ContentType::OctetStream;
}

/// An endpoint pages when it takes `page_token` (query first, else body) and answers
/// `has_more` and `page_token` / `next_page_token`; the items are the reply's first array,
/// the page size the `page_size` beside the token.
pub fn pagination(
    query: &[Field],
    request: Option<&Request>,
    response: Option<&Response>,
) -> Option<Pagination> {
    let body = request.map(|r| r.fields.as_slice()).unwrap_or_default();
    let (token, token_in, params) = match query.iter().find(|f| f.name == "page_token") {
        Some(token) => (token, TokenIn::Query, query),
        None => (
            body.iter().find(|f| f.name == "page_token")?,
            TokenIn::Body,
            body,
        ),
    };
    let fields = &response?.fields;
    let has_more = fields.iter().find(|f| f.name == "has_more")?;
    let next = fields
        .iter()
        .find(|f| f.name == "page_token" || f.name == "next_page_token")?;
    let items = fields
        .iter()
        .find(|f| f.ty == FieldType::Array)
        .map(|f| f.name.clone());
    Some(Pagination {
        token_param: token.name.clone(),
        token_in,
        size_param: params
            .iter()
            .find(|f| f.name == "page_size")
            .map(|f| f.name.clone()),
        items_field: items,
        has_more_field: has_more.name.clone(),
        next_token_field: next.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: FieldType) -> Field {
        Field::new(name, ty)
    }

    fn reply(fields: Vec<Field>) -> Response {
        Response {
            content_type: ContentType::Json,
            fields,
            fields_from: None,
            example: None,
        }
    }

    #[test]
    fn a_get_body_becomes_the_query_with_a_warning() {
        let mut query = Vec::new();
        let mut body = Some(vec![field("user_id", FieldType::String)]);
        let mut example = Some(serde_json::json!({"user_id": "u1"}));
        let mut diagnostics = Vec::new();
        get_body_into_query(
            HttpMethod::Get,
            &mut query,
            &mut body,
            &mut example,
            7,
            &mut diagnostics,
        );
        assert_eq!(query, [field("user_id", FieldType::String)]);
        assert_eq!((body, example), (None, None));
        assert_eq!(
            diagnostics,
            [Diagnostic::warning(
                7,
                Kind::BadValue,
                "a GET request documents a body; its fields are read as query parameters"
            )]
        );
    }

    #[test]
    fn a_get_with_a_query_or_another_method_keeps_its_body() {
        let body_of = |method, query: Vec<Field>| {
            let mut query = query;
            let mut body = Some(vec![field("a", FieldType::String)]);
            let mut diagnostics = Vec::new();
            get_body_into_query(
                method,
                &mut query,
                &mut body,
                &mut None,
                1,
                &mut diagnostics,
            );
            (body.is_some(), query.len(), diagnostics.len())
        };
        assert_eq!(body_of(HttpMethod::Post, vec![]), (true, 0, 0));
        assert_eq!(
            body_of(HttpMethod::Get, vec![field("q", FieldType::String)]),
            (true, 1, 0)
        );
        // An empty GET body goes away without a warning.
        let (mut query, mut body, mut diagnostics) = (Vec::new(), Some(Vec::new()), Vec::new());
        get_body_into_query(
            HttpMethod::Get,
            &mut query,
            &mut body,
            &mut None,
            1,
            &mut diagnostics,
        );
        assert_eq!((body, query.len(), diagnostics.len()), (None, 0, 0));
    }

    #[test]
    fn content_type_is_the_stated_one_else_from_the_fields() {
        let file = [field("file", FieldType::File)];
        let text = [field("name", FieldType::String)];
        assert_eq!(
            request_content_type(Some(ContentType::Json), &file),
            ContentType::Json
        );
        assert_eq!(
            request_content_type(Some(ContentType::OctetStream), &text),
            ContentType::Json
        );
        assert_eq!(
            request_content_type(Some(ContentType::OctetStream), &file),
            ContentType::Multipart
        );
        assert_eq!(request_content_type(None, &file), ContentType::Multipart);
        assert_eq!(request_content_type(None, &text), ContentType::Json);
    }

    #[test]
    fn a_binary_reply_is_octet_stream() {
        let mut none = None;
        binary_response(&mut none);
        assert_eq!(
            none,
            Some(reply(vec![])).map(|r| Response {
                content_type: ContentType::OctetStream,
                ..r
            })
        );
        let mut described = Some(reply(vec![field("name", FieldType::String)]));
        binary_response(&mut described);
        let described = described.unwrap();
        assert_eq!(
            (described.content_type, described.fields.len()),
            (ContentType::OctetStream, 1)
        );
    }

    #[test]
    fn pagination_is_inferred_from_token_has_more_and_the_first_array() {
        let query = [
            field("page_size", FieldType::Int),
            field("page_token", FieldType::String),
        ];
        let response = reply(vec![
            field("has_more", FieldType::Bool),
            field("page_token", FieldType::String),
            field("items", FieldType::Array),
            field("others", FieldType::Array),
        ]);
        assert_eq!(
            pagination(&query, None, Some(&response)),
            Some(Pagination {
                token_param: "page_token".into(),
                token_in: TokenIn::Query,
                size_param: Some("page_size".into()),
                items_field: Some("items".into()),
                has_more_field: "has_more".into(),
                next_token_field: "page_token".into(),
            })
        );
        let body = Request {
            content_type: ContentType::Json,
            fields: vec![field("page_token", FieldType::String)],
            example: None,
        };
        let next = reply(vec![
            field("has_more", FieldType::Bool),
            field("next_page_token", FieldType::String),
        ]);
        let paged = pagination(&[], Some(&body), Some(&next)).unwrap();
        assert_eq!(
            (paged.token_in, paged.size_param, paged.items_field),
            (TokenIn::Body, None, None)
        );
        assert_eq!(paged.next_token_field, "next_page_token");
        // No `has_more`: not a paged list.
        let flat = reply(vec![field("page_token", FieldType::String)]);
        assert_eq!(pagination(&query, None, Some(&flat)), None);
        assert_eq!(pagination(&query, None, None), None);
    }

    /// A GET page as written: its query documented as a body, the paging token among it.
    fn stated_get() -> Stated {
        let mut token = field("page_token", FieldType::String);
        token.description = Some("分页标记".into());
        let mut items = field("items", FieldType::Array);
        items.items = Some(Box::new(field("", FieldType::String)));
        Stated {
            id: "demo.v1.thing.list".into(),
            title: "List things".into(),
            summary: None,
            source: "demo.md".into(),
            method: HttpMethod::Get,
            path: "/open-apis/demo/v1/things".into(),
            rate_limit: None,
            auth: Default::default(),
            path_params: Vec::new(),
            query_params: Vec::new(),
            headers: Vec::new(),
            content_type: None,
            body: Some(vec![token, field("page_size", FieldType::Int)]),
            request_example: Some(serde_json::json!({"page_size": 10})),
            response: Some(reply(vec![
                field("has_more", FieldType::Bool),
                field("page_token", FieldType::String),
                items,
            ])),
            binary_response: false,
            errors: Vec::new(),
            sdk_names: Default::default(),
            basics_line: 3,
            diagnostics: vec![Diagnostic::warning(3, Kind::IdFromPath, "id from path")],
        }
    }

    #[test]
    fn the_spec_pages_by_the_query_a_get_body_became() {
        let spec = spec(stated_get());
        let query: Vec<&str> = spec.query_params.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(query, ["page_token", "page_size"]);
        assert_eq!(spec.request, None);
        let pagination = spec.pagination.expect("pages");
        assert_eq!(pagination.token_in, TokenIn::Query);
        assert_eq!(pagination.size_param.as_deref(), Some("page_size"));
        assert_eq!(pagination.items_field.as_deref(), Some("items"));
        // The convention's warning comes first among its line's diagnostics.
        let kinds: Vec<Kind> = spec.diagnostics.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [Kind::BadValue, Kind::IdFromPath]);
        assert_eq!(spec.http.method, HttpMethod::Get);
        assert_eq!(spec.http.path, "/open-apis/demo/v1/things");
    }

    #[test]
    fn the_spec_of_a_post_keeps_its_body_typed_by_convention() {
        let mut stated = stated_get();
        stated.method = HttpMethod::Post;
        stated.binary_response = true;
        stated.body = Some(vec![field("file", FieldType::File)]);
        stated.request_example = None;
        let spec = spec(stated);
        let request = spec.request.expect("a body");
        assert_eq!(request.content_type, ContentType::Multipart);
        assert_eq!(request.fields[0].name, "file");
        assert_eq!(
            spec.response.map(|r| r.content_type),
            Some(ContentType::OctetStream)
        );
        assert_eq!(
            spec.pagination, None,
            "the token is not in the query or the body"
        );
        assert_eq!(spec.diagnostics.len(), 1);
    }
}
