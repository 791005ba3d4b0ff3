//! `**类型额外说明**`: pipe renderings describe the fields of named body types (`lang_text`,
//! `user_approval`…) in a list after the body table instead of nested rows:
//!
//! ```text
//! - **user_approval** 类型说明:
//!
//!   基本属性:
//!
//!    user_id: string <br> date: string <br>
//!   - **outs** (array):
//!     - **user_out** 类型说明:
//!       基本属性:
//!        uniq_id: string <br> unit: integer <br>
//! ```

use std::collections::BTreeMap;

use super::types::{element, read_type};
use crate::spec::{Field, FieldType};

/// Named types and their fields, as the notes list them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TypeNotes {
    models: BTreeMap<String, Vec<Member>>,
    /// The models listed at the top of the notes, in page order (a model listed twice
    /// appears twice): one per body row typed by a model name or `object`.
    top_level: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Member {
    /// `name: type`.
    Plain { name: String, ty: String },
    /// `- **name** (array|object):` followed by the model it holds.
    Nested {
        name: String,
        array: bool,
        model: Option<String>,
    },
}

const MARKER: &str = "**类型额外说明**";
/// Separates a type-named heading (`array`) from the line that makes it unique.
const ANONYMOUS: char = '#';
/// Suffix of the throwaway model a repeated description is read into.
const REPEATED: &str = "\u{0}repeated";
/// Nested models deeper than this are cut off.
const MAX_DEPTH: usize = 8;
/// At most this many fields come from one expansion: models shared by many parents (the
/// docx block types) would otherwise multiply into millions of rows.
const MAX_FIELDS: usize = 2_000;

impl TypeNotes {
    /// Read every `**类型额外说明**` list in a page.
    pub fn read(text: &str) -> TypeNotes {
        let mut notes = TypeNotes::default();
        let mut lines = text.lines().enumerate().peekable();
        while let Some((_, line)) = lines.next() {
            if !line.trim_start().starts_with(MARKER) {
                continue;
            }
            // (indent, model) of the models whose lists we are inside.
            let mut open: Vec<(usize, String)> = Vec::new();
            while let Some(&(number, line)) = lines.peek() {
                let trimmed = line.trim();
                let indent = line.len() - line.trim_start().len();
                if (indent == 0 && (trimmed.starts_with("**") || trimmed.starts_with('#')))
                    || trimmed.starts_with("```")
                {
                    break;
                }
                lines.next();
                if trimmed.is_empty() || trimmed.starts_with("基本属性") {
                    continue;
                }
                while open
                    .last()
                    .is_some_and(|(i, _)| *i >= indent && trimmed.starts_with("- "))
                {
                    open.pop();
                }
                notes.read_line(trimmed, indent, number, &mut open);
            }
        }
        notes
    }

