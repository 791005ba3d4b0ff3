//! One endpoint → its module (request, builder, body, response, error codes) and the client
//! method that sends it.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::EmitError;
use super::docs::{doc_attrs, field_doc, inner_doc_attrs};
use super::enums::shape_of;
use super::facts::{Names, is_download, is_multipart, paging, resource_of};
use super::naming::{camel, ident, is_raw, shouty, snake, unraw};
use super::shapes::{Side, member_names};
use super::shared::Shared;
use super::types::{Types, form_file, value_checks};
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
pub fn module(spec: &Spec, shared: &Shared) -> Result<TokenStream, EmitError> {
    let names = Names::of(spec);
    let reserved = names.reserved();
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut types = Types::new(&spec.id, &reserved, shared);
    define_body_and_response(spec, &names, &mut types)?;
    let request = &names.request;
    let (params, body_params) = request_params(spec, &names, &mut types)?;
    let shape = RequestShape {
        has_body: spec.request.is_some(),
        multipart: is_multipart(spec),
    };

    let request_struct = request_struct(spec, &names, &params, shape);
    let (builder_fn, builder_type) = builder_items(&names, &params, &body_params, shape);
    let body_validates = shape.has_body && types.has_validate(&names.body.to_string());
    let validate = request_validate(&params, body_validates);
    let to_api = api_request(spec, &params, &body_params, shape);
    let paging = paging_impls(spec, &names, &params, &body_params, &mut types)?;
    let errors = error_items(spec);
    let response_ty = if is_download(spec) {
        quote! { feishu_runtime::Download }
    } else {
        let response = &names.response;
        quote! { #response }
    };
    let structs = types.into_items();
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

/// The body struct (JSON or form) and the response struct, defined first so they keep
/// their names.
fn define_body_and_response(
    spec: &Spec,
    names: &Names,
    types: &mut Types,
) -> Result<(), EmitError> {
    let (request, body, response) = (&names.request, &names.body, &names.response);
    if is_multipart(spec) {
        let doc = format!("The `multipart/form-data` body of [`{request}`]: its files and fields.");
        types.define_form(&body.to_string(), &doc, body_fields(spec))?;
    } else if spec.request.is_some() {
        let doc = format!("JSON body of [`{request}`].");
        types.define_named(&body.to_string(), &doc, body_fields(spec), Side::Request)?;
    }
    if !is_download(spec) {
        let response_fields = spec
            .response
            .as_ref()
            .map(|r| r.fields.as_slice())
            .unwrap_or_default();
        let response_doc = format!("The `data` of a successful reply to [`{request}`].");
        types.define_named(
            &response.to_string(),
            &response_doc,
            response_fields,
            Side::Response,
        )?;
    }
    Ok(())
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
    names: &Names,
    types: &mut Types,
) -> Result<(Vec<Param<'a>>, Vec<BodyParam<'a>>), EmitError> {
    let (request, body) = (names.request.to_string(), names.body.to_string());
    let mut params = Vec::new();
    let mut taken: HashSet<String> = ["body", "build"].map(String::from).into();
    for (fields, place) in [
        (&spec.path_params, Place::Path),
        (&spec.query_params, Place::Query),
        (&spec.headers, Place::Header),
    ] {
        for field in fields {
            let ty = types.rust_type(field, &request, Side::Request)?.tokens;
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
            (true, Some(ty)) => ty,
            _ => types.rust_type(field, &body, Side::Request)?.tokens,
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
    types: &mut Types,
) -> Result<Option<TokenStream>, EmitError> {
    let Some(paging) = paging(spec) else {
        return Ok(None);
    };
    let (request, response) = (&names.request, &names.response);
    let in_query = paging.token_in == TokenIn::Query;
    let token = params
        .iter()
        .chain(body_params.iter().map(|b| &b.param))
        .find(|p| p.field.name == paging.token_param && (p.place == Place::Query) == in_query);
    let Some(token) = token else {
        return Ok(None);
    };
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
            .map(|(m, f)| (m, f.clone()))
    };
    let items_wire = paging.items_field.as_deref().unwrap_or_default();
    let (Some((items, items_field)), Some((has_more, _)), Some((next, _))) = (
        member_of(items_wire),
        member_of(&paging.has_more_field),
        member_of(&paging.next_token_field),
    ) else {
        return Ok(None);
    };
    let item_ty = types.element_type(&items_field, &response.to_string(), Side::Response)?;
    Ok(Some(quote! {
        impl feishu_runtime::PageRequest for #request {
            fn set_page_token(&mut self, token: String) {
                #store
            }
        }

        impl feishu_runtime::Page for #response {
            type Item = #item_ty;

            fn into_parts(self) -> (Vec<Self::Item>, bool, Option<String>) {
                (self.#items.unwrap_or_default(), self.#has_more.unwrap_or(false), self.#next)
            }
        }
    }))
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
) -> TokenStream {
    let RequestShape {
        has_body,
        multipart,
    } = shape;
    let (request, body) = (&names.request, &names.body);
    let doc = doc_attrs(&format!(
        "Request for {} (`{} {}`).\n\nBuild it with [`{request}::builder`].",
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

fn param_doc(param: &Param) -> String {
    let place = match param.place {
        Place::Path => "Path parameter",
        Place::Query => "Query parameter",
        Place::Header => "Header",
        Place::Body => "Body field",
    };
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
    parts.add_params(params);
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
    fn add_params(&mut self, params: &[Param]) {
        for p in params {
            let member = &p.member;
            let (arg, store) = argument(member, p.field, &p.ty);
            if p.optional {
                self.inits.push(quote! { #member: None, });
                let doc = doc_attrs(&param_doc(p));
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
                let doc = doc_attrs(&param_doc(p));
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

/// The request's own `validate` (so a caller needs no trait import), which
/// `Endpoint::validate` calls. Each failure names the field by its full path from the
/// request (`query.page_size`, `body.items[2].name`).
fn request_validate(params: &[Param], body_validates: bool) -> TokenStream {
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
    let what = if checks.is_empty() {
        "Its page states no rules to check: always `Ok`."
    } else {
        "Checks the rules the documentation states, as the call does before sending."
    };
    let doc = doc_attrs(&format!(
        "{what}\n\nThe same as [`feishu_runtime::Endpoint::validate`], without importing the trait."
    ));
    quote! {
        #doc
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
/// as text, anything structured as its JSON text.
fn form_body(body_params: &[BodyParam]) -> TokenStream {
    if body_params.is_empty() {
        return quote! { call = call.multipart_body(feishu_runtime::MultipartForm::new()); };
    }
    let parts = body_params.iter().map(|BodyParam { param: p, .. }| {
        let (member, wire) = (&p.member, &p.field.name);
        let add = |v: TokenStream| match (p.field.ty, p.field.items.as_deref().map(|i| i.ty)) {
            (FieldType::File, _) => quote! { form = form.file(#wire, #v.clone()); },
            (FieldType::Array, Some(FieldType::File)) => {
                quote! { for file in #v { form = form.file(#wire, file.clone()); } }
            }
            (FieldType::String | FieldType::Int | FieldType::Int64 | FieldType::Float | FieldType::Bool, _) => {
                quote! { form = form.text(#wire, #v); }
            }
            _ => quote! {
                form = form.text(#wire, serde_json::to_string(#v).map_err(feishu_runtime::Error::Encode)?);
            },
        };
        let each = add(quote! { v });
        if p.optional {
            quote! { if let Some(v) = &self.body.#member { #each } }
        } else {
            quote! { { let v = &self.body.#member; #each } }
        }
    });
    quote! {
        let mut form = feishu_runtime::MultipartForm::new();
        #( #parts )*
        call = call.multipart_body(form);
    }
}

/// `pub mod errors` with one constant per documented code, and the `ERRORS` table.
fn error_items(spec: &Spec) -> TokenStream {
    let mut seen = HashSet::new();
    let constants = spec.errors.iter().filter(|e| seen.insert(e.code)).map(|e| {
        // From the message when it names the error alone and briefly, else from the code.
        let unique = |name: &String| {
            spec.errors
                .iter()
                .filter(|o| o.code != e.code && shouty(&o.message).as_ref() == Some(name))
                .count()
                == 0
        };
        let name = shouty(&e.message)
            .filter(|name| name.len() <= 60 && unique(name))
            .unwrap_or_else(|| format!("CODE_{}", e.code));
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
            /// [`feishu_runtime::ApiError::code`].
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
            " [`Self::{stream}`] gives every item across pages as one stream."
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
    doc.push_str("\n\nThe request is validated against the documented rules before it is sent.");
    doc
}
