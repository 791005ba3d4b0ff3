//! Tests written into the generated crate, built from the pages themselves: the request
//! example round-trips through the body type, the response example decodes with every
//! field kept, and one call per endpoint goes to a local mock server.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use rayon::prelude::*;
use serde_json::Value;

use super::EmitError;
use super::facts::{Names, is_download, is_multipart, paging, resource_of};
use super::files::{GeneratedFile, rust_file};
use super::naming::{feature, ident, snake, unraw};
use crate::diagnostics::Kind;
use crate::spec::{Field, FieldType, Pagination, Spec, TokenIn};

pub fn test_files(specs: &[Spec], crate_name: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    let krate = format_ident!("{}", crate_name.replace('-', "_"));
    let mut files = target(
        specs,
        crate_name,
        Target {
            dir: "tests/examples",
            doc: "Each page's own examples against its generated types: the request example \
                  round-trips through the body type, the response example decodes with every \
                  field kept. Plain serde, no server: the cheap proof the types fit the page.",
            support: json_assertions(),
            cases: example_tests,
        },
    )?;
    files.extend(target(
        specs,
        crate_name,
        Target {
            dir: "tests/endpoints",
            doc: "One call per endpoint against a local mock server: the documented method, \
                  path, token and body leave, and the reply comes back decoded (or the file \
                  downloaded, or every page streamed).",
            support: mock_client(&krate),
            cases: call_tests,
        },
    )?);
    Ok(files)
}

/// `test_support.rs` of `tests/examples`: how a round trip and a decoded reply are
/// compared with the page's JSON.
fn json_assertions() -> TokenStream {
    quote! {
        use serde_json::Value;

        /// `actual` sends what `expected` says: the same keys and values, where a `null` is
        /// the same as no key (unset options are left out), `100` the same as `100.0`, and
        /// `"42"` the same as `42` (64-bit integers travel as strings).
        pub fn assert_same_json(expected: &Value, actual: &Value, at: &str) {
            match (expected, actual) {
                (Value::Object(expected), Value::Object(actual)) => {
                    for key in expected.keys().chain(actual.keys()) {
                        let e = expected.get(key).unwrap_or(&Value::Null);
                        let a = actual.get(key).unwrap_or(&Value::Null);
                        assert_same_json(e, a, &format!("{at}.{key}"));
                    }
                }
                (Value::Array(expected), Value::Array(actual)) => {
                    assert_eq!(expected.len(), actual.len(), "length of `{at}`");
                    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
                        assert_same_json(e, a, &format!("{at}[{i}]"));
                    }
                }
                (Value::Number(e), Value::Number(a)) => {
                    assert_eq!(e.as_f64(), a.as_f64(), "`{at}`");
                }
                (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
                    assert_eq!(s.parse::<f64>().ok(), n.as_f64(), "`{at}`: {s} vs {n}");
                }
                (expected, actual) => assert_eq!(expected, actual, "`{at}`"),
            }
        }

        /// Every non-null value of `expected` is present in `actual`: a type that drops a
        /// documented field fails here.
        pub fn assert_fields_kept(expected: &Value, actual: &Value, at: &str) {
            match (expected, actual) {
                (Value::Object(expected), Value::Object(actual)) => {
                    for (key, value) in expected {
                        if value.is_null() {
                            continue;
                        }
                        let found = actual.get(key).unwrap_or_else(|| panic!("field `{at}.{key}` was dropped"));
                        assert_fields_kept(value, found, &format!("{at}.{key}"));
                    }
                }
                (Value::Array(expected), Value::Array(actual)) => {
                    assert_eq!(expected.len(), actual.len(), "length of `{at}`");
                    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
                        assert_fields_kept(e, a, &format!("{at}[{i}]"));
                    }
                }
                _ => {}
            }
        }
    }
}

/// `test_support.rs` of `tests/endpoints`: a client that calls the mock server.
fn mock_client(krate: &Ident) -> TokenStream {
    quote! {
        use wiremock::MockServer;

        pub fn client_for(server: &MockServer) -> #krate::Client {
            let core = #krate::runtime::Client::builder()
                .base_url(server.uri())
                .access_token("test-token")
                .build()
                .expect("client");
            #krate::Client::new(core)
        }
    }
}

