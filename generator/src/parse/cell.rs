//! The description-cell language: a table cell that holds a description followed by
//! `**示例**`, `**默认值**`, `**可选值有**` and `**数据校验规则**` parts, split by `<br>`.

use serde_json::{Number, Value};

use crate::spec::{FieldType, Rules};

/// What one description cell says, before it is typed against its field.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CellFacts {
    /// Markdown, with the marked parts taken out; `<br>`-separated lines joined by `\n`.
    pub description: Option<String>,
    pub example: Option<String>,
    pub default: Option<String>,
    /// `(value, description)` from a `可选值有` list.
    pub enum_values: Vec<(String, Option<String>)>,
    /// The text under `数据校验规则`, for [`parse_rules`].
    pub rules: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Description,
    Example,
    Default,
    Enum,
    Rules,
}

/// The part markers, each in the spellings the pages use.
const MARKERS: &[(&str, Part)] = &[
    ("示例值", Part::Example),
    ("示例", Part::Example),
    ("默认值", Part::Default),
    ("可选值有", Part::Enum),
    ("可能值有", Part::Enum),
    ("可选值", Part::Enum),
    ("枚举值有", Part::Enum),
    ("数据校验规则", Part::Rules),
    ("Example value", Part::Example),
    ("Example", Part::Example),
    ("Default value", Part::Default),
    ("Optional values are", Part::Enum),
    ("Optional values", Part::Enum),
    ("Possible values are", Part::Enum),
    ("Data validation rules", Part::Rules),
];

