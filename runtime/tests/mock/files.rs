//! Multipart uploads (the exact body) and downloads (name, streaming, error replies).

use feishu_runtime::{ApiRequest, FileUpload, Method, MultipartForm};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn upload(form: MultipartForm) -> ApiRequest {
    ApiRequest::new(Method::Post, "/open-apis/im/v1/files")
        .tokens(TENANT_USER)
        .multipart_body(form)
}

/// The body of the only request the server saw, with its boundary replaced by `BOUNDARY`.
async fn multipart_body(server: &MockServer) -> String {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let content_type = received[0]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content type {content_type}"));
    String::from_utf8(received[0].body.clone())
        .unwrap()
        .replace(boundary, "BOUNDARY")
}

#[tokio::test]
async fn exact_multipart_body_from_bytes_path_and_reader() {
    let dir = tempfile::tempdir().unwrap();
    let on_disk = dir.path().join("notes.txt");
    std::fs::write(&on_disk, "from disk").unwrap();
    let cases = [
        FileUpload::from_bytes("报告.pdf", &b"%PDF-1.4 bytes"[..]).content_type("application/pdf"),
        FileUpload::from_path(&on_disk),
        FileUpload::from_reader(
            "stream.bin",
            std::io::Cursor::new(b"from a reader".to_vec()),
        ),
    ];
    let expected_file_parts = [
        "Content-Disposition: form-data; name=\"file\"; filename=\"报告.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4 bytes",
        "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\
         Content-Type: application/octet-stream\r\n\r\nfrom disk",
        "Content-Disposition: form-data; name=\"file\"; filename=\"stream.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\nfrom a reader",
    ];
    for (file, part) in cases.into_iter().zip(expected_file_parts) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/open-apis/im/v1/files"))
            .respond_with(ok(json!({"file_key": "file_v2_1"})))
            .mount(&server)
            .await;
        let client = builder(&server).access_token("t").build().unwrap();
        let form = MultipartForm::new()
            .text("file_type", "pdf")
            .text("duration", 3000)
            .file("file", file);
        let data: Value = client.send(upload(form)).await.unwrap();
        assert_eq!(data, json!({"file_key": "file_v2_1"}));
        assert_eq!(
            multipart_body(&server).await,
            format!(
                "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\npdf\r\n\
                 --BOUNDARY\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n3000\r\n\
                 --BOUNDARY\r\n{part}\r\n--BOUNDARY--\r\n"
            )
        );
    }
}

#[tokio::test]
async fn a_missing_file_is_a_clear_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = builder(&server).access_token("t").build().unwrap();
    let form = MultipartForm::new().file("file", FileUpload::from_path("/no/such/file.txt"));
    let err = client.send::<Value>(upload(form)).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("config: cannot open `/no/such/file.txt`: "),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_reader_is_sent_once() {
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    Mock::given(method("POST"))
        .and(path("/open-apis/im/v1/files"))
        .respond_with(api_error(400, 99991663, "Invalid access token"))
        .mount(&server)
        .await;
    let client = app_client(&server);
    // A refused token would normally be retried with a fresh one; a streamed reader cannot
    // be sent twice, so the error comes back instead.
    let form =
        MultipartForm::new().file("file", FileUpload::from_reader("r.bin", tokio::io::empty()));
    let err = client.send::<Value>(upload(form)).await.unwrap_err();
    assert_eq!(err.code(), Some(99991663));
    assert_eq!(seen(&server, "/open-apis/im/v1/files").await.len(), 1);
}

fn download(key: &str) -> ApiRequest {
    ApiRequest::new(Method::Get, "/open-apis/im/v1/files/:file_key")
        .tokens(TENANT_USER)
        .path_param("file_key", key)
}

#[tokio::test]
async fn download_streams_into_a_writer_with_the_file_name() {
    let server = MockServer::start().await;
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/open-apis/im/v1/files/file_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Content-Disposition",
                    "attachment; filename=\"a.bin\"; filename*=UTF-8''%E5%9B%BE.bin",
                )
                .set_body_raw(content.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let client = builder(&server).access_token("t").build().unwrap();
    let mut out = Vec::new();
    let got = client.download(download("file_1"), &mut out).await.unwrap();
    assert_eq!(out, content);
    assert_eq!(got.file_name.as_deref(), Some("图.bin"));
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(got.content_length, Some(300_000));
    assert_eq!(got.bytes_written, 300_000);
}

#[tokio::test]
async fn download_error_replies_are_api_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(api_error(400, 234003, "File not in msg.").insert_header("X-Tt-Logid", "L7"))
        .mount(&server)
        .await;
    let client = no_retry_client(&server);
    let mut out = Vec::new();
    let err = client.download(download("f"), &mut out).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Feishu error 234003 (HTTP 400): File not in msg. (log id L7)"
    );
    assert!(out.is_empty());
}
