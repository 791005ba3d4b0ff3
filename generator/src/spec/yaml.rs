//! The one place that reads and writes YAML. serde_yaml is deprecated upstream; swapping it
//! for a maintained fork means changing only this file.

use super::Spec;
use super::overrides::Override;

/// A YAML document that could not be read back as a [`Spec`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(#[from] serde_yaml::Error);

/// Serialise a spec. Deterministic: key order follows the IR types, lists keep page order.
pub fn to_string(spec: &Spec) -> Result<String, YamlError> {
    Ok(serde_yaml::to_string(spec)?)
}

pub fn from_str(text: &str) -> Result<Spec, YamlError> {
    Ok(serde_yaml::from_str(text)?)
}

/// Read `specs/overrides.yaml`: a list of [`Override`]s (an empty file is an empty list).
pub fn overrides_from_str(text: &str) -> Result<Vec<Override>, YamlError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(serde_yaml::from_str::<Option<Vec<Override>>>(text)?.unwrap_or_default())
}

/// Serialise any JSON value (the OpenAPI document) as YAML, keeping its key order.
pub fn value_to_string(value: &serde_json::Value) -> Result<String, YamlError> {
    Ok(serde_yaml::to_string(value)?)
}
