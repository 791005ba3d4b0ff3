//! The generated client for the pages this project wrote itself (specs/pages/im): a
//! multipart upload, a streamed download and a paged list, end to end on a mock server.

use feishu_api::im::v1::chat::ListRequest;
use feishu_api::im::v1::file::{CreateRequest, GetRequest};
use feishu_api::{Client, Error, runtime};
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::new(
        runtime::Client::builder()
            .base_url(server.uri())
            .app_credentials("cli_own", "own-secret")
            .build()
            .unwrap(),
    )
}

async fn mount_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/tenant_access_token/internal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "ok", "tenant_access_token": "t-own", "expire": 7200
        })))
        .expect(1)
        .mount(server)
        .await;
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "msg": "success", "data": data}))
}

#[tokio::test]
async fn upload_sends_the_exact_multipart_body() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/open-apis/im/v1/files"))
        .and(header("authorization", "Bearer t-own"))
        .respond_with(ok(json!({"file_key": "file_v2_1"})))
        .expect(1)
        .mount(&server)
        .await;
    let file = runtime::FileUpload::from_bytes("测试.pdf", &b"%PDF-1.4"[..])
        .content_type("application/pdf");
    let request = CreateRequest::builder("pdf", "测试.pdf", file)
        .duration(3000)
        .build();
    let reply = client(&server)
        .im()
        .v1()
        .file()
        .create(request)
        .await
        .unwrap();
    assert_eq!(reply.file_key.as_deref(), Some("file_v2_1"));

    let sent = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/open-apis/im/v1/files")
        .unwrap();
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = String::from_utf8(sent.body.clone())
        .unwrap()
        .replace(boundary, "B");
    assert_eq!(
        body,
        "--B\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\npdf\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file_name\"\r\n\r\n测试.pdf\r\n\
         --B\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n3000\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"测试.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--B--\r\n"
    );
}

#[tokio::test]
async fn upload_rules_are_checked_before_sending() {
    let server = MockServer::start().await;
    let file = runtime::FileUpload::from_bytes("a.pdf", &b"x"[..]);
    let request = CreateRequest::builder("pdf", "", file).build();
    let err = client(&server)
        .im()
        .v1()
        .file()
        .create(request)
        .await
        .unwrap_err();
    let Error::Validation(err) = err else {
        panic!("{err:?}")
    };
    assert_eq!(err.field, "body.file_name");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn download_streams_the_file_and_maps_errors() {
    let server = MockServer::start().await;
    mount_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/open-apis/im/v1/files/file_v2_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "content-disposition",
                    "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
                )
                .set_body_raw(b"%PDF-1.4 content".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/open-apis/im/v1/files/gone"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("X-Tt-Logid", "L-gone")
                .set_body_json(json!({
                    "code": 234003, "msg": "File not in msg."
                })),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let files = client.im().v1().file();
    let mut out = Vec::new();
    let download = files
        .get(GetRequest::builder("file_v2_1").build(), &mut out)
        .await
        .unwrap();
    assert_eq!(out, b"%PDF-1.4 content");
    assert_eq!(download.file_name.as_deref(), Some("报告.pdf"));
    assert_eq!(download.content_type.as_deref(), Some("application/pdf"));

    let mut out = Vec::new();
    let err = files
        .get(GetRequest::builder("gone").build(), &mut out)
        .await
        .unwrap_err();
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!((api.code, api.log_id.as_deref()), (234003, Some("L-gone")));
    assert_eq!(api.hint, Some("文件不存在或不属于当前应用。"));
}

#[tokio::test]
async fn list_stream_reads_three_pages_with_a_user_token() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool, token: &str| {
        let items: Vec<Value> = ids
            .iter()
            .map(|id| json!({"chat_id": id, "name": id}))
            .collect();
        ok(json!({"items": items, "has_more": more, "page_token": token}))
    };
    for (token, reply) in [
        (None, page(&["oc_1", "oc_2"], true, "p2")),
        (Some("p2"), page(&["oc_3", "oc_4"], true, "p3")),
        (Some("p3"), page(&["oc_5"], false, "")),
    ] {
        let mock = Mock::given(method("GET"))
            .and(path("/open-apis/im/v1/chats"))
            .and(query_param("page_size", "2"))
            .and(query_param("sort_type", "ByActiveTimeDesc"))
            .and(header("authorization", "Bearer u-user"));
        let mock = match token {
            Some(token) => mock.and(query_param("page_token", token)),
            None => mock.and(query_param_is_missing("page_token")),
        };
        mock.respond_with(reply).expect(1).mount(&server).await;
    }
    let request = ListRequest::builder()
        .page_size(2)
        .sort_type("ByActiveTimeDesc")
        .build();
    let user = client(&server).with_user_access_token("u-user");
    let chats: Vec<_> = user
        .im()
        .v1()
        .chat()
        .list_stream(request)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = chats.iter().filter_map(|c| c.chat_id.as_deref()).collect();
    assert_eq!(ids, ["oc_1", "oc_2", "oc_3", "oc_4", "oc_5"]);
}

#[tokio::test]
async fn list_rules_are_checked_on_every_page_request() {
    let server = MockServer::start().await;
    let request = ListRequest::builder().page_size(101).build();
    let err = client(&server)
        .im()
        .v1()
        .chat()
        .list_stream(request)
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `query.page_size`: 101 is above the maximum 100"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Whether `T` implements `Default`, asked at run time: the inherent method applies only
/// when `T: Default`, else method lookup falls back to the trait's (autoref) answer.
struct Probe<T>(std::marker::PhantomData<T>);

trait NoDefault {
    fn has_default(&self) -> bool {
        false
    }
}

impl<T> NoDefault for &Probe<T> {}

impl<T: Default> Probe<T> {
    fn has_default(&self) -> bool {
        true
    }
}

macro_rules! has_default {
    ($ty:ty) => {
        (&Probe::<$ty>(std::marker::PhantomData)).has_default()
    };
}

/// A list of values has no `Default` (it used to be `Unknown("")`), nor does a body with a
/// required member; a body of optional members does.
#[test]
fn nothing_required_defaults_to_empty() {
    use feishu_api::im::v1::chat::list::{SortType, UserIdType};
    use feishu_api::im::v1::file::create::{CreateRequestBody, FileType};

    assert!(!has_default!(FileType));
    assert!(!has_default!(UserIdType));
    assert!(!has_default!(SortType));
    assert!(!has_default!(CreateRequestBody));
    assert!(has_default!(Option<FileType>));
    assert!(has_default!(
        feishu_api::aily::v1::aily_session::UpdateRequestBody
    ));
}
