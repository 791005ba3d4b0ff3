//! Feishu delivers events at least once: a delivery it saw no answer to (a timeout, a
//! dropped connection, an instance that restarted) comes again with the same `event_id`.
//! The dispatcher claims each id in a [`DedupStore`] before the handler runs and drops the
//! repeats. A handler that fails gives its claim back, so the redelivery is handled.
//!
//! [`MemoryDedupStore`] serves one process; share a store (the `redis` feature's
//! `RedisStore`, or your own) when several instances receive the same app's events.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::{BoxFuture, Result};

/// How long a claimed event id is remembered by default. Feishu retries a delivery for
/// hours (15 s, 5 min, 1 h, 6 h after the first), so a day covers every retry.
pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Where the dispatcher remembers the event ids it has handled.
pub trait DedupStore: Send + Sync {
    /// Claim `event_id` for `ttl`: `true` when nobody held it (this delivery is the first
    /// and is handled), `false` for a repeat.
    fn claim<'a>(&'a self, event_id: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool>>;

    /// Give a claim back (the handler failed), so the next delivery of the id is handled.
    fn release<'a>(&'a self, event_id: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// The default [`DedupStore`]: in this process's memory, bounded both ways: ids expire
/// after their ttl, and past `capacity` ids the oldest claims are forgotten first.
#[derive(Debug)]
pub struct MemoryDedupStore {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Event id → when its claim expires.
    expires: HashMap<String, Instant>,
    /// Claims in the order they were made, to forget the oldest first.
    order: VecDeque<(Instant, String)>,
}

impl MemoryDedupStore {
    /// Ids remembered at most (100,000 by default: a few megabytes).
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryDedupStore {
            capacity: capacity.max(1),
            seen: Mutex::default(),
        }
    }

    /// How many ids are remembered now.
    pub fn len(&self) -> usize {
        self.lock().expires.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for MemoryDedupStore {
    fn default() -> Self {
        MemoryDedupStore::with_capacity(100_000)
    }
}

impl Seen {
    /// Drop expired claims and, past `capacity`, the oldest ones.
    fn prune(&mut self, now: Instant, capacity: usize) {
        while let Some((expires_at, id)) = self.order.front() {
            let stale = self.expires.get(id) != Some(expires_at);
            if !(stale || *expires_at <= now || self.expires.len() > capacity) {
                break;
            }
            if !stale {
                self.expires.remove(id);
            }
            self.order.pop_front();
        }
    }
}

impl DedupStore for MemoryDedupStore {
    fn claim<'a>(&'a self, event_id: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool>> {
        let now = Instant::now();
        let mut seen = self.lock();
        seen.prune(now, self.capacity);
        let fresh = match seen.expires.get(event_id) {
            Some(expires_at) => *expires_at <= now,
            None => true,
        };
        if fresh {
            let expires_at = now + ttl;
            seen.expires.insert(event_id.to_string(), expires_at);
            seen.order.push_back((expires_at, event_id.to_string()));
            // Claims of one ttl expire in the order they were made; a shorter ttl after a
            // longer one waits behind it, which only keeps it longer than asked.
            seen.prune(now, self.capacity);
        }
        Box::pin(async move { Ok(fresh) })
    }

    fn release<'a>(&'a self, event_id: &'a str) -> BoxFuture<'a, Result<()>> {
        self.lock().expires.remove(event_id);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_repeat_is_refused_until_its_claim_expires() {
        let store = MemoryDedupStore::default();
        assert!(store.claim("ev1", MINUTE).await.unwrap());
        assert!(!store.claim("ev1", MINUTE).await.unwrap());
        assert!(store.claim("ev2", MINUTE).await.unwrap());
        tokio::time::advance(MINUTE).await;
        assert!(store.claim("ev1", MINUTE).await.unwrap());
        // ev2 expired too and was pruned; only the new claim of ev1 is left.
        assert_eq!(store.len(), 1);
    }

    #[tokio::test]
    async fn a_released_claim_can_be_claimed_again() {
        let store = MemoryDedupStore::default();
        assert!(store.claim("ev1", MINUTE).await.unwrap());
        store.release("ev1").await.unwrap();
        assert!(store.claim("ev1", MINUTE).await.unwrap());
        assert!(!store.claim("ev1", MINUTE).await.unwrap());
        assert_eq!(store.len(), 1);
    }

    #[tokio::test]
    async fn past_capacity_the_oldest_claims_are_forgotten() {
        let store = MemoryDedupStore::with_capacity(3);
        for id in ["a", "b", "c", "d"] {
            assert!(store.claim(id, MINUTE).await.unwrap());
        }
        assert_eq!(store.len(), 3);
        // "a" was forgotten, the later ones are still held.
        assert!(store.claim("a", MINUTE).await.unwrap());
        assert!(!store.claim("d", MINUTE).await.unwrap());
        assert_eq!(store.len(), 3);
    }
}
