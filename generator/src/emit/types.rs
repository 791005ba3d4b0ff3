//! IR fields → Rust structs, one endpoint module at a time. Nested objects become named
//! structs; a name is reused when the same fields come back and made distinct (prefixed by
//! the parent type) when different fields would claim it.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::EmitError;
use super::docs::{doc_attrs, field_doc};
use super::enums::{EnumKey, EnumShape, enum_items, shape_of};
use super::naming::{camel, unraw};
use super::shapes::{PRELUDE, Side, element_of, member_names, shape_key, side_of, value_of};
use super::shared::Shared;
use crate::spec::{Field, FieldType};

/// A field's Rust type (without the `Option`), and the struct defined for it when it is an
/// object or an array or map of objects: the name `has_validate` knows that struct by (a
/// local name, or a shared type's path).
pub struct RustType {
    pub tokens: TokenStream,
    pub nested: Option<String>,
}

impl RustType {
    fn plain(tokens: TokenStream) -> Self {
        RustType {
            tokens,
            nested: None,
        }
    }
}

/// A type name's definition in one module: two uses of a name agree only when their
/// definitions are equal.
#[derive(Debug, Clone, PartialEq)]
enum Def {
    /// The side and the fields' [`shape_key`].
    Struct(Side, String),
    Enum(EnumKey),
}

/// The structs and enums of one endpoint module.
pub struct Types<'a> {
    /// Endpoint id, for error messages.
    endpoint: &'a str,
    /// The service's shared types, referred to by path instead of defined here.
    shared: &'a Shared,
    /// Struct definitions in the order they were first named (parents before children).
    items: Vec<Option<TokenStream>>,
    defined: HashMap<String, Def>,
    /// Structs that got a `validate` method.
    validating: HashSet<String>,
}

impl<'a> Types<'a> {
    /// `reserved`: names the module uses for other items.
    pub fn new(endpoint: &'a str, reserved: &[&str], shared: &'a Shared) -> Self {
        let defined = reserved
            .iter()
            .chain(PRELUDE)
            .map(|name| (name.to_string(), Def::Struct(Side::Request, String::new())))
            .collect();
        Types {
            endpoint,
            shared,
            items: Vec::new(),
            defined,
            validating: HashSet::new(),
        }
    }

