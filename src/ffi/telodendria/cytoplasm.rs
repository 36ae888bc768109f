//! The Cytoplasm and Telodendria functions the drop-in calls (declared from
//! their documented headers), and conversion between Cytoplasm's JSON
//! (HashMap of JsonValue) and serde_json.

use std::ffi::{CStr, CString, c_char, c_int, c_void};

use serde_json::{Map, Value};

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// An opaque Cytoplasm or Telodendria type.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(
    HashMap,
    Array,
    JsonValue,
    Db,
    DbRef,
    HttpServerContext,
    User,
    RegTokenInfo,
    HttpRouter
);

/// Cytoplasm's JsonType values (JSON_NULL, 0, and unknown types read as null).
pub const JSON_OBJECT: c_int = 1;
pub const JSON_ARRAY: c_int = 2;
pub const JSON_STRING: c_int = 3;
pub const JSON_INTEGER: c_int = 4;
pub const JSON_FLOAT: c_int = 5;
pub const JSON_BOOLEAN: c_int = 6;

unsafe extern "C" {
    pub fn HashMapCreate() -> *mut HashMap;
    pub fn HashMapSet(map: *mut HashMap, key: *mut c_char, value: *mut c_void) -> *mut c_void;
    pub fn HashMapGet(map: *mut HashMap, key: *const c_char) -> *mut c_void;
    pub fn HashMapIterateReentrant(
        map: *mut HashMap,
        key: *mut *mut c_char,
        value: *mut *mut c_void,
        cursor: *mut usize,
    ) -> bool;
    pub fn ArrayCreate() -> *mut Array;
    pub fn ArrayAdd(array: *mut Array, value: *mut c_void) -> bool;
    pub fn ArrayGet(array: *mut Array, index: usize) -> *mut c_void;
    pub fn ArraySize(array: *mut Array) -> usize;
    pub fn ArrayFree(array: *mut Array);

    pub fn JsonValueType(value: *mut JsonValue) -> c_int;
    pub fn JsonValueAsObject(value: *mut JsonValue) -> *mut HashMap;
    pub fn JsonValueAsArray(value: *mut JsonValue) -> *mut Array;
    pub fn JsonValueAsString(value: *mut JsonValue) -> *mut c_char;
    pub fn JsonValueAsInteger(value: *mut JsonValue) -> u64;
    pub fn JsonValueAsFloat(value: *mut JsonValue) -> f64;
    pub fn JsonValueAsBoolean(value: *mut JsonValue) -> bool;
    pub fn JsonValueObject(map: *mut HashMap) -> *mut JsonValue;
    pub fn JsonValueArray(array: *mut Array) -> *mut JsonValue;
    pub fn JsonValueString(s: *mut c_char) -> *mut JsonValue;
    pub fn JsonValueInteger(i: u64) -> *mut JsonValue;
    pub fn JsonValueFloat(f: f64) -> *mut JsonValue;
    pub fn JsonValueBoolean(b: bool) -> *mut JsonValue;
    pub fn JsonValueNull() -> *mut JsonValue;
    pub fn JsonValueFree(value: *mut JsonValue);
    pub fn JsonFree(map: *mut HashMap);

    pub fn DbCreate(db: *mut Db, n: usize, ...) -> *mut DbRef;
    pub fn DbLock(db: *mut Db, n: usize, ...) -> *mut DbRef;
    pub fn DbUnlock(db: *mut Db, dbref: *mut DbRef) -> bool;
    pub fn DbDelete(db: *mut Db, n: usize, ...) -> bool;
    pub fn DbList(db: *mut Db, n: usize, ...) -> *mut Array;
    pub fn DbListFree(list: *mut Array);
    pub fn DbJson(dbref: *mut DbRef) -> *mut HashMap;
    pub fn DbJsonSet(dbref: *mut DbRef, json: *mut HashMap) -> bool;

    pub fn HttpRequestMethodGet(ctx: *mut HttpServerContext) -> c_int;
    pub fn HttpRequestMethodToString(method: c_int) -> *const c_char;
    pub fn HttpRequestPath(ctx: *mut HttpServerContext) -> *mut c_char;
    pub fn HttpRequestHeaders(ctx: *mut HttpServerContext) -> *mut HashMap;
    pub fn HttpRequestParams(ctx: *mut HttpServerContext) -> *mut HashMap;
    pub fn HttpResponseStatus(ctx: *mut HttpServerContext, status: c_int);

    pub fn UserAuthenticate(db: *mut Db, token: *mut c_char) -> *mut User;
    pub fn UserLock(db: *mut Db, name: *mut c_char) -> *mut User;
    pub fn UserUnlock(user: *mut User) -> bool;
    pub fn UserGetName(user: *mut User) -> *mut c_char;
    pub fn UserCheckPassword(user: *mut User, password: *mut c_char) -> bool;

    pub fn RegTokenExists(db: *mut Db, token: *mut c_char) -> c_int;
    pub fn RegTokenGetInfo(db: *mut Db, token: *mut c_char) -> *mut RegTokenInfo;
    pub fn RegTokenValid(info: *mut RegTokenInfo) -> c_int;
    pub fn RegTokenUse(info: *mut RegTokenInfo);
    pub fn RegTokenClose(info: *mut RegTokenInfo) -> c_int;
    pub fn RegTokenFree(info: *mut RegTokenInfo);

    /// Cytoplasm's `Log`: a syslog level and a printf format.
    pub fn Log(level: c_int, fmt: *const c_char, ...);
}

