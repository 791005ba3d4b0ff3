//! The exported document, fact by fact: the seed endpoint's whole operation, the checked-in
//! upload, download and paged list, and small specs for sharing, types, rules and paths.

use serde_json::{Value, json};

use super::{document, to_json};
use crate::spec::{Spec, yaml};

fn ir(text: &str) -> Spec {
    yaml::from_str(text).expect("IR parses")
}

fn checked_in() -> Vec<Spec> {
    vec![
        ir(include_str!(
            "../../../specs/ir/aily/v1/aily_session/update.yaml"
        )),
        ir(include_str!("../../../specs/ir/im/v1/file/create.yaml")),
        ir(include_str!("../../../specs/ir/im/v1/file/get.yaml")),
        ir(include_str!("../../../specs/ir/im/v1/chat/list.yaml")),
    ]
}

fn op<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in {:#}", doc["paths"]);
    op
}

/// The seed operation's `requestBody`, as the page documents it.
fn seed_request_body() -> Value {
    json!({
        "required": false,
        "content": {"application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "channel_context": {
                        "type": "string",
                        "description": "可自行构造的 Context [上下文变量](https://aily.feishu.cn/hc/1u7kleqg/en70bqqj#6a446d5e)；在 Workflow 技能中可消费这部分全局变量",
                        "examples": ["{}"],
                        "minLength": 0,
                        "maxLength": 255,
                    },
                    "metadata": {
                        "type": "string",
                        "description": "会话的自定义变量内容，变量数据保存在服务端 Session 中，可在 `GetSession` 时原样返回，无需在 API 调用侧存储",
                        "examples": ["{}"],
                        "minLength": 0,
                        "maxLength": 255,
                    },
                },
            },
            "example": {"channel_context": "{}", "metadata": "{}"},
        }},
    })
}

/// The seed operation's `responses`: the envelope with `data` typed, and the errors.
fn seed_responses() -> Value {
    json!({
        "200": {
            "description": "Success: `code` is 0 and `data` holds the reply.",
            "content": {"application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "integer", "description": "0 on success, else the error code."},
                        "msg": {"type": "string"},
                        "data": {
                            "type": "object",
                            "properties": {"session": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string", "examples": ["session_4dfunz7sp1g8m"]},
                                    "created_at": {"type": "string", "examples": ["1711975665710"]},
                                    "modified_at": {"type": "string", "examples": ["1711975665710"]},
                                    "created_by": {"type": "string", "examples": ["1794840334557292"]},
                                    "channel_context": {"type": "string", "examples": ["{}"]},
                                    "metadata": {"type": "string", "examples": ["{}"]},
                                },
                            }},
                        },
                    },
                    "required": ["code"],
                },
                "example": {
                    "code": 0,
                    "msg": "success",
                    "data": {"session": {
                        "id": "session_4dfunz7sp1g8m",
                        "created_at": "1711975665710",
                        "modified_at": "1711975665710",
                        "created_by": "1794840334557292",
                        "channel_context": "{}",
                        "metadata": "{}",
                    }},
                },
            }},
        },
        "400": {
            "description": "Documented errors: `2700001` param is invalid",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/feishu.Error"}}},
        },
        "default": {
            "description": "Any other error: the envelope with a non-zero `code`.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/feishu.Error"}}},
        },
    })
}

