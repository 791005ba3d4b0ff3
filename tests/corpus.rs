//! The whole corpus in `../shared/corpus`, read in place: no panics, nearly every endpoint
//! page without an error, almost no `any` fields, and the same facts from every dialect
//! of one endpoint.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

mod doc_truth;
mod runtime_paths;

use feishu_codegen::diagnostics::Kind;
use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, dialect, links, parse_page};
use feishu_codegen::spec::{AppType, Field, FieldType, Rules, Spec, TokenKind};

fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipped: ../shared/corpus is absent");
        None
    }
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") && !path.ends_with("README.md") {
            out.push(path);
        }
    }
}

struct Parsed {
    file: String,
    folder: String,
    outcome: Result<Outcome, String>,
}

fn parse_corpus(root: &Path) -> Vec<Parsed> {
    let mut files = Vec::new();
    pages(root, &mut files);
    files.sort();
    files
        .iter()
        .map(|path| {
            let file = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let folder = file.split('/').next().unwrap_or_default().to_string();
            let text = std::fs::read_to_string(path).unwrap();
            let outcome = catch_unwind(AssertUnwindSafe(|| parse_page(&file, &text)))
                .map_err(|_| file.clone());
            let _ = dialect(&text);
            Parsed {
                file,
                folder,
                outcome,
            }
        })
        .collect()
}

#[test]
fn every_page_parses_without_panic_and_almost_without_errors() {
    let Some(root) = corpus() else { return };
    let parsed = parse_corpus(&root);
    let panics: Vec<&String> = parsed
        .iter()
        .filter_map(|p| p.outcome.as_ref().err())
        .collect();
    assert!(panics.is_empty(), "parser panicked on {panics:?}");

    let mut endpoint_pages = 0;
    let mut with_errors = Vec::new();
    let (mut fields, mut any) = (0usize, Vec::new());
    for page in &parsed {
        match page.outcome.as_ref().unwrap() {
            Outcome::Endpoint(spec) => {
                endpoint_pages += 1;
                if spec.has_errors() {
                    with_errors.push(page.file.clone());
                }
                for field in spec.all_fields() {
                    fields += 1;
                    if field.ty == FieldType::Any {
                        any.push(format!("{}: `{}`", page.file, field.name));
                    }
                }
            }
            Outcome::Failed { .. } => {
                endpoint_pages += 1;
                with_errors.push(page.file.clone());
            }
            Outcome::Skipped { .. } => {}
        }
    }
    let clean = endpoint_pages - with_errors.len();
    eprintln!(
        "{} pages, {endpoint_pages} endpoint pages, {clean} without error; {fields} fields, {} any",
        parsed.len(),
        any.len()
    );
    std::fs::write("/tmp/any.txt", any.join("\n")).ok();
    assert!(endpoint_pages > 2500, "{endpoint_pages}");
    assert!(
        clean * 100 >= endpoint_pages * 99,
        "pages with errors: {with_errors:#?}"
    );
    assert!(
        any.len() * 1000 < fields * 5,
        "{} of {fields} fields are `any`: {:#?}",
        any.len(),
        &any[..any.len().min(40)]
    );
}

/// One field's comparable facts. `None` where the page does not say.
#[derive(Debug, PartialEq)]
struct Facts {
    ty: FieldType,
    /// An array's element type (`None` for other fields).
    items: Option<FieldType>,
    required: Option<bool>,
    rules: Rules,
    enums: Option<Vec<String>>,
}

