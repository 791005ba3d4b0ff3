//! Identifiers from wire names: idiomatic case (heck), valid whatever the page says, with
//! Rust keywords escaped. The wire name itself is kept by the caller, in the struct's
//! serde impls.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that can be raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const RESERVED: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Replace what cannot stand in an identifier with `_`, and make sure it does not start
/// with a digit.
fn sanitize(name: &str, digit_prefix: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('_');
    let base = if trimmed.is_empty() { "value" } else { trimmed };
    if base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{base}")
    } else {
        base.to_string()
    }
}

/// `channel_context`, `userID` → `user_id`, `type` → `r#type`.
pub fn snake(name: &str) -> String {
    sanitize(&name.to_snake_case(), "n")
}

/// `session` → `Session`. What sanitizing leaves between words (`links必选_value` →
/// `Links__Value`) is dropped: type names have no underscores.
pub fn camel(name: &str) -> String {
    let name = sanitize(&name.to_upper_camel_case(), "N").replace('_', "");
    // sanitize's stand-in for a name with no ASCII at all is lower case.
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => "Value".to_string(),
    }
}

/// `param is invalid` → `PARAM_IS_INVALID`.
/// `None` when the text has no ASCII letters or digits to build a name from (a Chinese
/// message, say).
pub fn shouty(name: &str) -> Option<String> {
    name.chars()
        .any(|c| c.is_ascii_alphanumeric())
        .then(|| sanitize(&name.to_shouty_snake_case(), "E"))
}

/// The cargo feature of a service (the first part of an endpoint id): its module name.
pub fn feature(service: &str) -> String {
    snake(service)
}

/// An identifier token for a snake-case name, escaped when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if RESERVED.contains(&name) {
        return Ident::new(&format!("{name}_"), Span::call_site());
    }
    if RAW_KEYWORDS.contains(&name) {
        return Ident::new_raw(name, Span::call_site());
    }
    Ident::new(name, Span::call_site())
}

/// The one place that takes the raw prefix off an identifier (`r#type` → `type`): file
/// names, names built from it (`type_stream`), docs and links, where `r#` cannot stand.
pub fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(bare) => bare.to_string(),
        None => text,
    }
}

/// Whether [`ident`] made a raw identifier (`r#type`), which rustdoc cannot link to.
pub fn is_raw(ident: &Ident) -> bool {
    ident.to_string().starts_with("r#")
}

/// The file or directory name of a module named after `name`: `type` → `type.rs`, not
/// `r#type.rs`.
pub fn module_file(name: &str) -> String {
    unraw(&ident(&snake(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("channel_context"), "channel_context");
        assert_eq!(snake("userID"), "user_id");
        assert_eq!(snake("2fa-code"), "n2fa_code");
        assert_eq!(snake("名称"), "value");
        assert_eq!(camel("aily_session"), "AilySession");
        assert_eq!(camel("links必选_value"), "LinksValue");
        assert_eq!(camel("2fa"), "N2fa");
        assert_eq!(camel("名称"), "Value");
        assert_eq!(
            shouty("param is invalid").as_deref(),
            Some("PARAM_IS_INVALID")
        );
        assert_eq!(shouty("参数错误"), None);
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("metadata").to_string(), "metadata");
        assert_eq!(unraw(&ident("type")), "type");
        assert!(is_raw(&ident("type")) && !is_raw(&ident("types")));
        assert_eq!(module_file("Type"), "type");
        assert_eq!(module_file("self"), "self_");
    }
}
