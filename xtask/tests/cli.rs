//! The xtask commands as a user runs them: exit codes, files written, files left alone.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn seed_page() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/pages/aily/v1/aily_session/update.md")
}

/// A small endpoint page of our own, with no SDK sample (so its id comes from the path).
const PERIODS_PAGE: &str = "## 获取周期\n\n获取周期列表。\n\n## 请求\n\n| 基本 | |\n| --- | --- |\n| HTTP URL | `https://open.feishu.cn/open-apis/okr/v1/periods` |\n| HTTP Method | GET |\n| 支持的访问令牌 | tenant_access_token |\n\n### 查询参数\n\n| 参数名 | 类型 | 必填 | 描述 |\n| ------ | ---- | ---- | ---- |\n| page_size | int | 否 |\n";

const GUIDE_PAGE: &str = "# 接入指南\n\n这是一篇指南，不是接口页面。\n";

/// An endpoint page whose request table is gone.
const BROKEN_PAGE: &str = "# 删除周期\n\nHTTP URL 见下文：`/open-apis/okr/v1/periods/:id`\n";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn parse_writes_good_pages_and_fails_on_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    fs::copy(seed_page(), pages.join("seed.md")).unwrap();
    write(&pages.join("okr/periods.md"), PERIODS_PAGE);
    write(&pages.join("guide.md"), GUIDE_PAGE);
    write(&pages.join("broken.md"), BROKEN_PAGE);
    fs::write(pages.join("binary.md"), b"## \xff\xfe\n").unwrap();
    let out = dir.path().join("out");

    let output = xtask(&[
        "parse",
        pages.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    let pages_shown = pages.display().to_string();
    // file:line:column, the line itself, and the spot underlined.
    assert!(
        err.contains(&format!(
            "{pages_shown}/okr/periods.md:17:3: error[missing-cell]: row `page_size` has 3 of the table's 4 cells; row skipped\n   |\n17 | | page_size | int | 否 |\n   |   ^^^^^^^^^\n"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{pages_shown}/broken.md:1:1: error[missing-basics]"
        )),
        "{err}"
    );
    assert!(!err.contains("guide.md"), "{err}");
    assert!(
        err.contains(&format!(
            "{pages_shown}/binary.md:1: error[unreadable]: not UTF-8 text (byte 3)"
        )),
        "{err}"
    );

    // Good pages are written even though others failed; the page with a bad row too.
    let seed_yaml = fs::read_to_string(out.join("aily/v1/aily_session/update.yaml")).unwrap();
    assert!(
        seed_yaml.starts_with("id: aily.v1.aily_session.update\n"),
        "{seed_yaml}"
    );
    assert!(out.join("okr/v1/periods/list.yaml").exists());

    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["pages"], 5);
    assert_eq!(report["endpoints"], 2);
    assert_eq!(report["failed"], 3);
    assert_eq!(
        report["skipped"][0]["reason"],
        "not an endpoint page: no HTTP URL and no /open-apis/ path"
    );
    assert_eq!(report["panics"], 0);
    assert_eq!(report["diagnostics_by_kind"]["missing-cell"], 1);
    assert_eq!(report["diagnostics_by_kind"]["id-from-path"], 1);
    let missing_cell = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "missing-cell")
        .unwrap();
    assert_eq!(
        (&missing_cell["line"], &missing_cell["column"]),
        (&17.into(), &3.into())
    );
}