    /// One line of a `**类型额外说明**` list: a model heading (which opens its list), a
    /// nested field (which waits for the model that follows), or `name: type` members.
    /// `open`: (indent, model) of the lists this line is inside.
    fn read_line(
        &mut self,
        trimmed: &str,
        indent: usize,
        number: usize,
        open: &mut Vec<(usize, String)>,
    ) {
        if let Some(model) = model_heading(trimmed) {
            // `array`, `object`, `map<…>` name a shape, not a model: each such
            // heading describes only what is under it.
            let model = if read_type(&model).known {
                format!("{model}{ANONYMOUS}{number}")
            } else {
                model
            };
            if open.is_empty() {
                self.top_level.push(model.clone());
            }
            // A nested field waiting for its model gets it.
            if let Some((_, parent)) = open.last()
                && let Some(Member::Nested {
                    model: slot @ None, ..
                }) = self.models.get_mut(parent).and_then(|m| m.last_mut())
            {
                *slot = Some(model.clone());
            }
            // A model described again (`content_color` under `backColor` and
            // `textColor`) keeps its first description.
            let described = self.models.get(&model).is_some_and(|m| !m.is_empty());
            let target = if described {
                format!("{model}{REPEATED}")
            } else {
                model
            };
            self.models.entry(target.clone()).or_default();
            open.push((indent, target));
        } else if let Some((name, array)) = nested_field(trimmed) {
            if let Some((_, model)) = open.last() {
                self.models
                    .entry(model.clone())
                    .or_default()
                    .push(Member::Nested {
                        name,
                        array,
                        model: None,
                    });
            }
        } else if let Some((_, model)) = open.last() {
            let members = self.models.entry(model.clone()).or_default();
            for pair in trimmed.split("<br>") {
                if let Some((name, ty)) = pair.split_once(':') {
                    let (name, ty) = (name.trim(), ty.trim());
                    if !name.is_empty() && !ty.is_empty() {
                        members.push(Member::Plain {
                            name: name.to_string(),
                            ty: ty.to_string(),
                        });
                    }
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The top-level models in page order.
    pub fn top_level(&self) -> &[String] {
        &self.top_level
    }

    /// The fields of a named model; empty when the notes do not describe it.
    pub fn fields_of(&self, model: &str) -> Vec<Field> {
        let mut budget = MAX_FIELDS;
        self.fields_at(model, &mut Vec::new(), &mut budget)
    }

    /// `chain`: the models being expanded; a model that holds itself (a block tree, say)
    /// stops there instead of recursing forever.
    fn fields_at<'a>(
        &'a self,
        model: &'a str,
        chain: &mut Vec<&'a str>,
        budget: &mut usize,
    ) -> Vec<Field> {
        if chain.contains(&model) || chain.len() >= MAX_DEPTH || *budget == 0 {
            return Vec::new();
        }
        let Some(members) = self.models.get(model) else {
            return Vec::new();
        };
        chain.push(model);
        *budget = budget.saturating_sub(members.len());
        let fields = self.members_to_fields(members, chain, budget);
        chain.pop();
        fields
    }

    fn members_to_fields<'a>(
        &'a self,
        members: &'a [Member],
        chain: &mut Vec<&'a str>,
        budget: &mut usize,
    ) -> Vec<Field> {
        members
            .iter()
            .map(|member| match member {
                Member::Plain { name, ty } => plain_field(name, ty).unwrap_or_else(|| {
                    let read = read_type(ty);
                    let ty = if read.known {
                        read.ty
                    } else {
                        FieldType::Object
                    };
                    Field::new(name.as_str(), ty)
                }),
                Member::Nested { name, array, model } => {
                    let model = model.as_deref();
                    let described = model
                        .and_then(|m| self.models.get(m))
                        .is_some_and(|members| !members.is_empty());
                    // `- **i18n_value** (object):` holding `- **map<string, string>** 类型说明:`,
                    // or a type the rendering mangled into a model name (`<md-text …>int`).
                    let plain = model
                        .filter(|_| !described)
                        .and_then(|m| plain_field("", m));
                    let value = plain.unwrap_or_else(|| {
                        let mut object = Field::new("", FieldType::Object);
                        object.fields = model
                            .map(|m| self.fields_at(m, chain, budget))
                            .unwrap_or_default();
                        object
                    });
                    if *array {
                        let mut field = Field::new(name.as_str(), FieldType::Array);
                        field.items = Some(Box::new(value));
                        field
                    } else {
                        Field {
                            name: name.clone(),
                            ..value
                        }
                    }
                }
            })
            .collect()
    }
}

/// `- **lang_text** 类型说明:` → `lang_text`. Markup the rendering left in the name
/// (`<md-text type="field-type" >int`, `array&lt;string&gt;`) is dropped or decoded.
fn model_heading(line: &str) -> Option<String> {
    let rest = line.strip_prefix("- **")?;
    let (name, after) = rest.split_once("**")?;
    let name = match name.strip_prefix('<').and_then(|tag| tag.split_once('>')) {
        Some((_, after_tag)) => after_tag,
        None => name,
    };
    after.trim_start().starts_with("类型说明").then(|| {
        name.trim()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    })
}

/// What the page called a model (`array` for the model read as `array#27`).
pub fn spelling_of(model: &str) -> &str {
    model
        .split_once(ANONYMOUS)
        .map_or(model, |(spelling, _)| spelling)
}

/// The field `name` when its model name is really a type (`map<string, string>`, `int`);
/// `None` for a real model. (`file` stays a model: docx's file block is an object.)
pub fn plain_field(name: &str, model: &str) -> Option<Field> {
    let read = read_type(spelling_of(model));
    if !read.known
        || matches!(
            read.ty,
            FieldType::Object | FieldType::File | FieldType::Any
        )
    {
        return None;
    }
    let mut field = Field::new(name, read.ty);
    match read.ty {
        FieldType::Map => field.values = Some(element(read.inner.unwrap_or(FieldType::Any))),
        FieldType::Array => field.items = Some(element(read.inner.unwrap_or(FieldType::Any))),
        _ => {}
    }
    Some(field)
}

/// `- **outs** (array):` → (`outs`, true).
fn nested_field(line: &str) -> Option<(String, bool)> {
    let rest = line.strip_prefix("- **")?;
    let (name, after) = rest.split_once("**")?;
    let kind = after.trim().strip_prefix('(')?.split_once(')')?.0;
    Some((name.trim().to_string(), kind.trim() == "array"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_models() {
        let text = "**类型额外说明**:\n\n- **user_approval** 类型说明:\n\n  基本属性:\n\n   user_id: string <br> date: integer <br>\n  - **outs** (array):\n    - **user_out** 类型说明:\n\n      基本属性:\n\n       uniq_id: string <br> ids: array <br>\n\n- **lang_text** 类型说明:\n\n  基本属性:\n\n   lang: string <br>\n\n**请求体示例**:\n";
        let notes = TypeNotes::read(text);
        let fields = notes.fields_of("user_approval");
        let names: Vec<(&str, FieldType)> =
            fields.iter().map(|f| (f.name.as_str(), f.ty)).collect();
        assert_eq!(
            names,
            [
                ("user_id", FieldType::String),
                ("date", FieldType::Int),
                ("outs", FieldType::Array)
            ]
        );
        let out = &fields[2].items.as_ref().unwrap().fields;
        assert_eq!(out[0].name, "uniq_id");
        assert_eq!((out[1].name.as_str(), out[1].ty), ("ids", FieldType::Array));
        assert_eq!(notes.fields_of("lang_text")[0].name, "lang");
        assert!(notes.fields_of("missing").is_empty());
        assert_eq!(notes.top_level(), ["user_approval", "lang_text"]);
    }

    #[test]
    fn a_model_described_twice_keeps_one_description() {
        let text = "**类型额外说明**:\n\n- **style** 类型说明:\n\n  - **back** (object):\n    - **color** 类型说明:\n\n      基本属性:\n\n       red: integer <br> alpha: number <br>\n  - **text** (object):\n    - **color** 类型说明:\n\n      基本属性:\n\n       red: integer <br> alpha: number <br>\n";
        let fields = TypeNotes::read(text).fields_of("style");
        let names = |f: &Field| f.fields.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&fields[0]), ["red", "alpha"]);
        assert_eq!(names(&fields[1]), ["red", "alpha"]);
    }

    #[test]
    fn a_map_model_makes_a_map() {
        // directory.v1.department.create: `i18n_value` is a map<string, string>.
        let text = "**类型额外说明**:\n\n- **i18n_text** 类型说明:\n\n  基本属性:\n\n   default_value: string <br>\n  - **i18n_value** (object):\n    - **map<string, string>** 类型说明:\n\n**请求体示例**:\n";
        let fields = TypeNotes::read(text).fields_of("i18n_text");
        assert_eq!(fields[1].name, "i18n_value");
        assert_eq!(fields[1].ty, FieldType::Map);
        assert_eq!(fields[1].values.as_ref().unwrap().ty, FieldType::String);
        // sheets.v2 dimension_range: scalar types mangled into model names.
        let text = "**类型额外说明**:\n\n- **/** 类型说明:\n\n  基本属性:\n\n   sheetId: string <br>\n  - **majorDimension** (object):\n    - **<md-text type=\"field-type\" >string** 类型说明:\n\n  - **length** (object):\n    - **<md-text type=\"field-type\" >int** 类型说明:\n\n";
        let fields = TypeNotes::read(text).fields_of("/");
        let types: Vec<(&str, FieldType)> =
            fields.iter().map(|f| (f.name.as_str(), f.ty)).collect();
        assert_eq!(
            types,
            [
                ("sheetId", FieldType::String),
                ("majorDimension", FieldType::String),
                ("length", FieldType::Int)
            ]
        );
        let text = "**类型额外说明**:\n\n- **rule** 类型说明:\n\n  - **conditionValues** (object):\n    - **array&lt;string&gt;** 类型说明:\n\n";
        let fields = TypeNotes::read(text).fields_of("rule");
        assert_eq!(fields[0].ty, FieldType::Array);
        assert_eq!(fields[0].items.as_ref().unwrap().ty, FieldType::String);
    }
}