/// An endpoint's fields by dotted path (`body.a.b`, `body.list[].x`), plus its errors.
/// `top` marks the fields every rendering lists in full (parameters and top-level body).
fn facts(spec: &Spec) -> BTreeMap<String, (bool, Facts)> {
    fn walk(prefix: &str, top: bool, field: &Field, out: &mut BTreeMap<String, (bool, Facts)>) {
        let path = format!("{prefix}.{}", field.name);
        let enums: Vec<String> = field
            .enum_values
            .iter()
            .map(|e| e.value.to_string())
            .collect();
        let facts = Facts {
            ty: field.ty,
            items: (field.ty == FieldType::Array)
                .then(|| field.items.as_ref().map_or(FieldType::Any, |i| i.ty)),
            required: field.required,
            rules: field.rules.clone(),
            enums: (!enums.is_empty()).then_some(enums),
        };
        out.insert(path.clone(), (top, facts));
        for child in &field.fields {
            walk(&path, false, child, out);
        }
        if let Some(items) = &field.items {
            for child in &items.fields {
                walk(&format!("{path}[]"), false, child, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, fields) in [("path", &spec.path_params), ("query", &spec.query_params)] {
        for field in fields {
            walk(name, true, field, &mut out);
        }
    }
    for field in spec.request.iter().flat_map(|r| &r.fields) {
        walk("body", true, field, &mut out);
    }
    out
}

/// What two dialects say differently about one field; facts one of them leaves out
/// (a rendering drops enums, rules and nested required flags) are not disagreements.
fn disagreement(site: &Facts, other: &Facts) -> Option<String> {
    if site.ty != other.ty {
        return Some(format!("type {:?} vs {:?}", site.ty, other.ty));
    }
    if site.items != other.items {
        return Some(format!(
            "element type {:?} vs {:?}",
            site.items.unwrap_or(FieldType::Any),
            other.items.unwrap_or(FieldType::Any)
        ));
    }
    if let (Some(a), Some(b)) = (site.required, other.required)
        && a != b
    {
        return Some(format!("required {a} vs {b}"));
    }
    let (a, b) = (&site.rules, &other.rules);
    let rules = [
        (
            "min_length",
            a.min_length.map(|v| v.to_string()),
            b.min_length.map(|v| v.to_string()),
        ),
        (
            "max_length",
            a.max_length.map(|v| v.to_string()),
            b.max_length.map(|v| v.to_string()),
        ),
        (
            "min",
            a.min.as_ref().map(|v| v.to_string()),
            b.min.as_ref().map(|v| v.to_string()),
        ),
        (
            "max",
            a.max.as_ref().map(|v| v.to_string()),
            b.max.as_ref().map(|v| v.to_string()),
        ),
        (
            "min_items",
            a.min_items.map(|v| v.to_string()),
            b.min_items.map(|v| v.to_string()),
        ),
        (
            "max_items",
            a.max_items.map(|v| v.to_string()),
            b.max_items.map(|v| v.to_string()),
        ),
        ("pattern", a.pattern.clone(), b.pattern.clone()),
    ];
    for (rule, a, b) in rules {
        if let (Some(a), Some(b)) = (a, b)
            && a != b
        {
            return Some(format!("{rule} {a} vs {b}"));
        }
    }
    if let (Some(a), Some(b)) = (&site.enums, &other.enums)
        && a != b
    {
        return Some(format!("enum {a:?} vs {b:?}"));
    }
    None
}

/// Whether `spec` warned that the array at `key` has no element type, and left it `any`.
fn warned_untyped(spec: &Spec, key: &str, facts: &Facts) -> bool {
    let named = format!("field `{key}`:");
    facts.items == Some(FieldType::Any)
        && spec.diagnostics.iter().any(|d| {
            d.kind == feishu_codegen::diagnostics::Kind::UntypedElement
                && d.message.starts_with(&named)
        })
}

/// Whether the facts have any field in the section (`path`, `query`, `body`) of `key`.
fn has_section(facts: &BTreeMap<String, (bool, Facts)>, key: &str) -> bool {
    let section = key.split('.').next().unwrap_or_default();
    facts.keys().any(|k| k.split('.').next() == Some(section))
}

/// Every disagreement between two dialects of one endpoint that the pages themselves make,
/// with why the parser leaves it: each rendering is read as written. A new disagreement
/// fails the test, and so does one of these that goes away (take it off the list).
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "DELETE /open-apis/sheets/v2/spreadsheets/:/dataValidation [lark-en] body.dataValidationRanges: required true vs false",
        "the English page marks it optional",
    ),
    (
        "DELETE /open-apis/sheets/v2/spreadsheets/:/protected_range_batch_del [pipe-rendered] body.protectIds: type Array vs Object",
        "the pipe table types an array `object`, with no type notes for it",
    ),
    (
        "GET /open-apis/sheets/v2/spreadsheets/:/condition_formats [pipe-rendered] query.sheet_ids: type Array vs Object",
        "the pipe table types an array `object`, with no type notes for it",
    ),
    (
        "GET /open-apis/corehr/v1/leaves/leave_request_history [pipe-rendered] query.leave_request_status: element type String vs Int",
        "the site source types the elements string; the pipe page lists only numbers (1 to 9) and shows `leave_request_status=1&leave_request_status=2`",
    ),
    (
        "PATCH /open-apis/im/v1/messages/: [pipe-rendered] body.data: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "PATCH /open-apis/im/v1/messages/: [pipe-rendered] body.type: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "POST /open-apis/aily/v1/apps/:/data_assets [pipe-rendered] body.description: type Map vs Object",
        "the pipe table types a map `object`",
    ),
    (
        "POST /open-apis/approval/v1/message/update [pipe-rendered] body.i18n_resources: type Array vs Object",
        "the pipe table types an array `object`, with no type notes for it",
    ),
    (
        "POST /open-apis/approval/v1/message/update [pipe-rendered] body.detail_action_name: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "POST /open-apis/approval/v1/message/update [pipe-rendered] body.message_id: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "POST /open-apis/approval/v1/message/update [pipe-rendered] body.status: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "POST /open-apis/approval/v1/message/update [pipe-rendered] body.status_name: only in raw",
        "the pipe page leaves the field out",
    ),
    (
        "POST /open-apis/drive/v1/export_tasks [pipe-rendered] errors: {600, 1069901, 1069902, 1069904, 1069906, 1069914, 1069918, 1069923} vs {1069901, 1069902, 1069904, 1069906, 1069914, 1069918, 1069923}",
        "the site source lists error code 600, the pipe page does not",
    ),
    (
        "POST /open-apis/sheets/v2/spreadsheets/:/condition_formats/batch_update [pipe-rendered] body.sheet_condition_formats: type Array vs Object",
        "the pipe table types an array `object`, with no type notes for it",
    ),
    (
        "PUT /open-apis/base/v2/apps/:/roles/: [pipe-rendered] body.base_rule: type Map vs Object",
        "the pipe table types a map `object`",
    ),
    (
        "PUT /open-apis/base/v2/apps/:/roles/: [pipe-rendered] body.table_roles[].field_action_rules: type Map vs Object",
        "the pipe table types a map `object`",
    ),
    (
        "PUT /open-apis/bitable/v1/apps/:/tables/:/records/: [pipe-rendered] body.fields: type Map vs Object",
        "the pipe table types a map `object`",
    ),
    (
        "PUT /open-apis/sheets/v2/spreadsheets/:/dataValidation/: [pipe-rendered] body.ranges: type Array vs Object",
        "the pipe table types an array `object`, with no type notes for it",
    ),
    (
        "PUT /open-apis/sheets/v2/spreadsheets/:/dataValidation/:/: [pipe-rendered] path.dataValidationId: type Int vs String",
        "the site source types the path parameter int, the pipe page string",
    ),
];

#[test]
fn dialects_of_one_endpoint_agree() {
    let Some(root) = corpus() else { return };
    let parsed = parse_corpus(&root);
    let mut by_endpoint: BTreeMap<String, Vec<(&str, &Spec)>> = BTreeMap::new();
    for page in &parsed {
        if let Ok(Outcome::Endpoint(spec)) = &page.outcome {
            let path: Vec<&str> = spec
                .http
                .path
                .split('/')
                .map(|s| if s.starts_with(':') { ":" } else { s })
                .collect();
            by_endpoint
                .entry(format!("{} {}", spec.http.method, path.join("/")))
                .or_default()
                .push((&page.folder, spec));
        }
    }
    let (mut compared, mut fields_compared) = (0, 0);
    let mut disagreements = Vec::new();
    // Arrays the pipe page leaves `any` with an `untyped-element` warning: the page says
    // nothing the parser reads about their elements.
    let mut untyped = Vec::new();
    for (endpoint, specs) in &by_endpoint {
        let Some((_, site)) = specs.iter().find(|(folder, _)| *folder == "raw") else {
            continue;
        };
        let site_facts = facts(site);
        for (folder, other) in specs.iter().filter(|(folder, _)| *folder != "raw") {
            compared += 1;
            let other_facts = facts(other);
            for (key, (top, value)) in &other_facts {
                match site_facts.get(key) {
                    Some((_, site_value)) => {
                        fields_compared += 1;
                        match disagreement(site_value, value) {
                            Some(what) if warned_untyped(other, key, value) => {
                                untyped.push(format!("{endpoint} [{folder}] {key}: {what}"))
                            }
                            Some(what) => {
                                disagreements.push(format!("{endpoint} [{folder}] {key}: {what}"))
                            }
                            None => {}
                        }
                    }
                    None if *top && has_section(&site_facts, key) => {
                        disagreements.push(format!("{endpoint} [{folder}] {key}: only in {folder}"))
                    }
                    None => {}
                }
            }
            // A rendering that leaves out a whole table loses facts but says nothing wrong.
            for (key, _) in site_facts.iter().filter(|(k, (top, _))| {
                *top && !other_facts.contains_key(*k) && has_section(&other_facts, k)
            }) {
                disagreements.push(format!("{endpoint} [{folder}] {key}: only in raw"));
            }
            let codes = |spec: &Spec| {
                spec.errors
                    .iter()
                    .map(|e| e.code)
                    .collect::<std::collections::BTreeSet<_>>()
            };
            if !other.errors.is_empty() && codes(site) != codes(other) {
                disagreements.push(format!(
                    "{endpoint} [{folder}] errors: {:?} vs {:?}",
                    codes(site),
                    codes(other)
                ));
            }
        }
    }
    eprintln!(
        "{compared} endpoint pairs, {fields_compared} fields compared, {} disagreements",
        disagreements.len()
    );
    eprintln!(
        "{} arrays typed by the site source stay `any` on their pipe page, each with an \
         untyped-element warning: the page gives no element type",
        untyped.len()
    );
    for line in &untyped {
        eprintln!("  {line}");
    }
    let comment_ids = untyped
        .iter()
        .filter(|u| u.contains(".comment_ids:"))
        .count();
    // 348 before element inference. Of those left, 261 are docx `comment_ids`, typed only
    // as `array` in the type notes, with no description and absent from every example.
    assert_eq!((untyped.len(), comment_ids), (311, 261), "{untyped:#?}");
    assert!(compared > 1000, "{compared}");
    let known: BTreeMap<&str, &str> = KNOWN_DISAGREEMENTS.iter().copied().collect();
    let new: Vec<&String> = disagreements
        .iter()
        .filter(|d| !known.contains_key(d.as_str()))
        .collect();
    assert!(new.is_empty(), "new disagreements: {new:#?}");
    let gone: Vec<&&str> = known
        .keys()
        .filter(|k| !disagreements.iter().any(|d| d == *k))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer disagree (take them off the list): {gone:#?}"
    );
}

fn corpus_page(relative: &str) -> Option<Spec> {
    let root = corpus()?;
    let text = std::fs::read_to_string(root.join(relative)).unwrap();
    match parse_page(relative, &text) {
        Outcome::Endpoint(spec) => Some(*spec),
        other => panic!("{relative}: {other:?}"),
    }
}

/// The seed endpoint in the site's own source format: more facts than the pipe page.
#[test]
fn site_source_facts() {
    let Some(spec) = corpus_page("raw/aily-v1/aily_session/update.md") else {
        return;
    };
    assert_eq!(spec.id, "aily.v1.aily_session.update");
    assert_eq!(spec.title, "更新会话");
    assert_eq!(
        spec.summary.as_deref(),
        Some("该 API 用于更新与某个飞书 Aily 应用的一次会话（Session）的信息。")
    );
    assert_eq!(spec.rate_limit.as_deref(), Some("1000 次/分钟、50 次/秒"));
    assert_eq!(spec.auth.tokens, [TokenKind::Tenant, TokenKind::User]);
    assert_eq!(spec.auth.app_types, [AppType::Custom]);
    assert_eq!(spec.auth.scopes[0].name, "aily:session:write");
    assert_eq!(
        spec.auth.scopes[0].description.as_deref(),
        Some("读写会话信息")
    );
    let param = &spec.path_params[0];
    assert_eq!(
        (param.rules.min_length, param.rules.max_length),
        (Some(9), Some(32))
    );
    assert_eq!(
        param.rules.pattern.as_deref(),
        Some("session_[0-9a-hjkmnp-z]{1,24}")
    );
    assert_eq!(
        param.example,
        Some(serde_json::json!("session_4dfunz7sp1g8m"))
    );
    let body = &spec.request.as_ref().unwrap().fields;
    assert_eq!(
        (body[1].name.as_str(), body[1].rules.max_length),
        ("metadata", Some(255))
    );
    let response = spec.response.as_ref().unwrap();
    assert_eq!(
        response.fields_from,
        Some(feishu_codegen::spec::FieldsFrom::Table)
    );
    assert_eq!(response.fields[0].name, "session");
    assert_eq!(response.fields[0].fields.len(), 6);
    assert_eq!(
        response.fields[0].fields[1].description.as_deref(),
        Some("会话的创建时间，毫秒时间戳")
    );
    assert_eq!(spec.errors[0].code, 2700001);
    assert!(
        spec.headers.is_empty(),
        "Authorization and Content-Type are not caller headers"
    );
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
}

/// English Lark rendering: a URL row as the table header, `∟` nesting, headings glued to
/// table rows.
#[test]
fn lark_english_facts() {
    let Some(spec) =
        corpus_page("lark-en/sheets/v2/delete_spreadsheets_spreadsheetToken_dataValidation.md")
    else {
        return;
    };
    assert_eq!(
        (spec.http.method.as_str(), spec.http.path.as_str()),
        (
            "DELETE",
            "/open-apis/sheets/v2/spreadsheets/:spreadsheetToken/dataValidation"
        )
    );
    assert_eq!(spec.auth.app_types, [AppType::Custom, AppType::Isv]);
    let scopes: Vec<&str> = spec.auth.scopes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(scopes, ["drive:drive", "sheets:spreadsheet"]);
    let ranges = &spec.request.as_ref().unwrap().fields[0];
    assert_eq!(
        (ranges.name.as_str(), ranges.ty),
        ("dataValidationRanges", FieldType::Array)
    );
    let element = &ranges.items.as_ref().unwrap().fields;
    assert_eq!(
        (element[0].name.as_str(), element[0].required),
        ("range", Some(true))
    );
    let results = &spec.response.as_ref().unwrap().fields[0];
    assert_eq!(results.name, "rangeResults");
    let names: Vec<&str> = results
        .items
        .as_ref()
        .unwrap()
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["range", "msg", "success", "updatedCells"]);
}