/// Split a cell's markdown into its parts. Parts are separated by `<br>` (pipe pages) or
/// line breaks (site source); list markup (`<ul><li>`, `1.`) marks enum items.
pub fn read_cell(text: &str) -> CellFacts {
    let normalized = text
        .replace("<br/>", "<br>")
        .replace("<br />", "<br>")
        .replace("<li>", "<br>")
        .replace("</li>", "<br>")
        .replace("<ul>", "<br>")
        .replace("</ul>", "<br>")
        .replace('\n', "<br>");
    let mut facts = CellFacts::default();
    let mut description: Vec<&str> = Vec::new();
    let mut rules: Vec<&str> = Vec::new();
    let mut part = Part::Description;
    // How far the current value list's items are indented.
    let mut list_indent = None;

    for raw in normalized.split("<br>") {
        let segment = raw.trim();
        if let Some((marker, rest)) = marker(segment) {
            part = marker;
            list_indent = None;
            match marker {
                Part::Example => facts.example = non_empty(rest),
                Part::Default => facts.default = non_empty(rest),
                Part::Rules if !rest.is_empty() => rules.push(rest),
                Part::Enum if !rest.is_empty() => facts.enum_values.push(enum_item(rest)),
                _ => {}
            }
            continue;
        }
        if segment.is_empty() {
            continue;
        }
        // `状态，可能值有：` in running text: the list that follows is the field's values.
        if let Some(before) = plain_list_start(segment) {
            part = Part::Enum;
            list_indent = None;
            description.extend(non_empty_str(before));
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if part == Part::Enum && sub_item(&mut facts.enum_values, list_indent, indent, segment) {
            continue;
        }
        match part {
            // Another bold label (`**注意**：`) ends the rules.
            Part::Rules if !is_bold_label(segment) => rules.push(segment),
            // So does a bold label under a list (`**说明**：…`, `**字段权限要求**：`).
            // A link whose text broke the line (`…[如何获取用户 ID` / `](/ssl:ttdoc/…)`):
            // the rest of the last value's meaning, not a value.
            Part::Enum if segment.starts_with("](") && !facts.enum_values.is_empty() => {
                if let Some((_, Some(text))) = facts.enum_values.last_mut() {
                    text.push_str(segment);
                }
            }
            Part::Enum if is_list_item(segment) && !is_bold_label(segment) => {
                list_indent.get_or_insert(indent);
                facts.enum_values.push(enum_item(segment))
            }
            _ => {
                // Text after a value part, or another bold label, is description again.
                part = Part::Description;
                description.push(segment);
            }
        }
    }
    facts.description = non_empty(&description.join("\n"));
    facts.rules = non_empty(&rules.join("\n"));
    facts
}

/// `    - 获取应用 OpenID…` indented deeper than the list's items: more about the last value,
/// not another one. True when the segment was taken so.
fn sub_item(
    values: &mut [(String, Option<String>)],
    list_indent: Option<usize>,
    indent: usize,
    segment: &str,
) -> bool {
    let Some(last) = values
        .last_mut()
        .filter(|_| list_indent.is_some_and(|i| indent > i))
    else {
        return false;
    };
    let note = segment.trim_start_matches(['-', '*']).trim();
    last.1 = Some(match last.1.take() {
        Some(text) => format!("{text}\n{note}"),
        None => note.to_string(),
    });
    true
}

/// The wordings that introduce a value list in running text rather than as a bold label.
pub const VALUE_LIST_WORDINGS: &[&str] = &[
    "可选值有",
    "可能值有",
    "可选值如下",
    "可选值",
    "取值范围如下",
    "枚举值有",
    "枚举值如下",
    "Optional values are",
    "Possible values are",
];

/// A segment that ends by introducing a list (`群发言模式，可能值有：`): the text before
/// the wording, which stays description. `取值范围如下。该参数支持设置多个类型值，…：`
/// keeps the words after the wording too.
fn plain_list_start(segment: &str) -> Option<&str> {
    // A list item (`- left_type  int  可选值有：`) describes something else's values.
    if segment.starts_with(['-', '*']) || numbered(segment).is_some() {
        return None;
    }
    // `成员类型, 可选值` with no colon: only when the wording ends the segment.
    let (body, colon) = match segment.strip_suffix(['：', ':']) {
        Some(body) => (body, true),
        None => (segment, false),
    };
    // The last wording counts (`可选值如下所示。了解更多…。可选值：`); the longest where two
    // start at the same place.
    let (at, wording) = VALUE_LIST_WORDINGS
        .iter()
        .filter_map(|wording| Some((body.rfind(wording)?, wording.len())))
        .max()?;
    let after = body[at + wording..].trim();
    let before = body[..at].trim_end_matches(['，', ',', '。', ' ']);
    match (after.is_empty(), colon) {
        (true, _) => Some(before),
        (false, true) => Some(segment),
        (false, false) => None,
    }
}

fn non_empty_str(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// `- x`, `* x`, `1. x`, or `x：description` (a value with its meaning).
fn is_list_item(segment: &str) -> bool {
    segment.starts_with(['-', '*'])
        || numbered(segment).is_some()
        || segment.split_once(['：', ':']).is_some_and(|(value, _)| {
            let value = value.trim().trim_matches('`');
            // `详细见[列表](/ssl:ttdoc/…)`: prose with a link, split at the link's colon.
            !value.is_empty()
                && !value.contains(char::is_whitespace)
                && !value.contains("](")
                && value.len() <= 64
        })
}

/// `**注意**：…` or `<b>注意</b>：…`: a label that starts a new part of the cell.
fn is_bold_label(segment: &str) -> bool {
    segment.starts_with("**") || segment.starts_with("<b>")
}

/// `12. rest` → `rest`.
fn numbered(segment: &str) -> Option<&str> {
    let digits = segment.len()
        - segment
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    (digits > 0)
        .then(|| segment[digits..].strip_prefix(". "))
        .flatten()
}

/// `**示例**: {}` → (Example, "{}"). Bold may be written `**…**` or `<b>…</b>`.
fn marker(segment: &str) -> Option<(Part, &str)> {
    let inner = segment
        .strip_prefix("**")
        .and_then(|s| s.split_once("**"))
        .or_else(|| {
            segment
                .strip_prefix("<b>")
                .and_then(|s| s.split_once("</b>"))
        })?;
    let (name, rest) = inner;
    let part = MARKERS
        .iter()
        .find(|(m, _)| *m == name.trim_end_matches([':', '：']))?
        .1;
    let rest = rest.trim_start().trim_start_matches([':', '：']).trim();
    Some((part, rest))
}

fn enum_item(segment: &str) -> (String, Option<String>) {
    let item = numbered(segment).unwrap_or(segment);
    // One list marker: `- -1：其他` is the value -1.
    let item = item
        .strip_prefix("- ")
        .or_else(|| item.strip_prefix("* "))
        .unwrap_or(item)
        .trim();
    let item = match item.strip_prefix(['-', '*']) {
        Some(rest) if !rest.starts_with(|c: char| c.is_ascii_digit()) => rest.trim(),
        _ => item,
    };
    // `` `yyyy/MM/dd HH:mm`：… ``: a ticked value ends at its tick, colons and all.
    let ticked = item
        .strip_prefix('`')
        .and_then(|rest| rest.split_once('`'))
        .filter(|(value, _)| !value.is_empty());
    if let Some((value, rest)) = ticked {
        let description = rest.trim_start().trim_start_matches(['：', ':']);
        return (value.to_string(), non_empty(description));
    }
    let (value, description) = match item.split_once(['：', ':']) {
        Some((value, description)) => (value, non_empty(description)),
        // `0 无`: a number, then its meaning.
        None => match item.split_once(char::is_whitespace) {
            Some((number, description)) if number.parse::<i64>().is_ok() => {
                (number, non_empty(description))
            }
            _ => (item, None),
        },
    };
    (value.trim().trim_matches('`').to_string(), description)
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A documented value (`**示例**`, `**默认值**`, enum value) as JSON of the field's type.
/// Values that do not read as that type stay strings; `int64` is a string on the wire.
pub fn typed_value(text: &str, ty: FieldType) -> Value {
    let text = text.trim().trim_matches('`');
    // The site writes `**示例值**："text"`: a JSON string literal.
    let unquoted;
    let text = if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        match serde_json::from_str::<String>(text) {
            Ok(inner) if ty != FieldType::Any => {
                unquoted = inner;
                unquoted.as_str()
            }
            _ => text,
        }
    } else {
        text
    };
    let parsed = match ty {
        FieldType::Int => text.parse::<i64>().ok().map(Value::from),
        FieldType::Float => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        FieldType::Bool => text.parse::<bool>().ok().map(Value::Bool),
        FieldType::Object | FieldType::Array | FieldType::Map | FieldType::Any => {
            serde_json::from_str(text).ok()
        }
        FieldType::String | FieldType::Int64 | FieldType::File => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// Rule phrases, longest first so `长度范围` is not read as something shorter.
#[derive(Clone, Copy)]
enum Phrase {
    MaxLength,
    MinLength,
    LengthRange,
    /// `长度为 10`: exactly that many characters.
    ExactLength,
    Max,
    Min,
    ValueRange,
    Pattern,
}

const PHRASES: &[(&str, Phrase)] = &[
    ("总长度最大值", Phrase::MaxLength),
    ("最大长度", Phrase::MaxLength),
    ("最小长度", Phrase::MinLength),
    ("长度范围", Phrase::LengthRange),
    ("最大值", Phrase::Max),
    ("最小值", Phrase::Min),
    ("取值范围", Phrase::ValueRange),
    ("正则校验", Phrase::Pattern),
    ("int32 范围", Phrase::ValueRange),
    ("int64 范围", Phrase::ValueRange),
    ("列表长度不能大于", Phrase::MaxLength),
    ("固定长度", Phrase::ExactLength),
    ("长度为", Phrase::ExactLength),
    ("Maximum length", Phrase::MaxLength),
    ("Minimum length", Phrase::MinLength),
    ("Length range", Phrase::LengthRange),
    ("Maximum value", Phrase::Max),
    ("Minimum value", Phrase::Min),
    ("Value range", Phrase::ValueRange),
];

/// Read `数据校验规则` text such as `最大长度: 255最小长度: 0`. Returns the rules and the
/// phrases that were not understood.
pub fn parse_rules(text: &str) -> (Rules, Vec<String>) {
    let mut rules = Rules::default();
    let mut unknown = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || "-*;；,，。".contains(c));
        if rest.is_empty() {
            break;
        }
        let Some((phrase, after)) = PHRASES
            .iter()
            .find_map(|(name, phrase)| rest.strip_prefix(name).map(|after| (*phrase, after)))
        else {
            // `1 ~ 100 个字符`: a length range with no phrase before it.
            if let (true, remaining) = bare_length_range(rest, &mut rules) {
                rest = remaining;
                continue;
            }
            let end = next_phrase(rest).unwrap_or(rest.len());
            // `一个文本 Block 中 content 总长度最大值：…`: what the phrase is about, not a
            // rule of its own.
            if end < rest.len() && is_subject(&rest[..end]) {
                rest = &rest[end..];
                continue;
            }
            unknown.push(rest[..end].trim().to_string());
            rest = &rest[end..];
            continue;
        };
        let after = after
            .trim_start()
            .trim_start_matches([':', '：', '(', '（', ' '])
            .trim_start();
        let (ok, remaining) = apply(phrase, after, &mut rules);
        let remaining = strip_unit(remaining);
        if !ok {
            let end = next_phrase(after).unwrap_or(after.len());
            unknown.push(rest[..rest.len() - after.len() + end].trim().to_string());
            rest = &after[end..];
        } else {
            rest = remaining;
        }
    }
    (rules, unknown)
}

/// `1 ~ 100 个字符`: read as a length range only when a length unit follows.
fn bare_length_range<'a>(text: &'a str, rules: &mut Rules) -> (bool, &'a str) {
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '`') {
        return (false, text);
    }
    let mut found = Rules::default();
    let (ok, rest) = apply(Phrase::LengthRange, text, &mut found);
    let rest = rest.trim_start();
    if !ok || !["个字符", "字符"].iter().any(|unit| rest.starts_with(unit)) {
        return (false, text);
    }
    rules.min_length = found.min_length;
    rules.max_length = found.max_length;
    (true, strip_unit(rest))
}