#[test]
fn seed_operation_is_exactly_the_page() {
    let doc = document(&checked_in()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let seed = op(&doc, "/open-apis/aily/v1/sessions/{aily_session_id}", "put");
    let expected = json!({
        "operationId": "aily.v1.aily_session.update",
        "tags": ["aily"],
        "summary": "更新会话",
        "description": "该 API 用于更新与某个飞书智能伙伴应用的一次会话（Session）的信息。",
        "parameters": [{
            "name": "aily_session_id",
            "in": "path",
            "description": "会话 ID",
            "required": true,
            "schema": {"type": "string"},
        }],
        "requestBody": seed_request_body(),
        "responses": seed_responses(),
        "security": [
            {"tenant_access_token": ["aily:session:write"]},
            {"user_access_token": ["aily:session:write"]},
        ],
        "x-feishu-errors": [
            {"http_status": 400, "code": 2700001, "message": "param is invalid", "hint": "参数错误"},
        ],
        "x-feishu-scopes": [{"name": "aily:session:write", "description": "读写会话信息"}],
        "x-feishu-app-types": ["custom"],
        "x-feishu-sdk-names": {
            "go": "client.Aily.V1.AilySession.Update",
            "java": "client.aily.v1.ailySession.update",
            "nodejs": "client.aily.v1.ailySession.update",
            "python": "client.aily.v1.aily_session.update",
        },
        "x-feishu-source": "specs/pages/aily/v1/aily_session/update.md",
    });
    assert_eq!(*seed, expected, "{seed:#}");
}

#[test]
fn document_has_tags_servers_and_the_three_token_schemes() {
    let doc = document(&checked_in()).unwrap();
    assert_eq!(
        doc["tags"],
        json!([
            {"name": "aily", "description": "The `aily` service."},
            {"name": "im", "description": "The `im` service."},
        ])
    );
    assert_eq!(doc["servers"][0]["url"], "https://open.feishu.cn");
    assert_eq!(doc["servers"][1]["url"], "https://open.larksuite.com");
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    let names: Vec<&String> = schemes.keys().collect();
    assert_eq!(
        names,
        [
            "tenant_access_token",
            "user_access_token",
            "app_access_token"
        ]
    );
    for scheme in schemes.values() {
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
    }
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/open-apis/aily/v1/sessions/{aily_session_id}",
            "/open-apis/im/v1/chats",
            "/open-apis/im/v1/files",
            "/open-apis/im/v1/files/{file_key}",
        ]
    );
}

#[test]
fn upload_is_a_multipart_form_with_a_binary_part() {
    let doc = document(&checked_in()).unwrap();
    let upload = op(&doc, "/open-apis/im/v1/files", "post");
    let form = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert_eq!(upload["requestBody"]["required"], true);
    assert_eq!(
        form["properties"]["file"],
        json!({
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
            "description": "文件内容，不超过 30 MB，不允许上传空文件",
        })
    );
    assert_eq!(
        form["properties"]["file_type"]["enum"],
        json!(["opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"])
    );
    assert_eq!(
        form["properties"]["file_type"]["x-enum-descriptions"][2],
        "PDF 文件"
    );
    assert_eq!(form["properties"]["duration"]["format"], "int32");
    assert_eq!(form["required"], json!(["file_type", "file_name", "file"]));
    assert_eq!(
        upload["security"],
        json!([{"tenant_access_token": ["im:resource"]}])
    );
}

#[test]
fn download_replies_with_bytes_and_paged_list_has_its_extension() {
    let doc = document(&checked_in()).unwrap();
    let download = op(&doc, "/open-apis/im/v1/files/{file_key}", "get");
    assert_eq!(
        download["responses"]["200"]["content"],
        json!({"application/octet-stream": {"schema": {
            "type": "string", "format": "binary", "contentMediaType": "application/octet-stream"
        }}})
    );
    let list = op(&doc, "/open-apis/im/v1/chats", "get");
    assert_eq!(
        list["x-feishu-pagination"],
        json!({
            "token_param": "page_token",
            "token_in": "query",
            "has_more_field": "has_more",
            "next_token_field": "page_token",
            "size_param": "page_size",
            "items_field": "items",
        })
    );
    let names: Vec<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"page_token"), "{names:?}");
    assert!(
        list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["in"] == "query")
    );
}

/// Three endpoints of one made-up service: two send and return the same `user` and
/// `item`, the third returns a `user` with one more member.
const DEMO_GET: &str = r#"
id: demo.v1.user.get
title: Get
source: demo/get.md
http: {method: GET, path: /open-apis/demo/v1/users/:user_id}
rate_limit: 100 次/分钟
auth: {tokens: [tenant, app]}
path_params:
- {name: user_id, type: string, required: true, description: The user}
headers:
- {name: Authorization, type: string, required: true}
- {name: X-Request-Id, type: string, required: false}
response:
  content_type: application/json
  fields:
  - name: user
    type: object
    fields:
    - {name: id, type: int64}
    - {name: name, type: string, description: Shown name}
"#;

const DEMO_UPDATE: &str = r#"
id: demo.v1.user.update
title: Update
source: demo/update.md
http: {method: PATCH, path: /open-apis/demo/v1/users/:uid}
path_params:
- {name: uid, type: string, required: true}
request:
  content_type: application/json
  fields:
  - name: items
    type: array
    required: true
    rules: {min_items: 1, max_items: 10}
    items:
      type: object
      fields:
      - {name: key, type: string, required: true, rules: {max_length: 8, pattern: "[a-z]+"}}
      - {name: level, type: int, required: false, default: 9, rules: {min: 1, max: 5}, enum: [{value: 1, description: low}, {value: "5"}]}
  - {name: code, type: string, required: false, rules: {pattern: "[a-z_-@.]"}}
  - {name: labels, type: map, required: false, values: {type: int64}}
