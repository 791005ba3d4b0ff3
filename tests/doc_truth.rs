//! What a generated endpoint file's docs claim, next to what its code does (issue 16,
//! point 5): the request's doc says it is checked only when its `validate` checks
//! something, error constants have names, and doc links name paths a user can write.

#![allow(dead_code)]

use syn::{ImplItem, Item};

/// The request struct's doc says the client checks the documented rules.
pub const CLAIM: &str = "The client checks it against the rules the documentation states";

#[derive(Debug, Default, PartialEq)]
pub struct DocFacts {
    /// The request struct whose `Endpoint` impl the file has (none: not an endpoint file).
    pub request: Option<String>,
    /// Its doc makes [`CLAIM`].
    pub claims_checks: bool,
    /// Its own `validate` checks something (it has more than its closing `Ok(())`).
    pub validates: bool,
    /// The constants of `mod errors`.
    pub error_names: Vec<String>,
    /// Doc lines that name the runtime crate by its own name, which users of the
    /// generated crate cannot write.
    pub runtime_crate_docs: Vec<String>,
}

pub fn facts(text: &str) -> DocFacts {
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("does not parse: {e}"));
    let mut facts = DocFacts::default();
    for item in &file.items {
        match item {
            Item::Impl(block) if is_endpoint_impl(block) => {
                if let syn::Type::Path(ty) = &*block.self_ty {
                    facts.request = ty.path.segments.last().map(|s| s.ident.to_string());
                }
            }
            Item::Mod(m) if m.ident == "errors" => {
                let items = m.content.as_ref().map(|(_, items)| items.as_slice());
                for item in items.unwrap_or_default() {
                    if let Item::Const(c) = item {
                        facts.error_names.push(c.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(request) = &facts.request {
        facts.validates = file.items.iter().any(|item| match item {
            Item::Impl(block) if block.trait_.is_none() && type_named(&block.self_ty, request) => {
                block.items.iter().any(|i| {
                    matches!(i, ImplItem::Fn(f) if f.sig.ident == "validate" && f.block.stmts.len() > 1)
                })
            }
            _ => false,
        });
        facts.claims_checks = file.items.iter().any(|item| {
            matches!(item, Item::Struct(s) if s.ident == request && doc_of(&s.attrs).contains(CLAIM))
        });
    }
    facts.runtime_crate_docs = text
        .lines()
        .map(str::trim)
        .filter(|l| (l.starts_with("///") || l.starts_with("//!")) && l.contains("feishu_runtime"))
        .map(str::to_string)
        .collect();
    facts
}

fn type_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

fn is_endpoint_impl(block: &syn::ItemImpl) -> bool {
    block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "Endpoint")
}

fn doc_of(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `CODE_232009`: a constant named by its code alone.
pub fn is_numbered(name: &str) -> bool {
    name.strip_prefix("CODE_")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
}