/// The `| 项目 | 值 |` variant with backticked names and a scope with its description.
#[test]
fn variant_facts() {
    let Some(spec) = corpus_page("variants/corehr/v1/delete_companies_company_id.md") else {
        return;
    };
    assert_eq!(
        (spec.http.method.as_str(), spec.http.path.as_str()),
        ("DELETE", "/open-apis/corehr/v1/companies/:company_id")
    );
    assert_eq!(spec.auth.scopes[0].name, "corehr:corehr");
    assert_eq!(
        spec.auth.scopes[0].description.as_deref(),
        Some("更新核心人事信息")
    );
    assert_eq!(spec.auth.tokens, [TokenKind::Tenant]);
    assert_eq!(spec.path_params[0].name, "company_id");
    assert_eq!(
        spec.path_params[0].example,
        Some(serde_json::json!("341432424"))
    );
    assert_eq!(spec.rate_limit.as_deref(), Some("1000 次/分钟、50 次/秒"));
}

/// The body field at a dotted path (`content.blocks[].paragraph`), through array elements.
fn body_field<'a>(spec: &'a Spec, path: &str) -> &'a Field {
    let mut fields = &spec.request.as_ref().unwrap().fields;
    let mut found = None;
    for part in path.split('.') {
        let (name, element) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        let field = fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no `{name}` in {path}"));
        let field = if element {
            field.items.as_deref().unwrap()
        } else {
            field
        };
        fields = &field.fields;
        found = Some(field);
    }
    found.unwrap()
}

