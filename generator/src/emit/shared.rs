//! Types several endpoints of one service spell the same way (`i18n_name`, `user`,
//! `department`…) are written once, in `<service>/models.rs`, and every endpoint refers to
//! that one type. A name whose fields differ between endpoints stays local to each endpoint
//! module, where the module path says which endpoint's shape it is.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::enums::{EnumKey, EnumShape, shape_of};
use super::facts::{handle_name, is_multipart};
use super::naming::{camel, ident, snake};
use super::shapes::{PRELUDE, Side, checked, element_named, shape_key, side_of, singular};
use crate::spec::{Field, FieldType, Spec};

/// The shared types of one service.
#[derive(Debug, Default)]
pub struct Shared {
    /// `crate::im::models`, the path endpoint modules name the types by.
    pub module_path: String,
    /// Struct name → the struct; shared with every endpoint whose fields have its key.
    pub types: BTreeMap<String, SharedStruct>,
    uses: Uses,
    /// Shared request types that have a `validate` method.
    pub validating: HashSet<String>,
    /// Enum name → the enum; shared with every endpoint whose values have its key.
    pub enums: BTreeMap<String, SharedEnum>,
}

/// The name endpoints would give a struct (`NameItem`) → the shared shapes of it, as
/// side, [`shape_key`] and the shared struct's name.
type Uses = HashMap<String, Vec<(Side, String, String)>>;

/// A shared struct, worded as the first endpoint that has it words it.
#[derive(Debug)]
pub struct SharedStruct {
    pub side: Side,
    pub fields: Vec<Field>,
    /// The struct's doc: what it is, and for a second shape of a name, how it differs.
    pub doc: String,
}

/// A shared enum, worded as the first endpoint that has it words it.
#[derive(Debug)]
pub struct SharedEnum {
    pub shape: EnumShape,
    /// The wire name of a field that has these values, for the enum's doc.
    pub wire_name: String,
    pub key: EnumKey,
}

impl Shared {
    /// The shared type's path, when the struct endpoints would call `name`, with fields
    /// of this [`shape_key`] on this side, is shared.
    pub fn path_of(&self, name: &str, side: Side, key: &str) -> Option<String> {
        let (_, _, shared) = self
            .uses
            .get(name)?
            .iter()
            .find(|(s, k, _)| *s == side && k == key)?;
        Some(format!("{}::{shared}", self.module_path))
    }

    /// The shared enum's path, when `name` with values of this key is shared.
    pub fn enum_path_of(&self, name: &str, key: &EnumKey) -> Option<String> {
        let shared = self.enums.get(name)?;
        (shared.key == *key).then(|| format!("{}::{name}", self.module_path))
    }

    /// Whether the type at `path` (from [`Shared::path_of`]) has a `validate` method.
    pub fn validates(&self, path: &str) -> bool {
        path.strip_prefix(&self.module_path)
            .and_then(|rest| rest.strip_prefix("::"))
            .is_some_and(|name| self.validating.contains(name))
    }
}

/// One shape of a struct name that two or more endpoints use.
struct Candidate<'a> {
    /// The name endpoints would give it.
    name: String,
    side: Side,
    key: String,
    fields: &'a [Field],
    /// How many endpoints use it.
    users: usize,
}

