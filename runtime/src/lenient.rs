//! Deserializers that accept what Feishu sometimes sends instead of what its pages say: a
//! number as a string (`"42"`), or an empty string for "no value". Generated response
//! types read every number member with the `read_*` functions, so such a reply still
//! decodes; the `option_*` ones do the same for `#[serde(deserialize_with)]` in types
//! written by hand.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// An optional `i64` from a number, a string holding one, `""` or `null`.
pub fn option_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_any(NumberVisitor::<i64>::default())
}

/// An optional `f64` from a number, a string holding one, `""` or `null`.
pub fn option_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer.deserialize_any(NumberVisitor::<f64>::default())
}

/// An `i64` from a number or a string holding one: an enum's value in a reply.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    option_i64(deserializer)?.ok_or_else(|| {
        serde::de::Error::invalid_value(Unexpected::Other("null or \"\""), &"an integer")
    })
}

/// An optional integer enum (anything `From<i64>`) from a number, a string holding one,
/// `""` or `null`.
pub fn option_enum<'de, D: Deserializer<'de>, T: From<i64>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(option_i64(deserializer)?.map(T::from))
}

/// Reads the next map value into `slot` as [`option_i64`] does: a reply's integer member
/// in a generated [`Object`] impl.
///
/// [`Object`]: crate::object::Object
pub fn read_i64<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<i64>,
) -> Result<(), A::Error> {
    *slot = next_number(map)?;
    Ok(())
}

/// Reads the next map value into `slot` as [`option_f64`] does.
pub fn read_f64<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<f64>,
) -> Result<(), A::Error> {
    *slot = next_number(map)?;
    Ok(())
}

/// Reads the next map value into `slot` as [`option_enum`] does.
pub fn read_enum<'de, A: MapAccess<'de>, T: From<i64>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = next_number::<A, i64>(map)?.map(T::from);
    Ok(())
}

fn next_number<'de, A: MapAccess<'de>, T: Number>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(NumberSeed::<T>(PhantomData))
}

struct NumberSeed<T>(PhantomData<T>);

impl<'de, T: Number> DeserializeSeed<'de> for NumberSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(NumberVisitor::<T>(PhantomData))
    }
}

#[derive(Default)]
struct NumberVisitor<T>(PhantomData<T>);

/// What the visitor needs of `i64` and `f64`.
trait Number: Sized + std::str::FromStr {
    const NAME: &'static str;
    fn from_i64(v: i64) -> Option<Self>;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
}

impl Number for i64 {
    const NAME: &'static str = "an integer, or a string holding one";
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn from_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }
    fn from_f64(v: f64) -> Option<Self> {
        // 3.0 is an integer; 3.5 is not.
        (v.fract() == 0.0 && v.abs() < 9.2e18).then_some(v as i64)
    }
}

impl Number for f64 {
    const NAME: &'static str = "a number, or a string holding one";
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl<'de, T: Number> Visitor<'de> for NumberVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::NAME)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Reply {
        #[serde(default, deserialize_with = "super::option_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "super::option_f64")]
        x: Option<f64>,
    }

    fn decode(json: &str) -> Result<Reply, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_strings_and_gaps() {
        let both = |n, x| Ok(Reply { n, x });
        assert_eq!(decode(r#"{"n": 42, "x": 1.5}"#), both(Some(42), Some(1.5)));
        assert_eq!(
            decode(r#"{"n": "42", "x": "1.5"}"#),
            both(Some(42), Some(1.5))
        );
        assert_eq!(decode(r#"{"n": 3.0, "x": 7}"#), both(Some(3), Some(7.0)));
        assert_eq!(decode(r#"{"n": "", "x": null}"#), both(None, None));
        assert_eq!(decode(r#"{}"#), both(None, None));
        assert_eq!(
            decode(r#"{"n": "many"}"#).unwrap_err(),
            "invalid value: string \"many\", expected an integer, or a string holding one at line 1 column 12"
        );
        assert_eq!(
            decode(r#"{"n": 3.5}"#).unwrap_err(),
            "invalid value: floating point `3.5`, expected an integer, or a string holding one at line 1 column 9"
        );
        assert!(decode(r#"{"n": [1]}"#).is_err());
        assert!(decode(r#"{"n": 18446744073709551615}"#).is_err());
    }

    /// An integer enum as the generator writes one.
    #[derive(Debug, PartialEq)]
    enum Level {
        Male,
        Unknown(i64),
    }

    impl From<i64> for Level {
        fn from(value: i64) -> Self {
            match value {
                1 => Self::Male,
                _ => Self::Unknown(value),
            }
        }
    }

    impl<'de> Deserialize<'de> for Level {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::i64(deserializer).map(Self::from)
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Levels {
        #[serde(default, deserialize_with = "super::option_enum")]
        level: Option<Level>,
        #[serde(default)]
        levels: Vec<Level>,
    }

    #[test]
    fn integer_enums_take_numbers_strings_and_unknown_values() {
        let decode = |json: &str| serde_json::from_str::<Levels>(json).map_err(|e| e.to_string());
        assert_eq!(
            decode(r#"{"level": "1", "levels": [1, "7", -2]}"#),
            Ok(Levels {
                level: Some(Level::Male),
                levels: vec![Level::Male, Level::Unknown(7), Level::Unknown(-2)]
            })
        );
        assert_eq!(
            decode(r#"{"level": ""}"#),
            Ok(Levels {
                level: None,
                levels: vec![]
            })
        );
        assert_eq!(
            decode(r#"{"levels": [null]}"#).unwrap_err(),
            "invalid value: null or \"\", expected an integer at line 1 column 17"
        );
        assert!(decode(r#"{"level": "male"}"#).is_err());
    }
}