/// Pipe renderings type body objects `object` and describe them, in row order, in the
/// type notes after the table; the notes' types win over what the example suggests.
#[test]
fn pipe_type_notes_facts() {
    let Some(okr) = corpus_page("pipe-rendered/okr/v1/post_progress_records.md") else {
        return;
    };
    // `content` (object) is the first top-level model, `content_block`; seven models deep,
    // `alpha: number` is a float although the example says 1.
    let alpha = "content.blocks[].paragraph.elements[].textRun.style.backColor.alpha";
    assert_eq!(body_field(&okr, alpha).ty, FieldType::Float);
    let color: Vec<&str> = body_field(
        &okr,
        "content.blocks[].paragraph.elements[].textRun.style.textColor",
    )
    .fields
    .iter()
    .map(|f| f.name.as_str())
    .collect();
    assert_eq!(
        color,
        ["red", "green", "blue", "alpha"],
        "described twice, read once"
    );

    let Some(directory) = corpus_page("pipe-rendered/directory/v1/post_departments.md") else {
        return;
    };
    let i18n = body_field(&directory, "department.name.i18n_value");
    assert_eq!(i18n.ty, FieldType::Map);
    assert_eq!(i18n.values.as_ref().unwrap().ty, FieldType::String);

    let Some(sheets) = corpus_page(
        "pipe-rendered/sheets/v2/post_spreadsheets_spreadsheet_token_dimension_range.md",
    ) else {
        return;
    };
    // `<md-text type="field-type" >int` left in a model name by the rendering.
    assert_eq!(body_field(&sheets, "dimension.length").ty, FieldType::Int);
    assert_eq!(
        body_field(&sheets, "dimension.majorDimension").ty,
        FieldType::String
    );

    let Some(styles) = corpus_page(
        "pipe-rendered/sheets/v2/put_spreadsheets_spreadsheetToken_styles_batch_update.md",
    ) else {
        return;
    };
    // `data` (object) described as `- **array** 类型说明:`: an array of those members.
    assert_eq!(body_field(&styles, "data").ty, FieldType::Array);
    assert_eq!(body_field(&styles, "data[].ranges").ty, FieldType::Array);
    assert_eq!(body_field(&styles, "data[].style").ty, FieldType::Object);
}

