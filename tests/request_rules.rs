//! What a page's required flags and rules make of a request, on a page with rules on a
//! query parameter, on an array's items and on their members, emitted in memory and read
//! as syntax:
//! - `validate()` names a broken rule by its full path from the request (`query.limit`,
//!   `body.items[2].name`; the runtime's `validate::tests` show `each` and `within` turn
//!   these calls into the paths), compares integers as integers, and needs no trait;
//! - a struct with a required member has no `Default`, so none is left empty by accident.

mod syntax;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use syntax::{Source, tokens};

const PAGE: &str = r#"## 批量校验

校验路径的接口。

## 请求

| 基本 | |
| --- | --- |
| HTTP URL | `https://open.feishu.cn/open-apis/paths/v1/batches` |
| HTTP Method | POST |
| 支持的访问令牌 | tenant_access_token |

### 查询参数

| 参数名 | 类型 | 必填 | 描述 |
| ------ | ---- | ---- | ---- |
| limit | int | 否 | 上限 <br> **数据校验规则**:<br>取值范围：`1` ～ `9007199254740993` |

### 请求体

| 参数名 | 类型 | 必填 | 描述 |
| ------ | ---- | ---- | ---- |
| items | object[] | 是 | 条目 <br> **数据校验规则**:<br>最大长度: 3 |
| &emsp;∟name | string | 是 | 名称 <br> **数据校验规则**:<br>最大长度: 8最小长度: 1 |
| ratio | float | 否 | 比例 <br> **数据校验规则**:<br>取值范围：`0.5` ～ `1.5` |

### 响应

**响应示例**:

```json
{"code": 0, "msg": "success", "data": {}}
```
"#;

fn endpoint() -> Source {
    let Outcome::Endpoint(spec) = parse_page("tests/request_rules.md", PAGE) else {
        panic!("the page is an endpoint page")
    };
    let files = emit_crate(&[*spec], &EmitOptions::default()).unwrap();
    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let file = files
        .into_iter()
        .find(|f| f.path == "src/paths/v1/batches/create.rs")
        .unwrap_or_else(|| panic!("no create.rs in {paths:?}"));
    Source::parse(&file.contents)
}

#[test]
fn parameters_are_named_by_their_place_and_the_body_as_body() {
    let source = endpoint();
    assert!(source.contains_code(
        "feishu_runtime::validate::int_range(\"query.limit\", *v, Some(1), Some(9007199254740993))?;"
    ));
    assert!(source.contains_code("self.body.validate().map_err(|e| e.within(\"body\"))?;"));
}

#[test]
fn array_items_are_checked_one_by_one_under_the_arrays_name() {
    let source = endpoint();
    assert!(source.contains_code(
        "feishu_runtime::validate::each(v, |item| { item.validate()?; Ok(()) })
             .map_err(|e| e.within(\"items\"))?;"
    ));
    // The item's own members keep their names; `each` adds `[i]` in front.
    assert!(
        source.contains_code("feishu_runtime::validate::length(\"name\", v, Some(1), Some(8))?;")
    );
}

#[test]
fn integers_compare_as_integers_and_floats_as_floats() {
    let source = endpoint();
    assert!(
        !source.contains_code("as f64"),
        "no integer is widened to f64"
    );
    assert!(
        source.contains_code(
            "feishu_runtime::validate::range(\"ratio\", *v, Some(0.5), Some(1.5))?;"
        )
    );
}

#[test]
fn requests_validate_without_the_trait() {
    let source = endpoint();
    assert_eq!(
        source.signature("CreateRequest", "validate"),
        tokens("pub fn validate(&self) -> Result<(), feishu_runtime::ValidationError>")
    );
    assert!(source.contains_code("CreateRequest::validate(self)"));
}

#[test]
fn structs_with_required_members_have_no_default() {
    let source = endpoint();
    // `items` is required in the body, `name` in each item.
    for name in ["CreateRequestBody", "Item"] {
        assert_eq!(
            source.struct_attrs(name),
            tokens("#[derive(Clone, PartialEq)]"),
            "{name}"
        );
        assert!(
            source.contains_code(&format!(
                "impl feishu_runtime::object::Placeholder for {name}"
            )),
            "{name} is decoded from a placeholder"
        );
    }
    // A struct of optional members keeps `Default`: the reply.
    assert_eq!(
        source.struct_attrs("CreateResponse"),
        tokens("#[derive(Clone, Default, PartialEq)]")
    );
    // The builder names every member instead of `..Default::default()`.
    assert!(source.contains_code("body: CreateRequestBody { items, ratio: None }"));
    assert!(!source.contains_code("Default::default()"));
}
