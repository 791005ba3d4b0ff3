//! The type-facts pass: one walk over a service's specs that decides, before anything is
//! written, every struct and enum each module defines: its name (shared, local, or
//! prefixed by its parent on a clash), side, shape key, members' types and whether it
//! validates. The struct writer (`types`), the endpoint and the models generators only
//! read these facts.
//!
//! Facts are plain data (no token streams), so they are decided once per service and read
//! by the threads that write its files.

use std::collections::{HashMap, HashSet};

use super::EmitError;
use super::enums::{EnumKey, EnumShape, shape_of};
use super::facts::{Names, is_download, is_multipart};
use super::naming::camel;
use super::shapes::{
    PRELUDE, Side, checked, element_of, member_texts, shape_key, side_of, value_of,
};
use super::shared::{self, Shared};
use crate::spec::{Field, FieldType, Spec};

/// A member's or parameter's Rust type, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    I64,
    /// `feishu_runtime::Int64`: an int64 that travels as a JSON string.
    Int64,
    F64,
    Bool,
    /// `serde_json::Value`: whatever the wire holds.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: an object the page gives no members.
    JsonObject,
    FileUpload,
    /// A struct or enum: a local name, or a shared type's path (`crate::im::models::User`).
    Named(String),
    Vec(Box<TypeRef>),
    /// `std::collections::BTreeMap<String, _>`.
    Map(Box<TypeRef>),
}

/// One item a module defines.
#[derive(Debug, Clone)]
pub enum TypeDef {
    Struct(StructFacts),
    Enum(EnumFacts),
}

/// How a struct travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As JSON, through serde.
    Json,
    /// As the parts of a multipart form, one member at a time.
    Form,
}

#[derive(Debug, Clone)]
pub struct StructFacts {
    pub name: String,
    pub doc: String,
    pub side: Side,
    pub shape: Shape,
    /// One per wire name, in the page's order.
    pub members: Vec<MemberFacts>,
    /// It gets a `validate` method: a request struct with a checked member.
    pub validates: bool,
}

#[derive(Debug, Clone)]
pub struct MemberFacts {
    /// The Rust member name before [`super::naming::ident`] (see [`member_texts`]).
    pub member: String,
    /// The field as the page describes it (docs, wire name, rules).
    pub field: Field,
    /// The value's type, without the `Option`.
    pub ty: TypeRef,
    pub optional: bool,
    /// The value is a struct (or a list or map of them) that has a `validate` method.
    pub nested_validates: bool,
}

#[derive(Debug, Clone)]
pub struct EnumFacts {
    pub name: String,
    /// The wire name of a field with these values, for the enum's doc.
    pub wire_name: String,
    pub shape: EnumShape,
}

/// Everything one module (an endpoint's, or a service's `models.rs`) defines, in the order
/// the items are written (parents before children), and the types of the fields the
/// module's other items name.
#[derive(Debug, Default)]
pub struct ModuleTypes {
    pub defs: Vec<TypeDef>,
    /// Top-level fields' types (parameters, body and reply members), by [`FieldId`].
    types: HashMap<FieldId, TypeRef>,
    /// Top-level array fields' element types, by [`FieldId`].
    elements: HashMap<FieldId, TypeRef>,
    validating: HashSet<String>,
}

/// A field of the spec being emitted, by address: the spec outlives its emission and is
/// not moved, so its fields' addresses name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FieldId(usize);

impl FieldId {
    fn of(field: &Field) -> Self {
        FieldId(std::ptr::from_ref(field) as usize)
    }
}

impl ModuleTypes {
    /// The type of a parameter or of a body or reply member of this module's spec.
    pub fn type_of(&self, field: &Field) -> Option<&TypeRef> {
        self.types.get(&FieldId::of(field))
    }

    /// The element type of an array member of this module's reply.
    pub fn element_type(&self, field: &Field) -> TypeRef {
        self.elements
            .get(&FieldId::of(field))
            .cloned()
            .unwrap_or(TypeRef::Json)
    }

