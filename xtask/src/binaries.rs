//! The programs `build-bench` builds to show what a user's binary costs: the seed's
//! `update` called with tenant-token auth through the generated crate, through openlark and
//! through plain reqwest + serde derive, and one endpoint per service with `full` on.
//!
//! Each is a small crate of its own in the bench's scratch directory, built for release in
//! the bench's one target directory and stripped with `strip` afterwards (a `strip` profile
//! setting would rebuild every dependency), so the sizes differ only by what each program
//! links.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// One program to build: its crate directory and what it is.
pub struct Program {
    pub label: String,
    pub dir: PathBuf,
    /// The binary's name (the crate's).
    pub name: &'static str,
    /// Endpoints the program calls.
    pub calls: usize,
}

/// The plain reqwest + serde program's crate name: the others' sizes are compared to it.
pub const PLAIN: &str = "seed-plain";

/// The seed's endpoint, as the three programs call it.
pub const SEED_CALL: &str = "`PUT /open-apis/aily/v1/sessions/:aily_session_id`";

/// Write the four programs under `work/programs`; `ours` is the generated crate.
pub fn write_programs(
    work: &Path,
    ours: &Path,
    openlark: &str,
) -> Result<Vec<Program>, Box<dyn Error>> {
    let root = work.join("programs");
    let ours_dep = format!(
        "feishu-api = {{ path = {:?}, default-features = false, features = [{{features}}] }}",
        ours.display().to_string()
    );
    let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }";
    let seed_ours = write_crate(
        &root,
        "seed-ours",
        &[&ours_dep.replace("{features}", "\"aily\""), tokio],
        SEED_OURS,
    )?;
    let seed_openlark = write_crate(
        &root,
        "seed-openlark",
        &[
            &format!(
                "openlark = {{ version = \"={openlark}\", default-features = false, features = [\"communication\"] }}"
            ),
            tokio,
        ],
        SEED_OPENLARK,
    )?;
    let seed_plain = write_crate(
        &root,
        PLAIN,
        &[
            "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\", \"json\"] }",
            "serde = { version = \"1\", features = [\"derive\"] }",
            tokio,
        ],
        SEED_PLAIN,
    )?;
    let (full_source, calls) = full_program(ours)?;
    let full_ours = write_crate(
        &root,
        "full-ours",
        &[&ours_dep.replace("{features}", "\"full\""), tokio],
        &full_source,
    )?;
    Ok(vec![
        program(
            "feishu-api (`aily`), seed `update`",
            seed_ours,
            "seed-ours",
            1,
        ),
        program(
            &format!("openlark {openlark} (`communication`), seed `update`"),
            seed_openlark,
            "seed-openlark",
            1,
        ),
        program(
            "plain reqwest + serde derive, seed `update`",
            seed_plain,
            PLAIN,
            1,
        ),
        program(
            "feishu-api (`full`), one endpoint per service",
            full_ours,
            "full-ours",
            calls,
        ),
    ])
}

fn program(label: &str, dir: PathBuf, name: &'static str, calls: usize) -> Program {
    Program {
        label: label.to_string(),
        dir,
        name,
        calls,
    }
}

fn write_crate(
    root: &Path,
    name: &str,
    dependencies: &[&str],
    main: &str,
) -> Result<PathBuf, Box<dyn Error>> {
    let dir = root.join(name);
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{}\n\n[workspace]\n",
            dependencies.join("\n")
        ),
    )?;
    fs::write(dir.join("src/main.rs"), main)?;
    Ok(dir)
}

const SEED_OURS: &str = r#"//! The seed's `update` through the generated crate, with tenant-token auth.

use feishu_api::aily::v1::aily_session::UpdateRequest;
use feishu_api::{Client, runtime};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).unwrap_or_else(|| "https://open.feishu.cn".into());
    let core = runtime::Client::builder()
        .app_credentials("cli_a1b2c3", "app secret")
        .base_url(base)
        .build()
        .expect("a client");
    let client = Client::new(core);
    let request = UpdateRequest::builder("session_1").metadata("{}").build();
    match client.aily().v1().aily_session().update(request).await {
        Ok(reply) => println!("{reply:?}"),
        Err(error) => eprintln!("{error}"),
    }
}
"#;

const SEED_OPENLARK: &str = r#"//! The seed's `update` through openlark, with tenant-token auth.

