//! Documented value lists (`可选值有`) → Rust enums. Each has a catch-all `Unknown`
//! variant, so a value the page does not list (one Feishu adds later) still decodes, and
//! goes back on the wire exactly as it came.

use std::collections::HashSet;

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::docs::doc_attrs;
use super::naming::camel;
use crate::spec::{Field, FieldType};

/// What an enum carries on the wire: its documented values, in page order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnumShape {
    /// A JSON string.
    Str(Vec<(String, Option<String>)>),
    /// A JSON integer (replies may send it as a string holding one).
    Int(Vec<(i64, Option<String>)>),
}

/// What makes two enums the same type: their wire values and variant names. The values'
/// descriptions are documentation; pages word them differently for the same values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumKey {
    values: Vec<String>,
    variants: Vec<String>,
}

impl EnumShape {
    pub fn key(&self) -> EnumKey {
        let values = match self {
            EnumShape::Str(values) => values.iter().map(|(v, _)| format!("{v:?}")).collect(),
            EnumShape::Int(values) => values.iter().map(|(v, _)| v.to_string()).collect(),
        };
        EnumKey {
            values,
            variants: variant_names(self),
        }
    }
}

/// The enum a field's documented values make, when they make one: a `string` or `int`
/// field whose every value reads as its type. Anything else keeps its plain type (the
/// values stay in its docs).
pub fn shape_of(field: &Field) -> Option<EnumShape> {
    if field.enum_values.is_empty() {
        return None;
    }
    let values = field.enum_values.iter();
    match field.ty {
        FieldType::String => Some(EnumShape::Str(distinct(
            values
                .map(|v| (text_of(&v.value), v.description.clone()))
                .collect(),
        ))),
        FieldType::Int => {
            let values: Option<Vec<_>> = values
                .map(|v| int_of(&v.value).map(|n| (n, v.description.clone())))
                .collect();
            Some(EnumShape::Int(distinct(values?)))
        }
        _ => None,
    }
}

/// The first of each wire value (pages list some twice, as `1` and `"1"`).
fn distinct<T: Clone + Eq + std::hash::Hash>(
    values: Vec<(T, Option<String>)>,
) -> Vec<(T, Option<String>)> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|(value, _)| seen.insert(value.clone()))
        .collect()
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The enum's definition and impls: `as_str` / `value`, `From` the wire value,
/// `Display` (for paths, queries and headers), and serde. No `Default`: no listed value is
/// the one a caller means when they give none (a page's `默认值` is what Feishu applies to
/// a member left out, which is `None`), and `Unknown("")` is no value at all. A required
/// member that holds one starts from the wire type's own default while it is decoded
/// (`feishu_runtime::object::Placeholder`), never seen outside.
pub fn enum_items(name: &str, wire_name: &str, shape: &EnumShape) -> TokenStream {
    let ty = Ident::new(name, Span::call_site());
    let doc = doc_attrs(&format!(
        "The values of `{wire_name}` the documentation lists, and [`{name}::Unknown`] for any other."
    ));
    let variants: Vec<Ident> = variant_names(shape)
        .iter()
        .map(|v| Ident::new(v, Span::call_site()))
        .collect();
    let docs: Vec<TokenStream> = match shape {
        EnumShape::Str(values) => values.iter().map(|(v, d)| variant_doc(v, d)).collect(),
        EnumShape::Int(values) => values
            .iter()
            .map(|(v, d)| variant_doc(&v.to_string(), d))
            .collect(),
    };
    let wire = match shape {
        EnumShape::Str(values) => string_wire(&ty, &variants, values),
        EnumShape::Int(values) => int_wire(&ty, &variants, values),
    };
    let Wire {
        copy,
        unknown,
        accessor,
        from,
        default_value,
        display,
        serialize,
        deserialize,
    } = wire;
    quote! {
        #doc
        #[derive(Clone, #copy Debug, PartialEq, Eq, Hash)]
        pub enum #ty {
            #( #docs #variants, )*
            /// A value the documentation does not list, kept as sent.
            Unknown(#unknown),
        }

        impl #ty {
            /// The value as it goes on the wire.
            #accessor
        }

        #from

        impl feishu_runtime::object::Placeholder for #ty {
            #[inline]
            fn placeholder() -> Self {
                Self::from(#default_value)
            }
        }

        impl std::fmt::Display for #ty {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }

        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}

