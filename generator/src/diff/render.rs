//! The report as Markdown (for people and pull requests) and JSON (for tools).

use std::fmt::Write as _;

use super::{Bump, Report};

/// A summary line, then one table per endpoint.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::from("# API changes\n\n");
    let breaking = report.changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(
        out,
        "{} change(s), {breaking} breaking; suggested version bump: **{}**.",
        report.changes.len(),
        bump_name(report.bump)
    );
    let mut current: Option<&str> = None;
    for change in &report.changes {
        if current != Some(change.endpoint.as_str()) {
            current = Some(change.endpoint.as_str());
            let _ = write!(
                out,
                "\n## `{}`\n\n| change | field | breaking | detail |\n| --- | --- | --- | --- |\n",
                change.endpoint
            );
        }
        let kind = serde_json::to_value(change.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let subject = change
            .subject
            .as_deref()
            .map_or(String::new(), |s| format!("`{s}`"));
        let _ = writeln!(
            out,
            "| {kind} | {subject} | {} | {} |",
            if change.breaking { "yes" } else { "no" },
            change.detail.replace('|', "\\|")
        );
    }
    out
}

pub fn to_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

fn bump_name(bump: Bump) -> &'static str {
    match bump {
        Bump::None => "none",
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}
