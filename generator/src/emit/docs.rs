//! Rustdoc from page text. Text goes into `#[doc = "…"]` string literals, so nothing in a
//! description can close a comment or inject code; code fences become `text` blocks so
//! rustdoc never compiles an example copied from a page.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::spec::{Field, FieldType};

/// One `#[doc]` attribute per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = safe_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc]` attributes, for module docs.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = safe_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Inner `#![doc]` attributes for the generator's own text, whose code blocks are real
/// doc tests.
pub fn own_inner_doc_attrs(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {line}").trim_end().to_string());
    quote! { #( #![doc = #lines] )* }
}

fn safe_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.trim().lines() {
        if line.trim().starts_with("```") {
            in_fence = !in_fence;
            if in_fence {
                lines.push(" ```text".to_string());
                continue;
            }
        }
        lines.push(format!(" {}", line.trim_end()));
    }
    if in_fence {
        lines.push(" ```".to_string());
    }
    lines
}

/// The doc of a field: its description, then what the page says about its values.
pub fn field_doc(field: &Field) -> String {
    let mut parts = Vec::new();
    if let Some(description) = &field.description {
        parts.push(description.clone());
    }
    if field.deprecated {
        parts.push("Deprecated by the documentation.".to_string());
    }
    let mut facts = Vec::new();
    if !field.enum_values.is_empty() {
        let mut values = String::from("Values:");
        for value in &field.enum_values {
            values.push_str(&format!("\n- `{}`", plain(&value.value)));
            if let Some(description) = &value.description {
                values.push_str(&format!(": {description}"));
            }
        }
        facts.push(values);
    }
    if let Some(rule) = rules_text(field) {
        facts.push(rule);
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: `{}`.", plain(default)));
    }
    if let Some(example) = &field.example {
        facts.push(format!("Example: `{}`.", plain(example)));
    }
    if !facts.is_empty() {
        parts.push(facts.join("\n\n"));
    }
    parts.join("\n\n")
}

fn rules_text(field: &Field) -> Option<String> {
    let r = &field.rules;
    let mut out = Vec::new();
    let unit = if field.ty == FieldType::Array {
        "items"
    } else {
        "characters"
    };
    match (r.min_length.or(r.min_items), r.max_length.or(r.max_items)) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} {unit}")),
        (Some(min), None) => out.push(format!("at least {min} {unit}")),
        (None, Some(max)) => out.push(format!("at most {max} {unit}")),
        (None, None) => {}
    }
    match (&r.min, &r.max) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max}")),
        (Some(min), None) => out.push(format!("at least {min}")),
        (None, Some(max)) => out.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(pattern) = &r.pattern {
        out.push(format!("matches `{pattern}`"));
    }
    (!out.is_empty()).then(|| format!("Checked before sending: {}.", out.join(", ")))
}

/// A value as it reads in prose: strings without their quotes.
fn plain(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text.replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_and_are_closed() {
        assert_eq!(
            safe_lines("a\n```json\n{}"),
            [" a", " ```text", " {}", " ```"]
        );
    }
}
