//! `<service>/models.rs`: the shared types [`super::shared::collect`] decided on, written
//! by the same struct writer as an endpoint's.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::shared::Shared;
use super::types::Types;

/// `<service>/models.rs`: the shared structs and enums, `None` when the service has none.
pub fn models_items(shared: &Shared, service: &str) -> Result<Option<TokenStream>, EmitError> {
    if shared.types.is_empty() && shared.enums.is_empty() {
        return Ok(None);
    }
    let names: Vec<&str> = shared
        .types
        .keys()
        .chain(shared.enums.keys())
        .map(String::as_str)
        .collect();
    let id = format!("{service} models");
    let mut types = Types::new(&id, &names, shared);
    for (name, shared) in &shared.types {
        types.define_named(name, &shared.doc, &shared.fields, shared.side)?;
    }
    for (name, shared) in &shared.enums {
        types.define_enum_named(name, &shared.wire_name, &shared.shape, shared.key.clone());
    }
    let doc = format!(
        "Types that several `{service}` endpoints share: one type where their fields agree."
    );
    let items = types.into_items();
    Ok(Some(quote! { #![doc = #doc] #items }))
}