/// A short run of words with no sentence break: the subject of the phrase after it.
fn is_subject(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.chars().count() <= 40
        && !text.contains(|c: char| "。；;，,、：:\n".contains(c))
}

/// Units written after a length (`～ 32 字符`): part of the phrase, not another rule.
fn strip_unit(text: &str) -> &str {
    let trimmed = text.trim_start();
    ["个字符", "字符", "个", "）内的正整数", "）", ")"]
        .iter()
        .find_map(|unit| trimmed.strip_prefix(unit))
        .unwrap_or(text)
}

fn next_phrase(text: &str) -> Option<usize> {
    PHRASES
        .iter()
        .filter_map(|(name, _)| text.find(name))
        .filter(|&i| i > 0)
        .min()
}

/// Apply one phrase's value; false when the value is not in a form we read.
fn apply<'a>(phrase: Phrase, text: &'a str, rules: &mut Rules) -> (bool, &'a str) {
    match phrase {
        Phrase::Pattern => {
            let (pattern, rest) = match text.strip_prefix('`').and_then(|t| t.split_once('`')) {
                Some((pattern, rest)) => (pattern, rest),
                None => {
                    let end = next_phrase(text).unwrap_or(text.len());
                    (text[..end].trim(), &text[end..])
                }
            };
            rules.pattern = non_empty(pattern);
            (rules.pattern.is_some(), rest)
        }
        Phrase::LengthRange | Phrase::ValueRange => {
            let Some((low, rest)) = number(text) else {
                return (false, text);
            };
            let rest = strip_unit(rest)
                .trim_start()
                .trim_start_matches(['～', '~', '-', '至'])
                .trim_start();
            let Some((high, rest)) = number(rest) else {
                return (false, text);
            };
            if matches!(phrase, Phrase::LengthRange) {
                match (low.as_u64(), high.as_u64()) {
                    (Some(low), Some(high)) => {
                        rules.min_length = Some(low);
                        rules.max_length = Some(high);
                    }
                    _ => return (false, text),
                }
            } else {
                rules.min = Some(low);
                rules.max = Some(high);
            }
            (true, rest)
        }
        Phrase::ExactLength => {
            let Some(length) = number(text).and_then(|(n, rest)| Some((n.as_u64()?, rest))) else {
                return (false, text);
            };
            rules.min_length = Some(length.0);
            rules.max_length = Some(length.0);
            (true, length.1)
        }
        Phrase::MaxLength | Phrase::MinLength | Phrase::Max | Phrase::Min => {
            let Some((value, rest)) = number(text) else {
                return (false, text);
            };
            let slot_len =
                |slot: &mut Option<u64>| value.as_u64().map(|v| *slot = Some(v)).is_some();
            let ok = match phrase {
                Phrase::MaxLength => slot_len(&mut rules.max_length),
                Phrase::MinLength => slot_len(&mut rules.min_length),
                Phrase::Max => {
                    rules.max = Some(value);
                    true
                }
                _ => {
                    rules.min = Some(value);
                    true
                }
            };
            (ok, rest)
        }
    }
}

