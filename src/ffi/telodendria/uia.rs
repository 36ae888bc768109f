//! The five functions of Telodendria's `Uia.h`.

use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::cytoplasm::{self as cy, Array, Db, HashMap, HttpRouter, HttpServerContext};
use super::stepup::{self, StepUp};
use super::store::DbStore;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::uia::clock::SystemClock;
use crate::uia::hooks::{HookFailed, PasswordVerdict};
use crate::uia::ratelimit::Limits;
use crate::uia::{Config as UiaConfig, Engine, FlowSet, Outcome, Request, StageKind, UiaError};

/// One stage of a flow: its type and its parameters (owned, freed by
/// `UiaFlowsFree`).
pub struct UiaStage {
    kind: String,
    params: *mut HashMap,
}

/// Telodendria's `MatrixHttpHandlerArgs`.
#[repr(C)]
#[allow(non_snake_case)]
pub struct MatrixHttpHandlerArgs {
    /// The database.
    pub db: *mut Db,
    /// The router.
    pub router: *mut HttpRouter,
}

/// `ConfigRunAs` of Telodendria's generated `Schema/Config.h`.
#[repr(C)]
#[allow(non_snake_case, missing_docs)]
pub struct ConfigRunAs {
    pub gid: *mut c_char,
    pub uid: *mut c_char,
}

/// `ConfigLogConfig` of Telodendria's generated `Schema/Config.h`.
#[repr(C)]
#[allow(non_snake_case, missing_docs)]
pub struct ConfigLogConfig {
    pub output: c_int,
    pub color: bool,
    pub timestampFormat: *mut c_char,
    pub level: c_int,
}

/// Telodendria's `Config`, passed to `UiaComplete` by value: the field order
/// of the generated `Schema/Config.h` of Telodendria 1.7.0-alpha4. Only
/// `serverName` is read.
#[repr(C)]
#[allow(non_snake_case, missing_docs)]
pub struct Config {
    pub ref_: *mut c_void,
    pub db: *mut Db,
    pub pid: *mut c_char,
    pub listen: *mut Array,
    pub runAs: ConfigRunAs,
    pub baseUrl: *mut c_char,
    pub maxCache: i64,
    pub err: *mut c_char,
    pub federation: bool,
    pub ok: bool,
    pub log: ConfigLogConfig,
    pub identityServer: *mut c_char,
    pub serverName: *mut c_char,
    pub registration: bool,
}

// The ABI contract: 128 bytes, alignment 8, serverName at 112 (x86-64).
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(std::mem::size_of::<Config>() == 128);
    assert!(std::mem::align_of::<Config>() == 8);
    assert!(std::mem::offset_of!(Config, serverName) == 112);
    assert!(std::mem::size_of::<MatrixHttpHandlerArgs>() == 16);
};

/// HTTP 200, which `UiaComplete` sets when it returns 1.
const HTTP_OK: c_int = 200;

/// The database pointer, shared with hooks that run on the calling thread.
#[derive(Clone, Copy)]
struct DbPtr(*mut Db);
// SAFETY: Telodendria's Db is shared by its threads behind its own lock; the
// hooks only pass the pointer to Telodendria's functions.
unsafe impl Send for DbPtr {}
// SAFETY: as above.
unsafe impl Sync for DbPtr {}
impl DbPtr {
    fn get(self) -> *mut Db {
        self.0
    }
}

/// Failure and new-session counters outlive each call: one set for the
/// process.
fn limits() -> Arc<Limits> {
    static LIMITS: OnceLock<Arc<Limits>> = OnceLock::new();
    LIMITS
        .get_or_init(|| Arc::new(Limits::new(&UiaConfig::default())))
        .clone()
}

