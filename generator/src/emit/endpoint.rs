//! One endpoint → its module (request, builder, body, response, error codes) and the client
//! method that sends it.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::EmitError;
use super::docs::{doc_attrs, field_doc, inner_doc_attrs};
use super::enums::shape_of;
use super::error_names::constant_names;
use super::facts::{Names, is_download, is_multipart, paging, resource_of};
use super::naming::{camel, ident, is_raw, snake, unraw};
use super::shapes::member_names;
use super::type_facts::{ModuleTypes, form_file};
use super::types::{module_items, type_tokens, value_checks};
use crate::spec::{Field, FieldType, HttpMethod, Spec, TokenIn, TokenKind};

/// A request parameter as the request struct holds it.
struct Param<'a> {
    field: &'a Field,
    member: Ident,
    /// Where it goes on the wire.
    place: Place,
    ty: TokenStream,
    optional: bool,
}

/// A body field as the request's `body` holds it, and the builder's setter for it.
struct BodyParam<'a> {
    param: Param<'a>,
    setter: Ident,
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Path,
    Query,
    Header,
    Body,
}

impl Place {
    /// The first segment of a field's path in validation errors (and in overrides).
    fn wire_name(self) -> &'static str {
        match self {
            Place::Path => "path",
            Place::Query => "query",
            Place::Header => "header",
            Place::Body => "body",
        }
    }
}

/// The endpoint module's items (without the file header).
/// `types`: the endpoint's type facts.
pub fn module(spec: &Spec, types: &ModuleTypes) -> Result<TokenStream, EmitError> {
    let names = Names::of(spec);
    let request = &names.request;
    let (params, body_params) = request_params(spec, types)?;
    let shape = RequestShape {
        has_body: spec.request.is_some(),
        multipart: is_multipart(spec),
    };

    let body_validates = shape.has_body && types.validates(&names.body.to_string());
    let checks = request_checks(&params, body_validates);
    let request_struct = request_struct(spec, &names, &params, shape, !checks.is_empty());
    let validate = request_validate(&checks);
    let (builder_fn, builder_type) = builder_items(&names, &params, &body_params, shape);
    let to_api = api_request(spec, &params, &body_params, shape);
    let paging = paging_impls(spec, &names, &params, &body_params, types);
    let errors = error_items(spec);
    let response_ty = if is_download(spec) {
        quote! { feishu_runtime::Download }
    } else {
        let response = &names.response;
        quote! { #response }
    };
    let structs = module_items(types);
    let module_doc = module_doc(spec, &names);
    Ok(quote! {
        #module_doc
        #request_struct
        impl #request {
            #builder_fn
            #validate
        }
        impl feishu_runtime::Endpoint for #request {
            type Response = #response_ty;

            #[inline]
            fn validate(&self) -> Result<(), feishu_runtime::ValidationError> {
                #request::validate(self)
            }
            #to_api
        }
        #builder_type
        #structs
        #paging
        #errors
    })
}

/// Whether the request has a body, and whether it is a form.
#[derive(Clone, Copy)]
struct RequestShape {
    has_body: bool,
    multipart: bool,
}

/// The module's inner docs: the title, the call, and a link to the client method.
fn module_doc(spec: &Spec, names: &Names) -> TokenStream {
    let method = unraw(&names.method);
    let resource = camel(resource_of(spec));
    // rustdoc cannot resolve a link to a raw identifier (`r#move`): link the resource.
    let target = if is_raw(&names.method) {
        format!("super::{resource}")
    } else {
        format!("super::{resource}::{method}")
    };
    inner_doc_attrs(&format!(
        "{} — `{} {}`.\n\nTypes for [`{method}`]({target}).",
        spec.title, spec.http.method, spec.http.path,
    ))
}

fn body_fields(spec: &Spec) -> &[Field] {
    spec.request
        .as_ref()
        .map(|r| r.fields.as_slice())
        .unwrap_or_default()
}