/// A number at the start of `text`, optionally in backticks, and what follows it.
fn number(text: &str) -> Option<(Number, &str)> {
    let (text, ticked) = match text.strip_prefix('`') {
        Some(t) => (t, true),
        None => (text, false),
    };
    // Digits, a sign, a decimal point, and `,` between digits (`10,000`).
    let bytes = text.as_bytes();
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            let thousands = c == ','
                && i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-') || thousands)
        })
        .map_or(text.len(), |(i, _)| i);
    let digits = text[..end].replace(',', "");
    let number = match digits.parse::<i64>() {
        Ok(n) => Number::from(n),
        Err(_) => Number::from_f64(digits.parse::<f64>().ok()?)?,
    };
    let mut rest = &text[end..];
    if ticked {
        // `100,000 个 UTF-16 编码的字符`: a unit may follow the number inside the ticks.
        let (unit, after) = rest.split_once('`')?;
        if !unit.is_empty() && !unit.starts_with(char::is_whitespace) {
            return None;
        }
        rest = after;
    }
    Some((number, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_cell() {
        let facts = read_cell(
            "会话的自定义变量内容 <br> **示例**: {} <br> **数据校验规则**:<br>最大长度: 255最小长度: 0",
        );
        assert_eq!(facts.description.as_deref(), Some("会话的自定义变量内容"));
        assert_eq!(facts.example.as_deref(), Some("{}"));
        assert_eq!(facts.rules.as_deref(), Some("最大长度: 255最小长度: 0"));
        let (rules, unknown) = parse_rules(facts.rules.as_deref().unwrap());
        assert_eq!((rules.min_length, rules.max_length), (Some(0), Some(255)));
        assert!(unknown.is_empty());
    }

    #[test]
    fn ranges_patterns_and_unknown_phrases() {
        let (rules, unknown) = parse_rules("- 长度范围：`9` ～ `32` 字符\n- 正则校验：`^[a-z]+$`");
        assert_eq!((rules.min_length, rules.max_length), (Some(9), Some(32)));
        assert_eq!(rules.pattern.as_deref(), Some("^[a-z]+$"));
        assert!(unknown.is_empty(), "{unknown:?}");

        let (rules, unknown) = parse_rules("最大值: 500最小值: -1 必须是偶数");
        assert_eq!(rules.max, Some(Number::from(500)));
        assert_eq!(rules.min, Some(Number::from(-1)));
        assert_eq!(unknown, vec!["必须是偶数".to_string()]);
    }

    #[test]
    fn bare_ranges_exact_lengths_and_subjects() {
        let lengths = |text: &str| {
            let (rules, unknown) = parse_rules(text);
            (rules.min_length, rules.max_length, unknown)
        };
        assert_eq!(lengths("1 ~ 100 个字符。"), (Some(1), Some(100), vec![]));
        assert_eq!(
            lengths("1 ~ 64 个字符，仅支持字母、数字。"),
            (Some(1), Some(64), vec!["仅支持字母、数字。".to_string()])
        );
        assert_eq!(
            lengths("长度为 10，由 0-9、a-z、A-Z 组合而成。"),
            (
                Some(10),
                Some(10),
                vec!["由 0-9、a-z、A-Z 组合而成。".to_string()]
            )
        );
        assert_eq!(
            lengths("一个文本 Block 中 content 总长度最大值：`100,000 个 UTF-16 编码的字符`"),
            (None, Some(100000), vec![])
        );
        // A number alone is not a length, and prose with a break in it is not a subject.
        assert_eq!(
            lengths("1 ~ 100"),
            (None, None, vec!["1 ~ 100".to_string()])
        );
        assert_eq!(
            lengths("必须是偶数，最大长度：5").2,
            vec!["必须是偶数，".to_string()]
        );
    }

    #[test]
    fn more_phrasings() {
        let (rules, unknown) = parse_rules("长度范围：`1`~`10,000`字符");
        assert_eq!(
            (rules.min_length, rules.max_length, unknown.len()),
            (Some(1), Some(10000), 0)
        );
        let (rules, unknown) = parse_rules("长度范围：`1` 字符 ～ `50` 字符");
        assert_eq!(
            (rules.min_length, rules.max_length, unknown.len()),
            (Some(1), Some(50), 0)
        );
        let (rules, unknown) = parse_rules("int32 范围（ `1`~`2147483647`）内的正整数。");
        assert_eq!(
            (rules.min, rules.max),
            (Some(Number::from(1)), Some(Number::from(2147483647)))
        );
        assert!(unknown.is_empty(), "{unknown:?}");
        let (rules, _) = parse_rules("列表长度不能大于 50。");
        assert_eq!(rules.max_length, Some(50));
        let facts = read_cell("x\n**数据校验规则**：\n- 最大长度：`10` 字符\n**注意**：不能重复");
        assert_eq!(facts.rules.as_deref(), Some("- 最大长度：`10` 字符"));
        assert_eq!(facts.description.as_deref(), Some("x\n**注意**：不能重复"));
    }

    #[test]
    fn enum_lists() {
        let facts = read_cell(
            "用户 ID 类型 <br> **可选值有**：<br>- `open_id`：以 open_id 来识别用户<br>- union_id",
        );
        assert_eq!(
            facts.enum_values,
            vec![
                (
                    "open_id".to_string(),
                    Some("以 open_id 来识别用户".to_string())
                ),
                ("union_id".to_string(), None),
            ]
        );
        assert_eq!(facts.description.as_deref(), Some("用户 ID 类型"));
    }

    #[test]
    fn site_source_cell() {
        let facts = read_cell(
            "会话 ID\n\n**示例值**：\"session_4dfunz7sp1g8m\"\n\n**数据校验规则**：\n\n- 长度范围：`9` ～ `32` 字符\n- 正则校验：`session_[0-9a-hjkmnp-z]{1,24}`",
        );
        assert_eq!(facts.description.as_deref(), Some("会话 ID"));
        assert_eq!(
            typed_value(facts.example.as_deref().unwrap(), FieldType::String),
            Value::from("session_4dfunz7sp1g8m")
        );
        let (rules, unknown) = parse_rules(facts.rules.as_deref().unwrap());
        assert_eq!((rules.min_length, rules.max_length), (Some(9), Some(32)));
        assert_eq!(
            rules.pattern.as_deref(),
            Some("session_[0-9a-hjkmnp-z]{1,24}")
        );
        assert!(unknown.is_empty());
    }

    #[test]
    fn list_markup_enums_and_trailing_text() {
        let facts = read_cell(
            "类型<br><b>可选值有</b>：<br><ul><li>0：全部打卡类型</li><li>1：需要打卡类型</li></ul>",
        );
        assert_eq!(facts.enum_values.len(), 2);
        assert_eq!(
            facts.enum_values[1],
            ("1".to_string(), Some("需要打卡类型".to_string()))
        );
        let facts = read_cell(
            "x\n**可选值有**：\n1. employee_id：员工 ID\n2. employee_no：工号\n**默认值**：`open_id`\n**当值为 `user_id`，字段权限要求**：",
        );
        assert_eq!(facts.enum_values.len(), 2);
        assert_eq!(facts.default.as_deref(), Some("`open_id`"));
        assert_eq!(
            facts.description.as_deref(),
            Some("x\n**当值为 `user_id`，字段权限要求**：")
        );
    }

    #[test]
    fn a_bold_label_ends_an_enum_list() {
        // contact.v3.user.create: a note and the field's scopes follow its values.
        let facts = read_cell(
            "性别。\n**可选值有**：\n- 0：保密\n- 1：男\n\n**字段权限要求（满足任一）**：\n- contact:user.gender:readonly：获取用户性别",
        );
        let values: Vec<&str> = facts.enum_values.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["0", "1"]);
        let facts = read_cell(
            "用户类型。\n**可选值有**：\n- 1：用户\n**说明**：目前仅支持取值 1，表示用户。",
        );
        assert_eq!(facts.enum_values.len(), 1);
        assert_eq!(
            read_cell("范围\n**可选值有**：\n- 0 无\n- 2 自定义\n-3：x\n- -1：其他").enum_values
                [..2],
            [
                ("0".to_string(), Some("无".to_string())),
                ("2".to_string(), Some("自定义".to_string()))
            ]
        );
        assert_eq!(
            read_cell("范围\n**可选值有**：\n-3：x\n- -1：其他\n-a：y\n* b").enum_values,
            [
                ("-3".to_string(), Some("x".to_string())),
                ("-1".to_string(), Some("其他".to_string())),
                ("a".to_string(), Some("y".to_string())),
                ("b".to_string(), None)
            ]
        );
        assert_eq!(
            facts.description.as_deref(),
            Some("用户类型。\n**说明**：目前仅支持取值 1，表示用户。")
        );
    }

    #[test]
    fn a_link_in_a_value_list_is_never_a_value() {
        let values =
            |facts: &CellFacts| -> Vec<(String, Option<String>)> { facts.enum_values.clone() };
        // The link text broke the line: its target belongs to the last value's meaning.
        let facts = read_cell(
            "**可选值有**：\n- open_id：参考[如何获取不同的用户 ID\n](/ssl:ttdoc/home/open-id)\n- user_id：用户 ID",
        );
        assert_eq!(
            values(&facts),
            [
                (
                    "open_id".to_string(),
                    Some("参考[如何获取不同的用户 ID](/ssl:ttdoc/home/open-id)".to_string())
                ),
                ("user_id".to_string(), Some("用户 ID".to_string())),
            ]
        );
        // Prose with a link after the list is description, not a value split at `ssl:`.
        let facts = read_cell(
            "**可选值有**：\n- \"code\"：编码\n详细见[获取自定义字段列表](/ssl:ttdoc/x/query) ,比如:\"a\"",
        );
        assert_eq!(values(&facts).len(), 1);
        assert_eq!(
            facts.description.as_deref(),
            Some("详细见[获取自定义字段列表](/ssl:ttdoc/x/query) ,比如:\"a\"")
        );
    }

    #[test]
    fn value_lists_in_running_text() {
        let values = |facts: &CellFacts| -> Vec<String> {
            facts.enum_values.iter().map(|(v, _)| v.clone()).collect()
        };
        // The wording ends a sentence; the text before it stays the description.
        let facts =
            read_cell("群发言模式，可能值有：\n- only_owner：仅群主\n- all_members：所有人");
        assert_eq!(values(&facts), ["only_owner", "all_members"]);
        assert_eq!(facts.description.as_deref(), Some("群发言模式"));
        // Bold with the colon inside, and no colon at all.
        let facts = read_cell("是否删除。\n**可能值有：**\n- true：是\n- false：否");
        assert_eq!(values(&facts), ["true", "false"]);
        assert_eq!(facts.description.as_deref(), Some("是否删除。"));
        let facts = read_cell("成员类型, 可选值\n* user\n* app\n**示例值**：\"user\"");
        assert_eq!(values(&facts), ["user", "app"]);
        assert_eq!(facts.description.as_deref(), Some("成员类型"));
        // The last wording of the sentence counts; words after a wording stay.
        let facts = read_cell(
            "用户 ID 类型。可选值如下所示。了解更多，参考[概述](/x)。可选值：\n- `open_id`：应用内身份",
        );
        assert_eq!(values(&facts), ["open_id"]);
        assert_eq!(
            facts.description.as_deref(),
            Some("用户 ID 类型。可选值如下所示。了解更多，参考[概述](/x)")
        );
        let facts = read_cell(
            "类型。取值范围如下。可设置多个，用 `,` 分隔：<br><br>- 1：正式员工<br>- 2：实习生",
        );
        assert_eq!(values(&facts), ["1", "2"]);
        assert_eq!(
            facts.description.as_deref(),
            Some("类型。取值范围如下。可设置多个，用 `,` 分隔：")
        );
        // Indented items under a value say more about it; a ticked value keeps its colons.
        let facts = read_cell(
            "类型<br>**可选值**:<br>- openid: 开放平台 Open ID<br>    - 获取应用 OpenID<br>- `HH:mm`：时分",
        );
        assert_eq!(
            facts.enum_values,
            [
                (
                    "openid".to_string(),
                    Some("开放平台 Open ID\n获取应用 OpenID".to_string())
                ),
                ("HH:mm".to_string(), Some("时分".to_string())),
            ]
        );
        // A list indented as a whole is still one list.
        let facts = read_cell("状态<br>    可选值有：<br>  - `0`：已开通<br>  - `1`：待确认");
        assert_eq!(facts.enum_values.len(), 2);
        // A list item ending in a wording lists another thing's values, not the field's.
        let facts = read_cell("规则<br>- left_type  int  可选值有：<br>``1``：参保城市");
        assert!(facts.enum_values.is_empty());
        // A wording inside a sentence that does not end there starts no list.
        let facts = read_cell("可选值有 classic、minimal 两种\n- 注意事项");
        assert!(facts.enum_values.is_empty());
    }

    #[test]
    fn typed_values() {
        assert_eq!(typed_value("10", FieldType::Int), Value::from(10));
        assert_eq!(typed_value("10", FieldType::Int64), Value::from("10"));
        assert_eq!(typed_value("true", FieldType::Bool), Value::Bool(true));
        assert_eq!(typed_value("{}", FieldType::String), Value::from("{}"));
    }
}