    /// Whether the local struct `name` has a `validate` method.
    pub fn validates(&self, name: &str) -> bool {
        self.validating.contains(name)
    }
}

/// The type facts of one service: what it shares, and every module's types.
#[derive(Debug, Default)]
pub struct ServiceTypes {
    pub shared: Shared,
    /// `models.rs`; empty when nothing is shared.
    pub models: ModuleTypes,
    /// By endpoint id.
    pub endpoints: HashMap<String, ModuleTypes>,
}

impl ServiceTypes {
    pub fn endpoint(&self, id: &str) -> &ModuleTypes {
        &self.endpoints[id]
    }
}

/// The pass: sharing first (which needs every endpoint), then each module's types.
pub fn of_service(specs: &[&Spec], service: &str) -> Result<ServiceTypes, EmitError> {
    let shared = shared::collect(specs, service);
    let models = models_types(&shared, service)?;
    let mut endpoints = HashMap::new();
    for spec in specs {
        endpoints.insert(spec.id.clone(), endpoint_types(spec, &shared)?);
    }
    Ok(ServiceTypes {
        shared,
        models,
        endpoints,
    })
}

/// `models.rs`: the shared structs and enums, each under the name sharing gave it.
fn models_types(shared: &Shared, service: &str) -> Result<ModuleTypes, EmitError> {
    let names: Vec<&str> = shared
        .types
        .keys()
        .chain(shared.enums.keys())
        .map(String::as_str)
        .collect();
    let id = format!("{service} models");
    let mut planner = Planner::new(&id, &names, shared);
    for (name, shared) in &shared.types {
        planner.define_named(name, &shared.doc, &shared.fields, shared.side, Shape::Json)?;
    }
    for (name, shared) in &shared.enums {
        planner.define_enum_named(name, &shared.wire_name, &shared.shape, shared.key.clone());
    }
    Ok(planner.finish())
}

/// An endpoint module: its body and reply structs first (so they keep their names), then
/// its parameters' types, then what those name.
fn endpoint_types(spec: &Spec, shared: &Shared) -> Result<ModuleTypes, EmitError> {
    let names = Names::of(spec);
    let reserved = names.reserved();
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut planner = Planner::new(&spec.id, &reserved, shared);
    let (request, body, response) = (&names.request, &names.body, &names.response);
    let body_fields = spec
        .request
        .as_ref()
        .map(|r| r.fields.as_slice())
        .unwrap_or_default();
    if is_multipart(spec) {
        let doc = format!("The `multipart/form-data` body of [`{request}`]: its files and fields.");
        planner.define_named(
            &body.to_string(),
            &doc,
            body_fields,
            Side::Request,
            Shape::Form,
        )?;
    } else if spec.request.is_some() {
        let doc = format!("JSON body of [`{request}`].");
        planner.define_named(
            &body.to_string(),
            &doc,
            body_fields,
            Side::Request,
            Shape::Json,
        )?;
    }
    if !is_download(spec) {
        let fields = spec
            .response
            .as_ref()
            .map(|r| r.fields.as_slice())
            .unwrap_or_default();
        let doc = format!("The `data` of a successful reply to [`{request}`].");
        planner.define_named(
            &response.to_string(),
            &doc,
            fields,
            Side::Response,
            Shape::Json,
        )?;
    }
    let request = request.to_string();
    for field in spec
        .path_params
        .iter()
        .chain(&spec.query_params)
        .chain(&spec.headers)
    {
        let ty = planner.rust_type(field, &request, Side::Request)?.ty;
        planner.module.types.insert(FieldId::of(field), ty);
    }
    Ok(planner.finish())
}

/// A type name's definition in one module: two uses of a name agree only when their
/// definitions are equal.
#[derive(Debug, Clone, PartialEq)]
enum Def {
    /// The side and the fields' [`shape_key`].
    Struct(Side, String),
    Enum(EnumKey),
}

