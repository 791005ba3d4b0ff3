//! Element types of arrays whose type cell lost them (the pipe rendering's `undefined[]`,
//! a bare `array` in its type notes). The request example decides first (see
//! [`super::infer::fill_from_example`]); what it leaves open is taken from the field's own
//! `**示例**`, then from its description, then from a same-named array in the page's
//! examples. When nothing on the page says, the elements stay `any` and a warning names
//! the field.

use std::collections::BTreeMap;

use serde_json::Value;

use super::infer::{type_of, widen};
use super::types::element;
use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{Field, FieldType};

/// Type the open element of every array in `fields`, nested ones included. `prefix` names
/// the section (`body`, `query`) in messages; warnings point at `line`, the section's table.
pub fn infer_elements(
    fields: &mut [Field],
    prefix: &str,
    line: usize,
    elsewhere: &ArraysByName,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for field in fields {
        let path = format!("{prefix}.{}", field.name);
        if has_open_element(field) {
            let named = elsewhere.get(&field.name).copied().flatten();
            match element_type(field).or(named) {
                Some(ty) => set_element(field, ty),
                None => diagnostics.push(Diagnostic::warning(
                    line,
                    Kind::UntypedElement,
                    format!(
                        "field `{path}`: nothing on the page gives its element type (no value in \
                         the examples, no `**示例**`, nothing in the description); elements \
                         read as `any`"
                    ),
                )),
            }
        }
        infer_elements(&mut field.fields, &path, line, elsewhere, diagnostics);
        if let Some(items) = field.items.as_deref_mut() {
            let path = format!("{path}[]");
            infer_elements(&mut items.fields, &path, line, elsewhere, diagnostics);
        }
    }
}

/// Element types of the non-empty scalar arrays in a page's examples, by key; `None`
/// where two arrays of one name disagree.
pub type ArraysByName = BTreeMap<String, Option<FieldType>>;

/// Every key of the examples whose value is a non-empty array of one scalar type: the
/// request example may show a model in one place and not another (`column_width` in one
/// table block), the response example the same model again.
pub fn arrays_by_name<'a>(examples: impl IntoIterator<Item = &'a Value>) -> ArraysByName {
    fn walk(value: &Value, out: &mut ArraysByName) {
        match value {
            Value::Object(object) => {
                for (key, value) in object {
                    if let Value::Array(elements) = value
                        && let Some(ty) = common_scalar(elements)
                    {
                        let seen = out.entry(key.clone()).or_insert(Some(ty));
                        if *seen != Some(ty) {
                            *seen = None;
                        }
                    }
                    walk(value, out);
                }
            }
            Value::Array(elements) => elements.iter().for_each(|e| walk(e, out)),
            _ => {}
        }
    }
    let mut out = ArraysByName::new();
    for example in examples {
        walk(example, &mut out);
    }
    out
}

/// An array whose elements are `any` and have no fields: the type cell did not say.
fn has_open_element(field: &Field) -> bool {
    field.ty == FieldType::Array
        && field
            .items
            .as_ref()
            .is_none_or(|items| items.ty == FieldType::Any && items.fields.is_empty())
}

/// The element type the field's own cell gives, in order of trust: its `**示例**`, its
/// value list, a JSON array in the description (`例如["opTime","appName"]`), repeated
/// query values (`status=1&status=2`), and a description that says the elements are IDs,
/// tokens, keys or names.
pub fn element_type(field: &Field) -> Option<FieldType> {
    let description = field.description.as_deref().unwrap_or_default();
    field
        .example
        .as_ref()
        .and_then(example_element)
        .or_else(|| listed_values(field))
        .or_else(|| json_array_in(description))
        .or_else(|| repeated_query_values(&field.name, description))
        .or_else(|| names_identifiers(description))
}

/// `["a", "b"]` → string; a single scalar (`**示例**: ou_xxx`) is one element.
fn example_element(example: &Value) -> Option<FieldType> {
    match example {
        Value::Array(elements) => common_scalar(elements),
        Value::String(text) if text.trim().is_empty() => None,
        other => common_scalar(std::slice::from_ref(other)),
    }
}

/// Documented values: numbers when every one is an integer, else strings.
fn listed_values(field: &Field) -> Option<FieldType> {
    if field.enum_values.is_empty() {
        return None;
    }
    let values: Vec<Value> = field.enum_values.iter().map(|e| e.value.clone()).collect();
    match common_scalar(&values) {
        Some(FieldType::Int | FieldType::Int64) => Some(FieldType::Int),
        _ => Some(FieldType::String),
    }
}