/// An engine over Telodendria's database, checking passwords with
/// Telodendria's users, and certificates by the step-up's settings.
fn engine_for(db: *mut Db, server_name: &str, stepup: Option<&StepUp>) -> Engine {
    let config = UiaConfig {
        store: "telodendria".into(),
        server_name: server_name.to_owned(),
        cert_mapping: stepup.map(|s| s.mapping.clone()).unwrap_or_default(),
        ..UiaConfig::default()
    };
    let mut store = DbStore::new(db);
    if let Some(stepup) = stepup {
        store = store.with_enrolled(stepup.enrolled.clone());
    }
    let engine = Engine::with_limits(config, Box::new(store), Arc::new(SystemClock), limits());
    let db = DbPtr(db);
    engine.set_password_checker(Arc::new(move |user_id: &str, password: &str| {
        // The engine hands over "@localpart:server" of this server; Telodendria keys users by localpart.
        let Some((local, _)) = user_id.strip_prefix('@').and_then(|u| u.split_once(':')) else {
            return Ok(PasswordVerdict::Wrong);
        };
        let (Ok(local), Ok(password)) = (CString::new(local), CString::new(password)) else {
            return Ok(PasswordVerdict::Wrong);
        };
        let mut password = password.into_bytes_with_nul();
        // SAFETY: Telodendria's user functions on its live Db; the user is unlocked.
        let correct = unsafe {
            let user = cy::UserLock(db.get(), local.as_ptr().cast_mut());
            if user.is_null() {
                false
            } else {
                let ok = cy::UserCheckPassword(user, password.as_mut_ptr().cast());
                cy::UserUnlock(user);
                ok
            }
        };
        password.fill(0);
        std::hint::black_box(&password);
        Ok::<_, HookFailed>(if correct {
            PasswordVerdict::Correct
        } else {
            PasswordVerdict::Wrong
        })
    }));
    engine
}

/// The flows as the engine's FlowSet.
///
/// # Safety
/// `flows` is a live Array of Arrays of `UiaStage` from `UiaStageBuild`.
unsafe fn flow_set(flows: *mut Array) -> Result<FlowSet, CallError> {
    let mut set = FlowSet::new();
    // SAFETY: the caller's promise about the arrays and stages.
    unsafe {
        for i in 0..cy::ArraySize(flows) {
            let flow = cy::ArrayGet(flows, i).cast::<Array>();
            let mut stages = Vec::new();
            for j in 0..cy::ArraySize(flow) {
                let stage = &*cy::ArrayGet(flow, j).cast::<UiaStage>();
                let kind = StageKind::from_wire(&stage.kind)
                    .ok_or_else(|| UiaError::Flows(format!("bad stage `{}`", stage.kind)))?;
                if !stage.params.is_null() {
                    let params = cy::object_to_json(stage.params, 0)
                        .map_err(|_| UiaError::Flows("params too deep".into()))?;
                    set.add_params(&kind, params);
                }
                stages.push(kind);
            }
            set.add_flow(stages)?;
        }
    }
    set.validate()?;
    Ok(set)
}

/// The user of the request's access token ("Authorization: Bearer" or the
/// `access_token` query parameter), as a full user id; `None` without a
/// valid token. Sets no HTTP status (unlike MatrixGetAccessToken).
///
/// # Safety
/// `ctx` and `db` are live.
unsafe fn requesting_user(
    ctx: *mut HttpServerContext,
    db: *mut Db,
    server_name: &str,
) -> Option<String> {
    // SAFETY: live context and Db; header and parameter values are C strings.
    unsafe {
        let header =
            cy::text(cy::HashMapGet(cy::HttpRequestHeaders(ctx), c"authorization".as_ptr()).cast());
        let token = match header {
            Some(h) => h.strip_prefix("Bearer ")?.trim_start().to_owned(),
            None => cy::text(
                cy::HashMapGet(cy::HttpRequestParams(ctx), c"access_token".as_ptr()).cast(),
            )?,
        };
        let token = CString::new(token).ok()?;
        let user = cy::UserAuthenticate(db, token.as_ptr().cast_mut());
        if user.is_null() {
            return None;
        }
        let name = cy::text(cy::UserGetName(user));
        cy::UserUnlock(user);
        name.map(|local| format!("@{local}:{server_name}"))
    }
}

/// Makes `request.auth.session` name the session (the engine may have
/// created it in this request); Telodendria's routes read it after a 1.
///
/// # Safety
/// `request` is a live HashMap of JsonValue.
unsafe fn name_session(request: *mut HashMap, session: &str) -> Result<(), CallError> {
    let session = CString::new(session).map_err(|_| CallError::Invalid("session"))?;
    // SAFETY: Cytoplasm's JSON functions on a live request; replaced values are freed.
    unsafe {
        let mut auth = cy::JsonValueAsObject(cy::HashMapGet(request, c"auth".as_ptr()).cast());
        if auth.is_null() {
            auth = cy::HashMapCreate();
            cy::JsonValueFree(
                cy::HashMapSet(
                    request,
                    c"auth".as_ptr().cast_mut(),
                    cy::JsonValueObject(auth).cast(),
                )
                .cast(),
            );
        }
        let value = cy::JsonValueString(session.as_ptr().cast_mut());
        cy::JsonValueFree(
            cy::HashMapSet(auth, c"session".as_ptr().cast_mut(), value.cast()).cast(),
        );
    }
    Ok(())
}

