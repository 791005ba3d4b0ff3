//! A model several endpoints of a service spell the same way becomes one type in
//! `<service>/models.rs`; a second shape of the same name that several endpoints share
//! gets a name saying how it differs; a shape only one endpoint has stays its own.

mod syntax;

use std::path::Path;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::{Field, FieldType, Spec};
use syntax::{Source, tokens};

fn seed() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/pages/aily/v1/aily_session/update.md");
    std::fs::read_to_string(path).unwrap()
}

/// The seed page as another method of the same resource.
fn variant(method: &str, http: &str, path_suffix: &str, edit: impl Fn(String) -> String) -> Spec {
    let text = seed()
        .replace(
            "| HTTP Method | PUT |",
            &format!("| HTTP Method | {http} |"),
        )
        .replace(
            "sessions/:aily_session_id`",
            &format!("sessions/:aily_session_id{path_suffix}`"),
        )
        .replace("aily_session.update", &format!("aily_session.{method}"))
        .replace("AilySession.Update", &format!("AilySession.{method}"));
    match parse_page(&format!("{method}.md"), &edit(text)) {
        Outcome::Endpoint(spec) => *spec,
        other => panic!("{other:?}"),
    }
}

fn files() -> Vec<(String, String)> {
    let same = |text: String| text;
    let specs = vec![
        variant("update", "PUT", "", same),
        variant("copy", "POST", "/copy", same),
        // The same fields, worded and exemplified differently: still the same type.
        variant("reword", "POST", "/reword", |text| {
            text.replace(
                "\"id\": \"session_4dfunz7sp1g8m\"",
                "\"id\": \"session_other\"",
            )
            .replace("会话的自定义变量内容", "自定义变量")
        }),
        // The same `session` name with fewer fields.
        variant("peek", "GET", "/peek", |text| {
            text.replace("            \"metadata\": \"{}\"\n", "")
                .replace(
                    "\"channel_context\": \"{}\",\n            \"metadata\"",
                    "\"metadata\"",
                )
        }),
    ];
    assert_eq!(
        specs
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .len(),
        4
    );
    emit_crate(&specs, &EmitOptions::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

fn file(files: &[(String, String)], path: &str) -> String {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, c)| c.clone())
        .unwrap_or_else(|| panic!("no {path}"))
}

/// A generated file, parsed.
fn source(files: &[(String, String)], path: &str) -> Source {
    Source::parse(&file(files, path))
}

/// `(member, type)` with the type as tokens.
fn member(name: &str, ty: &str) -> (String, String) {
    (name.to_string(), tokens(ty))
}

#[test]
fn agreeing_endpoints_share_one_type() {
    let files = files();
    let models = source(&files, "src/aily/models.rs");
    assert_eq!(models.structs_named("Session").len(), 1);
    assert!(
        models
            .members("Session")
            .contains(&member("metadata", "Option<String>"))
    );
    let service = source(&files, "src/aily/mod.rs");
    assert!(service.declarations().contains(&tokens("pub mod models;")));
    for endpoint in ["update", "copy", "reword"] {
        let source = source(&files, &format!("src/aily/v1/aily_session/{endpoint}.rs"));
        assert!(
            source.has_member("session", "Option<crate::aily::models::Session>"),
            "{endpoint}"
        );
        assert!(
            source.structs_named("Session").is_empty(),
            "{endpoint} defines its own"
        );
    }
}

#[test]
fn a_differing_endpoint_keeps_its_own_type() {
    let files = files();
    let peek = source(&files, "src/aily/v1/aily_session/peek.rs");
    assert!(peek.has_member("session", "Option<Session>"));
    let members = peek.members("Session");
    assert!(members.iter().all(|(m, _)| m != "metadata"), "{members:?}");
}

/// The seed endpoint as `method`, with only the given nested `owner` objects: in its
/// request body and in its reply (each when given).
fn with_owner(method: &str, request: Option<Vec<Field>>, reply: Option<Vec<Field>>) -> Spec {
    let mut spec = variant(method, "POST", &format!("/{method}"), |text| text);
    let owner = |fields: Vec<Field>| {
        let mut owner = Field::new("owner", FieldType::Object);
        owner.fields = fields;
        owner
    };
    let request_fields = &mut spec.request.as_mut().unwrap().fields;
    request_fields.clear();
    request_fields.extend(request.map(owner));
    let reply_fields = &mut spec.response.as_mut().unwrap().fields;
    reply_fields.clear();
    reply_fields.extend(reply.map(owner));
    spec
}

fn string(name: &str, required: bool) -> Field {
    let mut field = Field::new(name, FieldType::String);
    field.required = Some(required);
    field
}

