//! Runtime for the generated Feishu / Lark API client.
//!
//! Everything an endpoint needs and that is the same for every endpoint lives here, written
//! by hand: the HTTP client and base URL ([`Client`]), access tokens ([`Credentials`]), the
//! `{code, msg, data}` envelope and [`Error`], and the checks generated code runs before a
//! request leaves ([`validate`]). Generated code only describes endpoints.

mod auth;
mod client;
mod error;
mod int64;
mod request;
mod secret;
pub mod validate;

pub use client::{Client, ClientBuilder, Credentials, FEISHU_BASE_URL, LARK_BASE_URL};
pub use error::{ApiError, DocumentedError, Error, ValidationError};
pub use int64::Int64;
pub use request::{ApiRequest, Method, TokenKind};
pub use secret::Secret;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
