//! The seed page (更新会话) read into its spec, fact by fact, plus a snapshot of the YAML.

use std::path::Path;

use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::{
    AppType, ContentType, FieldType, FieldsFrom, HttpMethod, Spec, TokenKind, yaml,
};
use serde_json::json;

const SOURCE: &str = "specs/pages/aily/v1/aily_session/update.md";

fn seed() -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(SOURCE);
    let text = std::fs::read_to_string(&path).expect("seed page is checked in");
    match parse_page(SOURCE, &text) {
        Outcome::Endpoint(spec) => *spec,
        other => panic!("seed page did not parse: {other:?}"),
    }
}

#[test]
fn identity_and_http() {
    let spec = seed();
    assert_eq!(spec.id, "aily.v1.aily_session.update");
    assert_eq!(spec.title, "更新会话");
    assert_eq!(
        spec.summary.as_deref(),
        Some("该 API 用于更新与某个飞书智能伙伴应用的一次会话（Session）的信息。")
    );
    assert_eq!(spec.source, SOURCE);
    assert_eq!(spec.http.method, HttpMethod::Put);
    assert_eq!(
        spec.http.path,
        "/open-apis/aily/v1/sessions/:aily_session_id"
    );
    assert_eq!(
        spec.sdk_names["python"],
        "client.aily.v1.aily_session.update"
    );
    assert_eq!(spec.sdk_names["go"], "client.Aily.V1.AilySession.Update");
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
}

#[test]
fn tokens_app_types_and_scope() {
    let auth = seed().auth;
    assert_eq!(auth.tokens, [TokenKind::Tenant, TokenKind::User]);
    assert_eq!(auth.app_types, [AppType::Custom]);
    assert_eq!(auth.scopes.len(), 1);
    assert_eq!(auth.scopes[0].name, "aily:session:write");
    assert_eq!(auth.scopes[0].description.as_deref(), Some("读写会话信息"));
}

#[test]
fn path_param() {
    let spec = seed();
    assert_eq!(spec.path_params.len(), 1);
    let param = &spec.path_params[0];
    assert_eq!(param.name, "aily_session_id");
    assert_eq!(param.ty, FieldType::String);
    assert_eq!(param.required, Some(true));
    assert_eq!(param.description.as_deref(), Some("会话 ID"));
    assert!(spec.query_params.is_empty());
}

#[test]
fn body_fields_with_examples_and_rules() {
    let request = seed().request.expect("the page has a body");
    assert_eq!(request.content_type, ContentType::Json);
    let names: Vec<&str> = request.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["channel_context", "metadata"]);
    for field in &request.fields {
        assert_eq!(field.ty, FieldType::String, "{}", field.name);
        assert_eq!(field.required, Some(false), "{}", field.name);
        assert_eq!(field.example, Some(json!("{}")), "{}", field.name);
        assert_eq!(field.rules.min_length, Some(0), "{}", field.name);
        assert_eq!(field.rules.max_length, Some(255), "{}", field.name);
        let description = field.description.as_deref().unwrap();
        assert!(
            !description.contains("示例") && !description.contains("<br>"),
            "{description}"
        );
    }
    assert_eq!(
        request.fields[0].description.as_deref(),
        Some(
            "可自行构造的 Context [上下文变量](https://aily.feishu.cn/hc/1u7kleqg/en70bqqj#6a446d5e)；在 Workflow 技能中可消费这部分全局变量"
        )
    );
    assert_eq!(
        request.example,
        Some(json!({"channel_context": "{}", "metadata": "{}"}))
    );
}

#[test]
fn response_fields_inferred_from_example() {
    let response = seed().response.expect("the page has a response example");
    assert_eq!(response.fields_from, Some(FieldsFrom::Example));
    assert_eq!(response.fields.len(), 1);
    let session = &response.fields[0];
    assert_eq!(
        (session.name.as_str(), session.ty),
        ("session", FieldType::Object)
    );
    let fields: Vec<(&str, FieldType)> = session
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty))
        .collect();
    assert_eq!(
        fields,
        [
            ("id", FieldType::String),
            ("created_at", FieldType::String),
            ("modified_at", FieldType::String),
            ("created_by", FieldType::String),
            ("channel_context", FieldType::String),
            ("metadata", FieldType::String),
        ]
    );
    assert_eq!(
        session.fields[0].example,
        Some(json!("session_4dfunz7sp1g8m"))
    );
    assert_eq!(
        response.example.unwrap()["data"]["session"]["created_at"],
        json!("1711975665710")
    );
}

#[test]
fn error_table() {
    let errors = seed().errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].http_status, 400);
    assert_eq!(errors[0].code, 2700001);
    assert_eq!(errors[0].message, "param is invalid");
    assert_eq!(errors[0].hint.as_deref(), Some("参数错误"));
}

#[test]
fn yaml_is_deterministic_and_round_trips() {
    let spec = seed();
    let text = yaml::to_string(&spec).unwrap();
    assert_eq!(text, yaml::to_string(&seed()).unwrap());
    assert_eq!(yaml::from_str(&text).unwrap(), spec);
    // Keys with no value are left out, as spec-format.md asks.
    assert!(!text.contains("null") && !text.contains("[]"), "{text}");
    assert!(text.contains("fields_from: example\n"));
}

/// The closed sets of the IR (method, token kinds, app types, content types, where the
/// page token goes) load only with the names the format document gives them.
#[test]
fn yaml_with_a_value_outside_a_closed_set_does_not_load() {
    let text = yaml::to_string(&seed()).unwrap();
    let cases = [
        (
            "method: PUT",
            "method: FETCH",
            "http.method: unknown variant `FETCH`",
        ),
        (
            "- tenant\n",
            "- refresh\n",
            "auth.tokens[0]: unknown variant `refresh`",
        ),
        (
            "- custom\n",
            "- partner\n",
            "auth.app_types[0]: unknown variant `partner`",
        ),
        (
            "content_type: application/json",
            "content_type: text/html",
            "request.content_type: unknown variant `text/html`",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(text.contains(from), "{from}");
        let err = yaml::from_str(&text.replacen(from, to, 1))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{to}: {err}");
    }
    let spec: Spec = yaml::from_str(&text).unwrap();
    assert_eq!(spec.http.method.as_str(), "PUT");
}

#[test]
fn yaml_snapshot() {
    insta::assert_snapshot!(yaml::to_string(&seed()).unwrap());
}

/// The same page from the corpus (read in place) gives the same spec, but for `source`.
#[test]
fn corpus_copy_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let page = root.join("pipe/aily/v1/put_sessions_aily_session_id.md");
    if !root.exists() {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    }
    let text = std::fs::read_to_string(page).unwrap();
    let Outcome::Endpoint(mut spec) = parse_page(SOURCE, &text) else {
        panic!("corpus copy did not parse")
    };
    spec.source = SOURCE.to_string();
    assert_eq!(*spec, seed());
}