/// syslog's `LOG_ERR`, the level Cytoplasm's `Log` takes for errors.
pub const LOG_ERR: c_int = 3;
/// syslog's `LOG_WARNING`: what a peer did wrong.
#[cfg_attr(not(feature = "cytoplasm-tls"), allow(dead_code))]
pub const LOG_WARNING: c_int = 4;

/// Writes `message` to Telodendria's log at `level`.
pub fn log(level: c_int, message: &str) {
    // An interior NUL cannot come from our messages' Display; drop the line if it does.
    if let Ok(line) = std::ffi::CString::new(message) {
        // SAFETY: a "%s" format with one NUL-terminated string argument.
        unsafe { Log(level, c"%s".as_ptr(), line.as_ptr()) };
    }
}

/// How deep a request's JSON may nest before it is refused.
pub const MAX_DEPTH: usize = 64;

/// JSON could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertError {
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A string held a NUL byte (Cytoplasm strings cannot), or a constructor failed.
    Unrepresentable,
}

/// A borrowed C string as UTF-8 (lossy), or `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for the call.
pub unsafe fn text(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's promise.
    let text = unsafe { CStr::from_ptr(ptr) };
    Some(text.to_string_lossy().into_owned())
}

/// A Cytoplasm JSON object as serde_json.
///
/// # Safety
/// `map` is NULL or a live HashMap of JsonValue.
pub unsafe fn object_to_json(
    map: *mut HashMap,
    depth: usize,
) -> Result<Map<String, Value>, ConvertError> {
    let mut out = Map::new();
    if map.is_null() {
        return Ok(out);
    }
    if depth > MAX_DEPTH {
        return Err(ConvertError::TooDeep);
    }
    let (mut key, mut value, mut cursor): (*mut c_char, *mut c_void, usize) =
        (std::ptr::null_mut(), std::ptr::null_mut(), 0);
    // SAFETY: a live map, iterated with our own cursor to completion.
    while unsafe { HashMapIterateReentrant(map, &mut key, &mut value, &mut cursor) } {
        // SAFETY: keys are NUL-terminated strings owned by the map; values are JsonValue.
        let (name, converted) = unsafe {
            (
                text(key).unwrap_or_default(),
                value_to_json(value.cast(), depth + 1),
            )
        };
        out.insert(name, converted?);
    }
    Ok(out)
}

