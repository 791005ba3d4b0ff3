//! What every generated request has in common, and the calls made with one.
//!
//! A generated client method is one line, `self.core.call(request)`: the checking, sending
//! and decoding happen here, written once. An `async fn` per endpoint would have the
//! compiler build and check a state machine for each of the 1,300 endpoints; that was a
//! fifth of what `cargo check` spent on the generated crate.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::pagination::{ItemStream, Page, PageRequest, paginate};
use crate::{ApiRequest, AsyncWrite, Client, Download, Result, ValidationError};

/// A generated request: the rules it is checked against and how it goes on the wire.
pub trait Endpoint: Send + 'static {
    /// What a successful call gives: the reply's decoded `data`, or a [`Download`] for an
    /// endpoint that replies with a file.
    type Response;

    /// Checks the rules the documentation states, as [`Client::call`] does before sending.
    /// Generated requests forward this to a `validate` method of their own, so a caller
    /// needs no import of this trait to check one.
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    /// The call as the runtime sends it (not checked: see [`Endpoint::validate`]).
    fn into_api_request(self) -> Result<ApiRequest>;
}

/// The future of one call: `.await` it for the reply. It borrows only the client.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

impl Client {
    /// Check `request`, send it and decode the reply's `data`. Nothing is sent when a
    /// documented rule is broken ([`crate::Error::Validation`]).
    pub fn call<E>(&self, request: E) -> Call<'_, E::Response>
    where
        E: Endpoint,
        E::Response: DeserializeOwned + Send + 'static,
    {
        let prepared = prepare(request);
        Box::pin(async move { self.send(prepared?).await })
    }

    /// Every item of a paged endpoint across all its pages, fetched as the stream is read,
    /// starting at the request's page token.
    pub fn stream<E>(&self, request: E) -> ItemStream<'_, <E::Response as Page>::Item>
    where
        E: Endpoint + PageRequest,
        E::Response: Page + DeserializeOwned + Send + 'static,
        <E::Response as Page>::Item: Send,
    {
        paginate(request, move |request: E| self.call(request))
    }

    /// Check `request`, send it and stream the file it replies with into `out`.
    pub async fn download_into<E, W>(&self, request: E, out: &mut W) -> Result<Download>
    where
        E: Endpoint<Response = Download>,
        W: AsyncWrite + Unpin + ?Sized,
    {
        self.download(prepare(request)?, out).await
    }
}

fn prepare<E: Endpoint>(request: E) -> Result<ApiRequest> {
    request.validate()?;
    request.into_api_request()
}