/// Issue 16, point 1: every link in the prose of every endpoint page is an absolute URL
/// on its site (`/ssl:ttdoc/…`, `/document/…`, anchors and source files beside a page
/// resolved); the few that no page fact places are unlinked, and each is named here with
/// its reason.
#[test]
fn documentation_links_are_absolute() {
    let Some(root) = corpus() else { return };
    let (mut resolved, mut left) = (0usize, Vec::new());
    let mut unresolved = Vec::new();
    for page in parse_corpus(&root) {
        let Ok(Outcome::Endpoint(mut spec)) = page.outcome else {
            continue;
        };
        links::for_each_prose(&mut spec, &mut |prose| {
            for (at, _) in prose.match_indices("](") {
                let target = &prose[at + 2..];
                if target.starts_with("https://") || target.starts_with("http://") {
                    resolved += 1;
                } else {
                    let end = target.find(')').map_or(target.len(), |e| e + 1);
                    left.push(format!("{}: ]({}", page.file, &target[..end]));
                }
            }
        });
        for error in &spec.errors {
            let message = &error.message;
            if message.contains("](/ssl") || message.contains("](/document") {
                left.push(format!("{}: {message}", page.file));
            }
        }
        for d in spec
            .diagnostics
            .iter()
            .filter(|d| d.kind == Kind::UnresolvedLink)
        {
            unresolved.push(format!("{}:{}: {}", page.file, d.line, d.message));
        }
    }
    eprintln!(
        "{resolved} links absolute, {} relative left, {} unlinked",
        left.len(),
        unresolved.len()
    );
    assert_eq!(left, Vec::<String>::new(), "links left relative");
    // The pipe renderings carry no `fullPath`, so a source file beside them has no
    // address; the raw pages' `../` links name source folders that are not the site's
    // (`corehr-v1/employee/person/upload.md` is `reference/corehr-v1/person/upload`).
    let beside = "left as text: a source file beside the page, which does not give its own address";
    let folder =
        "left as text: a source file in another folder: the site's paths are not the source tree's";
    let expected = [
        format!(
            "pipe-rendered/apaas/v1/post_approval_instances_approval_instance_id_cancel.md:18: link `query.md` {beside}"
        ),
        format!(
            "pipe-rendered/apaas/v1/post_user_tasks_task_id_cc.md:18: link `query.md` {beside}"
        ),
        format!(
            "pipe-rendered/apaas/v1/post_user_tasks_task_id_expediting.md:18: link `query.md` {beside}"
        ),
        format!(
            "pipe-rendered/apaas/v1/post_user_tasks_task_id_rollback.md:18: link `query.md` {beside}"
        ),
        format!(
            "pipe-rendered/apaas/v1/post_user_tasks_task_id_rollback.md:25: link `rollback_points.md` {beside}"
        ),
        format!(
            "pipe-rendered/apaas/v1/post_user_tasks_task_id_rollback_points.md:18: link `query.md` {beside}"
        ),
        format!(
            "raw/corehr-v1/employee/person/patch.md:8487: link `../../basic-infomation/national_id_type/list.md` {folder}"
        ),
        format!(
            "raw/corehr-v1/pre_hire/patch.md:2581: link `../employee/person/upload.md` {folder}"
        ),
    ];
    assert_eq!(unresolved, expected, "links unlinked");
    assert!(resolved > 15_000, "{resolved} absolute links");
}

