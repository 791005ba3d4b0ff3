//! `cargo xtask diff` on pairs of pages that differ in one way each: the change found, its
//! class, and the exit status; IR trees and git revisions as inputs.

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

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed() -> String {
    fs::read_to_string(repo().join("specs/pages/aily/v1/aily_session/update.md")).unwrap()
}

const CONTEXT_ROW: &str = "| channel_context | string | 否 |";
const METADATA_ROW_START: &str = "| metadata | string | 否 |";
const CONTEXT_RULE: &str = "**数据校验规则**:<br>最大长度: 255最小长度: 0 |\n| metadata";
const ERROR_ROW: &str = "| 400 | 2700001 | param is invalid | 参数错误 |\n";

/// The seed page with `from` replaced by `to` (which must be there).
fn edited(from: &str, to: &str) -> String {
    let page = seed();
    assert!(page.contains(from), "{from}");
    page.replacen(from, to, 1)
}

/// The seed page's metadata row with its values listed.
fn with_values(values: &[&str]) -> String {
    let list: String = values
        .iter()
        .map(|v| format!(" <br> - {v}: {v} 值"))
        .collect();
    edited(
        "无需在 API 调用侧存储 <br> **示例**: {}",
        &format!("无需在 API 调用侧存储 <br> **示例**: {{}} <br> **可选值有**:{list}"),
    )
}

/// `diff` of two page sets, as (kind, subject, breaking) and the exit code.
fn diff_pages(
    old: &[(&str, String)],
    new: &[(&str, String)],
) -> (Vec<(String, String, bool)>, i32) {
    let dir = tempfile::tempdir().unwrap();
    for (side, pages) in [("old", old), ("new", new)] {
        for (name, text) in pages {
            let path = dir.path().join(side).join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
    let output = xtask(&[
        "diff",
        dir.path().join("old").to_str().unwrap(),
        dir.path().join("new").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let changes = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["subject"].as_str().unwrap_or_default().to_string(),
                c["breaking"].as_bool().unwrap(),
            )
        })
        .collect();
    (changes, output.status.code().unwrap())
}

fn pair(old: String, new: String) -> (Vec<(String, String, bool)>, i32) {
    diff_pages(&[("update.md", old)], &[("update.md", new)])
}

fn one(kind: &str, subject: &str, breaking: bool) -> (Vec<(String, String, bool)>, i32) {
    (
        vec![(kind.to_string(), subject.to_string(), breaking)],
        if breaking { 1 } else { 0 },
    )
}

#[test]
fn field_added_and_removed() {
    let added = edited(
        METADATA_ROW_START,
        &format!("| topic | string | 否 | 话题 |\n{METADATA_ROW_START}"),
    );
    assert_eq!(pair(seed(), added), one("field_added", "body.topic", false));
    let required = edited(
        METADATA_ROW_START,
        &format!("| topic | string | 是 | 话题 |\n{METADATA_ROW_START}"),
    );
    assert_eq!(
        pair(seed(), required),
        one("field_added", "body.topic", true)
    );
    let removed = seed()
        .lines()
        .filter(|l| !l.starts_with(METADATA_ROW_START))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        pair(seed(), removed),
        one("field_removed", "body.metadata", true)
    );
}

#[test]
fn type_changed() {
    let retyped = edited(METADATA_ROW_START, "| metadata | int | 否 |").replace(
        "**数据校验规则**:<br>最大长度: 255最小长度: 0 |\n\n",
        "|\n\n",
    );
    let (changes, code) = pair(seed(), retyped);
    assert_eq!(
        changes[0],
        ("type_changed".into(), "body.metadata".into(), true)
    );
    assert_eq!(code, 1);
}

#[test]
fn required_added_and_dropped() {
    let required = edited(CONTEXT_ROW, "| channel_context | string | 是 |");
    assert_eq!(
        pair(seed(), required.clone()),
        one("required_added", "body.channel_context", true)
    );
    assert_eq!(
        pair(required, seed()),
        one("required_dropped", "body.channel_context", true)
    );
}

#[test]
fn enum_values_added_and_removed() {
    assert_eq!(
        pair(with_values(&["a"]), with_values(&["a", "b"])),
        one("enum_value_added", "body.metadata", true)
    );
    assert_eq!(
        pair(with_values(&["a", "b"]), with_values(&["a"])),
        one("enum_value_removed", "body.metadata", true)
    );
}

#[test]
fn rules_tightened_and_loosened() {
    let tighter = edited(
        CONTEXT_RULE,
        "**数据校验规则**:<br>最大长度: 100最小长度: 0 |\n| metadata",
    );
    assert_eq!(
        pair(seed(), tighter.clone()),
        one("rule_tightened", "body.channel_context", true)
    );
    assert_eq!(
        pair(tighter, seed()),
        one("rule_loosened", "body.channel_context", false)
    );
}

#[test]
fn error_code_added_and_removed() {
    let more = edited(
        ERROR_ROW,
        &format!("{ERROR_ROW}| 404 | 2700002 | session not found | 会话不存在 |\n"),
    );
    assert_eq!(
        pair(seed(), more.clone()),
        one("error_code_added", "2700002", false)
    );
    assert_eq!(
        pair(more, seed()),
        one("error_code_removed", "2700002", true)
    );
}

#[test]
fn endpoint_added_and_removed() {
    let upload = fs::read_to_string(repo().join("specs/pages/im/v1/file/create.md")).unwrap();
    let old = [("update.md", seed())];
    let new = [("update.md", seed()), ("create.md", upload)];
    let (changes, code) = diff_pages(&old, &new);
    assert_eq!(
        changes,
        [("endpoint_added".to_string(), String::new(), false)]
    );
    assert_eq!(code, 0);
    let (changes, code) = diff_pages(&new, &old);
    assert_eq!(
        changes,
        [("endpoint_removed".to_string(), String::new(), true)]
    );
    assert_eq!(code, 1);
}

#[test]
fn markdown_by_default_ir_trees_and_git_revisions() {
    let ir = repo().join("specs/ir");
    let ir = ir.to_str().unwrap();
    for (old, new) in [("HEAD", "HEAD"), (ir, ir)] {
        let output = xtask(&["diff", old, new]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "# API changes\n\n0 change(s), 0 breaking; suggested version bump: **none**.\n"
        );
        assert!(
            stderr.contains("diff: 4 endpoint(s) before, 4 after; 0 change(s), none breaking"),
            "{stderr}"
        );
    }

    let output = xtask(&["diff", "no-such-revision-xyz", ir]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: `no-such-revision-xyz` is neither a file, a directory nor a git revision"
        ),
        "{stderr}"
    );
}
