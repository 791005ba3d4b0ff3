//! Serde for generated structs: the walk over a JSON object is written once, here, and each
//! generated struct only says which members it has.
//!
//! `#[derive(Serialize, Deserialize)]` writes a field enum, two visitors and several
//! matches per struct, with arms for every member. In the `corehr` service (1,600 structs)
//! that derived code was 84% of what `cargo check` spent. A generated struct instead
//! implements [`Object`] (a line per member to decode it); its `Deserialize` forwards to
//! [`deserialize`] with its wire names, and its `Serialize` writes a line per member
//! through [`Members`]. The behaviour is the derive's: unknown members are skipped, a
//! member sent twice or a required one missing is an error naming it, and `None` members
//! are left out of the output.

mod debug;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The value a struct starts from while [`deserialize`] fills it in: `Default` where the
/// type has one. A request struct with required members, and a list of documented values,
/// has no `Default` (a required member cannot be left empty by accident, and no value is
/// the list's default); the generator implements this for them instead. A placeholder is
/// never handed out by decoding: a required member the JSON lacks is an error.
pub trait Placeholder {
    fn placeholder() -> Self;
}

impl<T: Default> Placeholder for T {
    fn placeholder() -> Self {
        T::default()
    }
}

/// A generated struct that travels as a JSON object: what its `Deserialize` impl needs
/// besides its wire names. (Its `Serialize` impl writes each member with [`Members`].)
pub trait Object: Placeholder {
    /// Reads the value of member `index` (into the wire names given to [`deserialize`])
    /// from `map` into `self`, with [`read`] or a [`lenient`](crate::lenient) reader.
    fn decode_member<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads the next map value into `slot`: one member of [`Object::decode_member`].
#[inline]
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// The members of one object being written, for `Serialize::serialize`; `None` values are
/// left out. The first error stops the writing and is what [`Members::end`] returns.
pub struct Members<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Members<M> {
    /// Start writing an object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, M::Error> {
        Ok(Members {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    /// A member that is always written.
    pub fn required<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(key, value).err();
        }
    }

    /// A member written only when it has a value.
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.required(key, value);
        }
    }

    /// Close the object, or give the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// `Debug::fmt` of a generated struct: `Name {"member": value, …}` with the members it
/// has, as they go on the wire; `{:#?}` puts one member on a line.
pub fn debug<T: Serialize>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    debug::fmt(value, name_of::<T>(), f)
}

/// `Deserialize::deserialize` of a generated struct: `fields` are the wire names of its
/// members in declaration order, `required` the indexes of those a value must have.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(
    deserializer: D,
    fields: &'static [&'static str],
    required: &'static [usize],
) -> Result<T, D::Error> {
    let visitor = ObjectVisitor {
        fields,
        required,
        object: PhantomData,
    };
    // The full type name costs nothing; the short one is worked out only for an error
    // message (`expecting`), not for every object decoded.
    deserializer.deserialize_struct(std::any::type_name::<T>(), fields, visitor)
}

/// `Deserialize::deserialize` of a generated string enum: the value is matched where it
/// lies in the JSON text, and only one the documentation does not list is copied (into
/// the enum's `Unknown` variant).
pub fn string_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(StringEnum(PhantomData))
}

struct StringEnum<T>(PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for StringEnum<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }
}

/// The struct's own name, without its module path.
fn name_of<T>() -> &'static str {
    let path = std::any::type_name::<T>();
    path.rsplit("::").next().unwrap_or(path)
}

struct ObjectVisitor<T> {
    fields: &'static [&'static str],
    required: &'static [usize],
    object: PhantomData<T>,
}

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", name_of::<T>())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::placeholder();
        let mut seen = Seen::new(self.fields.len());
        let mut next = 0;
        while let Some(key) = map.next_key_seed(Key {
            fields: self.fields,
            next,
        })? {
            let Some(index) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if seen.mark(index) {
                return Err(de::Error::duplicate_field(self.fields[index]));
            }
            value.decode_member(index, &mut map)?;
            next = index + 1;
        }
        if let Some(&missing) = self.required.iter().find(|&&index| !seen.has(index)) {
            return Err(de::Error::missing_field(self.fields[missing]));
        }
        Ok(value)
    }
}

