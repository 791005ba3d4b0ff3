//! Receive Feishu events in an axum server.
//!
//! ```sh
//! FEISHU_VERIFICATION_TOKEN=… FEISHU_ENCRYPT_KEY=… cargo run -p feishu-runtime --example axum_events
//! ```
//!
//! Then set `http://<your host>:3000/feishu/events` as the request URL in the app's event
//! settings: the URL check is answered, and every `im.message.receive_v1` event is printed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use feishu_runtime::events::{Event, EventDispatcher};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct MessageReceived {
    message: Message,
}

#[derive(Debug, Deserialize)]
struct Message {
    message_id: String,
    chat_id: String,
    content: String,
}

async fn events(
    State(dispatcher): State<Arc<EventDispatcher>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let response = dispatcher.handle(&headers, &body).await;
    (
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, response.content_type)],
        response.body,
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut dispatcher = EventDispatcher::new().on(
        "im.message.receive_v1",
        |event: Event<MessageReceived>| async move {
            let message = event.event.message;
            println!(
                "{} in {}: {}",
                message.message_id, message.chat_id, message.content
            );
            Ok(())
        },
    );
    if let Ok(token) = std::env::var("FEISHU_VERIFICATION_TOKEN") {
        dispatcher = dispatcher.verification_token(token);
    }
    if let Ok(key) = std::env::var("FEISHU_ENCRYPT_KEY") {
        dispatcher = dispatcher.encrypt_key(key);
    }
    let app = Router::new()
        .route("/feishu/events", post(events))
        .with_state(Arc::new(dispatcher));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    axum::serve(listener, app).await
}
