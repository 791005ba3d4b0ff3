//! A model several endpoints of a service spell the same way becomes one type in
//! `<service>/models.rs`; an endpoint that spells it differently keeps its own.

use std::path::Path;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::Spec;

fn seed() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/pages/aily/v1/aily_session/update.md");
    std::fs::read_to_string(path).unwrap()
}

/// The seed page as another method of the same resource.
fn variant(method: &str, http: &str, path_suffix: &str, edit: impl Fn(String) -> String) -> Spec {
    let text = seed()
        .replace(
            "| HTTP Method | PUT |",
            &format!("| HTTP Method | {http} |"),
        )
        .replace(
            "sessions/:aily_session_id`",
            &format!("sessions/:aily_session_id{path_suffix}`"),
        )
        .replace("aily_session.update", &format!("aily_session.{method}"))
        .replace("AilySession.Update", &format!("AilySession.{method}"));
    match parse_page(&format!("{method}.md"), &edit(text)) {
        Outcome::Endpoint(spec) => *spec,
        other => panic!("{other:?}"),
    }
}

fn files() -> Vec<(String, String)> {
    let same = |text: String| text;
    let specs = vec![
        variant("update", "PUT", "", same),
        variant("copy", "POST", "/copy", same),
        // The same fields, worded and exemplified differently: still the same type.
        variant("reword", "POST", "/reword", |text| {
            text.replace(
                "\"id\": \"session_4dfunz7sp1g8m\"",
                "\"id\": \"session_other\"",
            )
            .replace("会话的自定义变量内容", "自定义变量")
        }),
        // The same `session` name with fewer fields.
        variant("peek", "GET", "/peek", |text| {
            text.replace("            \"metadata\": \"{}\"\n", "")
                .replace(
                    "\"channel_context\": \"{}\",\n            \"metadata\"",
                    "\"metadata\"",
                )
        }),
    ];
    assert_eq!(
        specs
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .len(),
        4
    );
    emit_crate(&specs, &EmitOptions::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

fn file(files: &[(String, String)], path: &str) -> String {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, c)| c.clone())
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn agreeing_endpoints_share_one_type() {
    let files = files();
    let models = file(&files, "src/aily/models.rs");
    assert_eq!(
        models.matches("pub struct Session {").count(),
        1,
        "{models}"
    );
    assert!(models.contains("pub metadata: Option<String>,"), "{models}");
    let service = file(&files, "src/aily/mod.rs");
    assert!(service.contains("pub mod models;"), "{service}");
    for endpoint in ["update", "copy", "reword"] {
        let source = file(&files, &format!("src/aily/v1/aily_session/{endpoint}.rs"));
        assert!(
            source.contains("pub session: Option<crate::aily::models::Session>,"),
            "{endpoint}: {source}"
        );
        assert!(
            !source.contains("pub struct Session"),
            "{endpoint} defines its own"
        );
    }
}

#[test]
fn a_differing_endpoint_keeps_its_own_type() {
    let files = files();
    let peek = file(&files, "src/aily/v1/aily_session/peek.rs");
    assert!(peek.contains("pub struct Session {"), "{peek}");
    assert!(peek.contains("pub session: Option<Session>,"), "{peek}");
    let local = &peek[peek.find("pub struct Session {").unwrap()..];
    assert!(
        !local[..local.find('}').unwrap()].contains("metadata"),
        "{local}"
    );
}
