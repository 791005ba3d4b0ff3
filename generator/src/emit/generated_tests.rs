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
    // The two targets are built side by side (each service's file is a task of its own).
    let (examples, endpoints) = rayon::join(
        || {
            target(
                specs,
                crate_name,
                Target {
                    dir: "tests/examples",
                    doc: "Each page's own examples against its generated types: the request \
                          example round-trips through the body type, the response example \
                          decodes with every field kept. Plain serde, no server: the cheap \
                          proof the types fit the page.",
                    cases: example_tests,
                },
            )
        },
        || {
            target(
                specs,
                crate_name,
                Target {
                    dir: "tests/endpoints",
                    doc: "One call per endpoint against a local mock server: the documented \
                          method, path, token and body leave, and the reply comes back decoded \
                          (or the file downloaded, or every page streamed).",
                    cases: call_tests,
                },
            )
        },
    );
    let mut files = examples?;
    files.extend(endpoints?);
    Ok(files)
}

/// One generated test target: `<dir>/main.rs`, `cases.rs`, and a file per service of the
/// modules `cases` gives for each endpoint. What the cases share is compiled code in the
/// runtime (`runtime::testing`), not text written here.
struct Target {
    dir: &'static str,
    doc: &'static str,
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
    let doc = target.doc;
    let cases = quote! {
        #![doc = #doc]
        //!
        //! One module per endpoint, one file per service, each compiled with its feature.

        #( #[cfg(feature = #features)] mod #service_mods; )*
    };
    let origin = format!("{} documentation page(s)", specs.len());
    // The cases live in a module marked `#[rustfmt::skip]`: prettyplease formats them.
    let main = quote! {
        #![doc = #doc]

        #[rustfmt::skip]
        mod cases;
    };
    let mut files = vec![
        rust_file(&format!("{dir}/main.rs"), &origin, main)?,
        rust_file(&format!("{dir}/cases.rs"), &origin, cases)?,
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
    /// The generated crate, as tests name it.
    krate: Ident,
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
    fn of(spec: &'a Spec, krate: &Ident) -> Case<'a> {
        let mut parts = spec.id.split('.');
        let service = ident(&snake(parts.next().unwrap_or_default()));
        let version = ident(&snake(parts.next().unwrap_or_default()));
        let (multipart, download) = (is_multipart(spec), is_download(spec));
        Case {
            spec,
            krate: krate.clone(),
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

    /// `feishu_api::im::v1::chat::create`: where the endpoint's types are.
    fn endpoint_path(&self) -> TokenStream {
        let (krate, service, version, resource, module) = (
            &self.krate,
            &self.service,
            &self.version,
            &self.resource,
            &self.names.module,
        );
        quote! { #krate::#service::#version::#resource::#module }
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
    let case = Case::of(spec, krate);
    let (body, response) = (&case.names.body, &case.names.response);
    let round_trip = case.request_example.map(|example| {
        let json = raw_json(example);
        let ignore = case.contradiction("body");
        quote! {
            const REQUEST_EXAMPLE: &str = #json;

            #[test]
            #ignore
            fn request_example_round_trips() {
                assert_round_trips::<#body>(REQUEST_EXAMPLE);
            }
        }
    });
    let decodes = case.response_example.map(|example| {
        let json = raw_json(example);
        let ignore = case.contradiction("response");
        quote! {
            const RESPONSE_EXAMPLE: &str = #json;

            #[test]
            #ignore
            fn response_example_decodes() {
                assert_decodes::<#response>(RESPONSE_EXAMPLE);
            }
        }
    });
    if round_trip.is_none() && decodes.is_none() {
        return None;
    }
    let helpers = [
        decodes
            .as_ref()
            .map(|_| (quote! { assert_decodes }, response)),
        round_trip
            .as_ref()
            .map(|_| (quote! { assert_round_trips }, body)),
    ];
    let (helpers, imported): (Vec<_>, Vec<_>) = helpers.into_iter().flatten().unzip();
    let (module, endpoint) = (&case.module, case.endpoint_path());
    Some(quote! {
        mod #module {
            use #krate::runtime::testing::{#( #helpers ),*};
            use #endpoint::{#( #imported ),*};

            #round_trip
            #decodes
        }
    })
}

/// One call against a mock server (a download for file replies), and for paged lists a
/// stream over two pages.
fn call_tests(spec: &Spec, krate: &Ident) -> Option<TokenStream> {
    let case = Case::of(spec, krate);
    let call = Call::of(&case);
    let (request, response) = (&case.names.request, &case.names.response);
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
    let paging = paging(spec);
    let stream_test = paging.map(|paging| stream_test(&case, &call, paging));
    let mut helpers = vec![
        quote! { ExpectedBody },
        quote! { ExpectedCall },
        quote! { MockServer },
        quote! { client_for },
    ];
    if !case.download {
        helpers.push(quote! { decoded });
    }
    if paging.is_some() {
        helpers.push(quote! { PageFields });
    }
    let imported = [Some(request), (!case.download).then_some(response)];
    let imported = imported.into_iter().flatten();
    let (module, endpoint, expected) = (&case.module, case.endpoint_path(), &call.expected);
    Some(quote! {
        mod #module {
            use #krate::Client;
            use #krate::runtime::testing::{#( #helpers ),*};
            use #endpoint::{#( #imported ),*};

            #request_const
            #reply_const
            /// The documented call, with test values for its parameters.
            const CALL: ExpectedCall<'static> = #expected;

            #call_test
            #stream_test
        }
    })
}

/// What the call tests of one endpoint share.
struct Call {
    /// The `ExpectedCall { … }` with the documented method, path, queries and body.
    expected: TokenStream,
    /// One value per required builder argument, in the builder's order.
    args: Vec<TokenStream>,
    /// `.body(…)` from the request example, when there is one.
    with_body: TokenStream,
    /// The resource the call goes through: `Client::new(client_for(&server)).im().v1().chat()`.
    resource: TokenStream,
}

impl Call {
    fn of(case: &Case) -> Call {
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
            .map(|f| dummy(f, &case.krate))
            .collect();
        let (with_body, body) = body_matchers(case);
        let (service, version, resource) = (&case.service, &case.version, &case.resource);
        let resource = quote! {
            Client::new(client_for(&server)).#service().#version().#resource()
        };
        Call {
            expected: expected_call(spec, &body),
            args,
            with_body,
            resource,
        }
    }
}

/// The builder's `.body(…)` and the body the mock expects: the request example when there
/// is one, else a multipart form for forms.
fn body_matchers(case: &Case) -> (TokenStream, TokenStream) {
    match (case.request_example, case.multipart) {
        (Some(_), _) => (
            quote! { .body(serde_json::from_str(REQUEST_EXAMPLE).unwrap()) },
            quote! { ExpectedBody::Json(REQUEST_EXAMPLE) },
        ),
        (None, true) => (quote! {}, quote! { ExpectedBody::Multipart }),
        (None, false) => (quote! {}, quote! { ExpectedBody::Any }),
    }
}

/// `ExpectedCall { … }`: the documented method, the path with its test parameters, each
/// required scalar query parameter, and `body`.
fn expected_call(spec: &Spec, body: &TokenStream) -> TokenStream {
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
            quote! { (#name, #value) }
        })
        .collect();
    quote! {
        ExpectedCall {
            method: #http_method,
            path: #path,
            query: &[#( #queries ),*],
            body: #body,
        }
    }
}

/// A file reply: the bytes are written out and the file name comes back.
fn download_test(case: &Case, call: &Call) -> TokenStream {
    let (request, method_ident) = (&case.names.request, &case.names.method);
    let Call {
        args,
        resource: call,
        ..
    } = call;
    quote! {
        #[tokio::test]
        async fn downloads_the_file() {
            let server = MockServer::start().await;
            CALL.answer_file(&server).await;
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
        args,
        with_body,
        resource: call,
        ..
    } = call;
    let ignore = case.contradiction("response");
    quote! {
        #[tokio::test]
        #ignore
        async fn sends_the_documented_request() {
            let server = MockServer::start().await;
            let data = CALL.answer(&server, RESPONSE_EXAMPLE).await;
            let request = #request::builder(#( #args ),*) #with_body .build();
            let response = #call
                .#method_ident(request)
                .await
                .expect("the call succeeds");
            let expected: #response = decoded(data);
            assert_eq!(response, expected);
        }
    }
}

/// A paged list: the stream asks for the second page with the first page's token.
fn stream_test(case: &Case, call: &Call, paging: &Pagination) -> TokenStream {
    let request = &case.names.request;
    let stream = format_ident!("{}_stream", unraw(&case.names.method));
    let Call {
        args,
        with_body,
        resource: call,
        ..
    } = call;
    let (token, items, has_more, next) = (
        &paging.token_param,
        paging.items_field.as_deref().unwrap_or_default(),
        &paging.has_more_field,
        &paging.next_token_field,
    );
    let in_query = paging.token_in == TokenIn::Query;
    let ignore = case.contradiction("response");
    quote! {
        #[tokio::test]
        #ignore
        async fn streams_every_page() {
            let server = MockServer::start().await;
            let page = PageFields {
                token_param: #token,
                token_in_query: #in_query,
                items: #items,
                has_more: #has_more,
                next_token: #next,
            };
            let per_page = CALL.answer_two_pages(&server, RESPONSE_EXAMPLE, page).await;
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
        // Objects, lists and values: empty (a type with required members has no
        // `Default`; its placeholder is the same empty value).
        _ => quote! { #krate::runtime::object::Placeholder::placeholder() },
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