/// Parameters: path, query, headers as request members; body fields reached through
/// `body`, each with the builder setter's name (which may differ from the member on a
/// clash with a parameter).
fn request_params<'a>(
    spec: &'a Spec,
    types: &ModuleTypes,
) -> Result<(Vec<Param<'a>>, Vec<BodyParam<'a>>), EmitError> {
    let type_of = |field: &Field| {
        types.type_of(field).map(type_tokens).ok_or_else(|| {
            EmitError::new(&spec.id, format!("no type decided for `{}`", field.name))
        })
    };
    let mut params = Vec::new();
    let mut taken: HashSet<String> = ["body", "build"].map(String::from).into();
    for (fields, place) in [
        (&spec.path_params, Place::Path),
        (&spec.query_params, Place::Query),
        (&spec.headers, Place::Header),
    ] {
        for field in fields {
            let ty = type_of(field)?;
            let member = unique_member(&field.name, &mut taken, place);
            params.push(Param {
                field,
                member,
                place,
                ty,
                optional: !field.is_required() && place != Place::Path,
            });
        }
    }
    let multipart = is_multipart(spec);
    let mut body_params = Vec::new();
    for (member, field) in member_names(body_fields(spec)) {
        let ty = match (multipart, form_file(field)) {
            (true, Some(ty)) => type_tokens(&ty),
            _ => type_of(field)?,
        };
        let setter = unique_member(&field.name, &mut taken, Place::Body);
        let param = Param {
            field,
            member,
            place: Place::Body,
            ty,
            optional: !field.is_required(),
        };
        body_params.push(BodyParam { param, setter });
    }
    Ok((params, body_params))
}

