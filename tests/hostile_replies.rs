//! Replies a server should not send, against the generated client: the call never panics;
//! a gap decodes as `None`, extra fields are ignored, and anything else is an error that
//! names the field or shows the body.

use feishu_api::aily::v1::aily_session::{UpdateRequest, UpdateResponse};
use feishu_api::im::v1::chat::ListRequest;
use feishu_api::{Client, Error, runtime};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn reply_with(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(template.clone())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    let core = runtime::Client::builder()
        .base_url(server.uri())
        .access_token("t")
        .retry(runtime::RetryPolicy::none())
        .build()
        .unwrap();
    (server, Client::new(core))
}

async fn update(template: ResponseTemplate) -> Result<UpdateResponse, Error> {
    let (_server, client) = reply_with(template).await;
    let request = UpdateRequest::builder("s1").build();
    client.aily().v1().aily_session().update(request).await
}

fn json_reply(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The error a chat list call gets from this reply.
async fn list_error(body: serde_json::Value) -> Error {
    let (_server, client) = reply_with(json_reply(body)).await;
    client
        .im()
        .v1()
        .chat()
        .list(ListRequest::builder().build())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn gaps_and_extras_decode() {
    for body in [
        json!({"code": 0, "msg": "ok"}),
        json!({"code": 0, "msg": "ok", "data": null}),
        json!({"code": 0, "data": {}}),
        json!({"code": 0, "data": {"session": null}}),
        json!({"code": 0, "data": {"unknown": [1, 2], "session": {"new_field": {"x": 1}}}}),
    ] {
        let reply = update(json_reply(body.clone())).await;
        assert!(reply.is_ok(), "{body}: {reply:?}");
    }
    let reply = update(json_reply(json!({
        "code": 0, "data": {"session": {"id": "s1", "new_field": true}}
    })))
    .await
    .unwrap();
    assert_eq!(reply.session.unwrap().id.as_deref(), Some("s1"));
}

#[tokio::test]
async fn wrong_types_name_the_field() {
    let err = update(json_reply(
        json!({"code": 0, "data": {"session": {"id": 42}}}),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
    assert!(
        err.to_string()
            .starts_with("cannot decode reply: at `data.session.id`: invalid type: integer `42`, expected a string"),
        "{err}"
    );

    let err = list_error(json!({
        "code": 0, "data": {"items": [{"chat_id": "oc_1"}, {"chat_id": ["oc_2"]}], "has_more": false}
    }))
    .await;
    assert!(
        err.to_string().contains("at `data.items[1].chat_id`"),
        "{err}"
    );
}

#[tokio::test]
async fn broken_envelopes_are_errors_with_the_body() {
    let cases = [
        (
            ResponseTemplate::new(200).set_body_raw("{\"code\":0,\"data\":", "application/json"),
            "cannot decode reply: EOF",
        ),
        (
            ResponseTemplate::new(200).set_body_raw("not json", "application/json"),
            "cannot decode reply: expected ident",
        ),
        (
            json_reply(json!({"code": "0"})),
            "cannot decode reply: invalid type: string \"0\", expected i64",
        ),
        (
            json_reply(json!([1, 2])),
            "cannot decode reply: invalid type: integer `2`, expected a string at line 1 column 4",
        ),
        (
            ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"),
            "cannot decode reply: expected JSON, got text/html",
        ),
        (
            ResponseTemplate::new(503).set_body_string("upstream down"),
            "HTTP 503: upstream down",
        ),
        (
            ResponseTemplate::new(200),
            "cannot decode reply: EOF while parsing a value",
        ),
    ];
    for (template, expected) in cases {
        let err = update(template).await.unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "expected `{expected}`, got `{err}`"
        );
    }
}

#[tokio::test]
async fn an_error_code_with_a_success_status_is_still_an_error() {
    let err = update(json_reply(
        json!({"code": 2700001, "msg": "param is invalid", "data": {}}),
    ))
    .await
    .unwrap_err();
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.code, api.http_status, api.hint),
        (2700001, 200, Some("参数错误"))
    );
}

#[tokio::test]
async fn a_huge_reply_is_cut_in_the_error() {
    let body = format!(
        "{{\"code\":0,\"data\":{{\"session\":{{\"id\":{}}}}}}}",
        "9".repeat(100_000)
    );
    let err = update(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 1_000, "{} bytes", text.len());
    assert!(text.ends_with('…'), "{text}");
}

#[tokio::test]
async fn enum_values_the_page_does_not_list_still_decode_and_go_back_as_sent() {
    use feishu_api::im::v1::chat::list::{ChatStatus, SortType, UserIdType};
    use wiremock::matchers::query_param;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("user_id_type", "union_id"))
        .and(query_param("sort_type", "ByMemberCountDesc"))
        .respond_with(json_reply(json!({"code": 0, "data": {"items": [
            {"chat_status": "normal"},
            {"chat_status": "frozen"},
            {"chat_status": null},
            {}
        ], "has_more": false}})))
        .expect(1)
        .mount(&server)
        .await;
    let core = runtime::Client::builder()
        .base_url(server.uri())
        .access_token("t")
        .build()
        .unwrap();
    let request = ListRequest::builder()
        .user_id_type(UserIdType::UnionId)
        .sort_type("ByMemberCountDesc")
        .build();
    assert_eq!(
        request.sort_type,
        Some(SortType::Unknown("ByMemberCountDesc".into()))
    );
    let reply = Client::new(core)
        .im()
        .v1()
        .chat()
        .list(request)
        .await
        .unwrap();
    let statuses: Vec<Option<ChatStatus>> = reply
        .items
        .unwrap()
        .into_iter()
        .map(|item| item.chat_status)
        .collect();
    assert_eq!(
        statuses,
        [
            Some(ChatStatus::Normal),
            Some(ChatStatus::Unknown("frozen".into())),
            None,
            None
        ]
    );
    let frozen = ChatStatus::from("frozen");
    assert_eq!(serde_json::to_value(&frozen).unwrap(), json!("frozen"));
    assert_eq!(frozen.to_string(), "frozen");
    assert_eq!(ChatStatus::DissolvedSave.as_str(), "dissolved_save");
}

#[tokio::test]
async fn an_enum_of_the_wrong_type_is_a_decode_error_naming_the_field() {
    let err = list_error(json!({
        "code": 0, "data": {"items": [{"chat_status": "normal"}, {"chat_status": 5}]}
    }))
    .await;
    assert!(
        err.to_string().contains(
            "at `data.items[1].chat_status`: invalid type: integer `5`, expected a string"
        ),
        "{err}"
    );
}
