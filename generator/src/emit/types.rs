//! The struct and enum writer: the items one module's [`ModuleTypes`] lists, written as
//! Rust. Every decision about them (names, sides, sharing, members' types, validation)
//! was made by the type-facts pass; this module only spells them.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, field_doc};
use super::enums::{EnumShape, enum_items, shape_of};
use super::naming::{ident, unraw};
use super::shapes::{Side, element_of};
use super::type_facts::{MemberFacts, ModuleTypes, Shape, StructFacts, TypeDef, TypeRef};
use crate::spec::{Field, FieldType};

/// Every struct and enum of a module, in the order the facts list them.
pub fn module_items(types: &ModuleTypes) -> TokenStream {
    let items = types.defs.iter().map(|def| match def {
        TypeDef::Struct(facts) => struct_items(facts),
        TypeDef::Enum(facts) => enum_items(&facts.name, &facts.wire_name, &facts.shape),
    });
    quote! { #( #items )* }
}

/// A type as Rust (without the `Option`).
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::I64 => quote! { i64 },
        TypeRef::Int64 => quote! { feishu_runtime::Int64 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Bool => quote! { bool },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::FileUpload => quote! { feishu_runtime::FileUpload },
        TypeRef::Named(path) => {
            let segments = path.split("::").map(|s| Ident::new(s, Span::call_site()));
            quote! { #( #segments )::* }
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
    }
}

/// One struct: its members with their docs, its `validate` method when it has one, and
/// for a JSON struct its serde and `Debug` impls.
fn struct_items(facts: &StructFacts) -> TokenStream {
    let StructFacts {
        name,
        doc,
        side,
        shape,
        members,
        validates,
    } = facts;
    let type_ident = Ident::new(name, Span::call_site());
    let mut tokens = Vec::new();
    let mut wire = Vec::new();
    let mut checks = Vec::new();
    for facts in members {
        let MemberFacts {
            member,
            field,
            ty,
            optional,
            nested_validates,
        } = facts;
        let member = ident(member);
        let value_ty = type_tokens(ty);
        let mut doc = field_doc(field, *side == Side::Request);
        if *shape == Shape::Json && unraw(&member) != field.name {
            doc.push_str(&format!("\n\nOn the wire: `{}`.", field.name));
        }
        let doc = doc_attrs(&doc);
        let ty = if *optional {
            quote! { Option<#value_ty> }
        } else {
            value_ty
        };
        tokens.push(quote! { #doc pub #member: #ty, });
        wire.push(Member {
            ident: member.clone(),
            wire: field.name.clone(),
            optional: *optional,
            lenient: lenient_number(field, *side),
        });
        if *side == Side::Request
            && let Some(check) = value_checks(field, *nested_validates, quote! { v })
        {
            checks.push(if *optional {
                quote! { if let Some(v) = &self.#member { #check } }
            } else {
                quote! { { let v = &self.#member; #check } }
            });
        }
    }
    let doc = doc_attrs(doc);
    let validate = validates.then(|| {
        quote! {
            impl #type_ident {
                /// Checks the rules the documentation states for these fields.
                #[inline]
                pub fn validate(&self) -> Result<(), feishu_runtime::ValidationError> {
                    #( #checks )*
                    Ok(())
                }
            }
        }
    });
    let derives = struct_derives(*shape, &wire);
    let serde = (*shape == Shape::Json).then(|| object_impls(&type_ident, &wire));
    let placeholder = (*shape == Shape::Json).then(|| placeholder_impl(&type_ident, &wire));
    quote! {
        #doc
        #derives
        pub struct #type_ident { #( #tokens )* }
        #validate
        #serde
        #placeholder
    }
}

/// The derives of a struct: `Debug` comes with a JSON struct's serde impls (the members
/// a value has, as on the wire). Only a struct whose members are all optional has
/// `Default`: one with a required member is made by its builder or a literal that names
/// every required member, so none is left empty by accident (decoding starts from
/// [`placeholder_impl`] instead).
fn struct_derives(shape: Shape, members: &[Member]) -> TokenStream {
    let default = members
        .iter()
        .all(|m| m.optional)
        .then(|| quote! { Default, });
    match shape {
        Shape::Json => quote! { #[derive(Clone, #default PartialEq)] },
        Shape::Form => quote! { #[derive(Clone, Debug, #default PartialEq)] },
    }
}

/// What decoding a JSON struct with required members starts from (a struct with none
/// has `Default`, which is its placeholder): each required member's own placeholder,
/// overwritten by the member's value or reported missing.
fn placeholder_impl(ty: &Ident, members: &[Member]) -> Option<TokenStream> {
    if members.iter().all(|m| m.optional) {
        return None;
    }
    let inits = members.iter().map(|m| {
        let ident = &m.ident;
        if m.optional {
            quote! { #ident: None, }
        } else {
            quote! { #ident: feishu_runtime::object::Placeholder::placeholder(), }
        }
    });
    Some(quote! {
        impl feishu_runtime::object::Placeholder for #ty {
            fn placeholder() -> Self {
                Self { #( #inits )* }
            }
        }
    })
}

/// Checks for one field's value `v` (a reference), or `None` when nothing is checked.
/// `nested_validates`: the field is an object (or array of objects) whose struct has a
/// `validate` method.
pub fn value_checks(field: &Field, nested_validates: bool, v: TokenStream) -> Option<TokenStream> {
    let name = &field.name;
    let r = &field.rules;
    let mut checks = Vec::new();
    let opt_u64 = |x: Option<u64>| match x.map(Literal::u64_unsuffixed) {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    };
    let opt_f64 = |x: &Option<serde_json::Number>| match x
        .as_ref()
        .and_then(|n| n.as_f64())
        .map(Literal::f64_unsuffixed)
    {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    };
    let opt_i64 = |x: Option<i64>| match x.map(Literal::i64_unsuffixed) {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    };
    if shape_of(field).is_some() {
        // The value is one of the listed ones (or a new one): lengths and patterns are
        // the documented values' business.
        return None;
    }
    match field.ty {
        FieldType::String => {
            if r.min_length.is_some() || r.max_length.is_some() {
                let (min, max) = (opt_u64(r.min_length), opt_u64(r.max_length));
                checks.push(quote! { feishu_runtime::validate::length(#name, #v, #min, #max)?; });
            }
            if let Some(pattern) = &r.pattern {
                checks.push(quote! { feishu_runtime::validate::pattern(#name, #v, #pattern)?; });
            }
        }
        FieldType::Float if r.min.is_some() || r.max.is_some() => {
            let (min, max) = (opt_f64(&r.min), opt_f64(&r.max));
            checks.push(quote! { feishu_runtime::validate::range(#name, *#v, #min, #max)?; });
        }
        FieldType::Int | FieldType::Int64 if r.min.is_some() || r.max.is_some() => {
            let min = opt_i64(int_bound(&r.min, f64::ceil));
            let max = opt_i64(int_bound(&r.max, f64::floor));
            let number = match field.ty {
                FieldType::Int64 => quote! { #v.get() },
                _ => quote! { *#v },
            };
            checks
                .push(quote! { feishu_runtime::validate::int_range(#name, #number, #min, #max)?; });
        }
        FieldType::Array => {
            if r.min_items.is_some() || r.max_items.is_some() {
                let (min, max) = (opt_u64(r.min_items), opt_u64(r.max_items));
                checks.push(
                    quote! { feishu_runtime::validate::items(#name, #v.len(), #min, #max)?; },
                );
            }
            if let Some(mut element) = element_of(field) {
                // An item is checked by itself (the empty name); `each` and `within` put
                // its index and the array's name in front.
                element.name = String::new();
                if let Some(check) = value_checks(&element, nested_validates, quote! { item }) {
                    checks.push(quote! {
                        feishu_runtime::validate::each(#v, |item| { #check Ok(()) })
                            .map_err(|e| e.within(#name))?;
                    });
                }
            }
        }
        FieldType::Object if nested_validates && name.is_empty() => {
            checks.push(quote! { #v.validate()?; });
        }
        FieldType::Object if nested_validates => {
            checks.push(quote! { #v.validate().map_err(|e| e.within(#name))?; });
        }
        _ => {}
    }
    (!checks.is_empty()).then(|| quote! { #( #checks )* })
}

/// An integer field's bound as an integer: a fractional bound is rounded inwards
/// (`round`: `ceil` for a minimum, `floor` for a maximum), so the same integers pass.
fn int_bound(bound: &Option<serde_json::Number>, round: fn(f64) -> f64) -> Option<i64> {
    let bound = bound.as_ref()?;
    // `as` saturates: a bound beyond i64 allows every i64 on that side.
    bound
        .as_i64()
        .or_else(|| bound.as_f64().map(|x| round(x) as i64))
}

/// Numbers in replies also decode from strings (`"42"`) and `""`, which Feishu sends
/// where its pages say number: the `feishu_runtime::lenient` reader of such a member.
fn lenient_number(field: &Field, side: Side) -> Option<TokenStream> {
    if side == Side::Request {
        return None;
    }
    if let Some(EnumShape::Int(_)) = shape_of(field) {
        return Some(quote! { feishu_runtime::lenient::read_enum });
    }
    match field.ty {
        FieldType::Int => Some(quote! { feishu_runtime::lenient::read_i64 }),
        FieldType::Float => Some(quote! { feishu_runtime::lenient::read_f64 }),
        _ => None,
    }
}

/// One member of a JSON struct as its serde impls see it.
struct Member {
    ident: Ident,
    wire: String,
    optional: bool,
    /// How a reply's number is read, when it is read leniently.
    lenient: Option<TokenStream>,
}

/// `Debug`, `Serialize`, `Deserialize` and `feishu_runtime::object::Object` for a JSON
/// struct: a line per member each way, where a derive would write several functions'
/// worth (see the runtime's `object` module for why).
fn object_impls(ty: &Ident, members: &[Member]) -> TokenStream {
    let wire: Vec<&str> = members.iter().map(|m| m.wire.as_str()).collect();
    let required: Vec<Literal> = members
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.optional)
        .map(|(i, _)| Literal::usize_unsuffixed(i))
        .collect();
    let decode = decode_member(members);
    let writes: Vec<TokenStream> = members
        .iter()
        .map(|m| {
            let (ident, wire) = (&m.ident, &m.wire);
            if m.optional {
                quote! { out.optional(#wire, &self.#ident); }
            } else {
                quote! { out.required(#wire, &self.#ident); }
            }
        })
        .collect();
    let serialize = if writes.is_empty() {
        quote! { feishu_runtime::object::Members::new(serializer)?.end() }
    } else {
        quote! {
            let mut out = feishu_runtime::object::Members::new(serializer)?;
            #( #writes )*
            out.end()
        }
    };
    quote! {
        impl std::fmt::Debug for #ty {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                feishu_runtime::object::debug(self, f)
            }
        }

        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                feishu_runtime::object::deserialize(deserializer, &[#( #wire ),*], &[#( #required ),*])
            }
        }

        impl feishu_runtime::object::Object for #ty {
            #decode
        }
    }
}

/// `Object::decode_member`: the member at `index` of the names `Deserialize` passes, read
/// into its field.
fn decode_member(members: &[Member]) -> TokenStream {
    let reads: Vec<TokenStream> = members
        .iter()
        .map(|m| {
            let ident = &m.ident;
            match &m.lenient {
                Some(reader) => quote! { #reader(map, &mut self.#ident) },
                None => quote! { feishu_runtime::object::read(map, &mut self.#ident) },
            }
        })
        .collect();
    match reads.as_slice() {
        [] => quote! {
            fn decode_member<'de, A: serde::de::MapAccess<'de>>(&mut self, _index: usize, _map: &mut A) -> Result<(), A::Error> {
                Ok(())
            }
        },
        reads => {
            let indexes = (0..reads.len()).map(Literal::usize_unsuffixed);
            quote! {
                fn decode_member<'de, A: serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
                    match index {
                        #( #indexes => #reads, )*
                        _ => Ok(()),
                    }
                }
            }
        }
    }
}