/// Every nested object type and enum the endpoints of one service would define, by the
/// name the emitter would give it; those used by two or more endpoints the same way are
/// shared. A name's most used shape keeps the name; other shapes get names that say how
/// they differ (see [`variant_name`]).
pub fn collect(specs: &[&Spec], service: &str) -> Shared {
    let module_path = format!("crate::{}::models", ident(&snake(service)));
    // Per name, side and shape key: the first endpoint's fields, and who uses them.
    type Users<'a> = HashMap<(String, Side, String), (&'a [Field], BTreeSet<&'a str>)>;
    let mut users = Users::new();
    // Per name and values: the first endpoint's wording of them, and who uses them.
    let mut enum_users: HashMap<(String, EnumKey), (EnumShape, String, BTreeSet<&str>)> =
        HashMap::new();
    for spec in specs {
        let mut seen = Seen::default();
        let params = spec
            .path_params
            .iter()
            .chain(&spec.query_params)
            .chain(&spec.headers);
        for field in params {
            walk(field, Side::Request, &mut seen);
        }
        if let Some(request) = spec.request.as_ref().filter(|_| !is_multipart(spec)) {
            for field in &request.fields {
                walk(field, Side::Request, &mut seen);
            }
        }
        for field in spec.response.iter().flat_map(|r| &r.fields) {
            walk(field, Side::Response, &mut seen);
        }
        for (name, shape, wire) in seen.enums {
            enum_users
                .entry((name, shape.key()))
                .or_insert_with(|| (shape, wire, BTreeSet::new()))
                .2
                .insert(spec.id.as_str());
        }
        for (name, side, fields) in seen.structs {
            let key = (name, side, shape_key(fields, side));
            users
                .entry(key)
                .or_insert_with(|| (fields, BTreeSet::new()))
                .1
                .insert(spec.id.as_str());
        }
    }
    let handle = handle_name(service);
    let mut candidates: Vec<Candidate> = users
        .into_iter()
        .filter(|((name, _, _), (_, endpoints))| endpoints.len() >= 2 && shareable(name, &handle))
        .map(|((name, side, key), (fields, endpoints))| Candidate {
            name,
            side,
            key,
            fields,
            users: endpoints.len(),
        })
        .collect();
    // A stable order, so the same pages always share the same types: per name, the most
    // used shape first (ties: requests first, then by key).
    candidates.sort_by(|a, b| {
        (&a.name, usize::MAX - a.users, a.side as u8, &a.key).cmp(&(
            &b.name,
            usize::MAX - b.users,
            b.side as u8,
            &b.key,
        ))
    });
    let (types, uses) = name_shapes(candidates, service);
    let validating = types
        .iter()
        .filter(|(_, s)| s.side == Side::Request && s.fields.iter().any(checked))
        .map(|(name, _)| name.clone())
        .collect();
    let enums = shared_enums(enum_users, &types, &handle);
    Shared {
        module_path,
        types,
        uses,
        validating,
        enums,
    }
}

/// Names the shared shapes, sorted by name and most used first. Each name's most used
/// shape keeps the name; then, so that no second shape takes a name another type keeps,
/// the others get their [`variant_name`] where it is free. A shape that gets no name
/// stays local to each endpoint that has it.
fn name_shapes(
    candidates: Vec<Candidate>,
    service: &str,
) -> (BTreeMap<String, SharedStruct>, Uses) {
    let mut types: BTreeMap<String, SharedStruct> = BTreeMap::new();
    let mut uses = Uses::new();
    let mut groups: Vec<Vec<Candidate>> = Vec::new();
    for candidate in candidates {
        match groups.last_mut() {
            Some(group) if group[0].name == candidate.name => group.push(candidate),
            _ => groups.push(vec![candidate]),
        }
    }
    let mut share = |name: String, shape: &Candidate, doc: String, types: &mut BTreeMap<_, _>| {
        uses.entry(shape.name.clone()).or_default().push((
            shape.side,
            shape.key.clone(),
            name.clone(),
        ));
        types.insert(
            name,
            SharedStruct {
                side: shape.side,
                fields: shape.fields.to_vec(),
                doc,
            },
        );
    };
    for group in &groups {
        let first = &group[0];
        let doc = format!(
            "`{}`, as several `{service}` endpoints spell it.",
            first.name
        );
        share(first.name.clone(), first, doc, &mut types);
    }
    for group in &groups {
        // The most used shape of each side, and the name it was given.
        let mut side_firsts: Vec<(&Candidate, String)> = vec![(&group[0], group[0].name.clone())];
        for shape in &group[1..] {
            let side_first = side_firsts.iter().find(|(s, _)| s.side == shape.side);
            let Some((name, doc)) = variant_name(&group[0], side_first, shape, service) else {
                continue;
            };
            if types.contains_key(&name) {
                continue;
            }
            if side_first.is_none() {
                side_firsts.push((shape, name.clone()));
            }
            share(name, shape, doc, &mut types);
        }
    }
    (types, uses)
}

