//! What a generated crate's tests share (cargo feature `testing`): the JSON comparisons
//! behind "the page's example fits the types", and a local mock of Feishu that expects one
//! documented call. Written and tested here once, instead of as text in every generated
//! crate; a crate's tests name only what differs per endpoint (an [`ExpectedCall`]).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
/// The local mock server the helpers mount on (re-exported: a generated crate's tests need
/// no wiremock dependency of their own).
pub use wiremock::MockServer;
use wiremock::matchers::{body_json, body_partial_json, header, header_regex, method, path};
use wiremock::{Mock, MockBuilder, ResponseTemplate};

use crate::Client;

/// The access token the mock client sends, and the mock expects.
pub const TEST_TOKEN: &str = "test-token";

/// One documented call, as the mock server expects it.
#[derive(Debug, Clone, Copy)]
pub struct ExpectedCall<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path with its test parameters filled in (`/open-apis/im/v1/chats/test-chat_id`).
    pub path: &'a str,
    /// Required query parameters and their test values.
    pub query: &'a [(&'a str, &'a str)],
    /// What the body must be.
    pub body: ExpectedBody<'a>,
}

/// The body an [`ExpectedCall`] must carry.
#[derive(Debug, Clone, Copy)]
pub enum ExpectedBody<'a> {
    /// Anything (or nothing).
    Any,
    /// This JSON text, compared as JSON values.
    Json(&'a str),
    /// A `multipart/form-data` form.
    Multipart,
}

/// Where a paged list's page token and reply fields are.
#[derive(Debug, Clone, Copy)]
pub struct PageFields<'a> {
    /// The request's page token parameter (`page_token`).
    pub token_param: &'a str,
    /// Whether the token goes in the query (else in the JSON body).
    pub token_in_query: bool,
    /// The reply's list of items (`items`).
    pub items: &'a str,
    /// The reply's "more pages" flag (`has_more`).
    pub has_more: &'a str,
    /// The reply's next page token (`page_token`).
    pub next_token: &'a str,
}

impl ExpectedCall<'_> {
    /// The mock's matchers: method, path, bearer token, each query parameter, the body.
    pub fn mock(&self) -> MockBuilder {
        let mut mock = Mock::given(method(self.method))
            .and(path(self.path))
            .and(header("authorization", format!("Bearer {TEST_TOKEN}")));
        for (name, value) in self.query {
            mock = mock.and(wiremock::matchers::query_param(*name, *value));
        }
        match self.body {
            ExpectedBody::Any => mock,
            ExpectedBody::Json(text) => mock.and(body_json(json(text, "the request example"))),
            ExpectedBody::Multipart => mock.and(header_regex(
                "content-type",
                "^multipart/form-data; boundary=",
            )),
        }
    }

    /// Has `server` answer this call, once, with the reply `reply_json`, and returns the
    /// reply's `data` (an empty object when it has none).
    pub async fn answer(&self, server: &MockServer, reply_json: &str) -> Value {
        let reply = json(reply_json, "the reply example");
        self.mock()
            .respond_with(ResponseTemplate::new(200).set_body_json(&reply))
            .expect(1)
            .mount(server)
            .await;
        data_of(&reply)
    }

    /// Has `server` answer this call, once, with a file's bytes (`file-bytes`, named
    /// `test.bin`).
    pub async fn answer_file(&self, server: &MockServer) {
        self.mock()
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-disposition", "attachment; filename=\"test.bin\"")
                    .set_body_raw(b"file-bytes".to_vec(), "application/octet-stream"),
            )
            .expect(1)
            .mount(server)
            .await;
    }

    /// Has `server` answer this call with two pages of the reply `reply_json`: the first
    /// says there is more with the token `page-2`, the second, asked for with that token,
    /// is the last. Returns how many items a page has.
    pub async fn answer_two_pages(
        &self,
        server: &MockServer,
        reply_json: &str,
        page: PageFields<'_>,
    ) -> usize {
        let reply = json(reply_json, "the reply example");
        let per_page = reply["data"][page.items].as_array().map_or(0, Vec::len);
        let mut first = reply.clone();
        first["data"][page.has_more] = Value::Bool(true);
        first["data"][page.next_token] = Value::from("page-2");
        let mut last = reply;
        last["data"][page.has_more] = Value::Bool(false);
        let second = if page.token_in_query {
            self.mock()
                .and(wiremock::matchers::query_param(page.token_param, "page-2"))
        } else {
            let token = serde_json::json!({ page.token_param: "page-2" });
            self.mock().and(body_partial_json(token))
        };
        second
            .respond_with(ResponseTemplate::new(200).set_body_json(&last))
            .with_priority(1)
            .expect(1)
            .mount(server)
            .await;
        self.mock()
            .respond_with(ResponseTemplate::new(200).set_body_json(&first))
            .with_priority(2)
            .expect(1)
            .mount(server)
            .await;
        per_page
    }
}

