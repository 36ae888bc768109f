//! Building the flows an endpoint offers.

use std::ffi::{c_char, c_int};

use serde_json::Value;

use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::uia::{FlowSet, StageKind, UiaError};

/// The flows an endpoint offers, with their stage parameters. Build it, then
/// share it read-only between threads.
#[allow(non_camel_case_types)]
pub struct stepup_uia_flows {
    pub(crate) flows: FlowSet,
}

/// Creates an empty flow set; add flows with `stepup_uia_flows_add`.
///
/// Writes the set to `*out` (free with `stepup_uia_flows_free`) and returns 0,
/// or returns `STEPUP_E_NULL_POINTER`.
///
/// # Safety
/// `out` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_new(out: *mut *mut stepup_uia_flows) -> c_int {
    boundary::stepup(|| {
        args::out_param(out, "out")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            args::give(
                out,
                stepup_uia_flows {
                    flows: FlowSet::new(),
                },
            )
        };
        Ok(0)
    })
}

/// Creates the flow set of a single `m.login.dummy` stage, for endpoints
/// that must use UIA but need nothing from the user.
///
/// Writes the set to `*out` (free with `stepup_uia_flows_free`) and returns 0,
/// or returns `STEPUP_E_NULL_POINTER`.
///
/// # Safety
/// `out` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_dummy(out: *mut *mut stepup_uia_flows) -> c_int {
    boundary::stepup(|| {
        args::out_param(out, "out")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            args::give(
                out,
                stepup_uia_flows {
                    flows: FlowSet::dummy(),
                },
            )
        };
        Ok(0)
    })
}

/// Creates a flow set from JSON: `{"flows": [{"stages": ["m.login.password"]},
/// ...], "params": {"m.login.terms": {...}}}` (`params` optional).
///
/// `json` is only read during the call. Writes the set to `*out` (free with
/// `stepup_uia_flows_free`) and returns 0, or returns `STEPUP_E_NULL_POINTER`,
/// `STEPUP_E_INVALID_UTF8`, `STEPUP_E_FLOWS` (not JSON, no flows, an empty
/// flow, an invalid stage type).
///
/// # Safety
/// `json` is NULL or NUL-terminated; `out` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_from_json(
    json: *const c_char,
    out: *mut *mut stepup_uia_flows,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(out, "out")?;
        // SAFETY: caller passes NULL or a NUL-terminated string.
        let text = unsafe { args::utf8(json, "json") }?;
        let flows = FlowSet::from_json(text)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(out, stepup_uia_flows { flows }) };
        Ok(0)
    })
}

/// Adds a flow of `count` stage types (`stages[0]` first). The strings are
/// only read during the call.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_FLOWS` (no stages, more than 64, an invalid stage type, more than
/// 64 flows); the set is unchanged on error.
///
/// # Safety
/// `flows` is a live flow set not used by another thread during the call;
/// `stages` points to `count` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_add(
    flows: *mut stepup_uia_flows,
    stages: *const *const c_char,
    count: usize,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: caller passes a live flow set, used only by this call.
        let set = unsafe { args::object_mut(flows, "flows") }?;
        if stages.is_null() && count > 0 {
            return Err(CallError::Null("stages"));
        }
        let mut kinds = Vec::new();
        for i in 0..count {
            // SAFETY: `stages` holds `count` pointers by the caller's promise.
            let name = unsafe { args::utf8(*stages.add(i), "stages[i]") }?;
            kinds.push(
                StageKind::from_wire(name)
                    .ok_or_else(|| UiaError::Flows(format!("invalid stage type `{name}`")))?,
            );
        }
        set.flows.add_flow(kinds)?;
        Ok(0)
    })
}

/// Merges parameters (a JSON object) into those of `stage_type`, shown to
/// clients in every 401 response's `params`.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_FLOWS` (not a JSON object, invalid stage type).
///
/// # Safety
/// `flows` is a live flow set not used by another thread during the call;
/// the strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_set_params(
    flows: *mut stepup_uia_flows,
    stage_type: *const c_char,
    params_json: *const c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: caller passes a live flow set, used only by this call.
        let set = unsafe { args::object_mut(flows, "flows") }?;
        // SAFETY: NUL-terminated strings by the caller's promise.
        let (name, params) = unsafe {
            (
                args::utf8(stage_type, "stage_type")?,
                args::utf8(params_json, "params_json")?,
            )
        };
        let kind = StageKind::from_wire(name)
            .ok_or_else(|| UiaError::Flows(format!("invalid stage type `{name}`")))?;
        let Ok(Value::Object(params)) = serde_json::from_str::<Value>(params) else {
            return Err(UiaError::Flows("params must be a JSON object".into()).into());
        };
        set.flows.add_params(&kind, params);
        Ok(0)
    })
}

/// Frees a flow set. NULL is ignored.
///
/// # Safety
/// `flows` is NULL or a flow set from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_flows_free(flows: *mut stepup_uia_flows) {
    boundary::stepup(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(flows) };
        Ok(())
    })
}