/// Issue 16, point 5, over the crate the whole corpus generates: a request's doc claims
/// the documented rules are checked only where its `validate` checks them, no error
/// constant is a bare `CODE_…`, and no doc names the runtime crate as `feishu_runtime`.
#[test]
fn generated_docs_say_only_what_is_true() {
    let Some(root) = corpus() else { return };
    let mut specs: Vec<Spec> = Vec::new();
    for page in parse_corpus(&root) {
        if let Ok(Outcome::Endpoint(spec)) = page.outcome
            && !spec.has_errors()
            && !specs.iter().any(|s| s.id == spec.id)
        {
            specs.push(*spec);
        }
    }
    let files = emit_crate(&specs, &EmitOptions::default()).unwrap();
    let (mut endpoints, mut checked, mut constants, mut coded) = (0, 0, 0, 0);
    let (mut untrue, mut numbered, mut runtime_docs) = (Vec::new(), Vec::new(), Vec::new());
    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let facts = doc_truth::facts(&file.contents);
        if facts.request.is_some() {
            endpoints += 1;
            checked += usize::from(facts.validates);
        }
        if facts.claims_checks != facts.validates {
            untrue.push(file.path.clone());
        }
        constants += facts.error_names.len();
        let with_code = |n: &&String| {
            n.rsplit('_')
                .next()
                .is_some_and(|t| t.parse::<u64>().is_ok())
        };
        coded += facts.error_names.iter().filter(with_code).count();
        let codes = facts
            .error_names
            .iter()
            .filter(|n| doc_truth::is_numbered(n));
        numbered.extend(codes.map(|n| format!("{}: {n}", file.path)));
        runtime_docs.extend(
            facts
                .runtime_crate_docs
                .iter()
                .map(|d| format!("{}: {d}", file.path)),
        );
    }
    eprintln!(
        "{endpoints} endpoints, {checked} with rules checked; {constants} error constants, \
         {coded} with their code appended, {} named CODE_",
        numbered.len()
    );
    assert!(
        endpoints > 1000 && checked > 100,
        "{endpoints} endpoints, {checked} checked"
    );
    assert_eq!(
        untrue,
        Vec::<String>::new(),
        "a claim of checks without validate, or the reverse"
    );
    assert_eq!(
        numbered,
        Vec::<String>::new(),
        "error constants named by their code"
    );
    assert_eq!(
        runtime_docs,
        Vec::<String>::new(),
        "docs naming feishu_runtime"
    );
}