/// A client that calls `server` with the token [`TEST_TOKEN`].
pub fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token(TEST_TOKEN)
        .build()
        .expect("a client with a base URL and a token builds")
}

/// The request example `example_json` decodes into `T` and encodes back to the same JSON
/// (see [`assert_same_json`]).
pub fn assert_round_trips<T: Serialize + DeserializeOwned>(example_json: &str) {
    let example = json(example_json, "the request example");
    let body: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("the request example decodes into the body type: {e}"));
    let encoded = serde_json::to_value(&body).expect("the body encodes");
    assert_same_json(&example, &encoded, "body");
}

/// The reply example `reply_json`'s `data` decodes into `T` with every field kept (see
/// [`assert_fields_kept`]).
pub fn assert_decodes<T: Serialize + DeserializeOwned>(reply_json: &str) {
    let data = data_of(&json(reply_json, "the reply example"));
    let reply: T = serde_json::from_value(data.clone())
        .unwrap_or_else(|e| panic!("the reply example decodes into the reply type: {e}"));
    let encoded = serde_json::to_value(&reply).expect("the reply encodes");
    assert_fields_kept(&data, &encoded, "data");
}

/// `data` decoded as `T`, as a call's reply should be.
pub fn decoded<T: DeserializeOwned>(data: Value) -> T {
    serde_json::from_value(data).unwrap_or_else(|e| panic!("the reply's data decodes: {e}"))
}

/// `actual` sends what `expected` says: the same keys and values, where a `null` is the
/// same as no key (unset options are left out), `100` the same as `100.0`, and `"42"` the
/// same as `42` (64-bit integers travel as strings). Panics naming the first path that
/// differs (`body.items[2].name`).
pub fn assert_same_json(expected: &Value, actual: &Value, at: &str) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for key in expected.keys().chain(actual.keys()) {
                let e = expected.get(key).unwrap_or(&Value::Null);
                let a = actual.get(key).unwrap_or(&Value::Null);
                assert_same_json(e, a, &format!("{at}.{key}"));
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            assert_eq!(expected.len(), actual.len(), "length of `{at}`");
            for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
                assert_same_json(e, a, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(e), Value::Number(a)) => assert_eq!(e.as_f64(), a.as_f64(), "`{at}`"),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            assert_eq!(s.parse::<f64>().ok(), n.as_f64(), "`{at}`: {s} vs {n}");
        }
        (expected, actual) => assert_eq!(expected, actual, "`{at}`"),
    }
}

/// Every non-null value of `expected` is present in `actual`: a type that drops a
/// documented field fails here, naming it.
pub fn assert_fields_kept(expected: &Value, actual: &Value, at: &str) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected.iter().filter(|(_, v)| !v.is_null()) {
                let found = actual
                    .get(key)
                    .unwrap_or_else(|| panic!("field `{at}.{key}` was dropped"));
                assert_fields_kept(value, found, &format!("{at}.{key}"));
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            assert_eq!(expected.len(), actual.len(), "length of `{at}`");
            for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
                assert_fields_kept(e, a, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// A reply's `data`, or an empty object when it has none.
fn data_of(reply: &Value) -> Value {
    reply
        .get("data")
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()))
}