/// Builds one stage of a flow: its type (copied) and its parameters, a JSON
/// object the stage takes ownership of (freed by `UiaFlowsFree`), or NULL.
/// Returns NULL when `type` is NULL or not a valid stage type.
///
/// # Safety
/// `type` is NULL or NUL-terminated; `params` is NULL or a HashMap of JsonValue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn UiaStageBuild(r#type: *mut c_char, params: *mut HashMap) -> *mut UiaStage {
    boundary::stepup(|| {
        // SAFETY: NULL or a NUL-terminated string.
        let kind = unsafe { args::utf8(r#type, "type") }?;
        StageKind::from_wire(kind).ok_or(CallError::Invalid("type"))?;
        Ok(Box::into_raw(Box::new(UiaStage {
            kind: kind.to_owned(),
            params,
        })))
    })
}

/// Builds a flow of one `m.login.dummy` stage: an Array to add to the flows
/// array. Returns NULL if it cannot be allocated.
#[unsafe(no_mangle)]
pub extern "C" fn UiaDummyFlow() -> *mut Array {
    boundary::stepup(|| {
        let stage = Box::into_raw(Box::new(UiaStage {
            kind: "m.login.dummy".into(),
            params: std::ptr::null_mut(),
        }));
        // SAFETY: Cytoplasm's array constructor; the stage is owned by the array from here.
        unsafe {
            let flow = cy::ArrayCreate();
            if flow.is_null() || !cy::ArrayAdd(flow, stage.cast()) {
                drop(Box::from_raw(stage));
                cy::ArrayFree(flow);
                return Ok(std::ptr::null_mut());
            }
            Ok(flow)
        }
    })
}

/// Purges UIA sessions idle for longer than 15 minutes and releases the
/// registration-token uses they held. Called periodically by Telodendria's
/// cron with its handler arguments.
///
/// # Safety
/// `args` is NULL or points to live handler arguments with a live `db`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn UiaCleanup(args: *mut MatrixHttpHandlerArgs) {
    boundary::stepup(|| {
        // SAFETY: NULL or live arguments.
        let args = unsafe { args::object(args, "args") }?;
        if args.db.is_null() {
            return Err(CallError::Null("args->db"));
        }
        engine_for(args.db, "localhost", None).cleanup()?;
        Ok(())
    })
}

