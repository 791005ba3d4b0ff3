use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An `int64` field. Feishu sends 64-bit integers as JSON strings (`"1711975665710"`) so
/// JavaScript clients keep every digit, and some services send numbers: both decode, and
/// encoding writes a string, as the docs show. A newtype (not `#[serde(with)]`) so it
/// composes in `Option`, `Vec` and maps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Int64(pub i64);

impl Int64 {
    pub fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for Int64 {
    fn from(value: i64) -> Self {
        Int64(value)
    }
}

impl From<Int64> for i64 {
    fn from(value: Int64) -> Self {
        value.0
    }
}

impl fmt::Display for Int64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Int64 {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Int64)
    }
}

impl Serialize for Int64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Int64Visitor)
    }
}

struct Int64Visitor;

impl Visitor<'_> for Int64Visitor {
    type Value = Int64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 64-bit integer, as a number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int64, E> {
        Ok(Int64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int64, E> {
        i64::try_from(v)
            .map(Int64)
            .map_err(|_| E::custom(format!("{v} does not fit in i64")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Int64, E> {
        v.parse()
            .map_err(|_| E::custom(format!("`{v}` is not a 64-bit integer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Row {
        id: Int64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Int64>,
        all: Vec<Int64>,
    }

    #[test]
    fn strings_and_numbers_decode_strings_encode() {
        let row: Row =
            serde_json::from_str(r#"{"id": "1711975665710", "at": 5, "all": ["1", 2]}"#).unwrap();
        assert_eq!(
            row,
            Row {
                id: Int64(1711975665710),
                at: Some(Int64(5)),
                all: vec![Int64(1), Int64(2)]
            }
        );
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            r#"{"id":"1711975665710","at":"5","all":["1","2"]}"#
        );
        let row: Row = serde_json::from_str(r#"{"id": 1, "at": null, "all": []}"#).unwrap();
        assert_eq!(row.at, None);
        let err = serde_json::from_str::<Row>(r#"{"id": "x1", "all": []}"#).unwrap_err();
        assert!(
            err.to_string().contains("`x1` is not a 64-bit integer"),
            "{err}"
        );
    }
}