/// One generated test target: `<dir>/main.rs`, `cases.rs`, `cases/test_support.rs`, and a
/// file per service of the modules `cases` gives for each endpoint.
struct Target {
    dir: &'static str,
    doc: &'static str,
    support: TokenStream,
    cases: fn(&Spec, &Ident) -> Option<TokenStream>,
}

fn target(
    specs: &[Spec],
    crate_name: &str,
    target: Target,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let mut by_service: BTreeMap<String, Vec<&Spec>> = BTreeMap::new();
    for spec in specs {
        by_service
            .entry(service_feature(spec))
            .or_default()
            .push(spec);
    }
    let dir = target.dir;
    // One file per service with any cases, each built and formatted on its own thread
    // (token streams cannot cross threads, so each builds its own).
    let service_files: Vec<(String, Result<GeneratedFile, EmitError>)> = by_service
        .par_iter()
        .filter_map(|(service, specs)| {
            let krate = format_ident!("{}", crate_name.replace('-', "_"));
            let modules: Vec<TokenStream> = specs
                .iter()
                .filter_map(|spec| (target.cases)(spec, &krate))
                .collect();
            if modules.is_empty() {
                return None;
            }
            let doc = format!("Tests of the `{service}` endpoints.");
            let tokens = quote! { #![doc = #doc] #( #modules )* };
            let file = unraw(&ident(service));
            let file = rust_file(
                &format!("{dir}/cases/{file}.rs"),
                &format!("the `{service}` pages"),
                tokens,
            );
            Some((service.clone(), file))
        })
        .collect();
    let features: Vec<&String> = service_files.iter().map(|(service, _)| service).collect();
    let service_mods: Vec<Ident> = features.iter().map(|f| ident(f)).collect();
    let support_cfg = match features.as_slice() {
        [] => quote! { #[cfg(any())] },
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#( feature = #many ),*))] },
    };
    let doc = target.doc;
    let cases = quote! {
        #![doc = #doc]
        //!
        //! One module per endpoint, one file per service, each compiled with its feature.

        #support_cfg
        mod test_support;

        #( #[cfg(feature = #features)] mod #service_mods; )*
    };
    let origin = format!("{} documentation page(s)", specs.len());
    let support = target.support;
    let support = quote! {
        //! Helpers the generated tests share. Pages without a request (or response) example
        //! leave one of them unused.
        #![allow(dead_code)]
        #support
    };
    // The cases live in a module marked `#[rustfmt::skip]`: prettyplease formats them.
    let main = quote! {
        #![doc = #doc]

        #[rustfmt::skip]
        mod cases;
    };
    let mut files = vec![
        rust_file(&format!("{dir}/main.rs"), &origin, main)?,
        rust_file(&format!("{dir}/cases.rs"), &origin, cases)?,
        rust_file(&format!("{dir}/cases/test_support.rs"), &origin, support)?,
    ];
    for (_, file) in service_files {
        files.push(file?);
    }
    Ok(files)
}

/// The cargo feature an endpoint's service is compiled under.
fn service_feature(spec: &Spec) -> String {
    feature(spec.id.split('.').next().unwrap_or("api"))
}

/// What both kinds of test need to know of one endpoint.
struct Case<'a> {
    spec: &'a Spec,
    names: Names,
    module: Ident,
    service: Ident,
    version: Ident,
    resource: Ident,
    multipart: bool,
    download: bool,
    /// The request example as JSON (a multipart body's example is not JSON).
    request_example: Option<&'a Value>,
    response_example: Option<&'a Value>,
}

impl<'a> Case<'a> {
    fn of(spec: &'a Spec) -> Case<'a> {
        let mut parts = spec.id.split('.');
        let service = ident(&snake(parts.next().unwrap_or_default()));
        let version = ident(&snake(parts.next().unwrap_or_default()));
        let (multipart, download) = (is_multipart(spec), is_download(spec));
        Case {
            spec,
            names: Names::of(spec),
            module: format_ident!("{}", snake(&spec.id.replace('.', "_"))),
            service,
            version,
            resource: ident(&snake(resource_of(spec))),
            multipart,
            download,
            request_example: spec
                .request
                .as_ref()
                .and_then(|r| r.example.as_ref())
                .filter(|_| !multipart),
            response_example: spec
                .response
                .as_ref()
                .and_then(|r| r.example.as_ref())
                .filter(|_| !download),
        }
    }

    /// `#[ignore]` with the reason, when the page's own example contradicts its table on
    /// this side (`body` or `response`): a documented finding, not a generator bug.
    fn contradiction(&self, side: &str) -> TokenStream {
        let clashes: Vec<&str> = self
            .spec
            .diagnostics
            .iter()
            .filter(|d| d.kind == Kind::ExampleContradictsTable)
            .map(|d| d.message.as_str())
            .filter(|m| m.starts_with(&format!("`{side}.")))
            .collect();
        if clashes.is_empty() {
            return quote! {};
        }
        let reason = format!("the page contradicts itself: {}", clashes.join("; "));
        quote! { #[ignore = #reason] }
    }
}

/// The request example round-trips through the body type; the response example decodes
/// with every field kept.
fn example_tests(spec: &Spec, krate: &Ident) -> Option<TokenStream> {
    let case = Case::of(spec);
    let (body, response) = (&case.names.body, &case.names.response);
    let round_trip = case.request_example.map(|example| {
        let json = raw_json(example);
        let ignore = case.contradiction("body");
        quote! {
            #[test]
            #ignore
            fn request_example_round_trips() {
                let example: Value = serde_json::from_str(#json).unwrap();
                let body: #body = serde_json::from_value(example.clone())
                    .expect("the request example decodes into the body type");
                assert_same_json(&example, &serde_json::to_value(&body).unwrap(), "body");
            }
        }
    });
    let decodes = case.response_example.map(|example| {
        let json = raw_json(example);
        let ignore = case.contradiction("response");
        quote! {
            #[test]
            #ignore
            fn response_example_decodes() {
                let reply: Value = serde_json::from_str(#json).unwrap();
                let data = reply.get("data").cloned().unwrap_or_else(|| Value::Object(Default::default()));
                let response: #response = serde_json::from_value(data.clone())
                    .expect("the response example decodes into the response type");
                assert_fields_kept(&data, &serde_json::to_value(&response).unwrap(), "data");
            }
        }
    });
    if round_trip.is_none() && decodes.is_none() {
        return None;
    }
    let (module, service, version, resource, endpoint_module) = (
        &case.module,
        &case.service,
        &case.version,
        &case.resource,
        &case.names.module,
    );
    let imported = [
        round_trip.as_ref().map(|_| body),
        decodes.as_ref().map(|_| response),
    ];
    let imported = imported.into_iter().flatten();
    let support = match (round_trip.is_some(), decodes.is_some()) {
        (true, true) => {
            quote! { use crate::cases::test_support::{assert_fields_kept, assert_same_json}; }
        }
        (true, false) => quote! { use crate::cases::test_support::assert_same_json; },
        (false, _) => quote! { use crate::cases::test_support::assert_fields_kept; },
    };
    Some(quote! {
        mod #module {
            use serde_json::Value;
            #support
            use #krate::#service::#version::#resource::#endpoint_module::{#( #imported ),*};

            #round_trip
            #decodes
        }
    })
}

/// One call against a mock server (a download for file replies), and for paged lists a
/// stream over two pages.
fn call_tests(spec: &Spec, krate: &Ident) -> Option<TokenStream> {
    let case = Case::of(spec);
    let call = Call::of(&case, krate);
    let (request, response) = (&case.names.request, &case.names.response);
    let (module, service, version, resource) =
        (&case.module, &case.service, &case.version, &case.resource);
    let endpoint_module = &case.names.module;
    let reply = case
        .response_example
        .cloned()
        .unwrap_or_else(|| serde_json::json!({"code": 0, "msg": "success", "data": {}}));
    let reply_json = raw_json(&reply);
    let reply_const =
        (!case.download).then(|| quote! { const RESPONSE_EXAMPLE: &str = #reply_json; });
    let request_json = case.request_example.map(raw_json);
    let request_const = request_json
        .as_ref()
        .map(|json| quote! { const REQUEST_EXAMPLE: &str = #json; });
    let call_test = if case.download {
        download_test(&case, &call)
    } else {
        request_test(&case, &call)
    };
    let stream_test = paging(spec).map(|paging| stream_test(&case, &call, paging));
    let imported = [Some(request), (!case.download).then_some(response)];
    let imported = imported.into_iter().flatten();
    let value_import = (!case.download).then(|| quote! { use serde_json::Value; });
    Some(quote! {
        mod #module {
            #value_import
            use wiremock::matchers::{header, method, path};
            use wiremock::{Mock, MockServer, ResponseTemplate};
            use crate::cases::test_support::client_for;
            use #krate::#service::#version::#resource::#endpoint_module::{#( #imported ),*};

            #request_const
            #reply_const
            #call_test
            #stream_test
        }
    })
}

/// What the call tests of one endpoint share.
struct Call {
    /// `Mock::given(…)` with the documented method, path, token, queries and body.
    mock: TokenStream,
    /// One value per required builder argument, in the builder's order.
    args: Vec<TokenStream>,
    /// `.body(…)` from the request example, when there is one.
    with_body: TokenStream,
    /// The resource the call goes through: `client_for(&server).im().v1().chat()`.
    resource: TokenStream,
}

impl Call {
    fn of(case: &Case, krate: &Ident) -> Call {
        let spec = case.spec;
        let required_params = spec
            .path_params
            .iter()
            .chain(spec.query_params.iter().filter(|f| f.is_required()))
            .chain(spec.headers.iter().filter(|f| f.is_required()));
        let required_body = spec
            .request
            .iter()
            .flat_map(|r| &r.fields)
            .filter(|f| f.is_required());
        let args: Vec<TokenStream> = required_params
            .chain(required_body)
            .map(|f| dummy(f, krate))
            .collect();
        let (with_body, body_matcher) = body_matchers(case);
        let mock = mock_given(spec, body_matcher);
        let (service, version, resource) = (&case.service, &case.version, &case.resource);
        let resource = quote! {
            client_for(&server).#service().#version().#resource()
        };
        Call {
            mock,
            args,
            with_body,
            resource,
        }
    }
}

/// The builder's `.body(…)` and the mock's body matcher: the request example when there
/// is one, else a multipart content type for forms.
fn body_matchers(case: &Case) -> (TokenStream, TokenStream) {
    match (case.request_example, case.multipart) {
        (Some(_), _) => (
            quote! { .body(serde_json::from_str(REQUEST_EXAMPLE).unwrap()) },
            quote! { .and(wiremock::matchers::body_json(serde_json::from_str::<Value>(REQUEST_EXAMPLE).unwrap())) },
        ),
        (None, true) => (
            quote! {},
            quote! { .and(wiremock::matchers::header_regex("content-type", "^multipart/form-data; boundary=")) },
        ),
        (None, false) => (quote! {}, quote! {}),
    }
}

/// `Mock::given(…)` matching the documented method, the path with its dummy parameters,
/// the token, each required scalar query parameter and `body_matcher`.
fn mock_given(spec: &Spec, body_matcher: TokenStream) -> TokenStream {
    let mut path = spec.http.path.clone();
    for param in &spec.path_params {
        path = path.replace(&format!(":{}", param.name), &dummy_text(param));
    }
    let http_method = spec.http.method.as_str();
    let queries: Vec<TokenStream> = spec
        .query_params
        .iter()
        .filter(|f| f.is_required() && f.ty != FieldType::Array)
        .map(|f| {
            let (name, value) = (&f.name, dummy_text(f));
            quote! { .and(wiremock::matchers::query_param(#name, #value)) }
        })
        .collect();
    quote! {
        Mock::given(method(#http_method))
            .and(path(#path))
            .and(header("authorization", "Bearer test-token"))
            #( #queries )*
            #body_matcher
    }
}

/// A file reply: the bytes are written out and the file name comes back.
fn download_test(case: &Case, call: &Call) -> TokenStream {
    let (request, method_ident) = (&case.names.request, &case.names.method);
    let Call {
        mock,
        args,
        resource: call,
        ..
    } = call;
    quote! {
        #[tokio::test]
        async fn downloads_the_file() {
            let server = MockServer::start().await;
            #mock
                .respond_with(
                    ResponseTemplate::new(200)
                        .insert_header("content-disposition", "attachment; filename=\"test.bin\"")
                        .set_body_raw(b"file-bytes".to_vec(), "application/octet-stream"),
                )
                .expect(1)
                .mount(&server)
                .await;
            let request = #request::builder(#( #args ),*).build();
            let mut out = Vec::new();
            let download = #call
                .#method_ident(request, &mut out)
                .await
                .expect("the download succeeds");
            assert_eq!(out, b"file-bytes");
            assert_eq!(download.file_name.as_deref(), Some("test.bin"));
        }
    }
}

/// A JSON reply: the documented request leaves, and the reply decodes as the example.
fn request_test(case: &Case, call: &Call) -> TokenStream {
    let (request, response, method_ident) = (
        &case.names.request,
        &case.names.response,
        &case.names.method,
    );
    let Call {
        mock,
        args,
        with_body,
        resource: call,
    } = call;
    let ignore = case.contradiction("response");
    quote! {
        #[tokio::test]
        #ignore
        async fn sends_the_documented_request() {
            let server = MockServer::start().await;
            let reply: Value = serde_json::from_str(RESPONSE_EXAMPLE).unwrap();
            #mock
                .respond_with(ResponseTemplate::new(200).set_body_json(&reply))
                .expect(1)
                .mount(&server)
                .await;
            let request = #request::builder(#( #args ),*) #with_body .build();
            let response = #call
                .#method_ident(request)
                .await
                .expect("the call succeeds");
            let data = reply.get("data").cloned().unwrap_or_else(|| Value::Object(Default::default()));
            let expected: #response = serde_json::from_value(data).unwrap();
            assert_eq!(response, expected);
        }
    }
}

/// A paged list: the stream asks for the second page with the first page's token.
fn stream_test(case: &Case, call: &Call, paging: &Pagination) -> TokenStream {
    let request = &case.names.request;
    let stream = format_ident!("{}_stream", unraw(&case.names.method));
    let Call {
        mock,
        args,
        with_body,
        resource: call,
    } = call;
    let (token, items, has_more, next) = (
        &paging.token_param,
        paging.items_field.as_deref().unwrap_or_default(),
        &paging.has_more_field,
        &paging.next_token_field,
    );
    let second_page = if paging.token_in == TokenIn::Query {
        quote! { .and(wiremock::matchers::query_param(#token, "page-2")) }
    } else {
        quote! { .and(wiremock::matchers::body_partial_json(serde_json::json!({ #token: "page-2" }))) }
    };
    let ignore = case.contradiction("response");
    quote! {
        #[tokio::test]
        #ignore
        async fn streams_every_page() {
            let server = MockServer::start().await;
            let reply: Value = serde_json::from_str(RESPONSE_EXAMPLE).unwrap();
            let per_page = reply["data"][#items].as_array().map_or(0, Vec::len);
            let mut first = reply.clone();
            first["data"][#has_more] = Value::Bool(true);
            first["data"][#next] = Value::from("page-2");
            let mut last = reply.clone();
            last["data"][#has_more] = Value::Bool(false);
            #mock
                #second_page
                .respond_with(ResponseTemplate::new(200).set_body_json(&last))
                .with_priority(1)
                .expect(1)
                .mount(&server)
                .await;
            #mock
                .respond_with(ResponseTemplate::new(200).set_body_json(&first))
                .with_priority(2)
                .expect(1)
                .mount(&server)
                .await;
            let request = #request::builder(#( #args ),*) #with_body .build();
            let items = #call
                .#stream(request)
                .collect_all()
                .await
                .expect("every page arrives");
            assert_eq!(items.len(), 2 * per_page);
        }
    }
}

/// A builder argument for a required field.
fn dummy(field: &Field, krate: &proc_macro2::Ident) -> TokenStream {
    match field.ty {
        FieldType::String => {
            let text = dummy_text(field);
            quote! { #text }
        }
        // Typed, so it also goes into an `impl Into<SomeEnum>` argument.
        FieldType::Int => quote! { 1i64 },
        FieldType::Int64 => quote! { #krate::runtime::Int64(1) },
        FieldType::Float => quote! { 1.0 },
        FieldType::Bool => quote! { true },
        FieldType::File => {
            quote! { #krate::runtime::FileUpload::from_bytes("test.txt", &b"test"[..]) }
        }
        FieldType::Array
            if field
                .items
                .as_deref()
                .is_some_and(|i| i.ty == FieldType::File) =>
        {
            quote! { vec![#krate::runtime::FileUpload::from_bytes("test.txt", &b"test"[..])] }
        }
        _ => quote! { Default::default() },
    }
}

/// How a dummy value reads in a path or query string.
fn dummy_text(field: &Field) -> String {
    match field.ty {
        FieldType::Int | FieldType::Int64 => "1".to_string(),
        FieldType::Float => "1".to_string(),
        FieldType::Bool => "true".to_string(),
        _ => format!("test-{}", field.name),
    }
}

/// Pretty JSON as a raw string literal, with enough `#`s to hold any quote in it.
fn raw_json(value: &Value) -> Literal {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
        .parse()
        .unwrap_or_else(|_| Literal::string(&text))
}
