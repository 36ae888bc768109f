//! TLS extension blocks as `gnutls_ext_raw_parse` reads them: a bare
//! extension block, or the extensions of a TLS or DTLS ClientHello body.

/// Why a block could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawParseError {
    /// The extension lengths do not add up (`GNUTLS_E_UNEXPECTED_EXTENSIONS_LENGTH`).
    ExtensionsLength,
    /// The ClientHello ends before its extensions (`GNUTLS_E_UNEXPECTED_PACKET_LENGTH`).
    PacketLength,
    /// The ClientHello has no extensions (`GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE`).
    NoExtensions,
}

/// Where the extensions are in the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawInput {
    /// The data is an extension block: a two-byte length, then extensions
    /// (empty data holds none).
    Block,
    /// The data is a TLS ClientHello body.
    TlsClientHello,
    /// The data is a DTLS ClientHello body (it has a cookie).
    DtlsClientHello,
}

/// Skips `n` bytes of a ClientHello.
fn skip(data: &[u8], at: usize, n: usize) -> Result<usize, RawParseError> {
    let end = at.checked_add(n).ok_or(RawParseError::PacketLength)?;
    if end > data.len() {
        return Err(RawParseError::PacketLength);
    }
    Ok(end)
}

/// Skips a vector with a `width`-byte length.
fn skip_vec(data: &[u8], at: usize, width: usize) -> Result<usize, RawParseError> {
    let body = skip(data, at, width)?;
    let len = data[at..body]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    skip(data, body, len)
}

/// The extensions of `data` as (type, body) pairs, in order.
pub fn parse(data: &[u8], input: RawInput) -> Result<Vec<(u16, &[u8])>, RawParseError> {
    let block = match input {
        RawInput::Block => data,
        RawInput::TlsClientHello | RawInput::DtlsClientHello => {
            let mut at = skip(data, 0, 2 + 32)?; // version, random
            at = skip_vec(data, at, 1)?; // session id
            if input == RawInput::DtlsClientHello {
                at = skip_vec(data, at, 1)?; // cookie
            }
            at = skip_vec(data, at, 2)?; // cipher suites
            at = skip_vec(data, at, 1)?; // compression methods
            if at == data.len() {
                return Err(RawParseError::NoExtensions);
            }
            &data[at..]
        }
    };
    if block.is_empty() {
        return Ok(Vec::new());
    }
    let [hi, lo, rest @ ..] = block else {
        return Err(RawParseError::ExtensionsLength);
    };
    if usize::from(u16::from_be_bytes([*hi, *lo])) != rest.len() {
        return Err(RawParseError::ExtensionsLength);
    }
    let mut list = Vec::new();
    let mut rest = rest;
    while !rest.is_empty() {
        let [t0, t1, l0, l1, tail @ ..] = rest else {
            return Err(RawParseError::ExtensionsLength);
        };
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        if len > tail.len() {
            return Err(RawParseError::ExtensionsLength);
        }
        let (body, next) = tail.split_at(len);
        list.push((u16::from_be_bytes([*t0, *t1]), body));
        rest = next;
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_client_hellos() {
        let block = [0, 10, 0, 1, 0, 2, b'a', b'b', 0, 99, 0, 0];
        assert_eq!(
            parse(&block, RawInput::Block).unwrap(),
            vec![(1, &b"ab"[..]), (99, &[][..])]
        );
        assert_eq!(
            parse(&block[..5], RawInput::Block),
            Err(RawParseError::ExtensionsLength)
        );
        assert_eq!(
            parse(&[0, 4, 0, 1, 0, 0, 7], RawInput::Block),
            Err(RawParseError::ExtensionsLength)
        );
        assert!(parse(&[], RawInput::Block).unwrap().is_empty());
        let mut hello = vec![3, 3];
        hello.extend_from_slice(&[0; 32]);
        hello.extend_from_slice(&[0, 0, 2, 0x13, 1, 1, 0]);
        assert_eq!(
            parse(&hello, RawInput::TlsClientHello),
            Err(RawParseError::NoExtensions)
        );
        assert_eq!(
            parse(&hello[..20], RawInput::TlsClientHello),
            Err(RawParseError::PacketLength)
        );
        hello.extend_from_slice(&[0, 4, 0, 5, 0, 0]);
        assert_eq!(
            parse(&hello, RawInput::TlsClientHello).unwrap(),
            vec![(5, &[][..])]
        );
    }
}