fn emit(specs: &[Spec]) -> Vec<(String, String)> {
    emit_crate(specs, &EmitOptions::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// The names of the structs in `models` whose name starts with `prefix`.
fn named(models: &Source, prefix: &str) -> Vec<String> {
    models
        .struct_names()
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[test]
fn reply_shapes_that_differ_only_in_required_flags_and_rules_are_one_type() {
    let mut limited = string("id", false);
    limited.rules.max_length = Some(10);
    let files = emit(&[
        with_owner("a", None, Some(vec![limited])),
        with_owner("b", None, Some(vec![string("id", true)])),
        with_owner("c", None, Some(vec![string("id", false)])),
    ]);
    let models = source(&files, "src/aily/models.rs");
    assert_eq!(named(&models, "Owner"), ["Owner"]);
    // Worded as `a` words it, but without its rule: the others state none.
    assert_eq!(
        models.struct_doc("Owner"),
        "`Owner`, as several `aily` endpoints spell it."
    );
    assert_eq!(
        models.struct_attrs("Owner"),
        tokens("#[derive(Clone, Default, PartialEq)]")
    );
    assert_eq!(models.members("Owner"), [member("id", "Option<String>")]);
    for method in ["a", "b", "c"] {
        let source = source(&files, &format!("src/aily/v1/aily_session/{method}.rs"));
        assert!(
            source.has_member("owner", "Option<crate::aily::models::Owner>"),
            "{method}"
        );
    }
}

#[test]
fn a_second_shared_shape_is_named_for_the_member_it_adds_or_lacks() {
    let id_name = || Some(vec![string("id", false), string("name", false)]);
    let with_email = || {
        Some(vec![
            string("id", false),
            string("name", false),
            string("email", false),
        ])
    };
    let id_only = || Some(vec![string("id", false)]);
    let files = emit(&[
        with_owner("a", None, id_name()),
        with_owner("b", None, id_name()),
        with_owner("c", None, id_name()),
        with_owner("d", None, with_email()),
        with_owner("e", None, with_email()),
        with_owner("f", None, id_only()),
        with_owner("g", None, id_only()),
        // Only one endpoint has this shape: it keeps its own.
        with_owner("h", None, Some(vec![string("name", false)])),
    ]);
    let models = source(&files, "src/aily/models.rs");
    assert_eq!(
        models.struct_names(),
        ["Owner", "OwnerWithEmail", "OwnerWithoutName"]
    );
    assert_eq!(
        models.struct_doc("OwnerWithEmail"),
        "`Owner` with `email`, as several `aily` endpoints spell it; [`Owner`] is the more \
         common shape."
    );
    assert_eq!(
        models.members("OwnerWithEmail"),
        [
            member("id", "Option<String>"),
            member("name", "Option<String>"),
            member("email", "Option<String>"),
        ]
    );
    assert!(
        models
            .struct_doc("OwnerWithoutName")
            .starts_with("`Owner` without `name`,"),
        "{}",
        models.struct_doc("OwnerWithoutName")
    );
    let uses = [
        ("a", "crate::aily::models::Owner"),
        ("d", "crate::aily::models::OwnerWithEmail"),
        ("f", "crate::aily::models::OwnerWithoutName"),
        ("h", "Owner"),
    ];
    for (method, ty) in uses {
        let source = source(&files, &format!("src/aily/v1/aily_session/{method}.rs"));
        assert!(
            source.has_member("owner", &format!("Option<{ty}>")),
            "{method}"
        );
    }
    let h = source(&files, "src/aily/v1/aily_session/h.rs");
    assert_eq!(h.structs_named("Owner").len(), 1);
}

#[test]
fn request_and_reply_shapes_of_one_name_are_named_for_their_side() {
    let id = |required| Some(vec![string("id", required)]);
    let files = emit(&[
        with_owner("a", id(true), id(false)),
        with_owner("b", id(true), id(false)),
        with_owner("c", None, id(false)),
    ]);
    let models = source(&files, "src/aily/models.rs");
    assert_eq!(
        models.struct_doc("OwnerInput"),
        "`Owner`, as several `aily` requests spell it; [`Owner`] is how the others do."
    );
    assert_eq!(models.members("OwnerInput"), [member("id", "String")]);
    assert_eq!(models.members("Owner"), [member("id", "Option<String>")]);
    let a = source(&files, "src/aily/v1/aily_session/a.rs");
    assert!(a.has_member("owner", "Option<crate::aily::models::OwnerInput>"));
    assert!(a.has_member("owner", "Option<crate::aily::models::Owner>"));
}

#[test]
fn an_all_optional_unchecked_request_shape_is_the_reply_type() {
    let id = || Some(vec![string("id", false)]);
    let files = emit(&[with_owner("a", id(), None), with_owner("b", None, id())]);
    let models = source(&files, "src/aily/models.rs");
    assert_eq!(named(&models, "Owner"), ["Owner"]);
    for method in ["a", "b"] {
        let source = source(&files, &format!("src/aily/v1/aily_session/{method}.rs"));
        assert!(
            source.has_member("owner", "Option<crate::aily::models::Owner>"),
            "{method}"
        );
    }
}