/// A resolved type, and the struct it names when it is one (or a list or map of one).
struct Resolved {
    ty: TypeRef,
    nested: Option<String>,
}

impl Resolved {
    fn plain(ty: TypeRef) -> Self {
        Resolved { ty, nested: None }
    }
}

/// Decides one module's types; the rules are those the emitter has always written by.
struct Planner<'s> {
    /// Endpoint id (or `<service> models`), for error messages.
    origin: &'s str,
    shared: &'s Shared,
    /// Definitions in the order they were first named (parents before children).
    slots: Vec<Option<TypeDef>>,
    defined: HashMap<String, Def>,
    module: ModuleTypes,
}

impl<'s> Planner<'s> {
    /// `reserved`: names the module uses for other items.
    fn new(origin: &'s str, reserved: &[&str], shared: &'s Shared) -> Self {
        let defined = reserved
            .iter()
            .chain(PRELUDE)
            .map(|name| (name.to_string(), Def::Struct(Side::Request, String::new())))
            .collect();
        Planner {
            origin,
            shared,
            slots: Vec::new(),
            defined,
            module: ModuleTypes::default(),
        }
    }

    fn finish(mut self) -> ModuleTypes {
        self.module.defs = self.slots.into_iter().flatten().collect();
        self.module
    }

    /// A struct with exactly the name given (a module's top-level types), whose members'
    /// types the module's other items may ask for.
    fn define_named(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
        shape: Shape,
    ) -> Result<(), EmitError> {
        self.defined
            .insert(name.to_string(), Def::Struct(side, shape_key(fields, side)));
        self.define_struct(name, doc, fields, side, shape, true)
    }

    fn define_enum_named(&mut self, name: &str, wire_name: &str, shape: &EnumShape, key: EnumKey) {
        self.defined.insert(name.to_string(), Def::Enum(key));
        self.push_enum(name, wire_name, shape);
    }

    fn push_enum(&mut self, name: &str, wire_name: &str, shape: &EnumShape) {
        self.slots.push(Some(TypeDef::Enum(EnumFacts {
            name: name.to_string(),
            wire_name: wire_name.to_string(),
            shape: shape.clone(),
        })));
    }

    /// `top`: the struct is the module's own (body, reply, shared type), so its members'
    /// types are recorded for the module's other items.
    fn define_struct(
        &mut self,
        name: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
        shape: Shape,
        top: bool,
    ) -> Result<(), EmitError> {
        let slot = self.slots.len();
        self.slots.push(None);
        let mut members = Vec::new();
        let named = member_texts(fields);
        let validates = side == Side::Request && named.iter().any(|(_, f)| checked(f));
        for (member, field) in named {
            let Resolved { ty, nested } = match (shape, form_file(field)) {
                (Shape::Form, Some(ty)) => Resolved::plain(ty),
                _ => self.rust_type(field, name, side)?,
            };
            if top {
                self.record(field, &ty);
            }
            members.push(MemberFacts {
                member,
                field: field.clone(),
                ty,
                optional: side == Side::Response || !field.is_required(),
                nested_validates: nested.as_deref().is_some_and(|t| self.has_validate(t)),
            });
        }
        if validates {
            self.module.validating.insert(name.to_string());
        }
        self.slots[slot] = Some(TypeDef::Struct(StructFacts {
            name: name.to_string(),
            doc: doc.to_string(),
            side,
            shape,
            members,
            validates,
        }));
        Ok(())
    }

    /// A top-level member's type, and its element's when it is an array.
    fn record(&mut self, field: &Field, ty: &TypeRef) {
        let id = FieldId::of(field);
        self.module.types.insert(id, ty.clone());
        if let TypeRef::Vec(element) = ty {
            self.module.elements.insert(id, (**element).clone());
        }
    }

    /// `name`: a local struct name, or a shared type's path.
    fn has_validate(&self, name: &str) -> bool {
        self.module.validating.contains(name) || self.shared.validates(name)
    }

