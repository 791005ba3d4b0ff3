//! `cargo xtask openapi` as a user runs it: the document from specs/ir/ and from pages,
//! JSON or YAML by extension, usage errors, and the whole corpus in one valid-looking
//! document (the independent validator in `.ci/run` checks it against the OpenAPI 3.1
//! schema).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((path.clone(), method.clone(), op));
        }
    }
    out
}

#[test]
fn default_reads_specs_ir_and_the_extension_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let json_out = dir.path().join("api.json");
    let output = xtask(&["openapi", "--out", json_out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("openapi: 4 operation(s), 1 component schema(s) in"),
        "{}",
        stderr(&output)
    );
    let doc = read_json(&json_out);
    let ids: Vec<&str> = operations(&doc)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aily.v1.aily_session.update",
            "im.v1.chat.list",
            "im.v1.file.create",
            "im.v1.file.get"
        ]
    );

    let yaml_out = dir.path().join("api.yaml");
    let output = xtask(&["openapi", "--out", yaml_out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let yaml = fs::read_to_string(&yaml_out).unwrap();
    assert!(yaml.starts_with("openapi: 3.1.0\n"), "{}", &yaml[..60]);
    assert!(yaml.contains("operationId: aily.v1.aily_session.update\n"));

    // The same specs give the same bytes.
    let again = dir.path().join("again.json");
    xtask(&["openapi", "--out", again.to_str().unwrap()]);
    assert_eq!(
        fs::read_to_string(&json_out).unwrap(),
        fs::read_to_string(&again).unwrap()
    );
}

#[test]
fn from_pages_the_seed_operation_matches_the_checked_in_ir() {
    let dir = tempfile::tempdir().unwrap();
    let from_ir = dir.path().join("ir.json");
    let from_page = dir.path().join("page.json");
    xtask(&["openapi", "--out", from_ir.to_str().unwrap()]);
    let page = repo().join("specs/pages/aily/v1/aily_session/update.md");
    let output = xtask(&[
        "openapi",
        "--pages",
        page.to_str().unwrap(),
        "--out",
        from_page.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let key = "/open-apis/aily/v1/sessions/{aily_session_id}";
    let mut ours = read_json(&from_page)["paths"][key]["put"].clone();
    let mut checked_in = read_json(&from_ir)["paths"][key]["put"].clone();
    // Only where the page was read from differs.
    assert_eq!(ours["x-feishu-source"], page.to_str().unwrap());
    ours["x-feishu-source"] = Value::Null;
    checked_in["x-feishu-source"] = Value::Null;
    assert_eq!(ours, checked_in);
}

#[test]
fn an_unknown_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("api.txt");
    let output = xtask(&["openapi", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: the output file must end in .json, .yaml or .yml\n",
            out.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn the_whole_corpus_is_one_document() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("corpus.json");
    let output = xtask(&[
        "openapi",
        "--pages",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    // Exit 1 lists the pages left out (as `codegen --pages` leaves them out).
    let err = stderr(&output);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{err}");
    let left_out = err.lines().filter(|l| l.starts_with("left out: ")).count();
    assert!(left_out < 20, "{left_out} pages left out:\n{err}");
    let doc = read_json(&out);
    let ops = operations(&doc);
    assert!(ops.len() > 1000, "{} operations", ops.len());

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut ids = BTreeSet::new();
    for (path, method, op) in &ops {
        let id = op["operationId"].as_str().unwrap();
        assert!(ids.insert(id), "operationId {id} twice");
        assert_eq!(op["tags"][0].as_str(), id.split('.').next(), "{id}");
        // Every `{name}` of the path has exactly one path parameter of that name.
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for name in path.split('/').filter_map(|s| s.strip_prefix('{')) {
            let name = name.trim_end_matches('}');
            let declared = params
                .iter()
                .filter(|p| p["in"] == "path" && p["name"] == name)
                .count();
            assert_eq!(declared, 1, "{method} {path}: `{name}`");
        }
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("200"), "{id}");
        for security in op["security"].as_array().into_iter().flatten() {
            for scheme in security.as_object().unwrap().keys() {
                assert!(
                    doc["components"]["securitySchemes"].get(scheme).is_some(),
                    "{id}: {scheme}"
                );
            }
        }
    }
    // Every reference leads to a component.
    let text = fs::read_to_string(&out).unwrap();
    for reference in text.split("\"$ref\": \"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    assert!(schemas.len() > 100, "{} components", schemas.len());
}
