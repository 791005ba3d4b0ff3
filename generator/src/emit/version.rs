//! The generated crate's version: the generator's own version with a hash of the IR as a
//! pre-release part, `0.1.0-ir-3f2a9c1d7e4b`.
//!
//! The hash makes two regenerations of the same specs one version and two different IRs
//! two versions. It is a pre-release part, not build metadata (`+…`): cargo and crates.io
//! ignore build metadata, so `0.1.0+a` and `0.1.0+b` would be one version that cannot be
//! published twice. A hash has no order, and cargo only picks a pre-release for a
//! requirement that names it, so users pin the exact version (`= "0.1.0-ir-3f2a9c1d7e4b"`).
//! `ir-` keeps the part alphanumeric: a hash of digits alone with a leading zero would not
//! be valid semver.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::spec::{Spec, yaml};

use super::EmitError;

/// The runtime release the generated code calls; `runtime/Cargo.toml` has the same version
/// (a test holds them together).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// Hex digits of the IR hash kept in the version: 48 bits, so two IRs of one generator
/// version share a version only by a one in 10^14 chance.
const HASH_DIGITS: usize = 12;

/// The generator's version, which leads the generated crate's.
pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `<generator version>-ir-<hash>` for the IR whose [`ir_hash`] is given.
pub fn crate_version(ir_hash: &str) -> String {
    let short = ir_hash.get(..HASH_DIGITS).unwrap_or(ir_hash);
    format!("{GENERATOR_VERSION}-ir-{short}")
}

/// SHA-256 (hex) over each spec's IR file path and YAML text, sorted by path: exactly what
/// `specs/ir/` holds for them, whatever order the specs come in.
pub fn ir_hash(specs: &[Spec]) -> Result<String, EmitError> {
    let mut files = specs
        .par_iter()
        .map(|spec| {
            let text = yaml::to_string(spec)
                .map_err(|err| EmitError::new(&spec.source, format!("IR as YAML: {err}")))?;
            Ok((spec.ir_path(), text))
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    files.sort();
    let mut hasher = Sha256::new();
    for (path, text) in &files {
        // Lengths first, so no two lists of files hash the same bytes.
        for part in [path, text] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Outcome, parse_page};

    fn seed() -> Spec {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/pages/aily/v1/aily_session/update.md"
        );
        let text = std::fs::read_to_string(path).unwrap();
        match parse_page("specs/pages/aily/v1/aily_session/update.md", &text) {
            Outcome::Endpoint(spec) => *spec,
            other => panic!("the seed page is an endpoint: {other:?}"),
        }
    }

    fn version_of(specs: &[Spec]) -> String {
        crate_version(&ir_hash(specs).unwrap())
    }

    #[test]
    fn same_specs_give_the_same_version_in_any_order() {
        let seed = seed();
        let mut other = seed.clone();
        other.id = "aily.v1.aily_session.update_copy".to_string();
        let version = version_of(&[seed.clone(), other.clone()]);
        assert_eq!(version_of(&[other, seed.clone()]), version);
        let (numbers, hash) = version.split_once("-ir-").unwrap();
        assert_eq!(numbers, GENERATOR_VERSION);
        assert_eq!(hash.len(), HASH_DIGITS);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(version_of(&[seed]), version);
    }

    #[test]
    fn any_change_to_the_ir_changes_the_version() {
        let seed = seed();
        let mut retitled = seed.clone();
        retitled.title.push('!');
        assert_ne!(version_of(&[retitled]), version_of(&[seed]));
    }

    #[test]
    fn the_version_is_the_generators_and_twelve_hash_digits() {
        assert_eq!(
            crate_version("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            format!("{GENERATOR_VERSION}-ir-e3b0c44298fc")
        );
    }

    #[test]
    fn the_hash_is_sha256_of_length_prefixed_path_and_yaml() {
        let seed = seed();
        let (path, text) = (seed.ir_path(), yaml::to_string(&seed).unwrap());
        let mut bytes = Vec::new();
        for part in [&path, &text] {
            bytes.extend((part.len() as u64).to_le_bytes());
            bytes.extend(part.as_bytes());
        }
        let expected: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(ir_hash(&[seed]).unwrap(), expected);
        // No specs: SHA-256 of no bytes.
        assert_eq!(
            ir_hash(&[]).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn runtime_version_is_the_runtime_crates() {
        let manifest = include_str!("../../../runtime/Cargo.toml");
        let line = format!("\nversion = \"{RUNTIME_VERSION}\"\n");
        let package = manifest.split("\n[").next().unwrap_or_default();
        assert!(
            package.contains(&line),
            "runtime/Cargo.toml's [package] lacks `{}`",
            line.trim()
        );
    }
}
