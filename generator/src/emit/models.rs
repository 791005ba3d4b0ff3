//! `<service>/models.rs`: the shared types [`super::shared::collect`] decided on, as the
//! type-facts pass lists them, written by the same struct writer as an endpoint's.

use proc_macro2::TokenStream;
use quote::quote;

use super::type_facts::ServiceTypes;
use super::types::module_items;

/// `<service>/models.rs`: the shared structs and enums, `None` when the service has none.
pub fn models_items(types: &ServiceTypes, service: &str) -> Option<TokenStream> {
    if types.shared.types.is_empty() && types.shared.enums.is_empty() {
        return None;
    }
    let doc = format!(
        "Types that several `{service}` endpoints share: one type where their fields agree."
    );
    let items = module_items(&types.models);
    Some(quote! { #![doc = #doc] #items })
}
