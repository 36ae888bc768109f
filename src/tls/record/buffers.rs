//! Record-sized buffers, lent to connections while they have bytes to hold
//! and taken back as soon as they have none. An idle connection holds no
//! record buffer (so thousands of idle sessions cost little), yet a busy one
//! allocates nothing per record: what it gives back, its next record takes
//! from a small pool kept by the thread.
//!
//! Only capacity travels through the pool: a buffer is handed out empty,
//! and safe code cannot read what a former user left past its length.

use std::cell::RefCell;

use super::{HEADER_LEN, MAX_CIPHERTEXT};

/// Every pooled buffer holds a whole record of the largest size.
pub const RECORD_BUFFER: usize = HEADER_LEN + MAX_CIPHERTEXT;

/// Buffers a thread keeps for reuse (a bulk transfer needs about three: the
/// record being sealed, the one being received, the plaintext being read).
const POOL_SIZE: usize = 4;

thread_local! {
    static POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer with room for at least `capacity` bytes, from the pool
/// when it has one.
pub fn lend(capacity: usize) -> Vec<u8> {
    let pooled = POOL
        .try_with(|pool| pool.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .ok()
        .flatten();
    match pooled {
        Some(mut buf) => {
            buf.reserve(capacity);
            buf
        }
        None => Vec::with_capacity(capacity.max(RECORD_BUFFER)),
    }
}

/// Takes back a buffer no longer needed; keeps it for the next `lend` if
/// the pool has room and it is record-sized, else frees it.
pub fn give_back(mut buf: Vec<u8>) {
    if buf.capacity() < RECORD_BUFFER || buf.capacity() > 4 * RECORD_BUFFER {
        return;
    }
    buf.clear();
    let _ = POOL.try_with(|pool| {
        if let Ok(mut pool) = pool.try_borrow_mut()
            && pool.len() < POOL_SIZE
        {
            if pool.capacity() == 0 {
                pool.reserve_exact(POOL_SIZE);
            }
            pool.push(buf);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_back_buffer_is_lent_again_empty_and_the_pool_is_bounded() {
        let mut a = lend(10);
        assert!(a.capacity() >= RECORD_BUFFER);
        a.extend_from_slice(b"left behind");
        let at = a.as_ptr();
        give_back(a);
        let b = lend(100);
        assert!(b.is_empty(), "lent empty");
        assert_eq!(b.as_ptr(), at, "the same memory, reused");
        // Small and oversized buffers are not kept; at most POOL_SIZE are.
        give_back(Vec::with_capacity(64));
        give_back(Vec::with_capacity(8 * RECORD_BUFFER));
        for _ in 0..2 * POOL_SIZE {
            give_back(Vec::with_capacity(RECORD_BUFFER));
        }
        assert_eq!(POOL.with(|p| p.borrow().len()), POOL_SIZE);
        drop(b);
    }
}
