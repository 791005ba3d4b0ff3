//! Broken pages: each gives a diagnostic naming file and line, never a panic, and the rest
//! of the page is still read.

use std::path::Path;

use feishu_codegen::diagnostics::{Diagnostic, Kind, Level};
use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::{AppType, FieldType, Spec, TokenKind};

const FILE: &str = "pages/broken.md";

fn seed_text() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/pages/aily/v1/aily_session/update.md");
    std::fs::read_to_string(path).unwrap()
}

/// The seed with one line replaced; returns the page and that line's 1-based number.
fn seed_with(old_line_start: &str, new_line: &str) -> (String, usize) {
    let text = seed_text();
    let index = text
        .lines()
        .position(|l| l.starts_with(old_line_start))
        .expect("line to replace");
    let lines: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == index { new_line } else { l })
        .collect();
    (lines.join("\n"), index + 1)
}

fn endpoint(text: &str) -> Spec {
    match parse_page(FILE, text) {
        Outcome::Endpoint(spec) => *spec,
        other => panic!("expected an endpoint, got {other:?}"),
    }
}

#[test]
fn guide_page_is_skipped_with_a_reason() {
    let text = "## 某个指南\n\n这不是接口页面。\n\n| a | b |\n| - | - |\n| 1 | 2 |\n";
    assert_eq!(
        parse_page(FILE, text),
        Outcome::Skipped {
            reason: "not an endpoint page: no HTTP URL and no /open-apis/ path".into()
        }
    );
}

#[test]
fn page_without_basics_table_fails_at_its_first_line() {
    let text = "## 某个接口\n\nHTTP URL: https://open.feishu.cn/open-apis/x/v1/y\n\n| a | b |\n| - | - |\n| 1 | 2 |\n";
    let Outcome::Failed { diagnostics } = parse_page(FILE, text) else {
        panic!("must fail")
    };
    assert_eq!(
        diagnostics,
        [Diagnostic {
            line: 1,
            level: Level::Error,
            kind: Kind::MissingBasics,
            message: "no `| 基本 | |` table with the HTTP URL and method: not a page this parser can read".into(),
        }]
    );
    assert_eq!(
        diagnostics[0].display(FILE).to_string(),
        "pages/broken.md:1: error[missing-basics]: no `| 基本 | |` table with the HTTP URL and method: not a page this parser can read"
    );
}

#[test]
fn basics_table_without_method_fails_at_the_table() {
    let (text, _) = seed_with("| HTTP Method |", "| 其他 | PUT |");
    let table_line = text.lines().position(|l| l.starts_with("| 基本")).unwrap() + 1;
    let Outcome::Failed { diagnostics } = parse_page(FILE, &text) else {
        panic!("must fail")
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        (diagnostics[0].line, diagnostics[0].kind),
        (table_line, Kind::MissingBasics)
    );
}

#[test]
fn unknown_http_method_fails_at_its_row() {
    let (text, line) = seed_with("| HTTP Method |", "| HTTP Method | FETCH |");
    let Outcome::Failed { diagnostics } = parse_page(FILE, &text) else {
        panic!("must fail")
    };
    let bad: Vec<(usize, Kind, Level, &str)> = diagnostics
        .iter()
        .map(|d| (d.line, d.kind, d.level, d.message.as_str()))
        .filter(|d| d.1 == Kind::BadValue)
        .collect();
    assert_eq!(
        bad,
        [(
            line,
            Kind::BadValue,
            Level::Error,
            "HTTP Method `FETCH` is not GET, POST, PUT, PATCH or DELETE"
        )]
    );
}

#[test]
fn unknown_token_kind_is_a_warning_and_left_out() {
    let (text, line) = seed_with(
        "| 支持的访问令牌 |",
        "| 支持的访问令牌 | tenant_access_token, refresh_access_token |",
    );
    let spec = endpoint(&text);
    assert_eq!(spec.auth.tokens, [TokenKind::Tenant]);
    let unknown: Vec<&Diagnostic> = spec
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::UnknownToken)
        .collect();
    assert_eq!(
        unknown,
        [&Diagnostic::warning(
            line,
            Kind::UnknownToken,
            "`refresh_access_token` is not a token kind the IR knows (tenant, user, app); left out"
        )]
    );
}

#[test]
fn unknown_app_type_is_a_warning_and_left_out() {
    let (text, line) = seed_with("| 支持的应用类型 |", "| 支持的应用类型 | custom, partner |");
    let spec = endpoint(&text);
    assert_eq!(spec.auth.app_types, [AppType::Custom]);
    assert!(spec.diagnostics.contains(&Diagnostic::warning(
        line,
        Kind::BadValue,
        "app type `partner` is not `custom` or `isv`; left out"
    )));
}