/// What differs between a string enum and an integer one; [`enum_items`] writes the rest.
struct Wire {
    /// `Copy,` for integer enums (a string enum holds a `String`).
    copy: TokenStream,
    /// The type `Unknown` holds.
    unknown: TokenStream,
    /// `as_str` or `value`: the wire value of a variant.
    accessor: TokenStream,
    /// The `From` impls of the wire type.
    from: TokenStream,
    /// The wire value decoding starts from (the placeholder).
    default_value: TokenStream,
    display: TokenStream,
    serialize: TokenStream,
    deserialize: TokenStream,
}

fn string_wire(ty: &Ident, variants: &[Ident], values: &[(String, Option<String>)]) -> Wire {
    let wire: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
    Wire {
        copy: quote! {},
        unknown: quote! { String },
        accessor: quote! {
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::Unknown(value) => value,
                }
            }
        },
        from: quote! {
            impl From<&str> for #ty {
                #[inline]
                fn from(value: &str) -> Self {
                    match value {
                        #( #wire => Self::#variants, )*
                        _ => Self::Unknown(value.to_string()),
                    }
                }
            }

            impl From<String> for #ty {
                #[inline]
                fn from(value: String) -> Self {
                    Self::from(value.as_str())
                }
            }
        },
        default_value: quote! { "" },
        display: quote! { f.write_str(self.as_str()) },
        serialize: quote! { serializer.serialize_str(self.as_str()) },
        deserialize: quote! { feishu_runtime::object::string_enum(deserializer) },
    }
}

fn int_wire(ty: &Ident, variants: &[Ident], values: &[(i64, Option<String>)]) -> Wire {
    let wire: Vec<Literal> = values
        .iter()
        .map(|(v, _)| Literal::i64_unsuffixed(*v))
        .collect();
    Wire {
        copy: quote! { Copy, },
        unknown: quote! { i64 },
        accessor: quote! {
            #[inline]
            pub fn value(self) -> i64 {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::Unknown(value) => value,
                }
            }
        },
        from: quote! {
            impl From<i64> for #ty {
                #[inline]
                fn from(value: i64) -> Self {
                    match value {
                        #( #wire => Self::#variants, )*
                        _ => Self::Unknown(value),
                    }
                }
            }
        },
        default_value: quote! { 0 },
        display: quote! { write!(f, "{}", self.value()) },
        serialize: quote! { serializer.serialize_i64(self.value()) },
        deserialize: quote! { feishu_runtime::lenient::i64(deserializer).map(Self::from) },
    }
}

fn variant_doc(value: &str, description: &Option<String>) -> TokenStream {
    let value = value.replace('`', "'");
    doc_attrs(&match description {
        Some(description) => format!("`{value}`: {description}"),
        None => format!("`{value}`"),
    })
}

/// One name per documented value, unique and never `Unknown` (the catch-all's).
/// Strings name their variant (`open_id` → `OpenId`); numbers take a short English
/// description when every value of the enum has one (`Doc`, `Sheet`), else `Value1`.
pub fn variant_names(shape: &EnumShape) -> Vec<String> {
    let names: Vec<String> = match shape {
        EnumShape::Str(values) => values.iter().map(|(v, _)| string_variant(v)).collect(),
        EnumShape::Int(values) => {
            let described: Option<Vec<String>> = values
                .iter()
                .map(|(_, d)| d.as_deref().and_then(english_name))
                .collect();
            let distinct = described
                .as_ref()
                .is_some_and(|names| names.iter().collect::<HashSet<_>>().len() == names.len());
            match described {
                Some(names) if distinct => names,
                _ => values.iter().map(|(v, _)| number_variant(*v)).collect(),
            }
        }
    };
    let mut taken: HashSet<String> = ["Unknown".to_string(), "Self".to_string()].into();
    names
        .into_iter()
        .map(|name| {
            let mut unique = name.clone();
            let mut n = 2;
            while !taken.insert(unique.clone()) {
                unique = format!("{name}{n}");
                n += 1;
            }
            unique
        })
        .collect()
}

