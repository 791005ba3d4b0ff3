//! Facts about one endpoint that every emitter reads the same way: its item names, and
//! whether it uploads a form, downloads a file or pages. The bottom layer of `emit/` with
//! `naming` and `docs`: it imports no other emitter module.

use proc_macro2::Ident;
use quote::format_ident;

use super::naming::{camel, ident, snake};
use crate::spec::{ContentType, Field, FieldType, Spec, TokenIn};

/// The names one endpoint's items get.
pub struct Names {
    /// The client method: `update`.
    pub method: Ident,
    /// The endpoint's module: the method's name, unless that is also the resource's
    /// (`type.type`), which would put a module inside one of its own name.
    pub module: Ident,
    pub request: Ident,
    pub body: Ident,
    pub response: Ident,
    pub builder: Ident,
    /// The resource's handle, in the module above: `Pin` for `im.v1.pin.create`.
    pub handle: Ident,
}

impl Names {
    /// The names no nested type of the module may take: the module's own items', and its
    /// resource handle's ([`handle_name`]), so that `use …::pin::{Pin, create::*}` (the
    /// handle beside the endpoint's types) never brings in two items of one name. A model
    /// the page calls `pin` is named from its parent instead (`CreateResponsePin`).
    pub fn reserved(&self) -> [String; 5] {
        [
            &self.request,
            &self.body,
            &self.response,
            &self.builder,
            &self.handle,
        ]
        .map(|i| i.to_string())
    }

    pub fn of(spec: &Spec) -> Names {
        let method = spec.id.rsplit('.').next().unwrap_or("call");
        let prefix = camel(method);
        let module = match snake(method) {
            name if name == snake(resource_of(spec)) => format!("{name}_endpoint"),
            name => name,
        };
        Names {
            method: ident(&snake(method)),
            module: ident(&module),
            request: format_ident!("{prefix}Request"),
            body: format_ident!("{prefix}RequestBody"),
            response: format_ident!("{prefix}Response"),
            builder: format_ident!("{prefix}RequestBuilder"),
            handle: format_ident!("{}", handle_name(resource_of(spec))),
        }
    }
}

/// The body is `multipart/form-data` (file uploads).
pub fn is_multipart(spec: &Spec) -> bool {
    spec.request.as_ref().is_some_and(|r| {
        r.content_type == ContentType::Multipart || r.fields.iter().any(holds_files)
    })
}

/// The reply is a file's bytes, not JSON.
pub fn is_download(spec: &Spec) -> bool {
    spec.response
        .as_ref()
        .is_some_and(|r| r.content_type == ContentType::OctetStream)
}

/// The paged-list facts the emitter can use: the pagination block, when the response has
/// the fields it names with the types a page needs.
pub fn paging(spec: &Spec) -> Option<&crate::spec::Pagination> {
    let paging = spec.pagination.as_ref()?;
    if is_download(spec) || is_multipart(spec) {
        return None;
    }
    let response = &spec.response.as_ref()?.fields;
    let has = |name: &str, ty: FieldType| response.iter().any(|f| f.name == name && f.ty == ty);
    let items = paging.items_field.as_deref()?;
    let token_place = match paging.token_in {
        TokenIn::Query => &spec.query_params,
        TokenIn::Body => &spec.request.as_ref()?.fields,
    };
    let token_is_text = token_place
        .iter()
        .any(|f| f.name == paging.token_param && f.ty == FieldType::String);
    (has(items, FieldType::Array)
        && has(&paging.has_more_field, FieldType::Bool)
        && has(&paging.next_token_field, FieldType::String)
        && token_is_text)
        .then_some(paging)
}

/// The type of a resource's handle (the struct whose methods are its endpoints' calls):
/// `aily_session` → `AilySession`.
pub fn handle_name(resource: &str) -> String {
    camel(resource)
}

/// The resource segment of the id: `aily.v1.aily_session.update` → `aily_session`.
pub fn resource_of(spec: &Spec) -> &str {
    spec.id.split('.').nth(2).unwrap_or("api")
}

/// A form member that holds files: one file, or several under one name.
pub fn holds_files(field: &Field) -> bool {
    matches!(
        (field.ty, field.items.as_deref().map(|i| i.ty)),
        (FieldType::File, _) | (FieldType::Array, Some(FieldType::File))
    )
}