/// Runs user-interactive authentication for one request. `flows` is an Array
/// of flows, each an Array of stages from `UiaStageBuild`; `request` is the
/// parsed JSON body; `config` supplies the server name.
///
/// Returns <0 on an internal failure. Returns 0 when the client must do more
/// (or its request was refused): the HTTP status is set and `*response` holds
/// a Cytoplasm JSON object to return at once (the caller frees it). Returns
/// 1 when a flow is complete: the status is 200, `request.auth.session`
/// names the session, and the document `user_interactive/<session>` holds
/// `registration_token` and `user` when those stages ran.
///
/// With stepup's Cytoplasm TLS backend and the settings the environment
/// variable `STEPUP_TELODENDRIA_CONFIG` names, flows holding
/// `[m.login.password]` also offer `[io.stepup.tls_client_cert]` to a
/// request whose connection's client offered TLS 1.3 post-handshake
/// authentication; attempting it asks that client for its certificate
/// during the call (refusals: 401 with an `IO.STEPUP.CERT_*` errcode).
/// Returns <0 too when the client does not answer in time.
///
/// # Safety
/// Every pointer is live, as Telodendria's routes pass them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn UiaComplete(
    flows: *mut Array,
    context: *mut HttpServerContext,
    db: *mut Db,
    request: *mut HashMap,
    response: *mut *mut HashMap,
    config: Config,
) -> c_int {
    boundary::stepup(|| {
        if flows.is_null() || context.is_null() || db.is_null() || request.is_null() {
            return Err(CallError::Null("UiaComplete argument"));
        }
        args::out_param(response, "response")?;
        // SAFETY: all pointers checked non-NULL and live by the caller's contract.
        unsafe {
            let server_name =
                cy::text(config.serverName).ok_or(CallError::Null("config.serverName"))?;
            let mut flows = flow_set(flows)?;
            let stepup = stepup::for_this_request(&server_name);
            if stepup.is_some() {
                stepup::offer(&mut flows)?;
            }
            let body = match cy::object_to_json(request, 0) {
                Ok(body) => Value::Object(body).to_string(),
                Err(_) => {
                    let refusal = serde_json::json!({"errcode": "M_BAD_JSON", "error": "Request nested too deeply"});
                    return respond(context, response, 400, &refusal);
                }
            };
            let method = cy::text(cy::HttpRequestMethodToString(cy::HttpRequestMethodGet(
                context,
            )))
            .unwrap_or_default();
            let path = cy::text(cy::HttpRequestPath(context)).unwrap_or_default();
            let user = requesting_user(context, db, &server_name);
            let engine = engine_for(db, &server_name, stepup.as_ref());
            let req = Request {
                method: &method,
                path: &path,
                body: body.as_bytes(),
                user: user.as_deref(),
                // Cytoplasm's HttpServerContext does not tell the peer's
                // address: sessions without an access token are bounded in
                // total only.
                client: None,
            };
            let outcome = match crate::uia::fallback::stage_of_path(&path) {
                Some(stage) => engine
                    .complete_fallback(&stage, &req)
                    .map_err(CallError::from),
                None if stepup.is_some() => stepup::complete(&engine, &flows, &req),
                None => engine.complete(&flows, &req).map_err(CallError::from),
            }
            .inspect_err(|e| {
                // A corrupt session or a failing database is the operator's
                // to know about: the client only sees a 500.
                cy::log(cy::LOG_ERR, &format!("UIA on {path}: {e}"));
            })?;
            match outcome {
                Outcome::Respond(r) => respond(context, response, c_int::from(r.status), &r.body),
                // Telodendria cannot tell a replay from a first completion and
                // would perform the operation again: refuse it.
                Outcome::Done(done) if done.replayed => {
                    let refusal = serde_json::json!({"errcode": "M_FORBIDDEN", "error": "The UIA session has already been used"});
                    respond(context, response, 403, &refusal)
                }
                Outcome::Done(done) => {
                    name_session(request, &done.session)?;
                    cy::HttpResponseStatus(context, HTTP_OK);
                    Ok(1)
                }
                // `stepup::complete` asks the client itself; `complete` has
                // no connection to ask.
                Outcome::Reauthenticate => Err(CallError::Invalid("no TLS connection")),
            }
        }
    })
}

/// Sets the status and hands back a Cytoplasm copy of `body`.
///
/// # Safety
/// `context` is live; `response` is writable.
unsafe fn respond(
    context: *mut HttpServerContext,
    response: *mut *mut HashMap,
    status: c_int,
    body: &Value,
) -> Result<c_int, CallError> {
    let Value::Object(object) = body else {
        return Err(CallError::Invalid("response body"));
    };
    // SAFETY: Cytoplasm constructors; `response` is writable by the caller's promise.
    unsafe {
        let map = cy::json_to_object(object).map_err(|_| CallError::NoMemory)?;
        cy::HttpResponseStatus(context, status);
        response.write(map);
    }
    Ok(0)
}

/// Frees an array of flows built with `UiaStageBuild`/`UiaDummyFlow`: every
/// stage, its parameters, every flow array and the outer array. NULL is ignored.
///
/// # Safety
/// `flows` is NULL or an Array of flows built as above, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn UiaFlowsFree(flows: *mut Array) {
    boundary::stepup(|| {
        if flows.is_null() {
            return Ok(());
        }
        // SAFETY: the caller hands over arrays of stages from UiaStageBuild, once.
        unsafe {
            for i in 0..cy::ArraySize(flows) {
                let flow = cy::ArrayGet(flows, i).cast::<Array>();
                for j in 0..cy::ArraySize(flow) {
                    let stage = Box::from_raw(cy::ArrayGet(flow, j).cast::<UiaStage>());
                    if !stage.params.is_null() {
                        cy::JsonFree(stage.params);
                    }
                }
                cy::ArrayFree(flow);
            }
            cy::ArrayFree(flows);
        }
        Ok(())
    })
}