    /// The type of a field's value (without the `Option`).
    fn rust_type(
        &mut self,
        field: &Field,
        parent: &str,
        side: Side,
    ) -> Result<Resolved, EmitError> {
        if let Some(shape) = shape_of(field) {
            return Ok(Resolved::plain(self.define_enum(field, shape, parent)?));
        }
        let plain = |ty: TypeRef| Ok(Resolved::plain(ty));
        match field.ty {
            FieldType::String => plain(TypeRef::String),
            FieldType::Int => plain(TypeRef::I64),
            FieldType::Int64 => plain(TypeRef::Int64),
            FieldType::Float => plain(TypeRef::F64),
            FieldType::Bool => plain(TypeRef::Bool),
            FieldType::Any => plain(TypeRef::Json),
            FieldType::Object if field.fields.is_empty() => plain(TypeRef::JsonObject),
            FieldType::Object => {
                let doc = object_doc(field);
                self.define_nested(&camel(&field.name), parent, &doc, &field.fields, side)
            }
            FieldType::Array => {
                let inner = self.inner_type(element_of(field), parent, side)?;
                Ok(Resolved {
                    ty: TypeRef::Vec(Box::new(inner.ty)),
                    nested: inner.nested,
                })
            }
            FieldType::Map => {
                let inner = self.inner_type(value_of(field), parent, side)?;
                Ok(Resolved {
                    ty: TypeRef::Map(Box::new(inner.ty)),
                    nested: inner.nested,
                })
            }
            // A file outside a multipart body (the page says so in a JSON body or a reply):
            // whatever the wire holds.
            FieldType::File => plain(TypeRef::Json),
        }
    }

    /// The type of an array's element or a map's value; any JSON when the page gives none.
    fn inner_type(
        &mut self,
        inner: Option<Field>,
        parent: &str,
        side: Side,
    ) -> Result<Resolved, EmitError> {
        match inner {
            Some(inner) => self.rust_type(&inner, parent, side),
            None => Ok(Resolved::plain(TypeRef::Json)),
        }
    }

    /// The type of a nested object: the service's shared type when it is one, else a
    /// struct here (reused when the same fields come back).
    fn define_nested(
        &mut self,
        preferred: &str,
        parent: &str,
        doc: &str,
        fields: &[Field],
        side: Side,
    ) -> Result<Resolved, EmitError> {
        let side = side_of(side, fields);
        let key = shape_key(fields, side);
        if let Some(path) = self.shared.path_of(preferred, side, &key) {
            return Ok(Resolved {
                ty: TypeRef::Named(path.clone()),
                nested: Some(path),
            });
        }
        let (name, new) = self.claim(preferred, parent, Def::Struct(side, key))?;
        if new {
            self.define_struct(&name, doc, fields, side, Shape::Json, false)?;
        }
        Ok(Resolved {
            ty: TypeRef::Named(name.clone()),
            nested: Some(name),
        })
    }

    /// The enum of a field with documented values: the service's shared one when it is
    /// one, else an enum here (reused when the same values come back).
    fn define_enum(
        &mut self,
        field: &Field,
        shape: EnumShape,
        parent: &str,
    ) -> Result<TypeRef, EmitError> {
        let preferred = camel(&field.name);
        let key = shape.key();
        if let Some(path) = self.shared.enum_path_of(&preferred, &key) {
            return Ok(TypeRef::Named(path));
        }
        let (name, new) = self.claim(&preferred, parent, Def::Enum(key))?;
        if new {
            self.push_enum(&name, &field.name, &shape);
        }
        Ok(TypeRef::Named(name))
    }

    /// A name for `def`: the preferred one, else prefixed by the parent type, else
    /// numbered. `true` when the name is new (the caller defines it); `false` when the
    /// same definition already has it.
    fn claim(
        &mut self,
        preferred: &str,
        parent: &str,
        def: Def,
    ) -> Result<(String, bool), EmitError> {
        let mut candidates = vec![preferred.to_string(), format!("{parent}{preferred}")];
        candidates.extend((2..).take(100).map(|n| format!("{parent}{preferred}{n}")));
        for name in candidates {
            match self.defined.get(&name) {
                Some(existing) if *existing == def => return Ok((name, false)),
                Some(_) => continue,
                None => {
                    self.defined.insert(name.clone(), def);
                    return Ok((name, true));
                }
            }
        }
        Err(EmitError::new(
            self.origin,
            format!("no free type name for `{preferred}`"),
        ))
    }
}

