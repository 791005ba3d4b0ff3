//! Identifiers stay valid and idiomatic whatever a page calls things; the wire name is
//! kept in the struct's serde impls (and its docs). One test per case, on `tests/pages/naming.md` (a page written
//! for this). `.ci/run` also generates a crate from that page and runs clippy on it.

use std::path::Path;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};

/// The generated file at `path` (under the crate root).
fn generated(path: &str) -> String {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("pages/naming.md");
    let text = std::fs::read_to_string(page).unwrap();
    let Outcome::Endpoint(spec) = parse_page("tests/pages/naming.md", &text) else {
        panic!("the naming page is an endpoint page")
    };
    let files = emit_crate(&[*spec], &EmitOptions::default()).unwrap();
    files
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn endpoint() -> String {
    generated("src/naming/v1/type/type_endpoint.rs")
}

/// The declaration of the member whose wire name is `wire`, as `pub name: Type`, after
/// checking that the struct's serde impl writes that member under `wire`.
fn member(source: &str, wire: &str) -> String {
    let at = source
        .find(&format!("/// On the wire: `{wire}`."))
        .unwrap_or_else(|| panic!("no member documented as `{wire}` on the wire"));
    let decl = source[at..]
        .lines()
        .find(|l| l.trim_start().starts_with("pub "))
        .unwrap()
        .trim()
        .to_string();
    let name = decl["pub ".len()..].split(':').next().unwrap();
    let writes = [
        format!("out.optional(\"{wire}\", &self.{name});"),
        format!("out.required(\"{wire}\", &self.{name});"),
    ];
    assert!(
        writes.iter().any(|w| source.contains(w.as_str())),
        "`{name}` is not written as `{wire}`"
    );
    decl
}

#[test]
fn rust_keywords_become_raw_identifiers() {
    let source = endpoint();
    assert!(source.contains("    pub r#type: String,"), "{source}");
    assert!(source.contains("    pub r#match: Option<i64>,"));
    assert!(source.contains("    pub r#async: Option<String>,"));
}

#[test]
fn reserved_words_that_cannot_be_raw_get_an_underscore() {
    let source = endpoint();
    assert_eq!(
        member(&source, "Self"),
        "pub self_: Option<TypeRequestBodySelf>,"
    );
    assert_eq!(member(&source, "crate"), "pub crate_: Option<String>,");
    assert!(
        source.contains("    pub self_: Option<String>,"),
        "query `self`"
    );
}

#[test]
fn leading_digits_get_a_letter() {
    assert_eq!(
        member(&endpoint(), "2fa_code"),
        "pub n2fa_code: Option<String>,"
    );
}

#[test]
fn hyphens_become_underscores() {
    assert_eq!(
        member(&endpoint(), "user-name"),
        "pub user_name: Option<String>,"
    );
}

#[test]
fn non_ascii_names_get_a_stand_in() {
    let source = endpoint();
    assert_eq!(member(&source, "名称"), "pub value: Option<String>,");
    assert_eq!(member(&source, "描述"), "pub value_2: Option<String>,");
}

#[test]
fn names_that_differ_only_by_case_stay_apart() {
    let source = endpoint();
    assert_eq!(member(&source, "userId"), "pub user_id: Option<String>,");
    assert_eq!(member(&source, "user_id"), "pub user_id_2: Option<String>,");
    // `Data` and `data` in the reply: two members, two types.
    assert_eq!(member(&source, "Data"), "pub data: Option<Data>,");
    assert_eq!(
        member(&source, "data"),
        "pub data_2: Option<TypeResponseData>,"
    );
}

#[test]
fn a_parameter_named_like_another_gets_its_place_as_prefix() {
    let source = endpoint();
    // Path `type` and query `type`; a body field called `body` beside the `body` member.
    assert!(
        source.contains("    pub query_type: Option<String>,"),
        "{source}"
    );
    assert!(source.contains("pub fn query_type(mut self"));
    assert!(source.contains("pub fn body_body(mut self"));
    assert!(source.contains("call = call.query(\"type\", v);"));
}

#[test]
fn a_method_named_like_its_resource_gets_its_own_module_name() {
    let resource = generated("src/naming/v1/type/mod.rs");
    assert!(resource.contains("pub mod type_endpoint;"), "{resource}");
    assert!(
        resource.contains("pub use type_endpoint::{TypeRequest, TypeRequestBody, TypeResponse};")
    );
    assert!(resource.contains("    pub fn r#type(\n"), "{resource}");
    let version = generated("src/naming/v1/mod.rs");
    assert!(version.contains("pub mod r#type;"), "{version}");
    assert!(
        version.contains("pub fn r#type(&self) -> r#type::Type<'a>"),
        "{version}"
    );
}

/// The variants of `pub enum name`, one per line as written.
fn variants(source: &str, name: &str) -> Vec<String> {
    let at = source
        .find(&format!("pub enum {name} {{"))
        .unwrap_or_else(|| panic!("no enum {name}"));
    source[at..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "}")
        .filter(|l| !l.trim_start().starts_with("///"))
        .map(|l| l.trim().trim_end_matches(',').to_string())
        .collect()
}

#[test]
fn enum_values_become_unique_variants_beside_unknown() {
    let source = endpoint();
    assert!(source.contains("    pub kind: Option<Kind>,"), "{source}");
    assert_eq!(
        variants(&source, "Kind"),
        [
            "OpenId",
            "None",
            "Unknown2",
            "OpenId2",
            "Value1",
            "Self2",
            "Value",
            "Unknown(String)"
        ]
    );
    assert!(source.contains("Self::OpenId2 => \"Open_ID\","), "{source}");
    assert!(source.contains("\"unknown\" => Self::Unknown2,"));
}

#[test]
fn integer_enums_are_named_by_english_descriptions_or_their_values() {
    let source = endpoint();
    assert_eq!(
        variants(&source, "Level"),
        ["Value0", "Value1", "ValueMinus1", "Unknown(i64)"]
    );
    assert_eq!(
        variants(&source, "DocType"),
        ["Doc", "Sheet", "GroupChat", "Unknown(i64)"]
    );
    assert!(source.contains("Self::ValueMinus1 => -1,"), "{source}");
}

#[test]
fn values_listed_on_an_array_type_its_elements() {
    let source = endpoint();
    // `Kind` is taken by the other field's values: the element's enum gets its parent's prefix.
    assert!(
        source.contains("    pub kinds: Option<Vec<TypeRequestBodyKind>>,"),
        "{source}"
    );
    assert_eq!(
        variants(&source, "TypeRequestBodyKind"),
        ["A", "B", "Unknown(String)"]
    );
}