response:
  content_type: application/json
  fields:
  - name: user
    type: object
    fields:
    - {name: id, type: int64}
    - {name: name, type: string, description: Worded otherwise}
"#;

const DEMO_CREATE: &str = r#"
id: demo.v1.user.create
title: Create
source: demo/create.md
http: {method: POST, path: /open-apis/demo/v1/users}
request:
  content_type: application/json
  fields:
  - name: items
    type: array
    required: true
    rules: {min_items: 1, max_items: 10}
    items:
      type: object
      fields:
      - {name: key, type: string, required: true, rules: {max_length: 8, pattern: "[a-z]+"}}
      - {name: level, type: int, required: false, default: 9, rules: {min: 1, max: 5}, enum: [{value: 1, description: low}, {value: "5"}]}
response:
  content_type: application/json
  fields:
  - name: user
    type: object
    fields:
    - {name: id, type: int64}
    - {name: name, type: string}
    - {name: email, type: string}
"#;

const DEMO_DELETE: &str = r#"
id: demo.v1.user.delete
title: Delete
source: demo/delete.md
http: {method: DELETE, path: /open-apis/demo/v1/users/:user_id}
response:
  content_type: application/json
  fields:
  - name: user
    type: object
    fields:
    - {name: id, type: int64}
    - {name: name, type: string}
    - {name: email, type: string}
"#;

fn demo() -> Vec<Spec> {
    [DEMO_GET, DEMO_UPDATE, DEMO_CREATE, DEMO_DELETE]
        .into_iter()
        .map(ir)
        .collect()
}

#[test]
fn shapes_two_endpoints_share_are_components_under_the_crate_names() {
    let doc = document(&demo()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let names: Vec<&String> = schemas.keys().collect();
    // `User` twice as {id, name} and twice with `email`: the tie goes by shape key, and
    // the other shape says how it differs. `Item` is the request element both send.
    assert_eq!(
        names,
        [
            "demo.Item",
            "demo.Level",
            "demo.User",
            "demo.UserWithEmail",
            "feishu.Error"
        ]
    );
    // The values both `items` list are one enum, as in the crate.
    assert_eq!(
        schemas["demo.Level"],
        json!({
            "type": "integer",
            "enum": [1, 5],
            "x-enum-descriptions": ["low", ""],
            "description": "The values of `level` several endpoints list.",
        })
    );
    assert_eq!(
        schemas["demo.User"],
        json!({
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "int64"},
                "name": {"type": "string", "description": "Shown name"},
            },
            "description": "`User`, as several `demo` endpoints spell it.",
        })
    );
    assert_eq!(
        schemas["demo.Item"],
        json!({
            "type": "object",
            "properties": {
                "key": {"type": "string", "maxLength": 8, "pattern": "^(?:[a-z]+)$"},
                "level": {"$ref": "#/components/schemas/demo.Level", "x-feishu-default": 9},
            },
            "required": ["key"],
            "description": "`Item`, as several `demo` endpoints spell it.",
        })
    );
    let get = op(&doc, "/open-apis/demo/v1/users/{user_id}", "get");
    let data =
        &get["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"];
    assert_eq!(
        data["properties"]["user"],
        json!({"$ref": "#/components/schemas/demo.User"})
    );
    let delete = op(&doc, "/open-apis/demo/v1/users/{user_id}", "delete");
    let data =
        &delete["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"];
    assert_eq!(
        data["properties"]["user"],
        json!({"$ref": "#/components/schemas/demo.UserWithEmail"})
    );
    let create = op(&doc, "/open-apis/demo/v1/users", "post");
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["properties"]["items"],
        json!({
            "type": "array",
            "items": {"$ref": "#/components/schemas/demo.Item"},
            "minItems": 1,
            "maxItems": 10,
        })
    );
}

