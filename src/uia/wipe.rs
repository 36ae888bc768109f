//! Wiping secrets out of parsed JSON before its memory is freed: a request
//! body holds passwords (and tokens), and serde_json's values do not zero
//! themselves.

use serde_json::{Map, Value};
use zeroize::Zeroize;

/// Zeroes every string in `value`, at any depth (object keys excepted:
/// they name fields, they are no secrets).
pub fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => wipe_map(map),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `wipe` on every value of an object.
pub fn wipe_map(map: &mut Map<String, Value>) {
    map.values_mut().for_each(wipe);
}

/// `value` as JSON text, written into a buffer large enough that it never
/// grows (a growing buffer frees copies of what it held), wiped on drop.
pub fn to_text(value: &Value, size_hint: usize) -> zeroize::Zeroizing<Vec<u8>> {
    // Each input byte becomes at most six (\uXXXX) in the output.
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(size_hint.saturating_mul(6) + 64));
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipes_every_string_at_any_depth() {
        let mut v: Value =
            serde_json::from_str(r#"{"a":"secret","b":[{"c":"x"},"y",1,true],"d":null}"#).unwrap();
        wipe(&mut v);
        let strings = v.to_string();
        assert!(
            !strings.contains("secret") && !strings.contains("\"x\"") && !strings.contains("\"y\"")
        );
        assert!(strings.contains("\"b\"") && strings.contains('1'));
    }
}
