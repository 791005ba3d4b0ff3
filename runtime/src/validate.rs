//! Checks for the rules a page documents (`数据校验规则`), called by generated code before a
//! request is sent. Each takes the field's wire name so the error says which field broke.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

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

/// Numeric range, bounds included.
pub fn range(
    field: &str,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(), ValidationError> {
    if let Some(min) = min.filter(|&min| value < min) {
        return fail(field, format!("{value} is below the minimum {min}"));
    }
    if let Some(max) = max.filter(|&max| value > max) {
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
    fn ranges_items_patterns() {
        assert!(range("n", 0.0, Some(1.0), None).is_err());
        assert!(items("l", 101, None, Some(100)).is_err());
        assert!(pattern("id", "session_abc", "session_[0-9a-z]{1,24}").is_ok());
        assert!(pattern("id", "x", "session_[0-9a-z]{1,24}").is_err());
    }
}
