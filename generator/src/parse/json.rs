//! JSON examples as the docs write them: mostly JSON, sometimes with comments, trailing
//! commas, `...` placeholders or raw control characters in strings. A strict parse comes
//! first; when it fails, the text is repaired for those habits only and parsed again.

use serde_json::Value;

/// How an example was read.
#[derive(Debug, PartialEq)]
pub enum Example {
    Strict(Value),
    /// Parsed only after repairs; the page's JSON is not valid as written.
    Repaired(Value),
}

/// Parse an example; the error is the strict parser's, whose line points into the block.
pub fn parse_example(text: &str) -> Result<Example, serde_json::Error> {
    let strict = match serde_json::from_str(text) {
        Ok(value) => return Ok(Example::Strict(value)),
        Err(err) => err,
    };
    let repaired = repair(text);
    if let Ok(value) = serde_json::from_str(&repaired) {
        return Ok(Example::Repaired(value));
    }
    // Several alternatives one after another (`// 实体节点 {…} // 目录节点 {…}`): the first.
    match serde_json::Deserializer::from_str(&repaired)
        .into_iter::<Value>()
        .next()
    {
        Some(Ok(value)) => Ok(Example::Repaired(value)),
        _ => Err(strict),
    }
}

/// True when the text, past leading comments, starts like a JSON document.
pub fn starts_like_json(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("//"))
        .is_some_and(|line| line.starts_with(['{', '[']))
}

/// Remove comments, `...` lines and trailing commas; escape control characters and lone
/// backslashes inside strings. Line breaks are kept, so lines stay where they were.
fn repair(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => match chars.peek() {
                    Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u') => {
                        out.push(c);
                        out.extend(chars.next());
                    }
                    _ => out.push_str("\\\\"),
                },
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            '.' if chars.peek() == Some(&'.') => {
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            '…' => {}
            c => out.push(c),
        }
    }
    remove_trailing_commas(&out)
}

/// `,` followed (after white space) by `}` or `]` goes, outside strings.
fn remove_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}' | ']') | None) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_first_then_repairs() {
        assert_eq!(
            parse_example(r#"{"a": 1}"#).unwrap(),
            Example::Strict(json!({"a": 1}))
        );
        let messy =
            "{\n  \"a\": 1, // one\n  \"b\": [1, 2,],\n  /* gone */ \"c\": \"x\\d\ty\",\n  ...\n}";
        assert_eq!(
            parse_example(messy).unwrap(),
            Example::Repaired(json!({"a": 1, "b": [1, 2], "c": "x\\d\ty"}))
        );
        let two = "// one\n{\"a\": 1}\n// two\n{\"b\": 2}";
        assert_eq!(
            parse_example(two).unwrap(),
            Example::Repaired(json!({"a": 1}))
        );
        assert!(starts_like_json(two) && !starts_like_json("curl -X GET"));
        let err = parse_example("{\n  \"a\": [}\n}").unwrap_err();
        assert_eq!(err.line(), 2);
    }
}
