//! Runtime for the generated Feishu / Lark API client.
//!
//! Everything an endpoint needs and that is the same for every endpoint lives here, written
//! by hand: the HTTP client and base URL ([`Client`]), access tokens for self-built and
//! marketplace apps ([`Credentials`]), per-call settings ([`RequestOptions`]), retries
//! ([`RetryPolicy`]), the `{code, msg, data}` envelope and [`Error`], paged lists as streams
//! ([`pagination`]), file uploads and downloads ([`FileUpload`], [`Download`]), event
//! callbacks ([`events`]), and the checks generated code runs before a request leaves
//! ([`validate`]). Generated code only describes endpoints.
//!
//! A generated crate re-exports this crate as `feishu_api::runtime`, so every public type
//! here must have a public path: the lint below refuses a public type in a private module
//! that no `pub use` names (a user could hold one but not write its name).
#![deny(unnameable_types)]

mod auth;
mod client;
mod dedup;
mod endpoint;
mod error;
pub mod events;
mod files;
mod int64;
pub mod lenient;
pub mod object;
mod options;
pub mod pagination;
#[cfg(feature = "redis")]
mod redis_store;
mod reply;
mod request;
mod retry;
mod secret;
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;
pub mod validate;
#[cfg(feature = "ws")]
pub mod ws;

pub use auth::{AppTicketStore, BoxFuture, MemoryTicketStore};
pub use client::{Client, ClientBuilder, Credentials, FEISHU_BASE_URL, LARK_BASE_URL};
pub use dedup::{DEFAULT_DEDUP_TTL, DedupStore, MemoryDedupStore};
pub use endpoint::{Call, Endpoint};
pub use error::{
    ApiError, DocumentedError, Error, ErrorDetails, FieldViolation, Help, PermissionViolation,
    ValidationError,
};
pub use files::{Download, FileUpload, MultipartForm, disposition_file_name};
pub use int64::Int64;
pub use options::RequestOptions;
pub use pagination::{ItemStream, Page, PageRequest};
/// The Redis client crate, for [`RedisStore::new`]'s connection (the same version).
#[cfg(feature = "redis")]
pub use redis;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
pub use request::{ApiRequest, Method, TokenKind};
pub use retry::{RATE_LIMIT_CODE, RetryPolicy};
pub use secret::Secret;
pub use tokens::{MemoryTokenStore, StoredToken, TokenStore};
/// The writer a download streams into (re-exported so generated code needs no tokio).
pub use tokio::io::AsyncWrite;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