/// `PageRequest` for the request and `Page` for the response, so the client can stream
/// every item across pages.
fn paging_impls(
    spec: &Spec,
    names: &Names,
    params: &[Param],
    body_params: &[BodyParam],
    types: &ModuleTypes,
) -> Option<TokenStream> {
    let paging = paging(spec)?;
    let (request, response) = (&names.request, &names.response);
    let in_query = paging.token_in == TokenIn::Query;
    let token = params
        .iter()
        .chain(body_params.iter().map(|b| &b.param))
        .find(|p| p.field.name == paging.token_param && (p.place == Place::Query) == in_query);
    let token = token?;
    let member = &token.member;
    let target = match token.place {
        Place::Body => quote! { self.body.#member },
        _ => quote! { self.#member },
    };
    let store = if token.optional {
        quote! { #target = Some(token); }
    } else {
        quote! { #target = token; }
    };
    let fields = spec
        .response
        .as_ref()
        .map(|r| r.fields.as_slice())
        .unwrap_or_default();
    let member_of = |wire: &str| {
        member_names(fields)
            .into_iter()
            .find(|(_, f)| f.name == wire)
    };
    let items_wire = paging.items_field.as_deref().unwrap_or_default();
    let (Some((items, items_field)), Some((has_more, _)), Some((next, _))) = (
        member_of(items_wire),
        member_of(&paging.has_more_field),
        member_of(&paging.next_token_field),
    ) else {
        return None;
    };
    let item_ty = type_tokens(&types.element_type(items_field));
    Some(quote! {
        impl feishu_runtime::PageRequest for #request {
            #[inline]
            fn set_page_token(&mut self, token: String) {
                #store
            }
        }

        impl feishu_runtime::Page for #response {
            type Item = #item_ty;

            #[inline]
            fn into_parts(self) -> (Vec<Self::Item>, bool, Option<String>) {
                (self.#items.unwrap_or_default(), self.#has_more.unwrap_or(false), self.#next)
            }
        }
    })
}

fn unique_member(name: &str, taken: &mut HashSet<String>, place: Place) -> Ident {
    let base = snake(name);
    let prefix = match place {
        Place::Path => "path",
        Place::Query => "query",
        Place::Header => "header",
        Place::Body => "body",
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = if n == 2 {
            format!("{prefix}_{base}")
        } else {
            format!("{prefix}_{base}_{n}")
        };
        n += 1;
    }
    taken.insert(candidate.clone());
    ident(&candidate)
}

fn request_struct(
    spec: &Spec,
    names: &Names,
    params: &[Param],
    shape: RequestShape,
    checked: bool,
) -> TokenStream {
    let RequestShape {
        has_body,
        multipart,
    } = shape;
    let (request, body) = (&names.request, &names.body);
    // Only an endpoint whose page states rules has a `validate` that checks anything.
    let checked = if checked {
        "\n\nThe client checks it against the rules the documentation states before it is sent."
    } else {
        ""
    };
    let doc = doc_attrs(&format!(
        "Request for {} (`{} {}`).\n\nBuild it with [`{request}::builder`].{checked}",
        spec.title, spec.http.method, spec.http.path
    ));
    let members = params.iter().map(|p| {
        let doc = doc_attrs(&param_doc(p));
        let (member, ty) = (&p.member, &p.ty);
        let ty = if p.optional {
            quote! { Option<#ty> }
        } else {
            quote! { #ty }
        };
        quote! { #doc pub #member: #ty, }
    });
    let body_member = has_body.then(|| {
        let doc = doc_attrs(if multipart {
            "The form: files and fields."
        } else {
            "The JSON body."
        });
        quote! {
            #doc
            pub body: #body,
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub struct #request {
            #( #members )*
            #body_member
        }
    }
}

/// The words for where a parameter goes: `Query parameter`.
fn place_words(place: Place) -> &'static str {
    match place {
        Place::Path => "Path parameter",
        Place::Query => "Query parameter",
        Place::Header => "Header",
        Place::Body => "Body field",
    }
}

/// A setter's doc: where the value goes, and a link to the member that holds it, whose
/// doc is the page's (written once, there).
fn setter_doc(param: &Param, owner: &Ident) -> TokenStream {
    let (place, wire) = (place_words(param.place).to_lowercase(), &param.field.name);
    // rustdoc cannot resolve a link to a raw identifier (`r#type`): link the struct.
    let doc = if is_raw(&param.member) {
        format!("Sets the {place} `{wire}`, documented on [`{owner}`].")
    } else {
        format!(
            "Sets the {place} `{wire}`: see [`{owner}::{}`].",
            param.member
        )
    };
    doc_attrs(&doc)
}

fn param_doc(param: &Param) -> String {
    let place = place_words(param.place);
    let doc = field_doc(param.field, true);
    let wire = format!("{place} `{}`.", param.field.name);
    if doc.is_empty() {
        wire
    } else {
        format!("{doc}\n\n{wire}")
    }
}

/// A positional argument of `builder(…)` and the expression that stores it.
fn argument(member: &Ident, field: &Field, ty: &TokenStream) -> (TokenStream, TokenStream) {
    // Enums take their wire value too (`"open_id"`, `1`), or a variant.
    if field.ty == FieldType::String || shape_of(field).is_some() {
        (
            quote! { #member: impl Into<#ty> },
            quote! { #member.into() },
        )
    } else {
        (quote! { #member: #ty }, quote! { #member })
    }
}

/// `builder(…)` (on the request) and the builder type with its setters.
fn builder_items(
    names: &Names,
    params: &[Param],
    body_params: &[BodyParam],
    shape: RequestShape,
) -> (TokenStream, TokenStream) {
    let (request, builder) = (&names.request, &names.builder);
    let mut parts = BuilderParts::default();
    parts.add_params(request, params);
    parts.add_body(names, body_params, shape);
    let BuilderParts {
        args,
        inits,
        setters,
    } = parts;
    let builder_struct_doc = doc_attrs(&format!("Builder for [`{request}`]."));
    let builder_doc = doc_attrs(&format!(
        "A builder for [`{request}`], with the required values given here and the optional ones set on the builder.\n\n{}",
        required_list(params, body_params)
    ));
    let builder_fn = quote! {
        #builder_doc
        pub fn builder(#( #args ),*) -> #builder {
            #builder { request: #request { #( #inits )* } }
        }
    };
    let builder_type = quote! {
        #builder_struct_doc
        #[derive(Clone, Debug)]
        #[must_use]
        pub struct #builder {
            request: #request,
        }

        impl #builder {
            #( #setters )*

            pub fn build(self) -> #request {
                self.request
            }
        }
    };
    (builder_fn, builder_type)
}

/// What the builder is made of: `builder(…)`'s arguments (the required values), the
/// request's member initialisers, and a setter per optional value.
#[derive(Default)]
struct BuilderParts {
    args: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

impl BuilderParts {
    /// Path, query and header parameters.
    fn add_params(&mut self, request: &Ident, params: &[Param]) {
        for p in params {
            let member = &p.member;
            let (arg, store) = argument(member, p.field, &p.ty);
            if p.optional {
                self.inits.push(quote! { #member: None, });
                let doc = setter_doc(p, request);
                self.setters.push(quote! {
                    #doc
                    pub fn #member(mut self, #arg) -> Self {
                        self.request.#member = Some(#store);
                        self
                    }
                });
            } else {
                self.args.push(arg);
                self.inits.push(field_init(member, &store));
            }
        }
    }

    /// The body's fields, its initialiser and the setter that replaces the whole body.
    fn add_body(&mut self, names: &Names, body_params: &[BodyParam], shape: RequestShape) {
        let body = &names.body;
        let mut body_inits = Vec::new();
        for BodyParam { param: p, setter } in body_params {
            let member = &p.member;
            let (arg, store) = argument(setter, p.field, &p.ty);
            if p.optional {
                let doc = setter_doc(p, body);
                self.setters.push(quote! {
                    #doc
                    pub fn #setter(mut self, #arg) -> Self {
                        self.request.body.#member = Some(#store);
                        self
                    }
                });
            } else {
                self.args.push(arg);
                body_inits.push(field_init(member, &store));
            }
        }
        if !shape.has_body {
            return;
        }
        if body_inits.is_empty() {
            self.inits.push(quote! { body: #body::default(), });
        } else {
            let rest = body_rest(body_params);
            self.inits
                .push(quote! { body: #body { #( #body_inits )* #rest }, });
        }
        let doc = doc_attrs(if shape.multipart {
            "Replace the whole form."
        } else {
            "Replace the whole body, e.g. with one decoded from JSON."
        });
        self.setters.push(quote! {
            #doc
            pub fn body(mut self, body: #body) -> Self {
                self.request.body = body;
                self
            }
        });
    }
}

/// What follows the required members in the body's literal: every optional member, named
/// `None` (a body with a required member has no `Default` to fill them in).
fn body_rest(body_params: &[BodyParam]) -> TokenStream {
    let optional_inits = body_params.iter().filter(|b| b.param.optional).map(|b| {
        let member = &b.param.member;
        quote! { #member: None, }
    });
    quote! { #( #optional_inits )* }
}

/// `member: value,` in a struct literal, or `member,` when the value is a variable of that name.
fn field_init(member: &Ident, store: &TokenStream) -> TokenStream {
    if *member == store.to_string() {
        quote! { #member, }
    } else {
        quote! { #member: #store, }
    }
}

fn required_list(params: &[Param], body_params: &[BodyParam]) -> String {
    let required: Vec<String> = params
        .iter()
        .filter(|p| !p.optional)
        .map(|p| format!("`{}`", p.field.name))
        .chain(
            body_params
                .iter()
                .filter(|b| !b.param.optional)
                .map(|b| format!("`{}`", b.param.field.name)),
        )
        .collect();
    if required.is_empty() {
        "Nothing is required.".to_string()
    } else {
        format!("Required: {}.", required.join(", "))
    }
}

/// The checks of the request's own `validate`, each failure naming the field by its full
/// path from the request (`query.page_size`, `body.items[2].name`): none when its page
/// states no rules.
fn request_checks(params: &[Param], body_validates: bool) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for p in params {
        let mut field = p.field.clone();
        field.name = format!("{}.{}", p.place.wire_name(), field.name);
        if let Some(check) = value_checks(&field, false, quote! { v }) {
            let member = &p.member;
            checks.push(if p.optional {
                quote! { if let Some(v) = &self.#member { #check } }
            } else {
                quote! { { let v = &self.#member; #check } }
            });
        }
    }
    if body_validates {
        checks.push(quote! { self.body.validate().map_err(|e| e.within("body"))?; });
    }
    checks
}

/// The request's own `validate` (so a caller needs no trait import), which
/// `Endpoint::validate` calls.
fn request_validate(checks: &[TokenStream]) -> TokenStream {
    let what = if checks.is_empty() {
        "Its page states no rules to check: always `Ok`."
    } else {
        "Checks the rules the documentation states, as the call does before sending."
    };
    let doc = doc_attrs(&format!(
        "{what}\n\nThe same as [`runtime::Endpoint::validate`](crate::runtime::Endpoint::validate), without importing the trait."
    ));
    quote! {
        #doc
        #[inline]
        pub fn validate(&self) -> Result<(), feishu_runtime::ValidationError> {
            #( #checks )*
            Ok(())
        }
    }
}

/// `Endpoint::into_api_request`: the request as the runtime sends it.
fn api_request(
    spec: &Spec,
    params: &[Param],
    body_params: &[BodyParam],
    shape: RequestShape,
) -> TokenStream {
    let RequestShape {
        has_body,
        multipart,
    } = shape;
    let method = match spec.http.method {
        HttpMethod::Get => quote! { Get },
        HttpMethod::Post => quote! { Post },
        HttpMethod::Put => quote! { Put },
        HttpMethod::Patch => quote! { Patch },
        HttpMethod::Delete => quote! { Delete },
    };
    let path = &spec.http.path;
    let tokens = spec.auth.tokens.iter().map(|t| match t {
        TokenKind::Tenant => quote! { feishu_runtime::TokenKind::Tenant },
        TokenKind::User => quote! { feishu_runtime::TokenKind::User },
        TokenKind::App => quote! { feishu_runtime::TokenKind::App },
    });
    let adds = params.iter().map(param_add);
    let body = match (has_body, multipart) {
        (false, _) => None,
        (true, false) => Some(quote! { call = call.json_body(&self.body)?; }),
        (true, true) => Some(form_body(body_params)),
    };
    let mutable = if params.is_empty() && !has_body {
        quote! {}
    } else {
        quote! { mut }
    };
    quote! {
        #[inline]
        fn into_api_request(self) -> feishu_runtime::Result<feishu_runtime::ApiRequest> {
            let #mutable call = feishu_runtime::ApiRequest::new(feishu_runtime::Method::#method, #path)
                .tokens(&[#( #tokens ),*])
                .errors(ERRORS);
            #( #adds )*
            #body
            Ok(call)
        }
    }
}

/// The statement that puts one parameter on the call: path, query or header, as text or
/// (for structured values) as JSON, once per element of an array.
fn param_add(p: &Param) -> TokenStream {
    let (member, wire) = (&p.member, &p.field.name);
    let repeated = p.field.ty == FieldType::Array;
    let element_ty = match (&p.field.items, repeated) {
        (Some(items), true) => items.ty,
        _ => p.field.ty,
    };
    // Scalars go as text; structured values (objects, `any`) as their JSON.
    let structured = matches!(
        element_ty,
        FieldType::Object | FieldType::Map | FieldType::Any | FieldType::Array
    );
    let add = |v: TokenStream| match (p.place, structured) {
        (Place::Path, false) => quote! { call = call.path_param(#wire, #v); },
        (Place::Query, false) => quote! { call = call.query(#wire, #v); },
        (Place::Header | Place::Body, false) | (Place::Body, true) => {
            quote! { call = call.header(#wire, #v); }
        }
        (Place::Path, true) => {
            quote! { call = call.path_param(#wire, serde_json::to_string(#v).map_err(feishu_runtime::Error::Encode)?); }
        }
        (Place::Query, true) => quote! { call = call.query_json(#wire, #v)?; },
        (Place::Header, true) => {
            quote! { call = call.header(#wire, serde_json::to_string(#v).map_err(feishu_runtime::Error::Encode)?); }
        }
    };
    match (p.optional, repeated) {
        (false, false) => add(quote! { &self.#member }),
        (false, true) => {
            let each = add(quote! { v });
            quote! { for v in &self.#member { #each } }
        }
        (true, false) => {
            let each = add(quote! { v });
            quote! { if let Some(v) = &self.#member { #each } }
        }
        (true, true) => {
            let each = add(quote! { v });
            quote! { for v in self.#member.iter().flatten() { #each } }
        }
    }
}

/// The parts of a multipart body, in the documented order: files as file parts, scalars
/// as text, anything structured as its JSON text; an optional member only when set. The
/// form takes the body's files (the request is consumed), so nothing is copied.
fn form_body(body_params: &[BodyParam]) -> TokenStream {
    let parts = body_params.iter().map(|BodyParam { param: p, .. }| {
        let (member, wire) = (&p.member, &p.field.name);
        let v = quote! { self.body.#member };
        let scalar = matches!(
            p.field.ty,
            FieldType::String
                | FieldType::Int
                | FieldType::Int64
                | FieldType::Float
                | FieldType::Bool
        );
        let files = p.field.ty == FieldType::Array
            && p.field
                .items
                .as_deref()
                .is_some_and(|i| i.ty == FieldType::File);
        match (p.field.ty, files, scalar, p.optional) {
            (FieldType::File, _, _, false) => quote! { .file(#wire, #v) },
            (FieldType::File, _, _, true) => quote! { .optional_file(#wire, #v) },
            (_, true, _, false) => quote! { .files(#wire, #v) },
            (_, true, _, true) => quote! { .files(#wire, #v.unwrap_or_default()) },
            (_, _, true, false) => quote! { .text(#wire, &#v) },
            (_, _, true, true) => quote! { .optional_text(#wire, #v.as_ref()) },
            (_, _, false, false) => quote! { .json(#wire, &#v)? },
            (_, _, false, true) => quote! { .optional_json(#wire, #v.as_ref())? },
        }
    });
    quote! {
        let form = feishu_runtime::MultipartForm::new() #( #parts )*;
        call = call.multipart_body(form);
    }
}

/// `pub mod errors` with one constant per documented code, and the `ERRORS` table.
fn error_items(spec: &Spec) -> TokenStream {
    let constants = constant_names(&spec.errors).into_iter().map(|(e, name)| {
        let name = Ident::new(&name, Span::call_site());
        let code = Literal::i64_unsuffixed(e.code);
        let doc = doc_attrs(&match &e.hint {
            Some(hint) => format!("{} (HTTP {}): {hint}", e.message, e.http_status),
            None => format!("{} (HTTP {}).", e.message, e.http_status),
        });
        quote! { #doc pub const #name: i64 = #code; }
    });
    let rows = spec.errors.iter().map(|e| {
        let (status, code, message) = (Literal::u16_unsuffixed(e.http_status), Literal::i64_unsuffixed(e.code), &e.message);
        let hint = e.hint.as_ref().map_or(quote! { None }, |h| quote! { Some(#h) });
        quote! { feishu_runtime::DocumentedError { http_status: #status, code: #code, message: #message, hint: #hint }, }
    });
    let module = (!spec.errors.is_empty()).then(|| {
        quote! {
            /// Error codes the documentation lists for this endpoint; compare with
            /// [`runtime::ApiError::code`](crate::runtime::ApiError::code).
            pub mod errors {
                #( #constants )*
            }
        }
    });
    quote! {
        #module
        /// The documented error table, so errors carry the documented hint.
        pub const ERRORS: &[feishu_runtime::DocumentedError] = &[ #( #rows )* ];
    }
}

/// The client method on the resource struct.
pub fn client_method(spec: &Spec) -> TokenStream {
    let names = Names::of(spec);
    let (method, module, request, response) = (
        &names.method,
        &names.module,
        &names.request,
        &names.response,
    );
    let stream = format_ident!("{}_stream", unraw(method));
    let mut doc = client_doc(spec);
    if paging(spec).is_some() {
        doc.push_str(&format!(
            "\n\n[`Self::{stream}`] gives every item across pages as one stream."
        ));
    }
    if is_download(spec) {
        return download_method(&names, doc);
    }
    let doc = doc_attrs(&doc);
    let stream_method = paging(spec).map(|_| {
        let doc = doc_attrs(&format!(
            "Every item of [`Self::{method}`] across all pages, fetched page by page as the \
             stream is read. It starts at the request's page token (none: the first page) and \
             ends after the last page or the first error; `.limit(n)` stops after `n` items.",
        ));
        quote! {
            #doc
            #[inline]
            pub fn #stream(
                &self,
                request: #module::#request,
            ) -> feishu_runtime::ItemStream<'a, <#module::#response as feishu_runtime::Page>::Item> {
                self.core.stream(request)
            }
        }
    });
    quote! {
        #doc
        #[inline]
        pub fn #method(&self, request: #module::#request) -> feishu_runtime::Call<'a, #module::#response> {
            self.core.call(request)
        }
        #stream_method
    }
}

/// A download's client method: the reply is streamed into `out`.
fn download_method(names: &Names, mut doc: String) -> TokenStream {
    let (method, module, request) = (&names.method, &names.module, &names.request);
    doc.push_str(
        "\n\nThe reply is a file: it is streamed into `out` chunk by chunk, and the file \
         name comes back from `Content-Disposition`.",
    );
    let doc = doc_attrs(&doc);
    quote! {
        #doc
        pub async fn #method<W>(
            &self,
            request: #module::#request,
            out: &mut W,
        ) -> feishu_runtime::Result<feishu_runtime::Download>
        where
            W: feishu_runtime::AsyncWrite + Unpin + ?Sized,
        {
            self.core.download_into(request, out).await
        }
    }
}

/// The client method's doc: title, summary, the call, tokens, scopes and rate limit.
fn client_doc(spec: &Spec) -> String {
    let mut doc = spec.title.clone();
    if let Some(summary) = &spec.summary {
        doc.push_str("\n\n");
        doc.push_str(summary);
    }
    doc.push_str(&format!("\n\n`{} {}`", spec.http.method, spec.http.path));
    if !spec.auth.tokens.is_empty() {
        let tokens: Vec<String> = spec
            .auth
            .tokens
            .iter()
            .map(|t| format!("`{}`", t.token_name()))
            .collect();
        doc.push_str(&format!("\n\nTokens: {}.", tokens.join(", ")));
    }
    if !spec.auth.scopes.is_empty() {
        let scopes: Vec<String> = spec
            .auth
            .scopes
            .iter()
            .map(|s| match &s.description {
                Some(d) => format!("`{}` ({d})", s.name),
                None => format!("`{}`", s.name),
            })
            .collect();
        doc.push_str(&format!("\n\nScopes: {}.", scopes.join(", ")));
    }
    if let Some(rate) = &spec.rate_limit {
        doc.push_str(&format!("\n\nRate limit: {rate}."));
    }
    doc
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;
    use syn::{ImplItem, Item};

    use super::*;
    use crate::emit::type_facts;
    use crate::spec::yaml;

    /// The checked-in upload endpoint's module, parsed.
    fn upload_module() -> syn::File {
        let spec: Spec =
            yaml::from_str(include_str!("../../../specs/ir/im/v1/file/create.yaml")).unwrap();
        let types = type_facts::of_service(&[&spec], "im").unwrap();
        let tokens = module(&spec, types.endpoint(&spec.id)).unwrap();
        syn::parse2(tokens).unwrap()
    }

    /// The method `name` of the impl block for `ty` (inherent or a trait's).
    fn method<'a>(file: &'a syn::File, ty: &str, name: &str) -> &'a syn::ImplItemFn {
        file.items
            .iter()
            .filter_map(|item| match item {
                Item::Impl(block) if block.self_ty.to_token_stream().to_string() == ty => {
                    Some(block)
                }
                _ => None,
            })
            .flat_map(|block| &block.items)
            .find_map(|item| match item {
                ImplItem::Fn(f) if f.sig.ident == name => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {ty}::{name}"))
    }

    fn doc(attrs: &[syn::Attribute]) -> String {
        attrs
            .iter()
            .filter_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => {
                    Some(nv.value.to_token_stream().to_string())
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_form_is_one_chain_of_parts_that_takes_the_files() {
        let file = upload_module();
        let body = &method(&file, "CreateRequest", "into_api_request").block;
        let form = body
            .stmts
            .iter()
            .find_map(|stmt| match stmt {
                syn::Stmt::Local(local) if local.pat.to_token_stream().to_string() == "form" => {
                    local
                        .init
                        .as_ref()
                        .map(|init| init.expr.to_token_stream().to_string())
                }
                _ => None,
            })
            .expect("`let form = …;`");
        let expected: syn::Expr = syn::parse_quote! {
            feishu_runtime::MultipartForm::new()
                .text("file_type", &self.body.file_type)
                .text("file_name", &self.body.file_name)
                .optional_text("duration", self.body.duration.as_ref())
                .file("file", self.body.file)
        };
        assert_eq!(form, expected.to_token_stream().to_string());
        // No block per field, and no copy of a file.
        let text = body.to_token_stream().to_string();
        assert!(!text.contains("clone"), "{text}");
        assert!(!text.contains("let v"), "{text}");
    }

    #[test]
    fn a_setter_links_to_the_member_that_holds_the_page_s_doc() {
        let file = upload_module();
        let setter = method(&file, "CreateRequestBuilder", "duration");
        assert_eq!(
            doc(&setter.attrs),
            r#"" Sets the body field `duration`: see [`CreateRequestBody::duration`].""#
        );
    }
}
