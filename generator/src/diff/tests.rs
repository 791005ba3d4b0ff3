//! One pair of specs per kind of change, and the report's verdict on each.

use super::{Bump, Change, Kind, diff, to_json, to_markdown};
use crate::spec::{Spec, yaml};

const BASE: &str = r#"
id: demo.v1.item.update
title: Update
source: demo/update.md
http: {method: PUT, path: /open-apis/demo/v1/items/:item_id}
path_params:
- {name: item_id, type: string, required: true}
query_params:
- {name: user_id_type, type: string, required: false, enum: [{value: open_id}, {value: union_id}]}
request:
  content_type: application/json
  fields:
  - {name: name, type: string, required: true, rules: {max_length: 100}}
  - {name: note, type: string, required: false}
  - name: tags
    type: array
    required: false
    rules: {max_items: 10}
    items: {type: int}
response:
  content_type: application/json
  fields:
  - name: item
    type: object
    fields:
    - {name: id, type: string}
    - {name: size, type: int}
errors:
- {http_status: 400, code: 1001, message: bad name}
"#;

fn spec(text: &str) -> Spec {
    yaml::from_str(text).unwrap()
}

/// The base spec with `from` replaced by `to` (which must be there).
fn changed(from: &str, to: &str) -> Spec {
    assert!(BASE.contains(from), "{from}");
    spec(&BASE.replacen(from, to, 1))
}

fn only_change(new: Spec) -> Change {
    let report = diff(&[spec(BASE)], &[new]);
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    report.changes[0].clone()
}

fn check(change: Change, kind: Kind, subject: Option<&str>, breaking: bool, detail: &str) {
    assert_eq!(change.kind, kind, "{change:?}");
    assert_eq!(change.subject.as_deref(), subject, "{change:?}");
    assert_eq!(change.breaking, breaking, "{change:?}");
    assert_eq!(change.detail, detail);
    assert_eq!(change.endpoint, "demo.v1.item.update");
}

#[test]
fn the_same_specs_have_no_changes() {
    let report = diff(&[spec(BASE)], &[spec(BASE)]);
    assert!(report.changes.is_empty());
    assert!(!report.breaking);
    assert_eq!(report.bump, Bump::None);
}

#[test]
fn endpoints_added_and_removed() {
    let other = spec(&BASE.replace("demo.v1.item.update", "demo.v1.item.patch"));
    let report = diff(&[spec(BASE)], &[other]);
    let kinds: Vec<(Kind, &str, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.endpoint.as_str(), c.breaking))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::EndpointAdded, "demo.v1.item.patch", false),
            (Kind::EndpointRemoved, "demo.v1.item.update", true),
        ]
    );
    assert_eq!(
        report.changes[0].detail,
        "new endpoint PUT /open-apis/demo/v1/items/:item_id"
    );
    let added_only = diff(&[], &[spec(BASE)]);
    assert_eq!(added_only.bump, Bump::Minor);
    assert!(!added_only.breaking);
}

#[test]
fn fields_added_and_removed() {
    check(
        only_change(changed(
            "  - {name: note, type: string, required: false}\n",
            "  - {name: note, type: string, required: false}\n  - {name: color, type: string, required: false}\n",
        )),
        Kind::FieldAdded,
        Some("body.color"),
        false,
        "new optional field: a new setter",
    );
    check(
        only_change(changed(
            "  - {name: note, type: string, required: false}\n",
            "  - {name: note, type: string, required: false}\n  - {name: owner, type: string, required: true}\n",
        )),
        Kind::FieldAdded,
        Some("body.owner"),
        true,
        "new required field: a new builder argument",
    );
    check(
        only_change(changed(
            "    - {name: size, type: int}\n",
            "    - {name: size, type: int}\n    - {name: color, type: string}\n",
        )),
        Kind::FieldAdded,
        Some("response.item.color"),
        false,
        "new reply member (an `Option`)",
    );
    check(
        only_change(changed(
            "  - {name: note, type: string, required: false}\n",
            "",
        )),
        Kind::FieldRemoved,
        Some("body.note"),
        true,
        "field removed: its member (and setter) are gone",
    );
    let report = diff(
        &[spec(BASE)],
        &[changed("    - {name: size, type: int}\n", "")],
    );
    assert_eq!(report.bump, Bump::Major);
}

#[test]
fn type_changes() {
    check(
        only_change(changed(
            "    - {name: size, type: int}",
            "    - {name: size, type: int64}",
        )),
        Kind::TypeChanged,
        Some("response.item.size"),
        true,
        "type int → int64",
    );
    check(
        only_change(changed(
            "    items: {type: int}",
            "    items: {type: string}",
        )),
        Kind::TypeChanged,
        Some("body.tags[]"),
        true,
        "type int → string",
    );
    check(
        only_change(changed(
            "  - {name: note, type: string, required: false}",
            "  - {name: note, type: string, required: false, enum: [{value: a}]}",
        )),
        Kind::TypeChanged,
        Some("body.note"),
        true,
        "values are listed now: the plain value becomes an enum",
    );
}

