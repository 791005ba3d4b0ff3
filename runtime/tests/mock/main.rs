//! The runtime against local mock servers: every test here sees the exact requests that
//! leave the client. One test binary (modules below) keeps link time down.

mod auth;
mod contracts;
mod events;
mod files;
mod options;
mod pagination;
mod retry;
mod stores;
mod support;
