//! `report.json`: what a parse run read, wrote, skipped and could not read.

use std::collections::BTreeMap;

use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{FieldType, Spec};
use serde::Serialize;

use crate::pages::Parsed;

#[derive(Debug, Serialize)]
pub struct Report {
    pub pages: usize,
    pub endpoints: usize,
    /// Pages that gave no spec or a spec with errors.
    pub failed: usize,
    pub panics: usize,
    /// Fields (at any depth) of the written specs, and how many of them are `any`.
    pub fields: usize,
    pub any_fields: usize,
    pub skipped: Vec<Skipped>,
    pub diagnostics_by_kind: BTreeMap<String, usize>,
    pub diagnostics: Vec<Located>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// A diagnostic with its file.
#[derive(Debug, Serialize)]
pub struct Located {
    pub file: String,
    pub line: usize,
    /// 1-based, in characters; absent when the page text could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub level: String,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Output {
    pub file: String,
    pub id: String,
    pub yaml: String,
}

impl Report {
    pub fn new(parsed: &[Parsed]) -> Report {
        let mut report = Report {
            pages: parsed.len(),
            endpoints: 0,
            failed: parsed.iter().filter(|p| p.failed()).count(),
            panics: 0,
            fields: 0,
            any_fields: 0,
            skipped: Vec::new(),
            diagnostics_by_kind: BTreeMap::new(),
            diagnostics: Vec::new(),
            outputs: Vec::new(),
        };
        for page in parsed {
            match &page.outcome {
                Outcome::Endpoint(spec) => {
                    report.endpoints += 1;
                    let (fields, any) = count_fields(spec);
                    report.fields += fields;
                    report.any_fields += any;
                    report.outputs.push(Output {
                        file: page.file.clone(),
                        id: spec.id.clone(),
                        yaml: spec.ir_path(),
                    });
                }
                Outcome::Skipped { reason } => report.skipped.push(Skipped {
                    file: page.file.clone(),
                    reason: reason.clone(),
                }),
                Outcome::Failed { .. } => {}
            }
            for d in page.diagnostics() {
                let kind = d.kind.as_str().to_string();
                if kind == "panic" {
                    report.panics += 1;
                }
                *report.diagnostics_by_kind.entry(kind.clone()).or_default() += 1;
                report.diagnostics.push(Located {
                    file: page.file.clone(),
                    line: d.line,
                    column: page
                        .source
                        .as_deref()
                        .and_then(|source| d.span(source))
                        .map(|span| span.column),
                    level: if d.is_error() { "error" } else { "warning" }.to_string(),
                    kind,
                    message: d.message.clone(),
                });
            }
        }
        report
    }

    /// The summary table printed after a parse run.
    pub fn table(&self) -> String {
        let mut rows: Vec<(String, String)> = vec![
            ("pages".into(), self.pages.to_string()),
            ("endpoints".into(), self.endpoints.to_string()),
            ("failed pages".into(), self.failed.to_string()),
            ("panics".into(), self.panics.to_string()),
            ("fields".into(), self.fields.to_string()),
            (
                "`any` fields".into(),
                format!(
                    "{} ({:.2}%)",
                    self.any_fields,
                    percent(self.any_fields, self.fields)
                ),
            ),
        ];
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for skipped in &self.skipped {
            let reason = match skipped.reason.split_once(" as ") {
                Some((kind, _)) => format!("{kind} as …"),
                None => skipped.reason.clone(),
            };
            *reasons.entry(reason).or_default() += 1;
        }
        rows.push(("skipped".into(), self.skipped.len().to_string()));
        rows.extend(
            reasons
                .into_iter()
                .map(|(reason, n)| (format!("  {reason}"), n.to_string())),
        );
        rows.push(("diagnostics".into(), self.diagnostics.len().to_string()));
        rows.extend(
            self.diagnostics_by_kind
                .iter()
                .map(|(kind, n)| (format!("  {kind}"), n.to_string())),
        );
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (key, value) in rows {
            let pad = width - key.chars().count();
            out.push_str(&format!("{key}{}  {value:>8}\n", " ".repeat(pad)));
        }
        out
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// All fields of a spec at any depth, and the `any` ones among them.
fn count_fields(spec: &Spec) -> (usize, usize) {
    let fields = spec.all_fields();
    let any = fields.iter().filter(|f| f.ty == FieldType::Any).count();
    (fields.len(), any)
}
