//! A paged list read as one stream over HTTP.

use feishu_runtime::pagination::{Page, PageRequest, paginate};
use feishu_runtime::{ApiRequest, Client, Method};
use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

use crate::support::*;

#[derive(Clone, Debug, Default)]
struct ListUsers {
    page_token: Option<String>,
}

impl PageRequest for ListUsers {
    fn set_page_token(&mut self, token: String) {
        self.page_token = Some(token);
    }
}

#[derive(Deserialize)]
struct UsersPage {
    items: Vec<String>,
    has_more: bool,
    page_token: Option<String>,
}

impl Page for UsersPage {
    type Item = String;
    fn into_parts(self) -> (Vec<String>, bool, Option<String>) {
        (self.items, self.has_more, self.page_token)
    }
}

fn list(client: &Client, request: ListUsers) -> feishu_runtime::ItemStream<'_, String> {
    paginate(request, move |request: ListUsers| async move {
        let mut call = ApiRequest::new(Method::Get, "/open-apis/x/v1/users").query("page_size", 2);
        if let Some(token) = &request.page_token {
            call = call.query("page_token", token);
        }
        client.send::<UsersPage>(call).await
    })
}

async fn mount_three_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(query_param_is_missing("page_token"))
        .respond_with(ok(
            json!({"items": ["a", "b"], "has_more": true, "page_token": "p2"}),
        ))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page_token", "p2"))
        .respond_with(ok(
            json!({"items": ["c", "d"], "has_more": true, "page_token": "p3"}),
        ))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page_token", "p3"))
        .respond_with(ok(
            json!({"items": ["e"], "has_more": false, "page_token": ""}),
        ))
        .mount(server)
        .await;
}

#[tokio::test]
async fn three_pages_as_one_stream() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = builder(&server).access_token("t").build().unwrap();
    let users: Vec<String> = list(&client, ListUsers::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users, ["a", "b", "c", "d", "e"]);
    let tokens: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page_token")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(tokens, [None, Some("p2".into()), Some("p3".into())]);

    let first_three = list(&client, ListUsers::default())
        .limit(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(first_three, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3 + 2);
}