/// The one scalar type of all the values (integers widen), or `None`.
fn common_scalar(values: &[Value]) -> Option<FieldType> {
    let mut common: Option<FieldType> = None;
    for value in values {
        let ty = type_of(value)?;
        if matches!(ty, FieldType::Array | FieldType::Object) {
            return None;
        }
        common = Some(common.map_or(ty, |c| if c == ty { c } else { widen(c, ty) }));
    }
    common.filter(|ty| *ty != FieldType::Any)
}

/// The first JSON array of scalars written in the text.
fn json_array_in(text: &str) -> Option<FieldType> {
    text.match_indices('[').find_map(|(at, _)| {
        let mut values = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
        match values.next() {
            Some(Ok(Value::Array(elements))) if !elements.is_empty() => common_scalar(&elements),
            _ => None,
        }
    })
}

/// `statuses=1&statuses=2`: how a GET passes several values. Numbers that fit `int32`
/// are numbers; longer ones are IDs, which the docs type as strings.
fn repeated_query_values(name: &str, text: &str) -> Option<FieldType> {
    let values: Vec<&str> = text
        .match_indices(name)
        .filter_map(|(at, _)| {
            let rest = text[at + name.len()..].trim_start().strip_prefix('=')?;
            let end = rest
                .find(['&', ' ', '\n', '`', '，', '。'])
                .unwrap_or(rest.len());
            Some(rest[..end].trim()).filter(|v| !v.is_empty())
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    let all_int = values.iter().all(|v| v.parse::<i32>().is_ok());
    Some(if all_int {
        FieldType::Int
    } else {
        FieldType::String
    })
}

/// `员工 ID 列表`, `附件 id 列表`, `素材文件的 token`, `部门名称列表`: IDs, tokens, keys and
/// names are strings on every page that types them. Only the description's first line
/// counts: later lines describe other things (where to get the IDs, say).
fn names_identifiers(description: &str) -> Option<FieldType> {
    let first = description.lines().next().unwrap_or_default();
    let lower = first.to_ascii_lowercase();
    let word = |w: &str| {
        lower.match_indices(w).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphabetic())
                && !after.is_some_and(|c| c.is_ascii_alphabetic())
        })
    };
    (["id", "ids", "token", "key"].iter().any(|w| word(w)) || first.contains("名称"))
        .then_some(FieldType::String)
}

