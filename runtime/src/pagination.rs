//! Every item of a paged list as one `Stream`, fetching the next page only when needed.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};

use crate::Result;

/// A request of a paged endpoint: it can ask for the page after a given token.
pub trait PageRequest: Clone {
    fn set_page_token(&mut self, token: String);
}

/// One page of a reply: its items and where the next page starts.
pub trait Page {
    type Item;
    /// The items, whether more pages follow (`has_more`), and the token of the next one.
    fn into_parts(self) -> (Vec<Self::Item>, bool, Option<String>);
}

/// The items of every page, in order. Ends after the last page (`has_more: false`, or no
/// next token, or a token that repeats), after the first error, or after `limit` items.
pub struct ItemStream<'a, T> {
    inner: BoxStream<'a, Result<T>>,
}

impl<T> Stream for ItemStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for ItemStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemStream")
    }
}

impl<'a, T: Send + 'a> ItemStream<'a, T> {
    /// At most `limit` items; no page is fetched once they are all in hand.
    pub fn limit(self, limit: usize) -> Self {
        ItemStream {
            inner: self.inner.take(limit).boxed(),
        }
    }

    /// All the items, or the first error.
    pub async fn collect_all(self) -> Result<Vec<T>> {
        use futures::TryStreamExt;
        self.try_collect().await
    }
}

struct State<R, F, T> {
    next: Option<R>,
    buffer: VecDeque<T>,
    fetch: F,
    last_token: Option<String>,
}

/// Page through `first` and the requests after it, calling `fetch` for each page.
pub fn paginate<'a, R, P, F, Fut>(first: R, fetch: F) -> ItemStream<'a, P::Item>
where
    R: PageRequest + Send + 'a,
    P: Page + Send + 'a,
    P::Item: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P>> + Send + 'a,
{
    let state = State {
        next: Some(first),
        buffer: VecDeque::new(),
        fetch,
        last_token: None,
    };
    let inner = stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let request = state.next.take()?;
            let template = request.clone();
            let (items, has_more, token) = match (state.fetch)(request).await {
                Ok(page) => page.into_parts(),
                Err(err) => return Some((Err(err), state)),
            };
            state.buffer.extend(items);
            if let Some(token) = token.filter(|t| has_more && !t.is_empty())
                && state.last_token.as_ref() != Some(&token)
            {
                let mut next = template;
                next.set_page_token(token.clone());
                state.last_token = Some(token);
                state.next = Some(next);
            }
        }
    });
    ItemStream {
        inner: inner.boxed(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::TryStreamExt;

    use super::*;

    #[derive(Clone, Debug, Default)]
    struct Req {
        token: Option<String>,
    }

    impl PageRequest for Req {
        fn set_page_token(&mut self, token: String) {
            self.token = Some(token);
        }
    }

    struct Reply(Vec<u32>, bool, Option<String>);

    impl Page for Reply {
        type Item = u32;
        fn into_parts(self) -> (Vec<u32>, bool, Option<String>) {
            (self.0, self.1, self.2)
        }
    }

    /// Pages of two items; page n has token `tn`; `pages` pages in all.
    fn pages(pages: u32, calls: Arc<AtomicUsize>) -> ItemStream<'static, u32> {
        paginate(Req::default(), move |req: Req| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                let n: u32 = req.token.map_or(0, |t| t[1..].parse().unwrap());
                let more = n + 1 < pages;
                Ok(Reply(
                    vec![2 * n, 2 * n + 1],
                    more,
                    Some(format!("t{}", n + 1)),
                ))
            }
        })
    }

    #[tokio::test]
    async fn every_page_in_order() {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<u32> = pages(3, calls.clone()).try_collect().await.unwrap();
        assert_eq!(items, [0, 1, 2, 3, 4, 5]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn limit_fetches_no_more_pages_than_needed() {
        let calls = Arc::new(AtomicUsize::new(0));
        let items = pages(10, calls.clone())
            .limit(3)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(items, [0, 1, 2]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_repeated_token_ends_the_stream() {
        let stream = paginate(Req::default(), |_req: Req| async {
            Ok(Reply(vec![1], true, Some("same".into())))
        });
        assert_eq!(stream.collect_all().await.unwrap(), [1, 1]);
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let stream = paginate(Req::default(), |_req: Req| async {
            Err::<Reply, _>(crate::Error::Auth("no".into()))
        });
        let all: Vec<Result<u32>> = stream.collect().await;
        assert_eq!(all.len(), 1);
        assert!(all[0].is_err());
    }
}
