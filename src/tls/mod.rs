//! The TLS 1.3 engine (RFC 8446), sans-I/O: bytes in, bytes out, events. No
//! sockets, no globals, no C types. Built in layers: the key schedule first,
//! then the record layer, codecs and the handshake state machines.

pub mod key_schedule;