/// Which members an object has had: a bit each, kept in a word for up to 64 members
/// (nearly every struct), so decoding an object allocates nothing of its own.
enum Seen {
    Bits(u64),
    Many(Vec<bool>),
}

impl Seen {
    fn new(members: usize) -> Self {
        if members <= 64 {
            Seen::Bits(0)
        } else {
            Seen::Many(vec![false; members])
        }
    }

    /// Marks member `index` as had; `true` when it was already.
    #[inline]
    fn mark(&mut self, index: usize) -> bool {
        match self {
            Seen::Bits(bits) => {
                let bit = 1u64 << index;
                let had = *bits & bit != 0;
                *bits |= bit;
                had
            }
            Seen::Many(had) => std::mem::replace(&mut had[index], true),
        }
    }

    #[inline]
    fn has(&self, index: usize) -> bool {
        match self {
            Seen::Bits(bits) => bits & (1u64 << index) != 0,
            Seen::Many(had) => had[index],
        }
    }
}

/// A member name, read as its index into the struct's wire names (`None`: not one of them).
/// The names are compared from `next`, the member after the one read last, on: replies
/// list members in their documented order, so the first name compared is usually the one.
#[derive(Clone, Copy)]
struct Key {
    fields: &'static [&'static str],
    next: usize,
}