use open_lark::communication::aily::aily::v1::aily_session::update::{
    UpdateSessionBody, UpdateSessionRequest,
};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).unwrap_or_else(|| "https://open.feishu.cn".into());
    let config = open_lark::Config::builder()
        .app_id("cli_a1b2c3")
        .app_secret("app secret")
        .base_url(base)
        .build();
    let request = UpdateSessionRequest::new(config).aily_session_id("session_1");
    match request.execute(UpdateSessionBody::new().name("{}")).await {
        Ok(reply) => println!("{reply:?}"),
        Err(error) => eprintln!("{error:?}"),
    }
}
"#;

const SEED_PLAIN: &str = r#"//! The seed's `update` with plain reqwest and serde derive: fetch a tenant token, send.

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct TokenRequest<'a> {
    app_id: &'a str,
    app_secret: &'a str,
}

#[derive(Deserialize)]
struct TokenReply {
    code: i64,
    msg: String,
    tenant_access_token: Option<String>,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_context: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a str>,
}

#[derive(Deserialize)]
struct Reply<T> {
    code: i64,
    msg: String,
    data: Option<T>,
}

/// Read through `Debug` only.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct UpdateData {
    session: Option<Session>,
}

/// Read through `Debug` only.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Session {
    id: Option<String>,
    created_at: Option<String>,
    modified_at: Option<String>,
    created_by: Option<String>,
    channel_context: Option<String>,
    metadata: Option<String>,
}