/// Give the array its element type; listed values take that type too.
fn set_element(field: &mut Field, ty: FieldType) {
    match field.items.as_deref_mut() {
        Some(items) => items.ty = ty,
        None => field.items = Some(element(ty)),
    }
    for value in &mut field.enum_values {
        value.value = match (&value.value, ty) {
            (Value::Number(n), FieldType::String) => Value::String(n.to_string()),
            (Value::String(s), FieldType::Int) => s
                .parse::<i64>()
                .map_or_else(|_| Value::String(s.clone()), Value::from),
            (other, _) => other.clone(),
        };
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Kind;
    use crate::parse::{Outcome, parse_page};
    use crate::spec::{FieldType, Spec};

    /// A pipe page for `POST /open-apis/x/v1/things` with the given query and body rows
    /// and request example.
    fn page(query_rows: &str, body_rows: &str, example: &str) -> Spec {
        let text = format!(
            "## 批量处理\n\n## 请求\n\n| 基本 | |\n| --- | --- |\n\
             | HTTP URL | `https://open.feishu.cn/open-apis/x/v1/things` |\n\
             | HTTP Method | POST |\n| 支持的访问令牌 | tenant_access_token |\n\n\
             ### 查询参数\n\n| 参数名 | 类型 | 必填 | 描述 |\n| --- | --- | --- | --- |\n{query_rows}\n\n\
             ### 请求体\n\n| 参数名 | 类型 | 必填 | 描述 |\n| --- | --- | --- | --- |\n{body_rows}\n\n\
             **请求体示例**:\n\n```json\n{example}\n```\n"
        );
        match parse_page("pages/x.md", &text) {
            Outcome::Endpoint(spec) => *spec,
            other => panic!("{other:?}"),
        }
    }

    fn element(spec: &Spec, name: &str) -> FieldType {
        let field = spec
            .query_params
            .iter()
            .chain(spec.request.iter().flat_map(|r| &r.fields))
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no `{name}`"));
        field.items.as_ref().map_or(FieldType::Any, |i| i.ty)
    }

    fn untyped(spec: &Spec) -> Vec<&str> {
        spec.diagnostics
            .iter()
            .filter(|d| d.kind == Kind::UntypedElement)
            .map(|d| d.message.as_str())
            .collect()
    }

    #[test]
    fn the_request_example_types_the_elements() {
        let spec = page(
            "| q | string | 否 | 查询 |",
            "| sizes | undefined[] | 否 | 列宽 <br> **示例**:  |",
            r#"{"sizes": [100, 200]}"#,
        );
        assert_eq!(element(&spec, "sizes"), FieldType::Int);
        assert!(untyped(&spec).is_empty(), "{:?}", spec.diagnostics);
    }

    #[test]
    fn the_fields_own_example_types_the_elements() {
        let spec = page(
            "| q | string | 否 | 查询 |",
            "| flags | undefined[] | 否 | 开关 <br> **示例**: [true, false] |\n\
             | word | undefined[] | 否 | 词 <br> **示例**: hello |",
            "{}",
        );
        assert_eq!(element(&spec, "flags"), FieldType::Bool);
        assert_eq!(element(&spec, "word"), FieldType::String);
    }

    #[test]
    fn the_description_types_the_elements() {
        let spec = page(
            "| columns | undefined[] | 否 | 日志列，例如[\"opTime\",\"appName\"] |\n\
             | statuses | undefined[] | 否 | 状态，例如 statuses=1&statuses=2 |\n\
             | user_list | undefined[] | 否 | 例如 user_list=6919733291281024522 |\n\
             | tag_ids | undefined[] | 否 | 标签 ID 列表 |\n\
             | kinds | undefined[] | 否 | 类型，可选值有：<br>- 1：正式<br>- 2：实习 |",
            "| modes | undefined[] | 否 | 模式，可能值有：<br>- fast：快<br>- slow：慢 |",
            "{}",
        );
        assert_eq!(element(&spec, "columns"), FieldType::String);
        assert_eq!(element(&spec, "statuses"), FieldType::Int);
        assert_eq!(
            element(&spec, "user_list"),
            FieldType::String,
            "longer than int32: an ID"
        );
        assert_eq!(element(&spec, "tag_ids"), FieldType::String);
        assert_eq!(element(&spec, "kinds"), FieldType::Int);
        assert_eq!(element(&spec, "modes"), FieldType::String);
        let kinds = &spec.query_params[4];
        let values: Vec<String> = kinds
            .enum_values
            .iter()
            .map(|e| e.value.to_string())
            .collect();
        assert_eq!(values, ["1", "2"]);
        assert!(untyped(&spec).is_empty(), "{:?}", spec.diagnostics);
    }

    #[test]
    fn a_same_named_array_elsewhere_types_the_elements() {
        // `widths` shows integers in the example; `ids` strings once and numbers once, so
        // it says nothing; an empty array says nothing either.
        let spec = page(
            "| widths | undefined[] | 否 | 宽度 |\n\
             | ids | undefined[] | 否 | 编号 |\n\
             | marks | undefined[] | 否 | 标记 |",
            "| note | string | 否 | 备注 |",
            r#"{"note": "x", "table": {"widths": [1, 2], "ids": ["a"]}, "other": {"ids": [3]}, "marks": []}"#,
        );
        assert_eq!(element(&spec, "widths"), FieldType::Int);
        assert_eq!(element(&spec, "ids"), FieldType::Any);
        assert_eq!(element(&spec, "marks"), FieldType::Any);
        assert_eq!(untyped(&spec).len(), 2, "{:?}", spec.diagnostics);
    }

    #[test]
    fn nothing_said_keeps_any_with_a_warning() {
        let spec = page(
            "| lock_status | undefined[] | 否 | 锁定状态 |",
            "| marks | undefined[] | 否 | 标记 <br> **示例**:  |",
            r#"{"marks": []}"#,
        );
        assert_eq!(element(&spec, "lock_status"), FieldType::Any);
        assert_eq!(element(&spec, "marks"), FieldType::Any);
        let lines: Vec<usize> = spec
            .diagnostics
            .iter()
            .filter(|d| d.kind == Kind::UntypedElement)
            .map(|d| d.line)
            .collect();
        assert_eq!(lines, [13, 19], "each at its table");
        assert_eq!(
            untyped(&spec),
            [
                "field `query.lock_status`: nothing on the page gives its element type (no \
                 value in the examples, no `**示例**`, nothing in the description); elements \
                 read as `any`",
                "field `body.marks`: nothing on the page gives its element type (no value in \
                 the examples, no `**示例**`, nothing in the description); elements read as \
                 `any`",
            ]
        );
    }
}
