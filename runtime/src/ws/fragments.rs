//! A message too big for one frame comes as `sum` frames of one `message_id`, each with
//! its 0-based `seq`, in any order. They are joined here; a message whose fragments do not
//! all arrive within [`FRAGMENT_TTL`] is dropped (Feishu delivers it again).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// How long the fragments of an incomplete message are kept.
pub const FRAGMENT_TTL: Duration = Duration::from_secs(5);
/// More fragments than this in one message is not a real message: dropped.
const MAX_FRAGMENTS: u64 = 1024;

#[derive(Debug, Default)]
pub struct Fragments {
    partial: HashMap<String, Partial>,
}

#[derive(Debug)]
struct Partial {
    parts: Vec<Option<Vec<u8>>>,
    started: Instant,
}

/// What one fragment gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Joined {
    /// The message is whole: its payload.
    Complete(Vec<u8>),
    /// Waiting for more fragments.
    Pending,
    /// The fragment's numbers make no sense (`seq` not below `sum`, or a huge `sum`).
    Invalid,
}

impl Fragments {
    /// Add fragment `seq` of `sum` of `message_id`.
    pub fn add(&mut self, message_id: &str, sum: u64, seq: u64, payload: Vec<u8>) -> Joined {
        let now = Instant::now();
        self.expire(now);
        if sum <= 1 {
            return Joined::Complete(payload);
        }
        if seq >= sum || sum > MAX_FRAGMENTS {
            return Joined::Invalid;
        }
        let partial = self
            .partial
            .entry(message_id.to_string())
            .or_insert_with(|| Partial {
                parts: vec![None; sum as usize],
                started: now,
            });
        if partial.parts.len() != sum as usize {
            // The same id with another count: start over with this one.
            *partial = Partial {
                parts: vec![None; sum as usize],
                started: now,
            };
        }
        partial.parts[seq as usize] = Some(payload);
        if partial.parts.iter().any(Option::is_none) {
            return Joined::Pending;
        }
        let parts = self
            .partial
            .remove(message_id)
            .map(|p| p.parts)
            .unwrap_or_default();
        Joined::Complete(parts.into_iter().flatten().flatten().collect())
    }

    /// Messages still waiting for fragments.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    fn expire(&mut self, now: Instant) {
        self.partial.retain(|message_id, partial| {
            let keep = now.duration_since(partial.started) < FRAGMENT_TTL;
            if !keep {
                tracing::warn!(message_id, "incomplete fragmented message dropped");
            }
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fragments_join_in_any_order_and_stale_ones_expire() {
        let mut fragments = Fragments::default();
        assert_eq!(fragments.add("m1", 3, 2, b"c".to_vec()), Joined::Pending);
        assert_eq!(fragments.add("m1", 3, 0, b"a".to_vec()), Joined::Pending);
        assert_eq!(
            fragments.add("m1", 3, 1, b"b".to_vec()),
            Joined::Complete(b"abc".to_vec())
        );
        assert_eq!(fragments.pending(), 0);

        assert_eq!(fragments.add("m2", 2, 0, b"x".to_vec()), Joined::Pending);
        tokio::time::advance(FRAGMENT_TTL).await;
        // m2's first half expired: its second half alone is not a message.
        assert_eq!(fragments.add("m2", 2, 1, b"y".to_vec()), Joined::Pending);
        assert_eq!(fragments.pending(), 1);

        assert_eq!(fragments.add("m3", 2, 2, b"z".to_vec()), Joined::Invalid);
        assert_eq!(
            fragments.add("m4", 1, 0, b"whole".to_vec()),
            Joined::Complete(b"whole".to_vec())
        );
    }
}
