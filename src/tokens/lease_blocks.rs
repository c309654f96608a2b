//! How much of a shared allowance (a quota, a rate limit's window) one instance leases at a
//! time. Small blocks keep the allowance fair between instances and lose little when an
//! instance stops holding one; large blocks spare a busy token a database write per
//! request. So: a tenth of the allowance (at most [`FIRST_MAX`]) to start with, doubled
//! each time a block is spent within [`BUSY`] of being leased, never more than a tenth of
//! the allowance nor [`BLOCK_MAX`]; the first size again once the token is used slowly.

use std::time::{Duration, Instant};

/// The largest first block, however large the allowance.
pub const FIRST_MAX: i64 = 100;

/// The most requests one instance leases at a time, however busy the token.
pub const BLOCK_MAX: i64 = 100_000;

/// A block spent sooner than this after it was leased: the next one is twice as large.
pub const BUSY: Duration = Duration::from_secs(1);

/// The first block an instance leases of `allowance` requests: a tenth, between 1 and
/// [`FIRST_MAX`].
pub fn first_block(allowance: i64) -> i64 {
    (allowance / 10).clamp(1, FIRST_MAX)
}

/// The block to lease of `allowance` after one of `last` requests leased at `leased_at`:
/// doubled while blocks go within [`BUSY`], held at a steady pace, the first size again
/// after ten times that.
pub fn next_block(allowance: i64, last: Option<(i64, Instant)>, now: Instant) -> i64 {
    let first = first_block(allowance);
    let largest = (allowance / 10).clamp(first, BLOCK_MAX);
    match last {
        Some((size, at)) if now.duration_since(at) < BUSY => (size * 2).min(largest),
        Some((size, at)) if now.duration_since(at) < BUSY * 10 => size.clamp(first, largest),
        _ => first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_blocks_are_a_tenth_between_one_and_a_hundred() {
        assert_eq!(first_block(1), 1);
        assert_eq!(first_block(5), 1);
        assert_eq!(first_block(250), 25);
        assert_eq!(first_block(1_000_000), 100);
    }

    #[test]
    fn a_busy_token_leases_ever_larger_blocks_up_to_a_tenth_and_the_cap() {
        let now = Instant::now();
        let big = 1_000_000_000;
        let soon = now - BUSY / 2;
        assert_eq!(next_block(big, None, now), 100);
        assert_eq!(next_block(big, Some((100, soon)), now), 200);
        assert_eq!(next_block(big, Some((BLOCK_MAX, soon)), now), BLOCK_MAX);
        assert_eq!(next_block(3000, Some((200, soon)), now), 300, "a tenth");
        assert_eq!(next_block(30, Some((3, soon)), now), 3);
        assert_eq!(
            next_block(1, Some((1, soon)), now),
            1,
            "exact: one at a time"
        );
        // Used at a steady pace: the size holds; after a pause: back to the first.
        assert_eq!(next_block(big, Some((800, now - BUSY * 3)), now), 800);
        assert_eq!(next_block(big, Some((800, now - BUSY * 11)), now), 100);
    }
}