/// The name and doc of a second shape of a struct name, saying how it differs from the
/// shape that has the name:
/// - the most used shape of the other side: `NameItemReply` (replies spell it so) or
///   `NameItemInput` (requests do);
/// - a shape with a member the side's most used shape lacks: `WorkShiftWithDisplay`;
/// - one that only lacks members: `WorkShiftWithoutDisplay`.
///
/// `None` when the members are the same and only their types or rules differ: such a
/// shape stays local to each endpoint, whose module says which shape it is.
fn variant_name(
    first: &Candidate,
    side_first: Option<&(&Candidate, String)>,
    shape: &Candidate,
    service: &str,
) -> Option<(String, String)> {
    let Some((base, base_name)) = side_first else {
        let (suffix, who) = match shape.side {
            Side::Request => ("Input", "requests"),
            Side::Response => ("Reply", "replies"),
        };
        let name = format!("{}{suffix}", shape.name);
        let doc = format!(
            "`{}`, as several `{service}` {who} spell it; [`{}`] is how the others do.",
            shape.name, first.name
        );
        return Some((name, doc));
    };
    let names =
        |c: &Candidate| -> Vec<String> { c.fields.iter().map(|f| f.name.clone()).collect() };
    let (ours, theirs) = (names(shape), names(base));
    let (how, member) = if let Some(extra) = ours.iter().find(|n| !theirs.contains(n)) {
        ("With", extra)
    } else if let Some(missing) = theirs.iter().find(|n| !ours.contains(n)) {
        ("Without", missing)
    } else {
        return None;
    };
    let name = format!("{base_name}{how}{}", camel(member));
    let doc = format!(
        "`{}` {} `{member}`, as several `{service}` endpoints spell it; [`{base_name}`] is the \
         more common shape.",
        shape.name,
        how.to_lowercase(),
    );
    Some((name, doc))
}

/// Whether a shared type may take `name`: not a prelude name, not the module's (`Models`),
/// and not the service's `handle`, which `models.rs` sits beside (`approval::Approval<'a>`
/// and `approval::models::*` are imported together).
fn shareable(name: &str, handle: &str) -> bool {
    !PRELUDE.contains(&name) && name != "Models" && name != handle
}

/// Per enum name, the values most endpoints use, when two or more do; a name a shared
/// struct has is left to the struct, and the service's `handle` name to the handle.
fn shared_enums(
    users: HashMap<(String, EnumKey), (EnumShape, String, BTreeSet<&str>)>,
    structs: &BTreeMap<String, SharedStruct>,
    handle: &str,
) -> BTreeMap<String, SharedEnum> {
    let mut candidates: Vec<(String, EnumKey, EnumShape, String, usize)> = users
        .into_iter()
        .map(|((name, key), (shape, wire, endpoints))| (name, key, shape, wire, endpoints.len()))
        .filter(|(name, _, _, _, count)| {
            *count >= 2 && !structs.contains_key(name) && shareable(name, handle)
        })
        .collect();
    // A stable order, so the same pages always share the same enums.
    candidates.sort_by_cached_key(|(name, _, shape, _, count)| {
        (name.clone(), usize::MAX - count, format!("{shape:?}"))
    });
    let mut enums = BTreeMap::new();
    for (name, key, shape, wire_name, _) in candidates {
        enums.entry(name).or_insert(SharedEnum {
            shape,
            wire_name,
            key,
        });
    }
    enums
}

/// The types one endpoint would define.
#[derive(Default)]
struct Seen<'a> {
    /// Name, side, fields.
    structs: Vec<(String, Side, &'a [Field])>,
    /// Name, values, wire name.
    enums: Vec<(String, EnumShape, String)>,
}

/// The object types and enums inside `field`, named as the type-facts pass (`type_facts`) names them.
fn walk<'a>(field: &'a Field, side: Side, out: &mut Seen<'a>) {
    walk_named(&field.name, field, side, out);
}

/// [`walk`] for a field called `name`: array elements and map values are named after
/// the field that holds them (`element_of`, `value_of`) and walked in place.
fn walk_named<'a>(name: &str, field: &'a Field, side: Side, out: &mut Seen<'a>) {
    match field.ty {
        FieldType::Object if !field.fields.is_empty() => {
            let side = side_of(side, &field.fields);
            out.structs.push((camel(name), side, &field.fields));
            for child in &field.fields {
                walk(child, side, out);
            }
        }
        FieldType::Array => match field.items.as_deref() {
            // Objects, arrays and maps have no values of their own to inherit.
            Some(
                items @ Field {
                    ty: FieldType::Object | FieldType::Array | FieldType::Map,
                    ..
                },
            ) => walk_named(&singular(name), items, side, out),
            Some(_) => {
                // A scalar element is an enum when it (or the array) lists values.
                if let Some(element) = element_named(field, name)
                    && let Some(shape) = shape_of(&element)
                {
                    out.enums.push((camel(&element.name), shape, element.name));
                }
            }
            None => {}
        },
        FieldType::Map => {
            if let Some(values) = field.values.as_deref() {
                walk_named(&format!("{name}_value"), values, side, out);
            }
        }
        _ => {
            if let Some(shape) = shape_of(field) {
                out.enums.push((camel(name), shape, name.to_string()));
            }
        }
    }
}
