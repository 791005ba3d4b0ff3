//! Field by field: added, removed, retyped, required flags, listed values and rules.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::spec::{Field, FieldType, Rules};

use super::{Kind, Out};

/// Request fields are builder arguments or setters and are checked before sending; reply
/// members are all `Option` and unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

/// Path parameters are builder arguments by position: a renamed one changes nothing a
/// caller writes, a new or dropped one changes the arguments.
pub fn path_params(old: &[Field], new: &[Field], out: &mut Out) {
    for (i, field) in new.iter().enumerate().skip(old.len()) {
        out.push(
            Kind::FieldAdded,
            Some(format!("path.{}", field.name)),
            format!("new path parameter #{}: a new builder argument", i + 1),
            true,
        );
    }
    for field in old.iter().skip(new.len()) {
        out.push(
            Kind::FieldRemoved,
            Some(format!("path.{}", field.name)),
            "path parameter removed: one builder argument fewer".into(),
            true,
        );
    }
    for (old, new) in old.iter().zip(new) {
        same_field(&format!("path.{}", new.name), old, new, Side::Request, out);
    }
}

/// Two lists of fields under `prefix`, matched by wire name.
pub fn compare(prefix: &str, old: &[Field], new: &[Field], side: Side, out: &mut Out) {
    let find = |fields: &'_ [Field], name: &str| fields.iter().find(|f| f.name == name).cloned();
    let mut seen = BTreeSet::new();
    for field in new {
        if !seen.insert(field.name.as_str()) {
            continue;
        }
        let subject = format!("{prefix}.{}", field.name);
        match find(old, &field.name) {
            Some(before) => same_field(&subject, &before, field, side, out),
            None => {
                let required = side == Side::Request && field.is_required();
                let detail = match (side, required) {
                    (Side::Request, true) => "new required field: a new builder argument",
                    (Side::Request, false) => "new optional field: a new setter",
                    (Side::Response, _) => "new reply member (an `Option`)",
                };
                out.push(Kind::FieldAdded, Some(subject), detail.into(), required);
            }
        }
    }
    let mut gone = BTreeSet::new();
    for field in old {
        if find(new, &field.name).is_none() && gone.insert(field.name.as_str()) {
            out.push(
                Kind::FieldRemoved,
                Some(format!("{prefix}.{}", field.name)),
                "field removed: its member (and setter) are gone".into(),
                true,
            );
        }
    }
}

/// One field in both snapshots.
fn same_field(subject: &str, old: &Field, new: &Field, side: Side, out: &mut Out) {
    if old.ty != new.ty {
        out.push(
            Kind::TypeChanged,
            Some(subject.into()),
            format!("type {} → {}", type_name(old.ty), type_name(new.ty)),
            true,
        );
        return;
    }
    if side == Side::Request && old.is_required() != new.is_required() {
        let (kind, detail) = if new.is_required() {
            (
                Kind::RequiredAdded,
                "now required: a setter becomes a builder argument",
            )
        } else {
            (
                Kind::RequiredDropped,
                "now optional: a builder argument becomes a setter",
            )
        };
        out.push(kind, Some(subject.into()), detail.into(), true);
    }
    values(subject, old, new, out);
    rules(subject, &old.rules, &new.rules, side, out);
    compare(subject, &old.fields, &new.fields, side, out);
    for (mark, old_inner, new_inner) in [
        ("[]", &old.items, &new.items),
        ("{}", &old.values, &new.values),
    ] {
        if let (Some(o), Some(n)) = (old_inner, new_inner) {
            same_field(&format!("{subject}{mark}"), o, n, side, out);
        }
    }
}

/// Listed values: a field gaining or losing its list changes its Rust type; each value
/// added or removed changes the enum's variants.
fn values(subject: &str, old: &Field, new: &Field, out: &mut Out) {
    let list =
        |f: &Field| -> Vec<String> { f.enum_values.iter().map(|v| text(&v.value)).collect() };
    let (before, after) = (list(old), list(new));
    if before.is_empty() != after.is_empty() {
        let detail = if after.is_empty() {
            "the values are no longer listed: the enum becomes a plain value"
        } else {
            "values are listed now: the plain value becomes an enum"
        };
        out.push(Kind::TypeChanged, Some(subject.into()), detail.into(), true);
        return;
    }
    for value in after.iter().filter(|v| !before.contains(v)) {
        out.push(
            Kind::EnumValueAdded,
            Some(subject.into()),
            format!("value `{value}` added: a new variant (an exhaustive `match` breaks, and the value no longer arrives as `Unknown`)"),
            true,
        );
    }
    for value in before.iter().filter(|v| !after.contains(v)) {
        out.push(
            Kind::EnumValueRemoved,
            Some(subject.into()),
            format!("value `{value}` removed: its variant is gone"),
            true,
        );
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Each rule bound: tighter or looser. Only request rules are checked (by `validate()`),
/// so only a tighter request rule breaks anything.
fn rules(subject: &str, old: &Rules, new: &Rules, side: Side, out: &mut Out) {
    let num = |n: &Option<serde_json::Number>| n.as_ref().and_then(|n| n.as_f64());
    let count = |n: &Option<u64>| n.map(|n| n as f64);
    let lower = [
        ("min_length", count(&old.min_length), count(&new.min_length)),
        ("min", num(&old.min), num(&new.min)),
        ("min_items", count(&old.min_items), count(&new.min_items)),
    ];
    let upper = [
        ("max_length", count(&old.max_length), count(&new.max_length)),
        ("max", num(&old.max), num(&new.max)),
        ("max_items", count(&old.max_items), count(&new.max_items)),
    ];
    let mut report = |name: &str, before: String, after: String, tighter: bool| {
        let (kind, effect) = match (tighter, side) {
            (true, Side::Request) => (
                Kind::RuleTightened,
                "values it accepted may now fail validation",
            ),
            (false, Side::Request) => (Kind::RuleLoosened, "more values pass validation"),
            (true, Side::Response) => (Kind::RuleTightened, "reply rules are not checked"),
            (false, Side::Response) => (Kind::RuleLoosened, "reply rules are not checked"),
        };
        out.push(
            kind,
            Some(subject.into()),
            format!("{name} {before} → {after}: {effect}"),
            tighter && side == Side::Request,
        );
    };
    let shown = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
    for (name, before, after) in lower {
        if before != after {
            // A lower bound appears or rises: tighter.
            let tighter = match (before, after) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(b), Some(a)) => a > b,
                (None, None) => false,
            };
            report(name, shown(before), shown(after), tighter);
        }
    }
    for (name, before, after) in upper {
        if before != after {
            let tighter = match (before, after) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(b), Some(a)) => a < b,
                (None, None) => false,
            };
            report(name, shown(before), shown(after), tighter);
        }
    }
    if old.pattern != new.pattern {
        let shown =
            |p: &Option<String>| p.as_ref().map_or("none".to_string(), |p| format!("`{p}`"));
        // A new or different pattern may refuse what the old one took.
        let tighter = new.pattern.is_some();
        report("pattern", shown(&old.pattern), shown(&new.pattern), tighter);
    }
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String => "string",
        FieldType::Int => "int",
        FieldType::Int64 => "int64",
        FieldType::Float => "float",
        FieldType::Bool => "bool",
        FieldType::Object => "object",
        FieldType::Array => "array",
        FieldType::Map => "map",
        FieldType::File => "file",
        FieldType::Any => "any",
    }
}