#[test]
fn required_added_and_dropped() {
    check(
        only_change(changed(
            "{name: note, type: string, required: false}",
            "{name: note, type: string, required: true}",
        )),
        Kind::RequiredAdded,
        Some("body.note"),
        true,
        "now required: a setter becomes a builder argument",
    );
    check(
        only_change(changed(
            "{name: name, type: string, required: true,",
            "{name: name, type: string, required: false,",
        )),
        Kind::RequiredDropped,
        Some("body.name"),
        true,
        "now optional: a builder argument becomes a setter",
    );
}

#[test]
fn enum_values_added_and_removed() {
    check(
        only_change(changed(
            "{value: union_id}]",
            "{value: union_id}, {value: user_id}]",
        )),
        Kind::EnumValueAdded,
        Some("query.user_id_type"),
        true,
        "value `user_id` added: a new variant (an exhaustive `match` breaks, and the value no longer arrives as `Unknown`)",
    );
    check(
        only_change(changed(
            "[{value: open_id}, {value: union_id}]",
            "[{value: open_id}]",
        )),
        Kind::EnumValueRemoved,
        Some("query.user_id_type"),
        true,
        "value `union_id` removed: its variant is gone",
    );
}

#[test]
fn rules_tightened_and_loosened() {
    check(
        only_change(changed(
            "rules: {max_length: 100}",
            "rules: {max_length: 50}",
        )),
        Kind::RuleTightened,
        Some("body.name"),
        true,
        "max_length 100 → 50: values it accepted may now fail validation",
    );
    let loosened = diff(
        &[spec(BASE)],
        &[changed(
            "rules: {max_length: 100}",
            "rules: {max_length: 200}",
        )],
    );
    check(
        loosened.changes[0].clone(),
        Kind::RuleLoosened,
        Some("body.name"),
        false,
        "max_length 100 → 200: more values pass validation",
    );
    assert_eq!(loosened.bump, Bump::Patch);
    check(
        only_change(changed(
            "rules: {max_items: 10}",
            "rules: {max_items: 10, min_items: 1}",
        )),
        Kind::RuleTightened,
        Some("body.tags"),
        true,
        "min_items none → 1: values it accepted may now fail validation",
    );
    check(
        only_change(changed("rules: {max_items: 10}", "rules: {}")),
        Kind::RuleLoosened,
        Some("body.tags"),
        false,
        "max_items 10 → none: more values pass validation",
    );
    check(
        only_change(changed(
            "rules: {max_length: 100}",
            "rules: {max_length: 100, pattern: \"[a-z]+\"}",
        )),
        Kind::RuleTightened,
        Some("body.name"),
        true,
        "pattern none → `[a-z]+`: values it accepted may now fail validation",
    );
}

#[test]
fn error_codes_added_and_removed() {
    let added = diff(
        &[spec(BASE)],
        &[changed(
            "errors:\n",
            "errors:\n- {http_status: 400, code: 1002, message: too long}\n",
        )],
    );
    check(
        added.changes[0].clone(),
        Kind::ErrorCodeAdded,
        Some("1002"),
        false,
        "documented error `1002` too long: a new constant",
    );
    assert_eq!(added.bump, Bump::Minor);
    check(
        only_change(changed(
            "errors:\n- {http_status: 400, code: 1001, message: bad name}\n",
            "",
        )),
        Kind::ErrorCodeRemoved,
        Some("1001"),
        true,
        "error `1001` bad name is no longer documented: its constant is removed",
    );
}

#[test]
fn http_changes_and_renamed_path_parameters() {
    check(
        only_change(changed("method: PUT", "method: PATCH")),
        Kind::HttpChanged,
        None,
        true,
        "PUT /open-apis/demo/v1/items/:item_id → PATCH /open-apis/demo/v1/items/:item_id: calls go elsewhere",
    );
    // A path parameter is a positional builder argument: its name is not the API.
    let renamed = changed("/items/:item_id}", "/items/:id}");
    let renamed = spec(
        &yaml::to_string(&renamed)
            .unwrap()
            .replace("name: item_id", "name: id"),
    );
    assert_eq!(diff(&[spec(BASE)], &[renamed]).changes, []);
}

#[test]
fn markdown_and_json_say_the_same() {
    let report = diff(
        &[spec(BASE)],
        &[changed(
            "rules: {max_length: 100}",
            "rules: {max_length: 50}",
        )],
    );
    assert_eq!(
        to_markdown(&report),
        "# API changes\n\n1 change(s), 1 breaking; suggested version bump: **major**.\n\n\
         ## `demo.v1.item.update`\n\n| change | field | breaking | detail |\n| --- | --- | --- | --- |\n\
         | rule_tightened | `body.name` | yes | max_length 100 → 50: values it accepted may now fail validation |\n"
    );
    let json: serde_json::Value = serde_json::from_str(&to_json(&report)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "changes": [{
                "endpoint": "demo.v1.item.update",
                "kind": "rule_tightened",
                "subject": "body.name",
                "detail": "max_length 100 → 50: values it accepted may now fail validation",
                "breaking": true,
            }],
            "breaking": true,
            "bump": "major",
        })
    );
}
