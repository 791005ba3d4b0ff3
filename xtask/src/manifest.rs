//! What the last successful codegen run read and wrote, so a run with nothing to do
//! finishes without parsing or writing anything: the generator's build identity (a hash
//! of the running xtask binary, which holds the generator and its templates), one hash
//! over every input (page names and bytes, overrides, options), and a hash of every output
//! file. A run may skip its work only when all three match what is there now; any
//! difference (a page edited, a generated file edited or deleted or added, another
//! generator) means the full run, which restores the exact output. Contents are hashed,
//! never mtimes: a fresh clone's mtimes say nothing.
//!
//! The manifest lives outside the output (beside a standalone crate, in `target/` for the
//! repository), so the generated tree is exactly what the generator writes.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::files::{Tree, list_files, write_atomic};

/// The record of one successful run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`generator_identity`] of the binary that wrote the output.
    pub generator: String,
    /// [`Inputs::finish`] over everything the output was made from.
    pub inputs: String,
    /// Output file (relative to the run's root, `/`-separated) → SHA-256 of its bytes.
    pub outputs: BTreeMap<String, String>,
    /// What the run reported, to report again when it is skipped.
    pub endpoints: usize,
    pub warnings: usize,
    pub left_out: Vec<String>,
}

/// SHA-256 of the running executable: the generator's code, templates and dependencies
/// as built. Another build is another generator, even when only its timestamps differ.
pub fn generator_identity() -> io::Result<String> {
    let exe = std::env::current_exe()?;
    Ok(hex(&Sha256::digest(std::fs::read(exe)?)))
}

/// One hash over a sequence of named inputs; each part's length goes in first, so no two
/// sequences hash the same bytes.
#[derive(Default)]
pub struct Inputs(Sha256);

impl Inputs {
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        for part in [name.as_bytes(), bytes] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// The hash of each file of `tree`, keyed `<prefix><path>`.
pub fn output_hashes(prefix: &str, tree: &Tree) -> BTreeMap<String, String> {
    tree.par_iter()
        .map(|(rel, contents)| {
            let hash = hex(&Sha256::digest(contents.as_bytes()));
            (format!("{prefix}{rel}"), hash)
        })
        .collect()
}

impl Manifest {
    /// The manifest at `path`; `None` when there is none or it cannot be read (then the
    /// run is a full one).
    pub fn load(path: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, path: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        write_atomic(path, &text)
    }

    /// Whether this manifest says the run can be skipped: the same generator and inputs,
    /// and each `(prefix, dir)` holding exactly the recorded files, byte for byte.
    pub fn still_holds(&self, generator: &str, inputs: &str, dirs: &[(&str, &Path)]) -> bool {
        if self.generator != generator || self.inputs != inputs {
            return false;
        }
        let mut on_disk: Vec<(String, PathBuf)> = Vec::new();
        for (prefix, dir) in dirs {
            let Ok(files) = list_files(dir) else {
                return false;
            };
            on_disk.extend(files.into_iter().map(|rel| {
                let path = dir.join(&rel);
                (format!("{prefix}{rel}"), path)
            }));
        }
        on_disk.len() == self.outputs.len()
            && on_disk.par_iter().all(|(key, path)| {
                self.outputs.get(key).is_some_and(|recorded| {
                    std::fs::read(path).is_ok_and(|bytes| hex(&Sha256::digest(bytes)) == *recorded)
                })
            })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::tests::tree;

    fn manifest(outputs: BTreeMap<String, String>) -> Manifest {
        Manifest {
            generator: "g".into(),
            inputs: "i".into(),
            outputs,
            endpoints: 1,
            warnings: 0,
            left_out: Vec::new(),
        }
    }

    #[test]
    fn a_manifest_holds_only_for_the_same_generator_inputs_and_files() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("out");
        let files = tree(&[("a.rs", "one"), ("sub/b.rs", "two")]);
        crate::files::replace_dir(&out, &files).unwrap();
        let m = manifest(output_hashes("", &files));
        let dirs: &[(&str, &Path)] = &[("", &out)];
        assert!(m.still_holds("g", "i", dirs));
        assert!(!m.still_holds("other generator", "i", dirs));
        assert!(!m.still_holds("g", "other inputs", dirs));

        std::fs::write(out.join("sub/b.rs"), "edited").unwrap();
        assert!(!m.still_holds("g", "i", dirs));
        std::fs::write(out.join("sub/b.rs"), "two").unwrap();
        assert!(m.still_holds("g", "i", dirs));

        std::fs::write(out.join("extra.rs"), "").unwrap();
        assert!(!m.still_holds("g", "i", dirs));
        std::fs::remove_file(out.join("extra.rs")).unwrap();
        std::fs::remove_file(out.join("a.rs")).unwrap();
        assert!(!m.still_holds("g", "i", dirs));
    }

    #[test]
    fn inputs_hash_names_and_bytes_apart() {
        let hash = |parts: &[(&str, &str)]| {
            let mut inputs = Inputs::default();
            for (name, bytes) in parts {
                inputs.add(name, bytes.as_bytes());
            }
            inputs.finish()
        };
        assert_eq!(hash(&[("a", "b")]), hash(&[("a", "b")]));
        assert_ne!(hash(&[("a", "b")]), hash(&[("ab", "")]));
        assert_ne!(hash(&[("a", "b")]), hash(&[("a", "c")]));
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("m.json");
        let m = manifest(output_hashes("generated/", &tree(&[("x", "y")])));
        m.save(&path).unwrap();
        assert_eq!(Manifest::load(&path), Some(m));
        std::fs::write(&path, "not json").unwrap();
        assert_eq!(Manifest::load(&path), None);
    }
}