/// The whole-corpus crate (every endpoint page that parses and checks, one per endpoint
/// id), emitted in memory once for the tests that read it: path → contents.
fn corpus_crate(root: &Path) -> &'static BTreeMap<String, String> {
    static CRATE: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    CRATE.get_or_init(|| emit_corpus(root))
}

fn emit_corpus(root: &Path) -> BTreeMap<String, String> {
    let mut specs: Vec<Spec> = parse_corpus(root)
        .into_iter()
        .filter_map(|page| match page.outcome {
            Ok(Outcome::Endpoint(spec)) if feishu_codegen::spec::check::check(&spec).is_empty() => {
                Some(*spec)
            }
            _ => None,
        })
        .collect();
    specs.sort_by(|a, b| a.id.cmp(&b.id));
    specs.dedup_by(|a, b| a.id == b.id);
    let options = feishu_codegen::emit::EmitOptions::default();
    feishu_codegen::emit::emit_crate(&specs, &options)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// The names of the types a generated file defines at its top level.
fn type_names(contents: &str) -> Vec<&str> {
    contents
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))?;
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
        })
        .collect()
}

/// Issue 16 point 2: a resource's handle (`im::v1::pin::Pin<'a>`) and the types of its
/// endpoints' modules (`im::v1::pin::create::*`) never share a name, so a user can import
/// both. The rule: an endpoint module reserves its handle's name (`Names::reserved`).
#[test]
fn no_endpoint_type_takes_its_resource_handles_name() {
    let Some(root) = corpus() else { return };
    let files = corpus_crate(&root);
    let mut handles = 0;
    let mut clashes = Vec::new();
    for (path, contents) in files {
        let Some(dir) = path.strip_suffix("/mod.rs") else {
            continue;
        };
        // A resource's mod.rs holds its handle, the one struct with a lifetime.
        let Some(handle) = contents
            .lines()
            .find_map(|line| line.strip_prefix("pub struct ")?.strip_suffix("<'a> {"))
        else {
            continue;
        };
        handles += 1;
        let prefix = format!("{dir}/");
        for (endpoint, text) in files.range::<String, _>(prefix.clone()..) {
            if !endpoint.starts_with(&prefix) {
                break;
            }
            let own_module = !endpoint[prefix.len()..].contains('/');
            if own_module && endpoint != path && type_names(text).contains(&handle) {
                clashes.push(format!("{endpoint}: {handle}"));
            }
        }
    }
    assert!(handles > 500, "only {handles} resource handles found");
    assert_eq!(clashes, Vec::<String>::new());
}

/// Issue 16 point 7 over the whole-corpus crate: every runtime item its code names is
/// imported through `feishu_api::runtime` by `runtime_reexport.rs` (which compiles only
/// while they all are reachable there).
#[test]
fn the_corpus_crate_names_only_reexported_runtime_items() {
    let Some(root) = corpus() else { return };
    let mut used = std::collections::BTreeSet::new();
    for text in corpus_crate(&root).values() {
        runtime_paths::in_text(text, &mut used);
    }
    assert!(used.len() > 30, "only {} runtime items found", used.len());
    let missing = runtime_paths::missing(&used);
    assert!(
        missing.is_empty(),
        "not in runtime_reexport.rs's `use`: {missing:?}"
    );
}

/// How the pages introduce a list of documented values. `可选值` counts only where no
/// longer wording continues it.
const VALUE_LIST_WORDINGS: &[&str] = &[
    "可选值有",
    "可能值有",
    "可选值",
    "取值范围",
    "枚举值有",
    "Optional values are",
];

