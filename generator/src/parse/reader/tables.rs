//! Parameter, body, response and error tables → fields: columns found by their header,
//! rows nested by level, type spellings, description cells, and the pipe rendering's type
//! notes.

use super::PageInfo;
use crate::diagnostics::{Diagnostic, Kind};
use crate::parse::blocks::{Row, Table};
use crate::parse::cell::{parse_rules, read_cell, typed_value};
use crate::parse::type_notes::{TypeNotes, plain_field, spelling_of};
use crate::parse::types::{element, read_type};
use crate::spec::{EnumValue, ErrorCode, Field, FieldType};

pub(super) fn strip_code(text: &str) -> &str {
    text.trim().trim_matches('`').trim()
}

/// Where a table's required flags come from.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Required {
    /// Path parameters.
    Always,
    /// The `必填` column, when the table has one.
    Column,
    /// Response fields: the page does not say.
    Never,
}

/// The deepest nesting read. Real pages nest under ten levels; the cap keeps every later
/// walk over the fields (and the generated types) bounded on a hostile page.
pub(super) const MAX_DEPTH: usize = 24;

/// The column of field names (the first when the header names none).
fn name_column(table: &Table) -> usize {
    table
        .column(&[
            "参数名",
            "名称",
            "参数",
            "字段",
            "属性",
            "Parameter",
            "Name",
        ])
        .unwrap_or(0)
}

fn type_column(table: &Table) -> Option<usize> {
    table.column(&["类型", "Type"])
}

/// A row's type spelling, without code ticks or markdown escapes.
fn type_text(row: &Row, type_col: usize) -> String {
    strip_code(row.cell(type_col)).replace('\\', "")
}

/// A parameter, body or response table, rows nested by their level.
pub(super) fn read_fields(
    table: &Table,
    required: Required,
    info: &PageInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let name_col = name_column(table);
    let type_col = type_column(table);
    let required_col = table.column(&["必填", "是否必填", "必选", "必须", "Required"]);
    let description_col = table.column(&["描述", "说明", "Description"]);
    // (level, field) pairs in page order, nested at the end.
    let rows: Vec<&Row> = table
        .rows
        .iter()
        .filter(|row| {
            row_complete(table, row, diagnostics) && !name_and_level(row, name_col).0.is_empty()
        })
        .collect();
    if type_col.is_none() && !rows.is_empty() {
        diagnostics.push(Diagnostic::warning(
            table.line,
            Kind::UnknownType,
            "the table has no 类型 column; types are taken from the example where it has one",
        ));
    }
    let mut flat: Vec<(usize, Field)> = Vec::new();
    let mut too_deep = false;
    for (i, row) in rows.iter().enumerate() {
        let (name, level) = name_and_level(row, name_col);
        if level > MAX_DEPTH && !too_deep {
            too_deep = true;
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::TooDeep,
                format!(
                    "field `{name}` is nested {level} levels deep; rows deeper than {MAX_DEPTH} \
                     levels are kept at level {MAX_DEPTH}"
                ),
            ));
        }
        let level = level.min(MAX_DEPTH);
        let has_children = rows
            .get(i + 1)
            .is_some_and(|next| name_and_level(next, name_col).1.min(MAX_DEPTH) > level);
        let mut field = match type_col {
            Some(c) => typed_field(
                &name,
                &type_text(row, c),
                row,
                has_children,
                info,
                diagnostics,
            ),
            // No type column: children make it an object; otherwise the example decides.
            None if has_children => Field::new(name.as_str(), FieldType::Object),
            None => Field::new(name.as_str(), FieldType::Any),
        };
        field.required = match required {
            Required::Always => Some(true),
            Required::Column => Some(required_col.is_some_and(|c| is_yes(row.cell(c)))),
            Required::Never => None,
        };
        if let Some(col) = description_col {
            describe(&mut field, row.cell(col), row.line, diagnostics);
        }
        flat.push((level, field));
    }
    nest(flat)
}

pub(super) fn is_yes(cell: &str) -> bool {
    let cell = cell.trim();
    cell == "是" || cell.eq_ignore_ascii_case("yes") || cell.eq_ignore_ascii_case("true")
}

