//! Writing output so that a failed run never leaves half-written files: single files go
//! through a temp file and a rename, whole trees are built beside the target and swapped in.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Relative path (with `/`) → contents.
pub type Tree = BTreeMap<String, String>;

/// Write one file atomically: a temp file in the same directory, then a rename.
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, contents)?;
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

/// Every file under `dir`, relative, with `/` separators. A missing dir is empty.
pub fn read_tree(dir: &Path) -> io::Result<Tree> {
    let mut tree = Tree::new();
    if dir.exists() {
        read_into(dir, dir, &mut tree)?;
    }
    Ok(tree)
}

fn read_into(root: &Path, dir: &Path, tree: &mut Tree) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_into(root, &path, tree)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            // Unreadable (non-UTF-8) files count as different from anything we would write.
            let contents = fs::read_to_string(&path).unwrap_or_else(|_| String::from("\u{0}"));
            tree.insert(relative, contents);
        }
    }
    Ok(())
}

/// Every file under `dir`, relative, with `/` separators, contents unread. A missing dir is
/// empty.
pub fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    if dir.exists() {
        list_into(dir, dir, &mut files)?;
    }
    Ok(files)
}

fn list_into(root: &Path, dir: &Path, files: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_into(root, &path, files)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// How the tree on disk differs from the wanted one: `stale`, `missing` and `extra` lines.
pub fn differences(dir: &Path, wanted: &Tree) -> io::Result<Vec<String>> {
    let actual = read_tree(dir)?;
    let shown = |rel: &str| dir.join(rel).display().to_string();
    let mut out = Vec::new();
    for (rel, contents) in wanted {
        match actual.get(rel) {
            None => out.push(format!("missing: {}", shown(rel))),
            Some(current) if current != contents => out.push(format!("stale: {}", shown(rel))),
            Some(_) => {}
        }
    }
    for rel in actual.keys().filter(|rel| !wanted.contains_key(*rel)) {
        out.push(format!("extra: {}", shown(rel)));
    }
    Ok(out)
}

/// Replace the directory `dir` with exactly `tree`: written beside it, then swapped in by
/// renames. If anything fails, the old directory is left (or put back) as it was.
/// A file whose contents are unchanged is hard-linked from the old directory instead of
/// written: the old file is never modified, and a regeneration that changes a few files
/// creates (and later frees) a few inodes, not thousands.
pub fn replace_dir(dir: &Path, tree: &Tree) -> io::Result<()> {
    let staging = sibling(dir, "staging");
    let old = sibling(dir, "old");
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    // Directories first (each once), then the files, on one thread: writing is mostly the
    // file system allocating inodes, and two threads made it slower (BENCHMARKS.md).
    let parents: BTreeSet<&Path> = tree
        .keys()
        .filter_map(|rel| Path::new(rel).parent())
        .collect();
    let made = parents
        .iter()
        .try_for_each(|parent| fs::create_dir_all(staging.join(parent)));
    let written = made.and_then(|()| {
        tree.iter()
            .try_for_each(|(rel, contents)| stage_file(dir, &staging, rel, contents))
    });
    if let Err(err) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if dir.exists() {
        fs::rename(dir, &old)?;
    }
    if let Err(err) = fs::rename(&staging, dir) {
        if old.exists() {
            fs::rename(&old, dir)?;
        }
        return Err(err);
    }
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// One file of the tree into `staging`: hard-linked from `dir` when unchanged there,
/// else written.
fn stage_file(dir: &Path, staging: &Path, rel: &str, contents: &str) -> io::Result<()> {
    let path = staging.join(rel);
    let current = dir.join(rel);
    if unchanged(&current, contents) && fs::hard_link(&current, &path).is_ok() {
        return Ok(());
    }
    fs::write(path, contents)
}

/// Whether the regular file at `path` holds exactly `contents` (the size is read first).
fn unchanged(path: &Path, contents: &str) -> bool {
    let same_size = fs::symlink_metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.len() == contents.len() as u64);
    same_size && fs::read(path).is_ok_and(|current| current == contents.as_bytes())
}

/// `.<name>.<suffix>` beside `dir`: a path that belongs to `dir` but is outside it.
pub(crate) fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.with_file_name(format!(".{name}.{suffix}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tree from `(path, contents)` pairs (other modules' tests use it too).
    pub(crate) fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(rel, contents)| (rel.to_string(), contents.to_string()))
            .collect()
    }

    #[test]
    fn replace_dir_writes_exactly_the_tree() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("out");
        replace_dir(&dir, &tree(&[("a.rs", "one"), ("sub/b.rs", "two")])).unwrap();
        replace_dir(&dir, &tree(&[("a.rs", "one"), ("sub/c.rs", "three")])).unwrap();
        assert_eq!(
            read_tree(&dir).unwrap(),
            tree(&[("a.rs", "one"), ("sub/c.rs", "three")])
        );
        let leftovers: Vec<_> = fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_old_files_are_never_modified() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("out");
        replace_dir(&dir, &tree(&[("same.rs", "kept"), ("changed.rs", "old")])).unwrap();
        let inode = |rel: &str| fs::metadata(dir.join(rel)).unwrap().ino();
        let (same, changed) = (inode("same.rs"), inode("changed.rs"));
        // Someone else's link to the old file: it must still say "old" afterwards.
        let elsewhere = temp.path().join("elsewhere.rs");
        fs::hard_link(dir.join("changed.rs"), &elsewhere).unwrap();

        replace_dir(&dir, &tree(&[("same.rs", "kept"), ("changed.rs", "new")])).unwrap();
        assert_eq!(inode("same.rs"), same);
        assert_ne!(inode("changed.rs"), changed);
        assert_eq!(fs::read_to_string(dir.join("changed.rs")).unwrap(), "new");
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "old");
    }
}