/// The wording at `text[at..]`, unless a longer one of the list starts there.
fn wording_at(text: &str, at: usize) -> Option<&'static str> {
    VALUE_LIST_WORDINGS
        .iter()
        .find(|w| text[at..].starts_with(**w))
        .copied()
}

/// Wordings in `text` followed (past bold marks, a colon, line breaks) by a list item:
/// `可选值有：<br>- 1：…`, `**可能值有**：\n- a`, `可选值：<ul><li>…`.
fn value_lists_in(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (at, _) in text.char_indices() {
        let Some(wording) = wording_at(text, at) else {
            continue;
        };
        // The rest of the sentence when it ends in a colon (`取值范围如下。…，用英文 `,` 分隔：`).
        let after = &text[at + wording.len()..];
        let line = after
            .find(['\n', '<'])
            .map_or(after, |end| &after[..end])
            .trim_end();
        let rest = if line.ends_with(['：', ':']) {
            &after[line.len()..]
        } else {
            after
                .trim_start_matches(|c: char| "*：:如下 ".contains(c) || c == '\u{3000}')
                .trim_start_matches("</b>")
                .trim_start_matches(['：', ':'])
        };
        let mut rest = rest.trim_start();
        while let Some(r) = ["<br>", "<br/>", "<ul>", "<li>", "<md-enum>"]
            .iter()
            .find_map(|tag| rest.strip_prefix(tag))
        {
            rest = r.trim_start();
        }
        let list = rest.starts_with("- ")
            || rest.starts_with("* ")
            || rest.starts_with("<md-enum-item")
            || rest
                .split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok());
        // `**可选值有**` was already found as `可选值有`; skip the shorter match inside.
        let inside_longer = wording == "可选值" && text[..at].ends_with(['可', '选']);
        if list && !inside_longer && (at == 0 || !text[..at].ends_with("了解")) {
            found.push(wording);
        }
    }
    found
}

/// Issue 16: every documented value list becomes an enum. Counts the lists in the pages by
/// wording and the ones still left in a description as text; every one left is named.
#[test]
fn every_value_list_becomes_an_enum() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    pages(&root, &mut files);
    let mut in_pages: BTreeMap<&str, usize> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for wording in value_lists_in(&text) {
            *in_pages.entry(wording).or_default() += 1;
        }
    }
    let (mut with_values, mut left) = (0, Vec::new());
    for page in parse_corpus(&root) {
        let Ok(Outcome::Endpoint(spec)) = &page.outcome else {
            continue;
        };
        for field in spec.all_fields() {
            with_values += usize::from(!field.enum_values.is_empty());
            for wording in value_lists_in(field.description.as_deref().unwrap_or_default()) {
                left.push(format!("{}: `{}` ({wording})", page.file, field.name));
            }
        }
    }
    eprintln!("value lists by wording: in the pages, became enums, left as text");
    let mut counts = Vec::new();
    for wording in VALUE_LIST_WORDINGS {
        let listed = in_pages.get(wording).copied().unwrap_or(0);
        let as_text = left
            .iter()
            .filter(|l| l.ends_with(&format!("({wording})")))
            .count();
        eprintln!("  {wording}: {listed}, {}, {as_text}", listed - as_text);
        counts.push((*wording, listed, as_text));
    }
    eprintln!("{with_values} fields have documented values; left as text:");
    for line in &left {
        eprintln!("  {line}");
    }
    // Before lists in running text were read (`状态，可能值有：`, `**可能值有：**`,
    // `成员类型, 可选值`), 472 were left as text and 6945 fields had values. Indented
    // sub-items under a value and lists inside a list item are not values of the field.
    assert_eq!(
        counts,
        [
            ("可选值有", 7000, 1),
            ("可能值有", 80, 0),
            ("可选值", 356, 1),
            ("取值范围", 4, 0),
            ("枚举值有", 19, 0),
            ("Optional values are", 0, 0),
        ]
    );
    assert_eq!(with_values, 7415);
    // The lists left, each the values of something other than the field:
    // - basic_salary: of `peroid`, a key inside the JSON text the field holds
    //   (`{"amount":"10000","period":2}`);
    // - value: of the date format, only when the rule type is `created_time` (the item of
    //   a list of cases); other rule types take a number or free text.
    assert_eq!(
        left,
        [
            "raw/hire-v1/candidate-management/delivery-process-management/offer/offer.md: `basic_salary` (可选值有)",
            "raw/uUDN04SN0QjL1QDN/bitable-v1/app-table-field/create.md: `value` (可选值)",
        ]
    );
}