#[test]
fn row_with_missing_cells_is_reported_and_skipped() {
    let (text, line) = seed_with("| metadata |", "| metadata | string |");
    let spec = endpoint(&text);
    // The first line of the JSON, after its fence.
    let example_line = text.lines().position(|l| l.starts_with("```json")).unwrap() + 2;
    assert_eq!(
        spec.diagnostics,
        [
            Diagnostic {
                line,
                level: Level::Error,
                kind: Kind::MissingCell,
                message: "row `metadata` has 2 of the table's 4 cells; row skipped".into(),
            },
            // The request example still sends it: the page now contradicts itself.
            Diagnostic {
                line: example_line,
                level: Level::Warning,
                kind: Kind::ExampleContradictsTable,
                message: "`body.metadata`: the example sends it, the table does not document it"
                    .into(),
            }
        ]
    );
    assert!(spec.has_errors());
    let fields = spec.request.unwrap().fields;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].name, "channel_context");
}

#[test]
fn unknown_type_becomes_any_with_a_warning() {
    let (text, line) = seed_with("| metadata |", "| metadata | strnig | 否 | 自定义变量 |");
    let spec = endpoint(&text);
    assert_eq!(
        spec.diagnostics,
        [Diagnostic {
            line,
            level: Level::Warning,
            kind: Kind::UnknownType,
            message: "field `metadata`: unknown type `strnig`; typed from the example where it has one, else `any`".into(),
        }]
    );
    assert!(!spec.has_errors());
    // The request example shows a string.
    assert_eq!(spec.request.unwrap().fields[1].ty, FieldType::String);

    // Without an example nothing says more: `any`.
    let without_example = text.replace("    \"metadata\": \"{}\"", "    \"other\": 1");
    assert_eq!(
        endpoint(&without_example).request.unwrap().fields[1].ty,
        FieldType::Any
    );
}

#[test]
fn invalid_request_example_is_a_warning_when_the_table_covers_it() {
    let (text, line) = seed_with("    \"metadata\": \"{}\"", "    \"metadata\": [}");
    let spec = endpoint(&text);
    assert_eq!(spec.diagnostics.len(), 1, "{:?}", spec.diagnostics);
    let d = &spec.diagnostics[0];
    assert_eq!(
        (d.line, d.level, d.kind),
        (line, Level::Warning, Kind::InvalidExample)
    );
    assert!(
        d.message.starts_with("请求体示例 is not valid JSON: "),
        "{}",
        d.message
    );
    assert!(
        d.message.ends_with("; the table describes these fields"),
        "{}",
        d.message
    );
    // The rest of the page is still read.
    assert_eq!(spec.id, "aily.v1.aily_session.update");
    assert_eq!(spec.request.unwrap().fields.len(), 2);
    assert!(spec.response.unwrap().example.is_some());
}

#[test]
fn invalid_response_example_is_an_error_when_it_is_the_only_description() {
    let (text, line) = seed_with(
        "            \"created_by\"",
        "            \"created_by\": 1794840334557292\",",
    );
    let spec = endpoint(&text);
    assert_eq!(spec.diagnostics.len(), 1, "{:?}", spec.diagnostics);
    let d = &spec.diagnostics[0];
    assert_eq!(
        (d.line, d.level, d.kind),
        (line, Level::Error, Kind::InvalidExample)
    );
    assert!(
        d.message.starts_with("响应示例 is not valid JSON: "),
        "{}",
        d.message
    );
    assert!(spec.has_errors());
    assert!(spec.response.is_none());
}

#[test]
fn json_with_comments_and_trailing_commas_is_repaired_with_a_warning() {
    let (text, line) = seed_with(
        "    \"metadata\": \"{}\"",
        "    \"metadata\": \"{}\", // 自定义变量",
    );
    let spec = endpoint(&text);
    let example_line = line - 2;
    assert_eq!(
        spec.diagnostics,
        [Diagnostic {
            line: example_line,
            level: Level::Warning,
            kind: Kind::InvalidExample,
            message: "请求体示例 is not valid JSON as written (comments, trailing commas or `...`); read after repairs".into(),
        }]
    );
    assert_eq!(
        spec.request.unwrap().example,
        Some(serde_json::json!({"channel_context": "{}", "metadata": "{}"}))
    );
}

#[test]
fn unknown_rule_phrase_is_a_warning() {
    let (text, line) = seed_with(
        "| metadata |",
        "| metadata | string | 否 | 变量 <br> **数据校验规则**:<br>最大长度: 255必须是 JSON |",
    );
    let spec = endpoint(&text);
    assert_eq!(spec.diagnostics.len(), 1);
    assert_eq!(
        (spec.diagnostics[0].line, spec.diagnostics[0].kind),
        (line, Kind::UnknownRule)
    );
    assert_eq!(
        spec.diagnostics[0].message,
        "field `metadata`: rule `必须是 JSON` not understood"
    );
    assert_eq!(spec.request.unwrap().fields[1].rules.max_length, Some(255));
}

#[test]
fn truncated_pages_never_panic() {
    let text = seed_text();
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            let _ = parse_page(FILE, &text[..cut]);
        }
        cut += 97;
    }
}