/// A row's field name and nesting level. Site tables give the level as an attribute;
/// rendered tables mark children in the name: `  ∟range`, `&emsp;∟id`, `└ id`.
pub(super) fn name_and_level(row: &Row, name_col: usize) -> (String, usize) {
    let mut rest = row.cell(name_col).trim_end();
    let mut indent = row.cells.get(name_col).map_or(0, |c| c.indent);
    let mut marked = false;
    loop {
        if let Some(r) = rest
            .strip_prefix("&emsp;")
            .or_else(|| rest.strip_prefix("&nbsp;&nbsp;"))
        {
            indent += 2;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('\u{3000}'))
        {
            indent += 1;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('∟').or_else(|| rest.strip_prefix('└')) {
            marked = true;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix("&nbsp;")
            .or_else(|| rest.strip_prefix("</span>"))
        {
            rest = r;
        } else if rest.starts_with("<span") && rest.contains('>') {
            // `<span style="color: #8F959E">∟</span>`: the site greys the marker.
            rest = &rest[rest.find('>').map_or(0, |at| at + 1)..];
        } else {
            break;
        }
    }
    let name = strip_code(rest).to_string();
    let level = if marked {
        row.level + (indent / 2).max(1)
    } else {
        row.level
    };
    (name, level)
}

/// Pipe renderings type a body object `object` and describe it in the type notes as the
/// next top-level model: in row order, each top-level row typed by a model name or
/// `object` has one (`content` → `content_block`). An `object` row without children takes
/// its model's fields. The first row whose model name is not the next one listed stops
/// the matching: from there on the order cannot be trusted.
pub(super) fn noted_objects(table: &Table, fields: &mut [Field], notes: &TypeNotes) {
    let (Some(type_col), false) = (type_column(table), notes.is_empty()) else {
        return;
    };
    let name_col = name_column(table);
    let mut models = notes.top_level().iter();
    for row in table.rows.iter().filter(|row| row.level == 0) {
        let (name, level) = name_and_level(row, name_col);
        let spelling = type_text(row, type_col);
        let base = spelling.strip_suffix("[]").unwrap_or(&spelling);
        let named = !read_type(&spelling).known && is_model_name(base) && base != "undefined";
        if level != 0 || !(named || base == "object") {
            continue;
        }
        let Some(model) = models.next() else { return };
        if named {
            if model != base {
                return;
            }
            continue;
        }
        let Some(field) = fields.iter_mut().find(|f| f.name == name) else {
            continue;
        };
        let members = notes.fields_of(model);
        if field.ty == FieldType::Object && field.fields.is_empty() {
            // `- **map<string, string>** 类型说明:`: the `object` row is that type.
            if let Some(plain) = plain_field(&field.name, model).filter(|_| members.is_empty()) {
                field.ty = plain.ty;
                field.items = plain.items;
                field.values = plain.values;
                continue;
            }
            // `- **array** 类型说明:` with members: the `object` row is an array of them.
            if spelling_of(model) == "array" {
                let mut element = Field::new("", FieldType::Object);
                element.fields = members;
                field.ty = FieldType::Array;
                field.items = Some(Box::new(element));
                continue;
            }
        }
        let object = match field.ty {
            FieldType::Object => field,
            FieldType::Array => match field.items.as_deref_mut() {
                Some(items) if items.ty == FieldType::Object => items,
                _ => continue,
            },
            _ => continue,
        };
        if object.fields.is_empty() {
            object.fields = members;
        }
    }
}

/// A field of a type spelling; named models (`i18n`, `user_id`…) become objects whose
/// fields are the rows below them (or the page's type notes).
pub(super) fn typed_field(
    name: &str,
    spelling: &str,
    row: &Row,
    has_children: bool,
    info: &PageInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Field {
    let read = read_type(spelling);
    let mut field = Field::new(name, read.ty);
    if read.known {
        match read.ty {
            FieldType::Array => field.items = Some(element(read.inner.unwrap_or(FieldType::Any))),
            FieldType::Map => field.values = Some(element(read.inner.unwrap_or(FieldType::Any))),
            _ => {}
        }
        return field;
    }
    let (model, is_array) = match spelling.strip_suffix("[]") {
        Some(model) => (model, true),
        None => (spelling, false),
    };
    let noted = info.type_notes.fields_of(model);
    // A model is an object when rows below it or the page's type notes give its fields, or
    // when the site source names it (its type cells only ever hold types); `-` and `/` are
    // how pages type a container row such as `data`.
    let container = model.is_empty() || model == "-" || (model == "/" && has_children);
    let described = has_children || !noted.is_empty();
    if container || (is_model_name(model) && (described || info.model_names_are_types)) {
        if !described && !container {
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::UnknownType,
                format!("field `{name}`: type `{spelling}` has no fields on this page; read as an object with free keys"),
            ));
        }
        let mut object = Field::new("", FieldType::Object);
        object.fields = noted;
        if is_array {
            field.ty = FieldType::Array;
            field.items = Some(Box::new(object));
        } else {
            field.ty = FieldType::Object;
            field.fields = object.fields;
        }
        return field;
    }
    diagnostics.push(Diagnostic::warning(
        row.line,
        Kind::UnknownType,
        format!("field `{name}`: unknown type `{spelling}`; typed from the example where it has one, else `any`"),
    ));
    field
}

/// `i18n`, `user_id`, `text_element_style`: a model the docs describe by its child rows.
pub(super) fn is_model_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Rows with levels → a tree: a row one level deeper than the previous belongs to it (to
/// its `items` when it is an array).
pub(super) fn nest(flat: Vec<(usize, Field)>) -> Vec<Field> {
    let mut stack: Vec<(usize, Field)> = Vec::new();
    let mut roots = Vec::new();
    for (level, field) in flat {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let (_, done) = stack.pop().unwrap_or((0, Field::new("", FieldType::Any)));
            attach(&mut stack, &mut roots, done);
        }
        stack.push((level, field));
    }
    while let Some((_, done)) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

pub(super) fn attach(stack: &mut [(usize, Field)], roots: &mut Vec<Field>, child: Field) {
    let Some((_, parent)) = stack.last_mut() else {
        roots.push(child);
        return;
    };
    let target = match parent.ty {
        FieldType::Array => {
            let items = parent
                .items
                .get_or_insert_with(|| element(FieldType::Object));
            if items.ty != FieldType::Object {
                items.ty = FieldType::Object;
            }
            &mut items.fields
        }
        FieldType::Map => {
            let values = parent
                .values
                .get_or_insert_with(|| element(FieldType::Object));
            values.ty = FieldType::Object;
            &mut values.fields
        }
        _ => {
            parent.ty = FieldType::Object;
            &mut parent.fields
        }
    };
    // Children close in page order, so pushing keeps it.
    target.push(child);
}

/// A row with fewer cells than the header loses facts: report it and skip the row.
pub(super) fn row_complete(table: &Table, row: &Row, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if row.written_cells >= table.header.len() || table.header.is_empty() {
        return true;
    }
    diagnostics.push(Diagnostic::error(
        row.line,
        Kind::MissingCell,
        format!(
            "row `{}` has {} of the table's {} cells; row skipped",
            row.cell(0),
            row.written_cells,
            table.header.len()
        ),
    ));
    false
}

/// Fill a field from its description cell.
pub(super) fn describe(
    field: &mut Field,
    text: &str,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let facts = read_cell(text);
    field.deprecated = facts.description.as_deref().is_some_and(is_deprecated);
    let value_type = match (&field.items, field.ty) {
        (Some(items), FieldType::Array) => items.ty,
        _ => field.ty,
    };
    field.description = facts.description;
    field.example = facts.example.map(|e| typed_value(&e, field.ty));
    field.default = facts.default.map(|d| typed_value(&d, field.ty));
    field.enum_values = facts
        .enum_values
        .into_iter()
        .map(|(value, description)| EnumValue {
            value: typed_value(&value, value_type),
            description,
        })
        .collect();
    if let Some(rules) = facts.rules {
        let (rules, unknown) = parse_rules(&rules);
        field.rules = rules;
        for phrase in unknown {
            diagnostics.push(Diagnostic::warning(
                line,
                Kind::UnknownRule,
                format!("field `{}`: rule `{phrase}` not understood", field.name),
            ));
        }
    }
    if field.ty == FieldType::Array {
        if let Some(items) = field.rules.min_length.take() {
            field.rules.min_items = Some(items);
        }
        if let Some(items) = field.rules.max_length.take() {
            field.rules.max_items = Some(items);
        }
    }
}

/// Descriptions mark retired fields in words: `已废弃`, `不推荐使用`, `deprecated`.
pub(super) fn is_deprecated(description: &str) -> bool {
    ["已废弃", "已弃用", "不推荐使用", "废弃字段"]
        .iter()
        .any(|w| description.contains(w))
        || description.to_ascii_lowercase().contains("deprecated")
}

/// HTTP状态码 | 错误码 | 描述 | 排查建议.
pub(super) fn read_errors(table: &Table, diagnostics: &mut Vec<Diagnostic>) -> Vec<ErrorCode> {
    let status_col = table
        .column(&["HTTP状态码", "HTTP 状态码", "HTTP status code"])
        .unwrap_or(0);
    let code_col = table.column(&["错误码", "Error code"]).unwrap_or(1);
    let message_col = table.column(&["描述", "Description"]).unwrap_or(2);
    let hint_col = table.column(&["排查建议", "Troubleshooting suggestions"]);
    let mut errors = Vec::new();
    for row in &table.rows {
        if !row_complete(table, row, diagnostics) {
            continue;
        }
        let (Ok(http_status), Ok(code)) = (
            row.cell(status_col).trim().parse(),
            row.cell(code_col).trim().parse(),
        ) else {
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::BadValue,
                format!(
                    "error row: HTTP status `{}` or code `{}` is not a number; row skipped",
                    row.cell(status_col),
                    row.cell(code_col)
                ),
            ));
            continue;
        };
        errors.push(ErrorCode {
            http_status,
            code,
            message: row.cell(message_col).trim().to_string(),
            hint: hint_col
                .map(|c| row.cell(c).trim().to_string())
                .filter(|h| !h.is_empty()),
        });
    }
    errors
}