#[test]
fn paths_params_headers_rules_and_extensions() {
    let doc = document(&demo()).unwrap();
    // `/users/:user_id` and `/users/:uid` are one path: the first spelling names it.
    let item = doc["paths"]["/open-apis/demo/v1/users/{user_id}"]
        .as_object()
        .unwrap();
    let methods: Vec<&String> = item.keys().collect();
    assert_eq!(methods, ["get", "delete", "patch"]);
    assert!(doc["paths"].get("/open-apis/demo/v1/users/{uid}").is_none());
    let update = &item["patch"];
    assert_eq!(
        update["parameters"],
        json!([{"in": "path", "required": true, "schema": {"type": "string"}, "name": "user_id"}])
    );
    let body = &update["requestBody"]["content"]["application/json"]["schema"]["properties"];
    // Not a valid regex: kept as written, not as a JSON Schema keyword.
    assert_eq!(
        body["code"],
        json!({"type": "string", "x-feishu-pattern": "[a-z_-@.]"})
    );
    assert_eq!(
        body["labels"],
        json!({"type": "object", "additionalProperties": {"type": "string", "format": "int64"}})
    );
    assert!(update.get("security").is_none());

    let get = &item["get"];
    // Authorization is the security scheme's; the other header is a parameter.
    assert_eq!(
        get["parameters"],
        json!([
            {"name": "user_id", "in": "path", "description": "The user", "required": true, "schema": {"type": "string"}},
            {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
        ])
    );
    assert_eq!(
        get["security"],
        json!([{"tenant_access_token": []}, {"app_access_token": []}])
    );
    assert_eq!(get["x-feishu-rate-limit"], "100 次/分钟");
    assert_eq!(get["tags"], json!(["demo"]));
}

#[test]
fn path_parameter_the_page_does_not_describe_is_still_declared() {
    let spec = ir(r#"
id: demo.v1.user.patch
title: Patch
source: demo/patch.md
http: {method: PATCH, path: /open-apis/demo/v1/groups/:group_id/users/:user_id}
path_params:
- {name: user_id, type: int64, required: true}
"#);
    let doc = document(&[spec]).unwrap();
    let op = op(
        &doc,
        "/open-apis/demo/v1/groups/{group_id}/users/{user_id}",
        "patch",
    );
    assert_eq!(
        op["parameters"],
        json!([
            {"in": "path", "schema": {"type": "string"}, "description": "Not described on the page.", "name": "group_id", "required": true},
            {"name": "user_id", "in": "path", "required": true, "schema": {"type": "string", "format": "int64"}},
        ])
    );
}

#[test]
fn output_does_not_depend_on_input_order() {
    let mut specs = demo();
    specs.extend(checked_in());
    let forward = to_json(&document(&specs).unwrap());
    specs.reverse();
    let backward = to_json(&document(&specs).unwrap());
    assert_eq!(forward, backward);
    assert_eq!(forward, to_json(&document(&specs).unwrap()));
    let yaml = yaml::value_to_string(&document(&specs).unwrap()).unwrap();
    assert!(
        yaml.starts_with("openapi: 3.1.0\ninfo:\n"),
        "{}",
        &yaml[..80]
    );
    assert!(yaml.contains("      operationId: aily.v1.aily_session.update\n"));
}

#[test]
fn two_specs_with_one_id_or_one_endpoint_are_errors() {
    let mut twice = demo();
    let mut copy = twice[0].clone();
    copy.source = "demo/copy.md".into();
    twice.push(copy);
    assert_eq!(
        document(&twice).unwrap_err().to_string(),
        "endpoint id `demo.v1.user.get` is used by both demo/get.md and demo/copy.md"
    );
    let mut clash = demo();
    let mut other = clash[0].clone();
    other.id = "demo.v1.user.fetch".into();
    other.source = "demo/fetch.md".into();
    clash.push(other);
    assert_eq!(
        document(&clash).unwrap_err().to_string(),
        "demo/get.md and endpoint `demo.v1.user.fetch` are both GET /open-apis/demo/v1/users/{user_id}"
    );
}

#[test]
fn components_are_the_types_the_rust_crate_shares() {
    let files = crate::emit::emit_crate(&demo(), &crate::emit::EmitOptions::default()).unwrap();
    let models = files
        .iter()
        .find(|f| f.path == "src/demo/models.rs")
        .expect("demo models.rs");
    let mut structs: Vec<String> = models
        .contents
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))
        })
        .map(|rest| format!("demo.{}", rest.split([' ', '{']).next().unwrap_or_default()))
        .collect();
    structs.sort();
    let doc = document(&demo()).unwrap();
    let mut components: Vec<String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("demo."))
        .cloned()
        .collect();
    components.sort();
    assert_eq!(components, structs);
}