/// The type of a form member that holds files: one file, or several under one name.
pub fn form_file(field: &Field) -> Option<TypeRef> {
    match (field.ty, field.items.as_deref().map(|i| i.ty)) {
        (FieldType::File, _) => Some(TypeRef::FileUpload),
        (FieldType::Array, Some(FieldType::File)) => {
            Some(TypeRef::Vec(Box::new(TypeRef::FileUpload)))
        }
        _ => None,
    }
}

fn object_doc(field: &Field) -> String {
    match &field.description {
        Some(description) => description.clone(),
        None => format!("The `{}` object.", field.name.trim_end_matches("[]")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::yaml;

    /// Two endpoints that both reply with the same `owner`, and one whose body has an
    /// `owner` of another shape, checked, beside a list of `owner`s.
    fn spec(id: &str, body: &str) -> Spec {
        yaml::from_str(&format!(
            r#"
id: {id}
title: T
source: t.md
http: {{method: POST, path: /open-apis/demo/v1/things}}
query_params:
- {{name: user_id_type, type: string, enum: [{{value: open_id}}, {{value: user_id}}]}}
request:
  content_type: application/json
  fields: {body}
response:
  content_type: application/json
  fields:
  - name: owner
    type: object
    fields:
    - {{name: id, type: string}}
"#
        ))
        .unwrap()
    }

    fn structs(module: &ModuleTypes) -> Vec<(&str, Side, bool)> {
        module
            .defs
            .iter()
            .filter_map(|d| match d {
                TypeDef::Struct(s) => Some((s.name.as_str(), s.side, s.validates)),
                TypeDef::Enum(_) => None,
            })
            .collect()
    }

    #[test]
    fn one_pass_decides_names_sides_sharing_and_validation() {
        let a = spec(
            "demo.v1.thing.create",
            "[{name: owner, type: object, required: true, fields: [{name: id, type: string, required: true, rules: {max_length: 8}}]}]",
        );
        let b = spec("demo.v1.thing.patch", "[{name: note, type: string}]");
        let types = of_service(&[&a, &b], "demo").unwrap();
        // The reply's `owner` is shared; the body's (required, checked) is not.
        assert_eq!(structs(&types.models), [("Owner", Side::Response, false)]);
        let create = types.endpoint("demo.v1.thing.create");
        assert_eq!(
            structs(create),
            [
                ("CreateRequestBody", Side::Request, true),
                ("Owner", Side::Request, true),
                ("CreateResponse", Side::Response, false),
            ]
        );
        let TypeDef::Struct(body) = &create.defs[0] else {
            panic!("the body comes first")
        };
        assert_eq!(body.members[0].member, "owner");
        // A local name: the shared `Owner` is named by its path, so the two cannot meet.
        assert_eq!(body.members[0].ty, TypeRef::Named("Owner".into()));
        assert!(body.members[0].nested_validates);
        assert!(!body.members[0].optional);
        let TypeDef::Struct(reply) = &create.defs[2] else {
            panic!("then the reply")
        };
        assert_eq!(
            reply.members[0].ty,
            TypeRef::Named("crate::demo::models::Owner".into())
        );
        // Parameters' types are facts too: the shared value list of `user_id_type`.
        assert_eq!(
            create.type_of(&a.query_params[0]),
            Some(&TypeRef::Named("crate::demo::models::UserIdType".into()))
        );
        assert!(create.validates("CreateRequestBody"));
        let patch = types.endpoint("demo.v1.thing.patch");
        assert!(!patch.validates("PatchRequestBody"));
    }
}
