//! The exported OpenAPI document through a generator nobody here wrote: PyPI's
//! `openapi-python-client` builds a Python client from it, that client and ours send the
//! seed endpoint's request to one local mock server, and the two requests must be the
//! same (method, raw path, token, media type, JSON body); the Python client must also
//! decode the documented reply.
//!
//! The tools live in a virtualenv: `$FEISHU_PY_TOOLS`, else `target/py-tools`, which
//! `.ci/openapi-tools` creates. Without them the test skips with a message, except in CI
//! (`CI=true`), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use feishu_api::aily::v1::aily_session::UpdateRequest;
use feishu_api::{Client, runtime};
use feishu_codegen::openapi;
use feishu_codegen::spec::{Spec, yaml};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The virtualenv's `bin/`, when it has both tools; otherwise why not.
fn tools() -> Result<PathBuf, String> {
    let venv = std::env::var_os("FEISHU_PY_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/py-tools"));
    let bin = venv.join("bin");
    for tool in ["python", "openapi-python-client"] {
        if !bin.join(tool).is_file() {
            return Err(format!(
                "{} is missing (run `bash .ci/openapi-tools` to install openapi-python-client)",
                bin.join(tool).display()
            ));
        }
    }
    Ok(bin)
}

/// Every spec in specs/ir/.
fn checked_in_specs() -> Vec<Spec> {
    fn walk(dir: &Path, out: &mut Vec<Spec>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push(
                    yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
                );
            }
        }
    }
    let mut specs = Vec::new();
    walk(&repo().join("specs/ir"), &mut specs);
    specs
}

const SEED_REPLY: &str = r#"{"code": 0, "msg": "success", "data": {"session": {
    "id": "session_4dfunz7sp1g8m", "created_at": "1711975665710", "modified_at": "1711975665710",
    "created_by": "1794840334557292", "channel_context": "{}", "metadata": "{}"}}}"#;

/// Sends the seed request through the generated Python client; prints what it decoded.
const PYTHON_CALL: &str = r#"
import json, sys
from feishu_py import AuthenticatedClient
from feishu_py.api.aily.aily_v1_aily_session_update import sync_detailed
from feishu_py.models.aily_v1_aily_session_update_body import AilyV1AilySessionUpdateBody

client = AuthenticatedClient(base_url=sys.argv[1], token="u-token-1")
body = AilyV1AilySessionUpdateBody(channel_context="ctx", metadata='{"topic":"billing"}')
reply = sync_detailed("session/a b", client=client, body=body)
session = reply.parsed.data.session
print(json.dumps({"status": reply.status_code.value, "code": reply.parsed.code,
                  "id": session.id, "created_by": session.created_by}))
"#;

/// What a request is compared by.
fn essentials(request: &wiremock::Request) -> Value {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_string())
    };
    // `application/json; charset=utf-8` and `application/json` are one media type.
    let media_type = header("content-type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    json!({
        "method": request.method.as_str(),
        "path": request.url.path(),
        "query": request.url.query(),
        "authorization": header("authorization"),
        "content_type": media_type,
        "body": serde_json::from_slice::<Value>(&request.body).ok(),
    })
}

#[tokio::test]
async fn python_client_generated_from_the_document_sends_what_ours_sends() {
    let bin = match tools() {
        Ok(bin) => bin,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs openapi-python-client: {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let work = std::env::temp_dir().join(format!("feishu-openapi-python-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let document = openapi::document(&checked_in_specs()).unwrap();
    let doc_path = work.join("feishu.json");
    std::fs::write(&doc_path, openapi::to_json(&document)).unwrap();
    // No post hooks: they would run ruff, which formatting needs and the comparison does not.
    let config = work.join("config.yaml");
    std::fs::write(
        &config,
        "package_name_override: feishu_py\npost_hooks: []\n",
    )
    .unwrap();
    let generated = Command::new(bin.join("openapi-python-client"))
        .args(["generate", "--meta", "none", "--path"])
        .arg(&doc_path)
        .arg("--config")
        .arg(&config)
        .arg("--output-path")
        .arg(work.join("feishu_py"))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&generated.stdout).into_owned()
        + &String::from_utf8_lossy(&generated.stderr);
    assert!(
        generated.status.success(),
        "openapi-python-client failed:\n{log}"
    );
    assert!(
        !log.contains("Warning"),
        "openapi-python-client warned:\n{log}"
    );

    let server = MockServer::start().await;
    let reply: Value = serde_json::from_str(SEED_REPLY).unwrap();
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .mount(&server)
        .await;

    let script = work.join("call.py");
    std::fs::write(&script, PYTHON_CALL).unwrap();
    let python = Command::new(bin.join("python"))
        .arg(&script)
        .arg(server.uri())
        .env("PYTHONPATH", &work)
        .output()
        .unwrap();
    assert!(
        python.status.success(),
        "the Python client failed:\n{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let decoded: Value = serde_json::from_slice(&python.stdout).unwrap();
    assert_eq!(
        decoded,
        json!({"status": 200, "code": 0, "id": "session_4dfunz7sp1g8m", "created_by": "1794840334557292"})
    );

    let ours = Client::new(
        runtime::Client::builder()
            .base_url(server.uri())
            .access_token("u-token-1")
            .build()
            .unwrap(),
    );
    let request = UpdateRequest::builder("session/a b")
        .channel_context("ctx")
        .metadata(r#"{"topic":"billing"}"#)
        .build();
    ours.aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let (python_sent, rust_sent) = (essentials(&received[0]), essentials(&received[1]));
    assert_eq!(
        rust_sent,
        json!({
            "method": "PUT",
            "path": "/open-apis/aily/v1/sessions/session%2Fa%20b",
            "query": null,
            "authorization": "Bearer u-token-1",
            "content_type": "application/json",
            "body": {"channel_context": "ctx", "metadata": "{\"topic\":\"billing\"}"},
        })
    );
    assert_eq!(python_sent, rust_sent);
    let _ = std::fs::remove_dir_all(&work);
}