/// A Cytoplasm JsonValue as serde_json.
///
/// # Safety
/// `value` is NULL or a live JsonValue.
pub unsafe fn value_to_json(value: *mut JsonValue, depth: usize) -> Result<Value, ConvertError> {
    if depth > MAX_DEPTH {
        return Err(ConvertError::TooDeep);
    }
    // SAFETY: a live value (or NULL, which Cytoplasm reports as JSON_NULL).
    unsafe {
        Ok(match JsonValueType(value) {
            JSON_OBJECT => Value::Object(object_to_json(JsonValueAsObject(value), depth + 1)?),
            JSON_ARRAY => {
                let array = JsonValueAsArray(value);
                let mut items = Vec::new();
                for i in 0..ArraySize(array) {
                    items.push(value_to_json(ArrayGet(array, i).cast(), depth + 1)?);
                }
                Value::Array(items)
            }
            JSON_STRING => Value::String(text(JsonValueAsString(value)).unwrap_or_default()),
            // Cytoplasm keeps integers as 64 bits; read them back as signed.
            JSON_INTEGER => {
                Value::from(i64::from_ne_bytes(JsonValueAsInteger(value).to_ne_bytes()))
            }
            JSON_FLOAT => serde_json::Number::from_f64(JsonValueAsFloat(value))
                .map_or(Value::Null, Value::Number),
            JSON_BOOLEAN => Value::Bool(JsonValueAsBoolean(value)),
            _ => Value::Null,
        })
    }
}

fn c_string(s: &str) -> Result<CString, ConvertError> {
    CString::new(s).map_err(|_| ConvertError::Unrepresentable)
}

/// A serde_json object as a new Cytoplasm HashMap (the caller owns it and
/// frees it with `JsonFree`).
///
/// # Safety
/// Only calls Cytoplasm constructors; safe whenever Cytoplasm is initialised.
pub unsafe fn json_to_object(object: &Map<String, Value>) -> Result<*mut HashMap, ConvertError> {
    // SAFETY: Cytoplasm constructors; keys and strings are copied by Cytoplasm.
    unsafe {
        let map = HashMapCreate();
        if map.is_null() {
            return Err(ConvertError::Unrepresentable);
        }
        for (key, value) in object {
            let converted = match (c_string(key), json_to_value(value)) {
                (Ok(key), Ok(v)) => Some((key, v)),
                (_, Ok(v)) => {
                    JsonValueFree(v);
                    None
                }
                _ => None,
            };
            let Some((key, v)) = converted else {
                JsonFree(map);
                return Err(ConvertError::Unrepresentable);
            };
            JsonValueFree(HashMapSet(map, key.as_ptr().cast_mut(), v.cast()).cast());
        }
        Ok(map)
    }
}

/// A serde_json value as a new Cytoplasm JsonValue.
///
/// # Safety
/// As for [`json_to_object`].
pub unsafe fn json_to_value(value: &Value) -> Result<*mut JsonValue, ConvertError> {
    // SAFETY: Cytoplasm constructors; strings are copied by JsonValueString.
    let v = unsafe {
        match value {
            Value::Null => JsonValueNull(),
            Value::Bool(b) => JsonValueBoolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => JsonValueInteger(u64::from_ne_bytes(i.to_ne_bytes())),
                None => JsonValueFloat(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => JsonValueString(c_string(s)?.as_ptr().cast_mut()),
            Value::Array(items) => {
                // Wrapped first, so that a failure part-way frees what was added.
                let array = ArrayCreate();
                let wrapped = JsonValueArray(array);
                for item in items {
                    match json_to_value(item) {
                        Ok(v) => {
                            ArrayAdd(array, v.cast());
                        }
                        Err(e) => {
                            JsonValueFree(wrapped);
                            return Err(e);
                        }
                    }
                }
                wrapped
            }
            Value::Object(object) => JsonValueObject(json_to_object(object)?),
        }
    };
    if v.is_null() {
        Err(ConvertError::Unrepresentable)
    } else {
        Ok(v)
    }
}
