//! Generated Rust read as syntax (syn), so emitter tests compare items, types and
//! expressions, not text with the formatter's line breaks and indentation.

#![allow(dead_code)]

use quote::ToTokens;
use syn::{Fields, Item, ItemEnum, ItemStruct};

/// Tokens as one canonical string, without the spaces token printing puts between them
/// (which differ between parsed text and syn's output, `>>` against `> >`) and without
/// trailing commas:
/// `Option<crate::a::B>` and `Option < crate :: a :: B >` read the same.
pub fn tokens(text: &str) -> String {
    let stream: proc_macro2::TokenStream = text
        .parse()
        .unwrap_or_else(|e| panic!("`{text}` is not Rust tokens: {e}"));
    canonical(&stream)
}

fn canonical(tokens: &impl ToTokens) -> String {
    let text: String = tokens
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The formatter adds a trailing comma where it breaks a list over lines.
    text.replace(",)", ")")
        .replace(",]", "]")
        .replace(",}", "}")
}

/// A generated file, parsed.
pub struct Source {
    pub file: syn::File,
}

impl Source {
    pub fn parse(text: &str) -> Source {
        Source {
            file: syn::parse_file(text).unwrap_or_else(|e| panic!("does not parse: {e}\n{text}")),
        }
    }

    /// Every item at any depth of inline modules.
    fn items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for item in items {
                out.push(item);
                if let Item::Mod(m) = item
                    && let Some((_, inner)) = &m.content
                {
                    walk(inner, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.file.items, &mut out);
        out
    }

    /// The names of the structs, in file order.
    pub fn struct_names(&self) -> Vec<String> {
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    pub fn structs_named(&self, name: &str) -> Vec<&ItemStruct> {
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .collect()
    }

    pub fn struct_(&self, name: &str) -> &ItemStruct {
        match self.structs_named(name).as_slice() {
            [one] => one,
            found => panic!("{} structs named {name}", found.len()),
        }
    }

    /// Each named member of a struct as `(member, type tokens)`, in order.
    pub fn members(&self, name: &str) -> Vec<(String, String)> {
        let Fields::Named(fields) = &self.struct_(name).fields else {
            panic!("{name} has no named fields")
        };
        fields
            .named
            .iter()
            .map(|f| {
                let member = f
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                (member, canonical(&f.ty))
            })
            .collect()
    }

    /// `(member, type tokens)` of the struct member documented as `On the wire: `wire`.`.
    pub fn member_on_wire(&self, wire: &str) -> (String, String) {
        let note = format!("On the wire: `{wire}`.");
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Struct(s) => Some(s),
                _ => None,
            })
            .flat_map(|s| s.fields.iter())
            .find(|f| doc_of(&f.attrs).contains(&note))
            .map(|f| {
                let member = f
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                (member, canonical(&f.ty))
            })
            .unwrap_or_else(|| panic!("no member documented as `{wire}` on the wire"))
    }

    /// Whether any struct has member `member` of type `ty` (tokens).
    pub fn has_member(&self, member: &str, ty: &str) -> bool {
        let wanted = (member.to_string(), tokens(ty));
        self.struct_names()
            .iter()
            .flat_map(|s| {
                self.structs_named(s)
                    .into_iter()
                    .map(|s| s.ident.to_string())
            })
            .any(|s| self.members(&s).contains(&wanted))
    }

    /// The doc comment on a struct, its lines joined by `\n`.
    pub fn struct_doc(&self, name: &str) -> String {
        doc_of(&self.struct_(name).attrs)
    }

    /// The attributes on a struct other than its docs (its derives), as tokens.
    pub fn struct_attrs(&self, name: &str) -> String {
        self.struct_(name)
            .attrs
            .iter()
            .filter(|a| !a.path().is_ident("doc"))
            .map(canonical)
            .collect::<Vec<_>>()
            .join("")
    }

    /// The variants of an enum, as tokens: `OpenId`, `Unknown(String)`.
    pub fn variants(&self, name: &str) -> Vec<String> {
        let found: Vec<&ItemEnum> = self
            .items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Enum(e) if e.ident == name => Some(e),
                _ => None,
            })
            .collect();
        let [item] = found.as_slice() else {
            panic!("{} enums named {name}", found.len())
        };
        item.variants
            .iter()
            .map(|v| {
                let mut v = v.clone();
                v.attrs.clear();
                canonical(&v)
            })
            .collect()
    }

    /// The names of the functions in every `impl` of `ty` (inherent or trait).
    pub fn methods_of(&self, ty: &str) -> Vec<String> {
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Impl(imp) if canonical(&imp.self_ty) == tokens(ty) => Some(imp),
                _ => None,
            })
            .flat_map(|imp| &imp.items)
            .filter_map(|i| match i {
                syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The visibility and signature of method `name` in an `impl` of `ty`, as tokens.
    pub fn signature(&self, ty: &str, name: &str) -> String {
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Impl(imp) if canonical(&imp.self_ty) == tokens(ty) => Some(imp),
                _ => None,
            })
            .flat_map(|imp| &imp.items)
            .find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == name => {
                    Some(canonical(&f.vis) + &canonical(&f.sig))
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no fn {name} on {ty}"))
    }

    /// The `mod` and `use` items at the top of the file, as tokens.
    pub fn declarations(&self) -> Vec<String> {
        self.file
            .items
            .iter()
            .filter(|i| {
                matches!(i, Item::Mod(m) if m.content.is_none()) || matches!(i, Item::Use(_))
            })
            .map(|i| {
                let mut i = i.clone();
                match &mut i {
                    Item::Mod(m) => m.attrs.clear(),
                    Item::Use(u) => u.attrs.clear(),
                    _ => {}
                }
                canonical(&i)
            })
            .collect()
    }

    /// Whether the file's tokens contain `code`'s (a statement or expression), whatever
    /// the formatting.
    pub fn contains_code(&self, code: &str) -> bool {
        canonical(&self.file).contains(&tokens(code))
    }
}

fn doc_of(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(
                    s.value()
                        .strip_prefix(' ')
                        .map(String::from)
                        .unwrap_or(s.value()),
                ),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}