    pub fn into_items(self) -> TokenStream {
        let items = self.items.into_iter().flatten();
        quote! { #( #items )* }
    }

    /// `type_name`: a local struct name, or a shared type's path.
    pub fn has_validate(&self, type_name: &str) -> bool {
        self.validating.contains(type_name) || self.shared.validates(type_name)
    }

    /// Define a struct with exactly the name given (top-level types).
    pub fn define_named(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
    ) -> Result<Ident, EmitError> {
        self.defined
            .insert(name.to_string(), Def::Struct(side, shape_key(fields, side)));
        self.write_struct(name, doc, fields, side, Shape::Json)
    }

    /// Define the struct of a `multipart/form-data` body: files are
    /// [`feishu_runtime::FileUpload`]s, and nothing is (de)serialized as a whole.
    pub fn define_form(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
    ) -> Result<Ident, EmitError> {
        self.defined.insert(
            name.to_string(),
            Def::Struct(Side::Request, shape_key(fields, Side::Request)),
        );
        self.write_struct(name, doc, fields, Side::Request, Shape::Form)
    }

    /// The Rust type of one element of an array field.
    pub fn element_type(
        &mut self,
        field: &Field,
        parent: &str,
        side: Side,
    ) -> Result<TokenStream, EmitError> {
        match element_of(field) {
            Some(element) => Ok(self.rust_type(&element, parent, side)?.tokens),
            None => Ok(quote! { serde_json::Value }),
        }
    }

    /// The type of a nested object: the service's shared type when it is one, else a
    /// struct here (reused when the same fields come back).
    fn define_nested(
        &mut self,
        preferred: &str,
        parent: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
    ) -> Result<RustType, EmitError> {
        let side = side_of(side, fields);
        let key = shape_key(fields, side);
        if let Some(path) = self.shared.path_of(preferred, side, &key) {
            let tokens = path.parse().map_err(|_| {
                EmitError::new(self.endpoint, format!("bad shared type path `{path}`"))
            })?;
            return Ok(RustType {
                tokens,
                nested: Some(path),
            });
        }
        let (name, new) = self.claim(preferred, parent, Def::Struct(side, key))?;
        let ident = if new {
            self.write_struct(&name, doc, fields, side, Shape::Json)?
        } else {
            Ident::new(&name, Span::call_site())
        };
        Ok(RustType {
            tokens: quote! { #ident },
            nested: Some(name),
        })
    }

    /// The enum of a field with documented values: the service's shared one when it is
    /// one, else an enum here (reused when the same values come back).
    fn define_enum(
        &mut self,
        field: &Field,
        shape: EnumShape,
        parent: &str,
    ) -> Result<TokenStream, EmitError> {
        let preferred = camel(&field.name);
        let key = shape.key();
        if let Some(path) = self.shared.enum_path_of(&preferred, &key) {
            return path.parse().map_err(|_| {
                EmitError::new(self.endpoint, format!("bad shared type path `{path}`"))
            });
        }
        let (name, new) = self.claim(&preferred, parent, Def::Enum(key))?;
        if new {
            self.write_enum(&name, &field.name, &shape);
        }
        let ident = Ident::new(&name, Span::call_site());
        Ok(quote! { #ident })
    }

    /// Define an enum with exactly the name given (shared enums).
    pub fn define_enum_named(
        &mut self,
        name: &str,
        wire_name: &str,
        shape: &EnumShape,
        key: EnumKey,
    ) {
        self.defined.insert(name.to_string(), Def::Enum(key));
        self.write_enum(name, wire_name, shape);
    }

    fn write_enum(&mut self, name: &str, wire_name: &str, shape: &EnumShape) {
        self.items.push(Some(enum_items(name, wire_name, shape)));
    }

    /// A name for `def`: the preferred one, else prefixed by the parent type, else
    /// numbered. `true` when the name is new (the caller writes its definition); `false`
    /// when the same definition already has it.
    fn claim(
        &mut self,
        preferred: &str,
        parent: &str,
        def: Def,
    ) -> Result<(String, bool), EmitError> {
        let mut candidates = vec![preferred.to_string(), format!("{parent}{preferred}")];
        candidates.extend((2..).take(100).map(|n| format!("{parent}{preferred}{n}")));
        for name in candidates {
            match self.defined.get(&name) {
                Some(existing) if *existing == def => return Ok((name, false)),
                Some(_) => continue,
                None => {
                    self.defined.insert(name.clone(), def);
                    return Ok((name, true));
                }
            }
        }
        Err(EmitError::new(
            self.endpoint,
            format!("no free type name for `{preferred}`"),
        ))
    }

    fn write_struct(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
        shape: Shape,
    ) -> Result<Ident, EmitError> {
        let slot = self.items.len();
        self.items.push(None);
        let type_ident = Ident::new(name, Span::call_site());
        let mut members = Vec::new();
        let mut wire = Vec::new();
        let mut checks = Vec::new();
        for (member, field) in member_names(fields) {
            let RustType {
                tokens: value_ty,
                nested,
            } = match (shape, form_file(field)) {
                (Shape::Form, Some(ty)) => RustType::plain(ty),
                _ => self.rust_type(field, name, side)?,
            };
            let optional = side == Side::Response || !field.is_required();
            let mut doc = field_doc(field, side == Side::Request);
            if shape == Shape::Json && unraw(&member) != field.name {
                doc.push_str(&format!("\n\nOn the wire: `{}`.", field.name));
            }
            let doc = doc_attrs(&doc);
            let ty = if optional {
                quote! { Option<#value_ty> }
            } else {
                value_ty
            };
            members.push(quote! { #doc pub #member: #ty, });
            wire.push(Member {
                ident: member.clone(),
                wire: field.name.clone(),
                optional,
                lenient: lenient_number(field, side),
            });
            if side == Side::Request {
                let nested_validates = nested.as_deref().is_some_and(|t| self.has_validate(t));
                if let Some(check) = value_checks(field, nested_validates, quote! { v }) {
                    checks.push(if optional {
                        quote! { if let Some(v) = &self.#member { #check } }
                    } else {
                        quote! { { let v = &self.#member; #check } }
                    });
                }
            }
        }
        let doc = doc_attrs(doc);
        let validate = (!checks.is_empty()).then(|| {
            self.validating.insert(name.to_string());
            quote! {
                impl #type_ident {
                    /// Checks the rules the documentation states for these fields.
                    pub fn validate(&self) -> Result<(), feishu_runtime::ValidationError> {
                        #( #checks )*
                        Ok(())
                    }
                }
            }
        });
        let derives = struct_derives(shape, &wire);
        let serde = (shape == Shape::Json).then(|| object_impls(&type_ident, &wire));
        let placeholder = (shape == Shape::Json).then(|| placeholder_impl(&type_ident, &wire));
        self.items[slot] = Some(quote! {
            #doc
            #derives
            pub struct #type_ident { #( #members )* }
            #validate
            #serde
            #placeholder
        });
        Ok(type_ident)
    }

    /// The Rust type of a field's value (without the `Option`).
    pub fn rust_type(
        &mut self,
        field: &Field,
        parent: &str,
        side: Side,
    ) -> Result<RustType, EmitError> {
        if let Some(shape) = shape_of(field) {
            return Ok(RustType::plain(self.define_enum(field, shape, parent)?));
        }
        let plain = |tokens: TokenStream| Ok(RustType::plain(tokens));
        match field.ty {
            FieldType::String => plain(quote! { String }),
            FieldType::Int => plain(quote! { i64 }),
            FieldType::Int64 => plain(quote! { feishu_runtime::Int64 }),
            FieldType::Float => plain(quote! { f64 }),
            FieldType::Bool => plain(quote! { bool }),
            FieldType::Any => plain(quote! { serde_json::Value }),
            FieldType::Object if field.fields.is_empty() => {
                plain(quote! { serde_json::Map<String, serde_json::Value> })
            }
            FieldType::Object => {
                let doc = object_doc(field);
                self.define_nested(&camel(&field.name), parent, &doc, &field.fields, side)
            }
            FieldType::Array => {
                let RustType { tokens, nested } =
                    self.inner_type(element_of(field), parent, side)?;
                Ok(RustType {
                    tokens: quote! { Vec<#tokens> },
                    nested,
                })
            }
            FieldType::Map => {
                let RustType { tokens, nested } = self.inner_type(value_of(field), parent, side)?;
                Ok(RustType {
                    tokens: quote! { std::collections::BTreeMap<String, #tokens> },
                    nested,
                })
            }
            // A file outside a multipart body (the page says so in a JSON body or a reply):
            // whatever the wire holds.
            FieldType::File => plain(quote! { serde_json::Value }),
        }
    }

    /// The type of an array's element or a map's value; any JSON when the page gives none.
    fn inner_type(
        &mut self,
        inner: Option<Field>,
        parent: &str,
        side: Side,
    ) -> Result<RustType, EmitError> {
        match inner {
            Some(inner) => self.rust_type(&inner, parent, side),
            None => Ok(RustType::plain(quote! { serde_json::Value })),
        }
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
    let decode = match reads.as_slice() {
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
    };
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

/// How a struct travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// As JSON, through serde.
    Json,
    /// As the parts of a multipart form, one member at a time.
    Form,
}

/// The type of a form member that holds files: one file, or several under one name.
pub fn form_file(field: &Field) -> Option<TokenStream> {
    match (field.ty, field.items.as_deref().map(|i| i.ty)) {
        (FieldType::File, _) => Some(quote! { feishu_runtime::FileUpload }),
        (FieldType::Array, Some(FieldType::File)) => {
            Some(quote! { Vec<feishu_runtime::FileUpload> })
        }
        _ => None,
    }
}

fn object_doc(field: &Field) -> String {
    match &field.description {
        Some(description) => description.clone(),
        None => format!("The `{}` object.", field.name.trim_end_matches("[]")),
    }
}
