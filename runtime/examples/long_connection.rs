//! An echo bot over the long connection: no public URL needed.
//!
//! ```sh
//! FEISHU_APP_ID=cli_… FEISHU_APP_SECRET=… cargo run -p feishu-runtime --features ws --example long_connection
//! ```
//!
//! In the app's developer console, choose "Receive events through persistent connection"
//! (使用长连接接收事件) and subscribe to `im.message.receive_v1`; every text message sent to
//! the bot is answered with the same text, and a card button's click gets a toast. Ctrl-C
//! stops it gracefully: handlers that are running finish, then the socket closes.
//! `FEISHU_BASE_URL` points it at another server (Lark: `https://open.larksuite.com`).

use feishu_runtime::events::{CardAction, CardActionReply, Event, EventDispatcher, Toast};
use feishu_runtime::ws::{ConnectionState, LongConnection};
use feishu_runtime::{ApiRequest, Client, Method, TokenKind};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
struct MessageReceived {
    message: Message,
}

#[derive(Debug, Deserialize)]
struct Message {
    message_id: String,
    message_type: String,
    content: String,
}

/// Reply in the message's thread with the same content.
async fn echo(client: &Client, message: &Message) -> feishu_runtime::Result<()> {
    let request = ApiRequest::new(Method::Post, "/open-apis/im/v1/messages/:message_id/reply")
        .path_param("message_id", &message.message_id)
        .tokens(&[TokenKind::Tenant])
        .json_body(&json!({ "msg_type": message.message_type, "content": message.content }))?;
    let _: Value = client.send(request).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .init();
    let app_id = std::env::var("FEISHU_APP_ID")?;
    let app_secret = std::env::var("FEISHU_APP_SECRET")?;
    let mut builder = Client::builder().app_credentials(app_id, app_secret);
    if let Ok(base_url) = std::env::var("FEISHU_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let replies = client.clone();
    let dispatcher = EventDispatcher::new()
        .on(
            "im.message.receive_v1",
            move |event: Event<MessageReceived>| {
                let client = replies.clone();
                async move {
                    println!(
                        "message {}: {}",
                        event.event.message.message_id, event.event.message.content
                    );
                    echo(&client, &event.event.message).await?;
                    Ok(())
                }
            },
        )
        .on_card_action(|event: Event<CardAction>| async move {
            let tag = event.event.action.and_then(|a| a.tag).unwrap_or_default();
            Ok(CardActionReply::toast(Toast::success(format!(
                "{tag} clicked"
            ))))
        });

    let connection = LongConnection::new(client, dispatcher);
    let stop = connection.shutdown_handle();
    let mut state = connection.state();
    tokio::spawn(async move {
        while state.changed().await.is_ok() {
            let now: ConnectionState = state.borrow_and_update().clone();
            println!("long connection: {now:?}");
        }
    });
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.shutdown();
        }
    });
    connection.start().await?;
    Ok(())
}
