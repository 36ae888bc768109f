//! The TLS 1.3 engine (RFC 8446), sans-I/O: bytes in, bytes out, events. No
//! sockets, no globals, no C types. Built in layers: the key schedule first,
//! then the record layer, codecs and the handshake state machines.

pub mod alert;
pub mod codec;
pub mod error;
pub mod key_schedule;
pub mod record;