fn string_variant(value: &str) -> String {
    if value.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        let digits = camel(value.trim_start_matches('-'));
        let digits = digits.trim_start_matches('N');
        let sign = if value.starts_with('-') { "Minus" } else { "" };
        return format!("Value{sign}{digits}");
    }
    camel(value)
}

fn number_variant(value: i64) -> String {
    if value < 0 {
        format!("ValueMinus{}", value.unsigned_abs())
    } else {
        format!("Value{value}")
    }
}

/// `Doc`, `Bitable`, `Group chat` → a variant name; `None` for anything longer than three
/// words or not plain ASCII (a Chinese description, a sentence).
fn english_name(description: &str) -> Option<String> {
    let text = description.trim().trim_end_matches('.');
    let plain = text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'));
    (plain && text.split_whitespace().count() <= 3).then(|| text.to_upper_camel_case())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::EnumValue;

    fn field(ty: FieldType, values: &[(Value, Option<&str>)]) -> Field {
        let mut field = Field::new("kind", ty);
        field.enum_values = values
            .iter()
            .map(|(value, description)| EnumValue {
                value: value.clone(),
                description: description.map(String::from),
            })
            .collect();
        field
    }

    #[test]
    fn string_and_int_fields_make_enums() {
        let f = field(
            FieldType::String,
            &[
                ("open_id".into(), Some("以 open_id 来识别用户")),
                ("open_id".into(), None),
            ],
        );
        assert_eq!(
            shape_of(&f),
            Some(EnumShape::Str(vec![(
                "open_id".to_string(),
                Some("以 open_id 来识别用户".to_string())
            )]))
        );
        let f = field(FieldType::Int, &[(1.into(), None), ("2".into(), None)]);
        assert_eq!(
            shape_of(&f),
            Some(EnumShape::Int(vec![(1, None), (2, None)]))
        );
        // A value that is not a number keeps the field a plain integer.
        let f = field(FieldType::Int, &[(1.into(), None), ("说明".into(), None)]);
        assert_eq!(shape_of(&f), None);
        assert_eq!(
            shape_of(&field(FieldType::Bool, &[(true.into(), None)])),
            None
        );
    }

    #[test]
    fn one_enum_whatever_the_wording_of_its_values() {
        let worded = |d: &str| EnumShape::Str(vec![("open_id".into(), Some(d.into()))]);
        assert_eq!(
            worded("以 open_id 来识别用户").key(),
            worded("用户的 open_id").key()
        );
        let other = EnumShape::Str(vec![("union_id".into(), None)]);
        assert_ne!(worded("x").key(), other.key());
        // English descriptions name integer variants, so they are part of the type.
        let named = |d: &str| EnumShape::Int(vec![(1, Some(d.into()))]);
        assert_ne!(named("Doc").key(), named("文档").key());
    }

    #[test]
    fn variant_names_are_unique_and_idiomatic() {
        let strings = |values: &[&str]| {
            variant_names(&EnumShape::Str(
                values.iter().map(|v| (v.to_string(), None)).collect(),
            ))
        };
        assert_eq!(
            strings(&[
                "open_id", "NONE", "unknown", "Open_ID", "1", "-1", "是", "self"
            ]),
            [
                "OpenId",
                "None",
                "Unknown2",
                "OpenId2",
                "Value1",
                "ValueMinus1",
                "Value",
                "Self2"
            ]
        );
        let ints = |values: &[(i64, &str)]| {
            variant_names(&EnumShape::Int(
                values
                    .iter()
                    .map(|(v, d)| (*v, Some(d.to_string())))
                    .collect(),
            ))
        };
        assert_eq!(
            ints(&[(1, "Doc"), (3, "Sheet"), (8, "Group chat.")]),
            ["Doc", "Sheet", "GroupChat"]
        );
        assert_eq!(
            ints(&[(0, "保密"), (1, "男"), (-1, "未知")]),
            ["Value0", "Value1", "ValueMinus1"]
        );
        assert_eq!(ints(&[(1, "Doc"), (2, "doc")]), ["Value1", "Value2"]);
    }
}