impl Key {
    fn find(self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        let next = self.next.min(self.fields.len());
        let (before, after) = self.fields.split_at(next);
        after
            .iter()
            .position(|name| matches(name))
            .map(|index| index + next)
            .or_else(|| before.iter().position(|name| matches(name)))
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.find(|name| name == v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(self.find(|name| name.as_bytes() == v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for `{ "name": string (required), "size": int, "tags": [string] }`
    /// on the request side: a required member, so no `Default`.
    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        size: Option<i64>,
        tags: Option<Vec<String>>,
    }

    impl Placeholder for Sample {
        fn placeholder() -> Self {
            Sample {
                name: Placeholder::placeholder(),
                size: None,
                tags: None,
            }
        }
    }

    impl Object for Sample {
        fn decode_member<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => read(map, &mut self.name),
                1 => crate::lenient::read_i64(map, &mut self.size),
                2 => read(map, &mut self.tags),
                _ => Ok(()),
            }
        }
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut out = Members::new(serializer)?;
            out.required("name", &self.name);
            out.optional("size", &self.size);
            out.optional("tags", &self.tags);
            out.end()
        }
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer, &["name", "size", "tags"], &[0])
        }
    }

    fn decode(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn decodes_members_by_wire_name_and_skips_unknown_ones() {
        assert_eq!(
            decode(r#"{"extra": {"deep": [1]}, "size": "42", "name": "a", "tags": null}"#),
            Ok(Sample {
                name: "a".into(),
                size: Some(42),
                tags: None,
            })
        );
    }

    #[test]
    fn errors_name_the_member() {
        assert_eq!(
            decode(r#"{"size": 1}"#).unwrap_err(),
            "missing field `name` at line 1 column 11"
        );
        assert_eq!(
            decode(r#"{"name": "a", "name": "b"}"#).unwrap_err(),
            "duplicate field `name` at line 1 column 20"
        );
        assert_eq!(
            decode(r#"{"name": 7}"#).unwrap_err(),
            "invalid type: integer `7`, expected a string at line 1 column 10"
        );
        assert_eq!(
            decode(r#"[1, 2]"#).unwrap_err(),
            "invalid type: sequence, expected struct Sample at line 1 column 1"
        );
    }

    #[test]
    fn members_in_any_order_are_found_and_a_repeat_after_others_is_caught() {
        assert_eq!(
            decode(r#"{"tags": ["x"], "size": 2, "name": "a"}"#),
            Ok(Sample {
                name: "a".into(),
                size: Some(2),
                tags: Some(vec!["x".into()]),
            })
        );
        assert_eq!(
            decode(r#"{"size": 1, "name": "a", "tags": [], "size": 2}"#).unwrap_err(),
            "duplicate field `size` at line 1 column 43"
        );
    }

    /// A struct of more members than [`Seen`] keeps bits for: `{"m0": int, "m1": int, …}`.
    #[derive(Debug, Default, PartialEq)]
    struct Wide(Vec<Option<i64>>);

    const WIDE: usize = 130;

    fn wide_names() -> &'static [&'static str] {
        static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            (0..WIDE)
                .map(|i| &*Box::leak(format!("m{i}").into_boxed_str()))
                .collect()
        })
    }

    impl Object for Wide {
        fn decode_member<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            self.0.resize(WIDE, None);
            read(map, &mut self.0[index])
        }
    }

    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer, wide_names(), &[129])
        }
    }

    #[test]
    fn a_struct_of_many_members_still_catches_repeats_and_missing_ones() {
        let wide: Wide = serde_json::from_str(r#"{"m129": 9, "m3": 3}"#).unwrap();
        assert_eq!(
            (wide.0[3], wide.0[129], wide.0[4]),
            (Some(3), Some(9), None)
        );
        let err = serde_json::from_str::<Wide>(r#"{"m129": 1, "m128": 2, "m129": 3}"#);
        assert_eq!(
            err.unwrap_err().to_string(),
            "duplicate field `m129` at line 1 column 29"
        );
        let err = serde_json::from_str::<Wide>(r#"{"m0": 1}"#);
        assert_eq!(
            err.unwrap_err().to_string(),
            "missing field `m129` at line 1 column 9"
        );
    }

    #[derive(Debug, PartialEq)]
    enum Colour {
        Red,
        Unknown(String),
    }

    impl From<&str> for Colour {
        fn from(value: &str) -> Self {
            match value {
                "red" => Colour::Red,
                _ => Colour::Unknown(value.to_string()),
            }
        }
    }

    #[test]
    fn string_enums_keep_unknown_values_and_refuse_other_types() {
        let colour = |json: &str| {
            string_enum::<Colour, _>(&mut serde_json::Deserializer::from_str(json))
                .map_err(|e| e.to_string())
        };
        assert_eq!(colour(r#""red""#), Ok(Colour::Red));
        assert_eq!(colour(r#""r\u0065d""#), Ok(Colour::Red));
        assert_eq!(colour(r#""blue""#), Ok(Colour::Unknown("blue".into())));
        assert_eq!(
            colour("7").unwrap_err(),
            "invalid type: integer `7`, expected a string at line 1 column 1"
        );
    }

    #[test]
    fn error_paths_go_through_members() {
        let json = r#"{"name": "a", "tags": ["x", 3]}"#;
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Sample>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "tags[1]");
    }

    #[test]
    fn debug_shows_the_members_a_value_has() {
        struct Shown(Sample);
        impl fmt::Debug for Shown {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug(&self.0, f)
            }
        }
        let sample = Shown(Sample {
            name: "a\"b".into(),
            size: None,
            tags: Some(vec!["x".into(), "y".into()]),
        });
        assert_eq!(
            format!("{sample:?}"),
            r#"Sample {"name": "a\"b", "tags": ["x", "y"]}"#
        );
        assert_eq!(
            format!("{sample:#?}"),
            "Sample {\n    \"name\": \"a\\\"b\",\n    \"tags\": [\n        \"x\",\n        \"y\",\n    ],\n}"
        );
    }

    #[test]
    fn encodes_present_members_in_order() {
        let sample = Sample {
            name: "a".into(),
            size: None,
            tags: Some(vec!["x".into()]),
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"name":"a","tags":["x"]}"#
        );
        assert_eq!(
            serde_json::to_value(Sample::placeholder()).unwrap(),
            serde_json::json!({ "name": "" })
        );
    }
}