async fn update(base: &str) -> Result<Reply<UpdateData>, Box<dyn std::error::Error>> {
    let http = reqwest::Client::new();
    let token: TokenReply = http
        .post(format!("{base}/open-apis/auth/v3/tenant_access_token/internal"))
        .json(&TokenRequest { app_id: "cli_a1b2c3", app_secret: "app secret" })
        .send()
        .await?
        .json()
        .await?;
    let Some(token) = token.tenant_access_token else {
        return Err(format!("no token: {} {}", token.code, token.msg).into());
    };
    let body = UpdateBody { channel_context: None, metadata: Some("{}") };
    Ok(http
        .put(format!("{base}/open-apis/aily/v1/sessions/session_1"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).unwrap_or_else(|| "https://open.feishu.cn".into());
    match update(&base).await {
        Ok(reply) if reply.code == 0 => println!("{:?}", reply.data),
        Ok(reply) => eprintln!("{} {}", reply.code, reply.msg),
        Err(error) => eprintln!("{error}"),
    }
}
"#;

/// A program that calls, for every service of the generated crate, its first endpoint whose
/// request has nothing required (`builder()` takes no argument). Returns the source and
/// how many calls it makes.
fn full_program(ours: &Path) -> Result<(String, usize), Box<dyn Error>> {
    let src = ours.join("src");
    let mut calls = Vec::new();
    for service in sorted_dirs(&src)? {
        if let Some(call) = first_plain_call(&src, &service)? {
            calls.push(call);
        }
    }
    // Each call in a function of its own, as a program would have them, not one state
    // machine holding them all.
    let mut main = String::from(
        "//! One endpoint of every service through the generated crate with `full` on.\n\n\
         use feishu_api::{Client, runtime};\n\n\
         #[tokio::main(flavor = \"current_thread\")]\n\
         async fn main() {\n    \
         let base = std::env::args().nth(1).unwrap_or_else(|| \"https://open.feishu.cn\".into());\n    \
         let core = runtime::Client::builder()\n        .app_credentials(\"cli_a1b2c3\", \"app secret\")\n        \
         .base_url(base)\n        .build()\n        .expect(\"a client\");\n    \
         let client = Client::new(core);\n",
    );
    let mut functions = String::new();
    for (n, call) in calls.iter().enumerate() {
        main.push_str(&format!("    call_{n}(&client).await;\n"));
        functions.push_str(&format!(
            "\nasync fn call_{n}(client: &Client) {{\n    match {call}.await {{\n        Ok(reply) => println!(\"{{reply:?}}\"),\n        Err(error) => eprintln!(\"{{error}}\"),\n    }}\n}}\n"
        ));
    }
    main.push_str("}\n");
    main.push_str(&functions);
    Ok((main, calls.len()))
}

/// `client.svc().v1().resource().method(svc::v1::resource::module::Request::builder().build())`
/// for the service's first endpoint (in file order) whose builder takes nothing.
fn first_plain_call(src: &Path, service: &str) -> Result<Option<String>, Box<dyn Error>> {
    let service_dir = src.join(service);
    for version in sorted_dirs(&service_dir)? {
        let version_dir = service_dir.join(&version);
        for resource in sorted_dirs(&version_dir)? {
            let handle = fs::read_to_string(version_dir.join(&resource).join("mod.rs"))?;
            let handle = squeeze(&handle);
            for (method, module, request) in call_methods(&handle) {
                let file = version_dir
                    .join(&resource)
                    .join(format!("{}.rs", unraw(&module)));
                let Ok(text) = fs::read_to_string(&file) else {
                    continue;
                };
                if !squeeze(&text).contains(&format!("pub fn builder() -> {request}Builder")) {
                    continue;
                }
                let path =
                    format!("feishu_api::{service}::{version}::{resource}::{module}::{request}");
                return Ok(Some(format!(
                    "client.{service}().{version}().{resource}().{method}({path}::builder().build())"
                )));
            }
        }
    }
    Ok(None)
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// `(method, module, request)` of each `pub fn method(&self, request: module::Request) ->
/// feishu_runtime::Call<…>` in a resource handle's source (whitespace squeezed).
fn call_methods(handle: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for piece in handle.split("pub fn ").skip(1) {
        let Some((method, rest)) = piece.split_once("(&self, request: ") else {
            continue;
        };
        let Some((path, rest)) = rest.split_once(')') else {
            continue;
        };
        if !rest.trim_start().starts_with("-> feishu_runtime::Call<") {
            continue;
        }
        let path = path.trim_end_matches(',').trim();
        if let Some((module, request)) = path.split_once("::") {
            out.push((method.to_string(), module.to_string(), request.to_string()));
        }
    }
    out
}

/// Source text with every run of whitespace made one space (prettyplease breaks lines
/// where it likes), and no space just inside brackets.
fn squeeze(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
}

fn sorted_dirs(dir: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_program_calls_each_services_first_endpoint_that_needs_nothing() {
        let ours = crate::codegen::repo_root().join("generated");
        let (source, calls) = full_program(&ours).unwrap();
        // `aily`'s one endpoint needs a session id; `im`'s first such endpoint is the
        // chat list (file get and create need arguments).
        assert_eq!(calls, 1);
        assert!(
            source.contains(
                "match client.im().v1().chat().list(feishu_api::im::v1::chat::list::ListRequest::builder().build()).await {"
            ),
            "{source}"
        );
    }

    #[test]
    fn programs_are_written_as_crates_of_their_own() {
        let work = tempfile::tempdir().unwrap();
        let ours = crate::codegen::repo_root().join("generated");
        let programs = write_programs(work.path(), &ours, "0.21.0").unwrap();
        let names: Vec<&str> = programs.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            ["seed-ours", "seed-openlark", "seed-plain", "full-ours"]
        );
        let manifest = fs::read_to_string(programs[1].dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains(
            "openlark = { version = \"=0.21.0\", default-features = false, features = [\"communication\"] }"
        ));
        let manifest = fs::read_to_string(programs[0].dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("default-features = false, features = [\"aily\"] }"));
        assert!(manifest.ends_with("[workspace]\n"));
    }

    #[test]
    fn call_methods_reads_handles_as_prettyplease_writes_them() {
        let handle = squeeze(
            "impl<'a> Chat<'a> {
                #[inline]
                pub fn list(&self, request: list::ListRequest) -> feishu_runtime::Call<'a, list::ListResponse> {
                    self.core.call(request)
                }
                #[inline]
                pub fn list_stream(
                    &self,
                    request: list::ListRequest,
                ) -> feishu_runtime::ItemStream<'a, <list::ListResponse as feishu_runtime::Page>::Item> {
                    self.core.stream(request)
                }
                pub fn r#move(
                    &self,
                    request: r#move::MoveRequest,
                ) -> feishu_runtime::Call<'a, r#move::MoveResponse> {
                    self.core.call(request)
                }
            }",
        );
        assert_eq!(
            call_methods(&handle),
            [
                ("list".into(), "list".into(), "ListRequest".into()),
                ("r#move".into(), "r#move".into(), "MoveRequest".into()),
            ]
        );
    }
}
