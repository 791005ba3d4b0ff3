//! Identifiers stay valid and idiomatic whatever a page calls things; the wire name is
//! kept in the struct's serde impls (and its docs). One test per case, on `tests/pages/naming.md` (a page written
//! for this). `.ci/run` also generates a crate from that page and runs clippy on it.

mod syntax;

use std::path::Path;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use syntax::{Source, tokens};

/// The generated file at `path` (under the crate root), parsed.
fn generated(path: &str) -> Source {
    Source::parse(&generated_text(path))
}

fn generated_text(path: &str) -> String {
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

fn endpoint() -> Source {
    generated("src/naming/v1/type/type_endpoint.rs")
}

/// The member whose wire name is `wire`, as `pub name: Type` tokens, after checking
/// that the struct's serde impl writes that member under `wire`.
fn member(source: &Source, wire: &str) -> String {
    let (name, ty) = source.member_on_wire(wire);
    let writes = [
        format!("out.optional(\"{wire}\", &self.{name});"),
        format!("out.required(\"{wire}\", &self.{name});"),
    ];
    assert!(
        writes.iter().any(|w| source.contains_code(w)),
        "`{name}` is not written as `{wire}`"
    );
    tokens(&format!("pub {name}: {ty},"))
}

/// `pub name: Type,` as tokens, to compare with [`member`].
fn decl(text: &str) -> String {
    tokens(text)
}

#[test]
fn rust_keywords_become_raw_identifiers() {
    let source = endpoint();
    assert!(source.has_member("r#type", "String"));
    assert!(source.has_member("r#match", "Option<i64>"));
    assert!(source.has_member("r#async", "Option<String>"));
}

#[test]
fn reserved_words_that_cannot_be_raw_get_an_underscore() {
    let source = endpoint();
    assert_eq!(
        member(&source, "Self"),
        decl("pub self_: Option<TypeRequestBodySelf>,")
    );
    assert_eq!(
        member(&source, "crate"),
        decl("pub crate_: Option<String>,")
    );
    assert!(source.has_member("self_", "Option<String>"), "query `self`");
}

#[test]
fn leading_digits_get_a_letter() {
    assert_eq!(
        member(&endpoint(), "2fa_code"),
        decl("pub n2fa_code: Option<String>,")
    );
}

#[test]
fn hyphens_become_underscores() {
    assert_eq!(
        member(&endpoint(), "user-name"),
        decl("pub user_name: Option<String>,")
    );
}

#[test]
fn non_ascii_names_get_a_stand_in() {
    let source = endpoint();
    assert_eq!(member(&source, "名称"), decl("pub value: Option<String>,"));
    assert_eq!(
        member(&source, "描述"),
        decl("pub value_2: Option<String>,")
    );
}

#[test]
fn names_that_differ_only_by_case_stay_apart() {
    let source = endpoint();
    assert_eq!(
        member(&source, "userId"),
        decl("pub user_id: Option<String>,")
    );
    assert_eq!(
        member(&source, "user_id"),
        decl("pub user_id_2: Option<String>,")
    );
    // `Data` and `data` in the reply: two members, two types.
    assert_eq!(member(&source, "Data"), decl("pub data: Option<Data>,"));
    assert_eq!(
        member(&source, "data"),
        decl("pub data_2: Option<TypeResponseData>,")
    );
}

#[test]
fn a_parameter_named_like_another_gets_its_place_as_prefix() {
    let source = endpoint();
    // Path `type` and query `type`; a body field called `body` beside the `body` member.
    assert!(source.has_member("query_type", "Option<String>"));
    let setters = source.methods_of("TypeRequestBuilder");
    assert!(setters.contains(&"query_type".to_string()), "{setters:?}");
    assert!(setters.contains(&"body_body".to_string()), "{setters:?}");
    assert!(source.contains_code("call = call.query(\"type\", v);"));
}

#[test]
fn a_method_named_like_its_resource_gets_its_own_module_name() {
    let resource = generated("src/naming/v1/type/mod.rs");
    assert_eq!(
        resource.declarations(),
        [
            tokens("pub mod type_endpoint;"),
            tokens("pub use type_endpoint::{TypeRequest, TypeRequestBody, TypeResponse};"),
        ]
    );
    assert_eq!(resource.methods_of("Type<'a>"), ["new", "r#type"]);
    let version = generated("src/naming/v1/mod.rs");
    assert_eq!(version.declarations(), [tokens("pub mod r#type;")]);
    assert_eq!(
        version.signature("V1<'a>", "r#type"),
        tokens("pub fn r#type(&self) -> r#type::Type<'a>")
    );
}

/// The variants of enum `name`, as tokens (`Unknown(String)`).
fn variants(source: &Source, name: &str) -> Vec<String> {
    source.variants(name)
}

/// Variant spellings as tokens, to compare with [`variants`].
fn spelled(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| tokens(n)).collect()
}

#[test]
fn enum_values_become_unique_variants_beside_unknown() {
    let source = endpoint();
    assert!(source.has_member("kind", "Option<Kind>"));
    assert_eq!(
        variants(&source, "Kind"),
        spelled(&[
            "OpenId",
            "None",
            "Unknown2",
            "OpenId2",
            "Value1",
            "Self2",
            "Value",
            "Unknown(String)"
        ])
    );
    assert!(source.contains_code("Self::OpenId2 => \"Open_ID\","));
    assert!(source.contains_code("\"unknown\" => Self::Unknown2,"));
}

#[test]
fn integer_enums_are_named_by_english_descriptions_or_their_values() {
    let source = endpoint();
    assert_eq!(
        variants(&source, "Level"),
        spelled(&["Value0", "Value1", "ValueMinus1", "Unknown(i64)"])
    );
    assert_eq!(
        variants(&source, "DocType"),
        spelled(&["Doc", "Sheet", "GroupChat", "Unknown(i64)"])
    );
    assert!(source.contains_code("Self::ValueMinus1 => -1,"));
}

#[test]
fn values_listed_on_an_array_type_its_elements() {
    let source = endpoint();
    // `Kind` is taken by the other field's values: the element's enum gets its parent's prefix.
    assert!(source.has_member("kinds", "Option<Vec<TypeRequestBodyKind>>"));
    assert_eq!(
        variants(&source, "TypeRequestBodyKind"),
        spelled(&["A", "B", "Unknown(String)"])
    );
}
