//! The operating system's CSPRNG, through `ring`.

use ring::rand::{SecureRandom, SystemRandom};

/// The CSPRNG could not produce bytes. Deliberately without detail: callers
/// cannot act on the reason, and the reason must not leak (see `ring::error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RngError;

/// Fills `out` with bytes from the operating system's CSPRNG.
pub fn fill_random(out: &mut [u8]) -> Result<(), RngError> {
    SystemRandom::new().fill(out).map_err(|_| RngError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_whole_buffer_with_distinct_output() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        fill_random(&mut a).unwrap();
        fill_random(&mut b).unwrap();
        assert_ne!(a, b, "two 256-bit draws must differ");
        assert_ne!(a, [0u8; 32]);
    }

    #[test]
    fn accepts_empty_buffer() {
        fill_random(&mut []).unwrap();
    }
}