#[test]
fn example_that_contradicts_the_table_keeps_the_table() {
    let (text, line) = seed_with("    \"metadata\": \"{}\"", "    \"metadata\": 42");
    let spec = endpoint(&text);
    assert_eq!(
        spec.diagnostics,
        [Diagnostic {
            line: line - 2,
            level: Level::Warning,
            kind: Kind::ExampleContradictsTable,
            message: "`body.metadata`: the table says string, the example has an integer".into(),
        }]
    );
    assert_eq!(spec.request.unwrap().fields[1].ty, FieldType::String);
}

#[test]
fn deprecated_fields_are_marked() {
    let (text, _) = seed_with(
        "| metadata |",
        "| metadata | string | 否 | 已废弃，请使用 channel_context |",
    );
    let fields = endpoint(&text).request.unwrap().fields;
    assert!(fields[1].deprecated);
    assert!(!fields[0].deprecated);
}

#[test]
fn rows_nested_too_deep_are_kept_at_the_deepest_level_with_a_warning() {
    // 40 levels (`&emsp;` per level before the `∟`): real pages nest under ten.
    let rows: String = (0..40)
        .map(|d| match d {
            0 => "| f0 | object | 否 | 第 0 层 |\n".to_string(),
            d => format!(
                "| {}∟f{d} | object | 否 | 第 {d} 层 |\n",
                "&emsp;".repeat(d)
            ),
        })
        .collect();
    let (text, line) = seed_with("| metadata |", rows.trim_end());
    let spec = endpoint(&text);
    let too_deep: Vec<&Diagnostic> = spec
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::TooDeep)
        .collect();
    assert_eq!(too_deep.len(), 1, "one warning per table");
    assert_eq!(
        (
            too_deep[0].line,
            too_deep[0].level,
            too_deep[0].message.as_str()
        ),
        (
            line + 25,
            Level::Warning,
            "field `f25` is nested 25 levels deep; rows deeper than 24 levels are kept at level 24"
        )
    );
    // f0 ⊃ f1 ⊃ … ⊃ f24, and f25…f39 beside f24.
    let mut field = spec
        .request
        .as_ref()
        .unwrap()
        .fields
        .iter()
        .find(|f| f.name == "f0")
        .unwrap();
    for depth in 1..24 {
        field = &field.fields[0];
        assert_eq!(field.name, format!("f{depth}"));
    }
    let deepest: Vec<&str> = field.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(deepest.first(), Some(&"f24"));
    assert_eq!(deepest.len(), 40 - 24);
}

#[test]
fn null_in_the_only_response_description_is_an_untyped_example() {
    let (text, _) = seed_with(
        "            \"metadata\": \"{}\"",
        "            \"metadata\": null",
    );
    let spec = endpoint(&text);
    let untyped: Vec<&Diagnostic> = spec
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::UntypedExample)
        .collect();
    assert_eq!(untyped.len(), 1, "{:?}", spec.diagnostics);
    assert_eq!(untyped[0].level, Level::Warning);
    assert!(
        untyped[0].message.contains("session.metadata"),
        "{}",
        untyped[0].message
    );
    let session = &spec.response.as_ref().unwrap().fields[0];
    let metadata = session
        .fields
        .iter()
        .find(|f| f.name == "metadata")
        .unwrap();
    assert_eq!(metadata.ty, FieldType::Any);
}

#[test]
fn unreadable_error_code_is_a_bad_value_and_the_row_is_skipped() {
    let (text, line) = seed_with(
        "| 400 | 2700001 |",
        "| 400 | 27x0001 | param is invalid | 参数错误 |",
    );
    let spec = endpoint(&text);
    let bad: Vec<(usize, Level, Kind)> = spec
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::BadValue)
        .map(|d| (d.line, d.level, d.kind))
        .collect();
    assert_eq!(bad, [(line, Level::Warning, Kind::BadValue)]);
    assert!(spec.errors.is_empty());
}

#[test]
fn response_example_fields_the_table_lacks_are_added_with_a_warning() {
    let table = "### 响应\n\n#### 响应体\n\n| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n| session | object | 会话 |\n| &emsp;∟id | string | 会话 ID |\n| &emsp;∟metadata | string | 自定义变量 |\n";
    let text = seed_text().replacen("### 响应\n", table, 1);
    let spec = endpoint(&text);
    let added: Vec<&str> = spec
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::ExampleOnlyField)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        added,
        [
            "response field `session.created_at` is in the example but not in the table; added, typed from the example",
            "response field `session.modified_at` is in the example but not in the table; added, typed from the example",
            "response field `session.created_by` is in the example but not in the table; added, typed from the example",
            "response field `session.channel_context` is in the example but not in the table; added, typed from the example",
        ]
    );
    let response = spec.response.unwrap();
    assert_eq!(
        response.fields_from,
        Some(feishu_codegen::spec::FieldsFrom::Table)
    );
    let names: Vec<&str> = response.fields[0]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "metadata",
            "created_at",
            "modified_at",
            "created_by",
            "channel_context"
        ]
    );
}
