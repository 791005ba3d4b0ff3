//! Checks for the rules a page documents (`数据校验规则`), called by generated code before a
//! request is sent. Each takes the field's wire name so the error says which field broke;
//! the struct, array and request that hold it add the rest of the path
//! ([`ValidationError::within`], [`each`]), so the error names `body.items[2].name`. A value
//! checked by itself (an array's item) has the empty name.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex_lite::Regex;

use crate::ValidationError;

fn fail(field: &str, message: String) -> Result<(), ValidationError> {
    Err(ValidationError {
        field: field.to_string(),
        message,
    })
}

/// String length in characters (not bytes), as Feishu counts it.
pub fn length(
    field: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ValidationError> {
    let n = value.chars().count() as u64;
    if let Some(min) = min.filter(|&min| n < min) {
        return fail(field, format!("{n} characters, at least {min} allowed"));
    }
    if let Some(max) = max.filter(|&max| n > max) {
        return fail(field, format!("{n} characters, at most {max} allowed"));
    }
    Ok(())
}

/// Range of an integer, bounds included, compared as integers (an `f64` cannot tell
/// 2^53 + 1 from 2^53).
pub fn int_range(
    field: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ValidationError> {
    bounded(field, value, min, max)
}

/// Range of a floating-point number, bounds included.
pub fn range(
    field: &str,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(), ValidationError> {
    bounded(field, value, min, max)
}

fn bounded<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), ValidationError> {
    if let Some(min) = min.filter(|min| value < *min) {
        return fail(field, format!("{value} is below the minimum {min}"));
    }
    if let Some(max) = max.filter(|max| value > *max) {
        return fail(field, format!("{value} is above the maximum {max}"));
    }
    Ok(())
}

/// Number of array items.
pub fn items(
    field: &str,
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ValidationError> {
    let n = count as u64;
    if let Some(min) = min.filter(|&min| n < min) {
        return fail(field, format!("{n} items, at least {min} allowed"));
    }
    if let Some(max) = max.filter(|&max| n > max) {
        return fail(field, format!("{n} items, at most {max} allowed"));
    }
    Ok(())
}

/// Runs `check` on each item of an array, naming a failure by the item's index: the
/// item's own error `name` (or ``) becomes `[2].name` (or `[2]`).
pub fn each<'a, T>(
    items: &'a [T],
    mut check: impl FnMut(&'a T) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (index, item) in items.iter().enumerate() {
        check(item).map_err(|error| error.at_index(index))?;
    }
    Ok(())
}

/// The value must match the documented regular expression. Patterns are compiled once.
pub fn pattern(field: &str, value: &str, pattern: &'static str) -> Result<(), ValidationError> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // A pattern Rust's regex cannot read (look-around, say) is not held against the caller.
    let Some(regex) = cache
        .entry(pattern)
        .or_insert_with(|| Regex::new(&format!("^(?:{pattern})$")).ok())
    else {
        return Ok(());
    };
    if regex.is_match(value) {
        Ok(())
    } else {
        fail(field, format!("`{value}` does not match `{pattern}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters() {
        assert!(length("m", &"会".repeat(255), Some(0), Some(255)).is_ok());
        let err = length("m", &"a".repeat(256), Some(0), Some(255)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `m`: 256 characters, at most 255 allowed"
        );
    }

    #[test]
    fn integers_compare_as_integers() {
        // 2^53 + 1 and 2^53 are the same f64: only an integer comparison sees the excess.
        let max = 1_i64 << 53;
        assert!(int_range("n", max, None, Some(max)).is_ok());
        let err = int_range("n", max + 1, None, Some(max)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `n`: 9007199254740993 is above the maximum 9007199254740992"
        );
        let err = int_range("n", -1, Some(0), None).unwrap_err();
        assert_eq!(err.to_string(), "invalid `n`: -1 is below the minimum 0");
    }

    #[test]
    fn paths_name_members_and_items() {
        let names = ["ok", "also ok", "much too long"];
        let err = each(&names, |name| length("", name, None, Some(8)))
            .map_err(|e| e.within("tags"))
            .unwrap_err();
        assert_eq!(err.field, "tags[2]");

        // An item that is a struct: its member's name follows the index.
        let rows = [vec![1], vec![1, 2, 3]];
        let err = each(&rows, |row| {
            items("cells", row.len(), None, Some(2))?;
            each(row, |cell| int_range("", *cell, Some(0), None))
        })
        .map_err(|e| e.within("items").within("body"))
        .unwrap_err();
        assert_eq!(err.field, "body.items[1].cells");
        assert_eq!(
            err.to_string(),
            "invalid `body.items[1].cells`: 3 items, at most 2 allowed"
        );

        // Arrays of arrays: `[i][j]`.
        let grid = [vec![0], vec![0, -5]];
        let err = each(&grid, |row| {
            each(row, |cell| int_range("", *cell, Some(0), None))
        })
        .map_err(|e| e.within("grid"))
        .unwrap_err();
        assert_eq!(err.field, "grid[1][1]");
        assert_eq!(
            err.to_string(),
            "invalid `grid[1][1]`: -5 is below the minimum 0"
        );
    }

    #[test]
    fn ranges_items_patterns() {
        assert!(range("n", 0.0, Some(1.0), None).is_err());
        assert!(range("n", 0.5, Some(0.25), Some(0.75)).is_ok());
        assert!(items("l", 101, None, Some(100)).is_err());
        assert!(pattern("id", "session_abc", "session_[0-9a-z]{1,24}").is_ok());
        assert!(pattern("id", "x", "session_[0-9a-z]{1,24}").is_err());
    }
}