#[test]
fn deny_warnings_turns_warnings_into_a_failing_exit() {
    // The periods page with its row fixed has one warning (its id comes from the path).
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("pages/okr/periods.md");
    write(
        &page,
        &PERIODS_PAGE.replace(
            "| page_size | int | 否 |",
            "| page_size | int | 否 | 分页大小 |",
        ),
    );
    let out = dir.path().join("out");
    let args = [
        "parse",
        page.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    assert_eq!(xtask(&args).status.code(), Some(0));
    let output = xtask(&[&args[..], &["--deny-warnings"]].concat());
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("warning[id-from-path]"), "{err}");
    assert!(
        err.contains("1 warning(s), and --deny-warnings makes them fatal"),
        "{err}"
    );
    assert!(
        out.join("okr/v1/periods/list.yaml").exists(),
        "still written"
    );

    // In the repository, codegen writes nothing when warnings are denied.
    let root = dir.path().join("repo");
    write(
        &root.join("specs/pages/okr/periods.md"),
        &fs::read_to_string(&page).unwrap(),
    );
    let root_arg = root.to_str().unwrap();
    let output = xtask(&["codegen", "--root", root_arg, "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("specs/pages/okr/periods.md: 1 warning(s), denied by --deny-warnings"),
        "{err}"
    );
    assert!(!root.join("generated").exists());
    assert!(!root.join("specs/ir").exists());
    assert_eq!(
        xtask(&["codegen", "--root", root_arg]).status.code(),
        Some(0)
    );
    assert!(root.join("specs/ir/okr/v1/periods/list.yaml").exists());
}

#[test]
fn parse_of_good_pages_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = xtask(&[
        "parse",
        seed_page().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["aily", "report.json"]);
}

#[test]
fn parse_of_a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = xtask(&[
        "parse",
        "/no/such/page.md",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/no/such/page.md"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn codegen_writes_checks_and_keeps_old_output_on_failure() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let page = root.join("specs/pages/aily/v1/aily_session/update.md");
    write(&page, &fs::read_to_string(seed_page()).unwrap());
    let root_arg = root.to_str().unwrap();

    let output = xtask(&["codegen", "--root", root_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lib = root.join("generated/src/lib.rs");
    let yaml = root.join("specs/ir/aily/v1/aily_session/update.yaml");
    assert!(lib.exists() && yaml.exists());
    assert!(
        root.join("generated/src/aily/v1/aily_session/update.rs")
            .exists()
    );
    assert!(root.join("generated/tests/endpoints/cases.rs").exists());

    // Up to date: --check passes, and codegen again changes nothing.
    assert_eq!(
        xtask(&["codegen", "--check", "--root", root_arg])
            .status
            .code(),
        Some(0)
    );
    let before = fs::metadata(&lib).unwrap().modified().unwrap();
    let again = xtask(&["codegen", "--root", root_arg]);
    assert!(stderr(&again).contains("up to date"), "{}", stderr(&again));
    assert_eq!(fs::metadata(&lib).unwrap().modified().unwrap(), before);

    // Stale, extra and missing files are each named.
    fs::write(&lib, "// edited by hand\n").unwrap();
    write(&root.join("generated/src/extra.rs"), "\n");
    fs::remove_file(&yaml).unwrap();
    let output = xtask(&["codegen", "--check", "--root", root_arg]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains(&format!("stale: {}", lib.display())), "{err}");
    assert!(
        err.contains(&format!(
            "extra: {}",
            root.join("generated/src/extra.rs").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("missing: {}", yaml.display())),
        "{err}"
    );
    assert!(err.contains("3 file(s) differ"), "{err}");

    // A failing page: nothing is written, the hand edit survives.
    write(&root.join("specs/pages/broken.md"), BROKEN_PAGE);
    let output = xtask(&["codegen", "--root", root_arg]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("specs/pages/broken.md:1:1: error[missing-basics]"),
        "{err}"
    );
    assert!(err.contains("codegen failed; nothing was written"), "{err}");
    assert_eq!(fs::read_to_string(&lib).unwrap(), "// edited by hand\n");
    assert!(!yaml.exists());

    // Fixed again: codegen restores exactly what --check expects, and removes the extra file.
    fs::remove_file(root.join("specs/pages/broken.md")).unwrap();
    assert_eq!(
        xtask(&["codegen", "--root", root_arg]).status.code(),
        Some(0)
    );
    assert!(!root.join("generated/src/extra.rs").exists());
    assert_eq!(
        xtask(&["codegen", "--check", "--root", root_arg])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn overrides_change_the_ir_and_stale_ones_are_warned_about() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    write(
        &root.join("specs/pages/aily/v1/aily_session/update.md"),
        &fs::read_to_string(seed_page()).unwrap(),
    );
    write(
        &root.join("specs/overrides.yaml"),
        "- endpoint: aily.v1.aily_session.update\n  field: response.session.created_at\n  set: {type: int64}\n\
         - endpoint: aily.v1.aily_session.update\n  field: body.metadata\n  set: {required: true}\n\
         - endpoint: aily.v1.aily_session.update\n  field: response.session.owner\n  add: {type: string, description: 所有者}\n\
         - endpoint: aily.v1.aily_session.update\n  field: body.gone\n  remove: true\n",
    );
    let output = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "specs/overrides.yaml: warning: override #4 (aily.v1.aily_session.update body.gone): no such field"
        ),
        "{}",
        stderr(&output)
    );
    let yaml = fs::read_to_string(root.join("specs/ir/aily/v1/aily_session/update.yaml")).unwrap();
    assert!(
        yaml.contains("    - name: created_at\n      type: int64\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  - name: metadata\n    type: string\n    required: true\n"),
        "{yaml}"
    );
    assert!(yaml.contains("    - name: owner\n      type: string\n      required: false\n      description: 所有者\n"), "{yaml}");
    assert!(
        yaml.contains(
            "overrides:\n- 'response.session.created_at: set type=\"int64\"'\n- 'body.metadata: set required=true'\n- 'response.session.owner: added'\n"
        ),
        "{yaml}"
    );
    // The generated code follows the IR: metadata is now required, so the builder takes it.
    let code =
        fs::read_to_string(root.join("generated/src/aily/v1/aily_session/update.rs")).unwrap();
    assert!(code.contains("metadata: impl Into<String>"), "{code}");
    assert!(
        code.contains("pub created_at: Option<feishu_runtime::Int64>"),
        "{code}"
    );

    // A broken overrides file stops codegen with its line.
    write(
        &root.join("specs/overrides.yaml"),
        "- endpoint: x\n  fieldd: y\n",
    );
    let output = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("specs/overrides.yaml: "),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("line 2"), "{}", stderr(&output));
}

#[test]
fn standalone_crate_from_any_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    fs::copy(seed_page(), pages.join("seed.md")).unwrap();
    write(&pages.join("broken.md"), BROKEN_PAGE);
    let out = dir.path().join("crate");

    let output = xtask(&[
        "codegen",
        "--pages",
        pages.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("left out: ") && err.contains("broken.md: the page has errors"),
        "{err}"
    );
    assert!(err.contains("codegen: 1 endpoint(s) in"), "{err}");

    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\ndefault = []\nfull = [\"aily\"]\naily = []\n"),
        "{manifest}"
    );
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    // Publishable, with what crates.io and docs.rs read.
    assert!(!manifest.contains("\npublish"), "{manifest}");
    for line in [
        "rust-version = \"1.88\"",
        "license = \"MIT OR Apache-2.0\"",
        "repository = \"https://github.com/feishu-codegen/feishu-codegen\"",
        "readme = \"README.md\"",
        "keywords = [\"feishu\", \"lark\", \"api\", \"client\", \"sdk\"]",
        "categories = [\"api-bindings\", \"web-programming::http-client\"]",
        "[package.metadata.docs.rs]\n# Every service, the long connection and the Redis store.\nall-features = true",
    ] {
        assert!(
            manifest.contains(&format!("\n{line}\n")),
            "{line}\n{manifest}"
        );
    }
    assert!(out.join("README.md").exists());
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("runtime");
    assert!(
        manifest.contains(&format!(
            "feishu-runtime = {{ version = \"0.1.0\", path = \"{}\" }}",
            runtime.display()
        )),
        "{manifest}"
    );
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("#[cfg(feature = \"aily\")]\n#[rustfmt::skip]\npub mod aily;"),
        "{lib}"
    );
    assert!(out.join("src/aily/v1/aily_session/update.rs").exists());
}

/// The `version = "…"` line of a generated crate's manifest.
fn crate_version(dir: &Path) -> String {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap();
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_string()
}

#[test]
fn generated_version_follows_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    fs::copy(seed_page(), pages.join("seed.md")).unwrap();
    let generate = |out: &str| {
        let out = dir.path().join(out);
        let args = [
            "codegen",
            "--pages",
            pages.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        let output = xtask(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        out
    };
    let (first, second) = (generate("first"), generate("second"));
    let version = crate_version(&first);
    let (numbers, hash) = version.split_once("-ir-").unwrap();
    assert_eq!(numbers, env!("CARGO_PKG_VERSION"));
    assert_eq!(hash.len(), 12, "{version}");
    assert_eq!(crate_version(&second), version);
    let readme = fs::read_to_string(first.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!(
            "feishu-api = {{ version = \"={version}\", features = [\"aily\"] }}"
        )),
        "{readme}"
    );

    // One word of one page changes the IR, so the version.
    let page = fs::read_to_string(pages.join("seed.md")).unwrap();
    let edited = page.replacen("更新会话", "更新会话（改）", 1);
    assert_ne!(edited, page);
    fs::write(pages.join("seed.md"), edited).unwrap();
    let changed = crate_version(&generate("changed"));
    assert!(changed.starts_with(&format!("{numbers}-ir-")), "{changed}");
    assert_ne!(changed, version);
}

#[test]
fn two_endpoints_claiming_one_id_fail_the_second_with_duplicate_id() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = PERIODS_PAGE.replace(
        "| page_size | int | 否 |",
        "| page_size | int | 否 | 分页大小 |",
    );
    write(&dir.path().join("pages/a/periods.md"), &fixed);
    // Another path, whose SDK sample names the same id the first page derives from its path.
    let other = format!(
        "{}\n### 调用示例\n\n#### Python SDK\n\n```python\nresponse: ListPeriodResponse = client.okr.v1.periods.list(request)\n```\n",
        fixed.replace(
            "/open-apis/okr/v1/periods`",
            "/open-apis/okr/v1/periods_all`"
        )
    );
    write(&dir.path().join("pages/b/periods_all.md"), &other);
    let out = dir.path().join("out");
    let pages = dir.path().join("pages");
    let output = xtask(&[
        "parse",
        pages.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("periods_all.md:1: error[duplicate-id]: endpoint id `okr.v1.periods.list` (GET /open-apis/okr/v1/periods_all) is also used by"),
        "{err}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["diagnostics_by_kind"]["duplicate-id"], 1);
    assert_eq!(report["endpoints"], 1);
}

/// `fn-lengths` holds the repository to the function length limit, and names a function
/// over it with its file and line.
#[test]
fn fn_lengths_holds_here_and_names_a_long_function() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = xtask(&["fn-lengths", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let dir = tempfile::tempdir().unwrap();
    let body = "    let x = 1;\n".repeat(80);
    write(
        &dir.path().join("generator/src/lib.rs"),
        &format!("/// Short.\nfn short() {{}}\n\nfn long() {{\n{body}}}\n"),
    );
    write(&dir.path().join("xtask/src/main.rs"), "fn main() {}\n");
    let output = xtask(&["fn-lengths", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "generator/src/lib.rs:4: `long` has 82 lines (limit 80); split it\n"
    );
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        [
            "  82  generator/src/lib.rs:4  long",
            "   1  generator/src/lib.rs:2  short",
            "   1  xtask/src/main.rs:1  main"
        ]
    );
}
