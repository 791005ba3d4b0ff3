//! Rustdoc from page text. Text goes into `#[doc = "…"]` string literals, so nothing in a
//! description can close a comment or inject code; code fences become `text` blocks so
//! rustdoc never compiles an example copied from a page.

use std::cell::RefCell;
use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::spec::{Field, FieldType};

/// One `#[doc]` attribute per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = literals(safe_lines(text));
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc]` attributes, for module docs.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = literals(safe_lines(text));
    quote! { #( #![doc = #lines] )* }
}

thread_local! {
    /// The string literal of each doc line this thread has made since
    /// [`forget_literals`]. Making one escapes the line with `char::escape_debug`, which
    /// looks every non-ASCII character up in Unicode's printable tables: for Chinese
    /// descriptions that was a sixth of all of emitting's instructions, and the same
    /// lines recur across a service's endpoints, builders and tests.
    static LITERALS: RefCell<HashMap<String, Literal>> = RefCell::new(HashMap::new());
}

/// Each line as a string literal, made once per thread.
fn literals(lines: Vec<String>) -> Vec<Literal> {
    LITERALS.with(|cache| {
        let mut cache = cache.borrow_mut();
        lines
            .into_iter()
            .map(|line| {
                cache
                    .entry(line)
                    .or_insert_with_key(|line| Literal::string(line))
                    .clone()
            })
            .collect()
    })
}

/// Empty this thread's literal cache (at the start and end of emitting a crate, so it
/// holds no memory between runs and every run is timed from cold).
pub fn forget_literals() {
    LITERALS.with(|cache| cache.borrow_mut().clear());
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
            lines.push(if in_fence { " ```text" } else { " ```" }.to_string());
            continue;
        }
        let line = line.trim_end();
        lines.push(if in_fence {
            format!(" {line}")
        } else {
            format!(" {}", prose(line))
        });
    }
    if in_fence {
        lines.push(" ```".to_string());
    }
    lines
}

/// One line of page prose made safe for rustdoc's markdown: HTML and stray brackets
/// (`[0,255]`, `[当前未开放]`) show as written instead of becoming tags or intra-doc links,
/// and bare URLs become links. Code spans, markdown links `[text](url)` and the
/// generator's own ``[`Item`]`` links are kept.
fn prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            if let Some(span) = code_span(rest) {
                out.push_str(span);
                rest = &rest[span.len()..];
                continue;
            }
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            out.push_str(&"\\`".repeat(ticks));
            rest = &rest[ticks..];
            continue;
        }
        if let Some(link) = item_link(rest) {
            out.push_str(link);
            rest = &rest[link.len()..];
            continue;
        }
        if let Some(link) = markdown_link(rest) {
            out.push('[');
            out.push_str(&prose(&link.0[1..link.0.len() - 1]));
            out.push(']');
            out.push_str(link.1);
            rest = &rest[link.0.len() + link.1.len()..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let url = bare_url(rest);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `` `x` `` or ``` ``x`` ```: a code span at the start of `text`, when it is closed.
fn code_span(text: &str) -> Option<&str> {
    let ticks = text.len() - text.trim_start_matches('`').len();
    let fence = &text[..ticks];
    let mut from = ticks;
    while let Some(at) = text[from..].find(fence) {
        let end = from + at;
        let run = text[end..].len() - text[end..].trim_start_matches('`').len();
        if run == ticks {
            return Some(&text[..end + ticks]);
        }
        from = end + run;
    }
    None
}

/// ``[`Item`]`` at the start of `text`: an intra-doc link, as the generator writes them
/// (pages never do).
fn item_link(text: &str) -> Option<&str> {
    let span = code_span(text.strip_prefix('[')?)?;
    text[1 + span.len()..]
        .starts_with(']')
        .then(|| &text[..span.len() + 2])
}

/// `[text](target)` at the start of `text`: the `[text]` and the `(target)` parts. Only
/// an absolute target is a link: the parser resolves the site's own paths
/// (`parse::links`), so what is left relative would be dead in rustdoc.
fn markdown_link(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    if inner[..close].contains('[') {
        return None;
    }
    let after = &inner[close + 1..];
    let target_end = after.strip_prefix('(')?.find(')')?;
    let target = &after[..target_end + 2];
    let absolute = target[1..].starts_with("https://") || target[1..].starts_with("http://");
    if target.contains(char::is_whitespace) || !absolute {
        return None;
    }
    Some((&text[..close + 2], target))
}

/// The URL at the start of `text`: up to a space, a quote, a non-ASCII character or
/// closing punctuation.
fn bare_url(text: &str) -> &str {
    let end = text
        .find(|c: char| !c.is_ascii_graphic() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
        .unwrap_or(text.len());
    text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']'])
}

/// The doc of a field: its description, then what the page says about its values.
/// `sent`: the field is sent, so its rules are checked before sending and said so; a
/// reply's rules are left out, since one reply type serves endpoints whose pages state
/// different ones.
pub fn field_doc(field: &Field, sent: bool) -> String {
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
    if let Some(rule) = rules_text(field).filter(|_| sent) {
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
    fn prose_shows_as_written() {
        assert_eq!(prose("范围[0,255]"), "范围\\[0,255\\]");
        assert_eq!(
            prose("<strong>注意：</br><!--"),
            "&lt;strong&gt;注意：&lt;/br&gt;&lt;!--"
        );
        assert_eq!(
            prose("参考 https://a.example/x?y=1#z。和 \"https://b.example/\""),
            "参考 <https://a.example/x?y=1#z>。和 \"<https://b.example/>\""
        );
        assert_eq!(
            prose("通过[获取字段](https://open.feishu.cn/document/x)接口, `a[0]<b>` 与 ``x`y``"),
            "通过[获取字段](https://open.feishu.cn/document/x)接口, `a[0]<b>` 与 ``x`y``"
        );
        assert_eq!(
            prose("[获取字段](/ssl:ttdoc/x) [%d](%s)"),
            "\\[获取字段\\](/ssl:ttdoc/x) \\[%d\\](%s)"
        );
        assert_eq!(prose("a ` b [c]"), "a \\` b \\[c\\]");
        assert_eq!(
            prose("Build it with [`X::builder`]; [`a` b]"),
            "Build it with [`X::builder`]; \\[`a` b\\]"
        );
        assert_eq!(prose("[[1,2],[3,4]]"), "\\[\\[1,2\\],\\[3,4\\]\\]");
        assert_eq!(prose("^[a-z]{0,63}$ a&b"), "^\\[a-z\\]{0,63}$ a&amp;b");
    }

    #[test]
    fn fences_become_text_and_are_closed() {
        assert_eq!(
            safe_lines("a\n```json\n{}"),
            [" a", " ```text", " {}", " ```"]
        );
        assert_eq!(
            safe_lines("```\n<b>[x]</b>\n```\n<b>"),
            [" ```text", " <b>[x]</b>", " ```", " &lt;b&gt;"]
        );
    }
}
