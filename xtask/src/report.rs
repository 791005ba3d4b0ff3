//! `report.json`: what a parse run read, wrote, skipped and could not read.

use std::collections::BTreeMap;

use feishu_codegen::parse::Outcome;
use serde::Serialize;

use crate::pages::Parsed;

#[derive(Debug, Serialize)]
pub struct Report {
    pub pages: usize,
    pub endpoints: usize,
    /// Pages that gave no spec or a spec with errors.
    pub failed: usize,
    pub panics: usize,
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
            skipped: Vec::new(),
            diagnostics_by_kind: BTreeMap::new(),
            diagnostics: Vec::new(),
            outputs: Vec::new(),
        };
        for page in parsed {
            match &page.outcome {
                Outcome::Endpoint(spec) => {
                    report.endpoints += 1;
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
                    level: if d.is_error() { "error" } else { "warning" }.to_string(),
                    kind,
                    message: d.message.clone(),
                });
            }
        }
        report
    }
}
