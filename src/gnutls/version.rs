//! The GnuTLS API level stepup provides, and `gnutls_check_version`.

use std::cmp::Ordering;

/// The GnuTLS release whose API and ABI stepup provides. (build.rs reads
/// this line to define `GNUTLS_VERSION` in gnutls.h: cbindgen has no string
/// constants.)
pub const GNUTLS_VERSION: &str = "3.7.9";
/// Major number of `GNUTLS_VERSION`.
pub const GNUTLS_VERSION_MAJOR: i32 = 3;
/// Minor number of `GNUTLS_VERSION`.
pub const GNUTLS_VERSION_MINOR: i32 = 7;
/// Patch number of `GNUTLS_VERSION`.
pub const GNUTLS_VERSION_PATCH: i32 = 9;
/// `GNUTLS_VERSION` as the number `0xMMmmpp`.
pub const GNUTLS_VERSION_NUMBER: i32 = 0x03_07_09;

/// Whether the library satisfies a caller's minimum version `required`, with
/// GnuTLS's rule: the requirement holds when it sorts at or before our
/// version in `strverscmp(3)` order.
pub fn satisfies(required: &[u8]) -> bool {
    version_cmp(required, GNUTLS_VERSION.as_bytes()) != Ordering::Greater
}

/// `strverscmp(3)` order: bytes compare as bytes, except that at the first
/// difference the digit runs around it compare as numbers; a run with a
/// leading zero (and more digits) is a fraction and sorts before any integer.
fn version_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let Some(diff) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) else {
        return Ordering::Equal;
    };
    let byte_order = a.get(diff).unwrap_or(&0).cmp(b.get(diff).unwrap_or(&0));
    // The common prefix is equal, so the run starts at the same place in both.
    let start = a
        .get(..diff)
        .unwrap_or_default()
        .iter()
        .rposition(|c| !c.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let (run_a, run_b) = (digit_run(a, start), digit_run(b, start));
    if run_a.is_empty() || run_b.is_empty() {
        return byte_order;
    }
    digit_run_cmp(run_a, run_b).then(byte_order)
}

fn digit_run(s: &[u8], start: usize) -> &[u8] {
    let tail = s.get(start..).unwrap_or_default();
    let len = tail.iter().take_while(|c| c.is_ascii_digit()).count();
    tail.get(..len).unwrap_or_default()
}

fn digit_run_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let fraction = |run: &[u8]| run.len() > 1 && run.first() == Some(&b'0');
    match (fraction(a), fraction(b)) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (true, true) => {
            let zeros = |run: &[u8]| run.iter().take_while(|&&c| c == b'0').count();
            // More leading zeros is the smaller fraction.
            zeros(b)
                .cmp(&zeros(a))
                .then_with(|| a.get(zeros(a)..).cmp(&b.get(zeros(b)..)))
        }
        (false, false) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_requirements_at_or_below_our_version() {
        for req in [
            "3.7.9", "3.7.8", "3.6.0", "3.7", "", " 3.7.9", "3.07.9", "3.7.09", "03.7.9",
        ] {
            assert!(satisfies(req.as_bytes()), "{req:?} should be satisfied");
        }
    }

    #[test]
    fn rejects_requirements_above_our_version() {
        for req in [
            "3.7.10", "3.8", "3.7.9.1", "4", "abc", "3.7.9a", "3.7.9-rc", "10.0",
        ] {
            assert!(
                !satisfies(req.as_bytes()),
                "{req:?} should not be satisfied"
            );
        }
    }

    #[test]
    fn orders_like_strverscmp_documentation() {
        // The example order from strverscmp(3).
        let order = ["000", "00", "01", "010", "09", "0", "1", "9", "10"];
        for pair in order.windows(2) {
            assert_eq!(
                version_cmp(pair[0].as_bytes(), pair[1].as_bytes()),
                Ordering::Less,
                "{pair:?}"
            );
            assert_eq!(
                version_cmp(pair[1].as_bytes(), pair[0].as_bytes()),
                Ordering::Greater,
                "{pair:?}"
            );
        }
    }

    #[test]
    fn version_constants_agree() {
        let text = format!("{GNUTLS_VERSION_MAJOR}.{GNUTLS_VERSION_MINOR}.{GNUTLS_VERSION_PATCH}");
        assert_eq!(text, GNUTLS_VERSION);
        let number =
            (GNUTLS_VERSION_MAJOR << 16) | (GNUTLS_VERSION_MINOR << 8) | GNUTLS_VERSION_PATCH;
        assert_eq!(number, GNUTLS_VERSION_NUMBER);
    }
}