/// `text` as JSON; a page's example that is not JSON is a bug in the generated test.
fn json(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what} is JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let err = std::panic::catch_unwind(f).expect_err("the assertion fails");
        err.downcast_ref::<String>()
            .cloned()
            .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn same_json_treats_null_as_absent_and_int64_strings_as_numbers() {
        let expected = json!({"a": 1, "b": null, "id": 42, "n": 100});
        let actual = json!({"a": 1.0, "id": "42", "n": 100.0});
        assert_same_json(&expected, &actual, "body");
    }

    #[test]
    fn same_json_names_the_nested_path_that_differs() {
        let expected = json!({"items": [{"name": "a"}, {"name": "b"}]});
        let actual = json!({"items": [{"name": "a"}, {"name": "c"}]});
        let text = panic_text(|| assert_same_json(&expected, &actual, "body"));
        assert!(text.contains("`body.items[1].name`"), "{text}");
    }

    #[test]
    fn same_json_fails_on_an_extra_member() {
        let text = panic_text(|| assert_same_json(&json!({}), &json!({"x": 1}), "body"));
        assert!(text.contains("`body.x`"), "{text}");
    }

    #[test]
    fn fields_kept_fails_naming_a_dropped_field_and_ignores_nulls() {
        assert_fields_kept(
            &json!({"a": null, "b": 1}),
            &json!({"b": 1, "c": 2}),
            "data",
        );
        let text =
            panic_text(|| assert_fields_kept(&json!({"x": {"y": 1}}), &json!({"x": {}}), "data"));
        assert_eq!(text, "field `data.x.y` was dropped");
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Body {
        name: String,
    }

    #[test]
    fn round_trip_and_decode_go_through_the_type() {
        assert_round_trips::<Body>(r#"{"name": "a"}"#);
        assert_decodes::<Body>(r#"{"code": 0, "data": {"name": "a"}}"#);
        let text = panic_text(|| assert_decodes::<Body>(r#"{"data": {"name": "a", "age": 3}}"#));
        assert_eq!(text, "field `data.age` was dropped");
    }

    #[tokio::test]
    async fn the_mock_answers_only_the_documented_call() {
        let server = MockServer::start().await;
        let call = ExpectedCall {
            method: "POST",
            path: "/open-apis/x/v1/things",
            query: &[("user_id_type", "open_id")],
            body: ExpectedBody::Json(r#"{"name": "a"}"#),
        };
        let data = call
            .answer(
                &server,
                r#"{"code": 0, "msg": "ok", "data": {"name": "b"}}"#,
            )
            .await;
        assert_eq!(data, json!({"name": "b"}));
        let http = reqwest::Client::new();
        let url = format!("{}/open-apis/x/v1/things", server.uri());
        let wrong_body = http
            .post(format!("{url}?user_id_type=open_id"))
            .bearer_auth(TEST_TOKEN)
            .json(&json!({"name": "z"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong_body.status(), 404);
        let no_query = http
            .post(&url)
            .bearer_auth(TEST_TOKEN)
            .json(&json!({"name": "a"}))
            .send()
            .await
            .unwrap();
        assert_eq!(no_query.status(), 404);
        let right = http
            .post(format!("{url}?user_id_type=open_id"))
            .bearer_auth(TEST_TOKEN)
            .json(&json!({"name": "a"}))
            .send()
            .await
            .unwrap();
        assert_eq!(right.status(), 200);
    }

    #[tokio::test]
    async fn two_pages_are_told_apart_by_the_token() {
        let server = MockServer::start().await;
        let call = ExpectedCall {
            method: "GET",
            path: "/open-apis/x/v1/things",
            query: &[],
            body: ExpectedBody::Any,
        };
        let page = PageFields {
            token_param: "page_token",
            token_in_query: true,
            items: "items",
            has_more: "has_more",
            next_token: "page_token",
        };
        let reply = r#"{"code": 0, "data": {"items": [1, 2, 3]}}"#;
        assert_eq!(call.answer_two_pages(&server, reply, page).await, 3);
        let http = reqwest::Client::new();
        let get = |query: &'static str| {
            let request = http
                .get(format!("{}/open-apis/x/v1/things{query}", server.uri()))
                .bearer_auth(TEST_TOKEN);
            async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let first = get("").await;
        assert_eq!(first["data"]["has_more"], true);
        assert_eq!(first["data"]["page_token"], "page-2");
        let last = get("?page_token=page-2").await;
        assert_eq!(last["data"]["has_more"], false);
    }
}
