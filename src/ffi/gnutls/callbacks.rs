//! Per-session state of the callbacks in `keylog.rs` and `ext.rs`, kept in
//! cells so it can be read and set while the session itself is borrowed
//! (the callbacks run from inside the TLS engine).

use std::cell::Cell;
use std::ffi::{c_uint, c_void};

use super::keylog::gnutls_keylog_func;
use super::session::gnutls_session_t;

/// The callback state of one session.
#[derive(Default)]
pub struct Callbacks {
    /// The function set with `gnutls_session_set_keylog_function`.
    pub(super) keylog: Cell<gnutls_keylog_func>,
    /// The `GNUTLS_EXT_FLAG_*` code of the message whose extensions are
    /// being sent or received, 0 outside extension callbacks.
    pub(super) ext_msg: Cell<c_uint>,
    /// (Client) While the POST hook of a NewSessionTicket runs: the
    /// session data it brought, for `gnutls_session_get_data2` there.
    pub(super) hook_session_data: Cell<Option<zeroize::Zeroizing<Vec<u8>>>>,
}

impl Callbacks {
    /// A copy of the session data a running NewSessionTicket hook may read.
    pub(super) fn hook_session_data(&self) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        let data = self.hook_session_data.take();
        self.hook_session_data.set(data.clone());
        data
    }
}

/// Runs `f` on the callback state of a live session, with no borrow of
/// the `session` field (which may be borrowed by the caller's call).
///
/// # Safety
/// `session` is NULL or a live session used by no other thread.
pub(super) unsafe fn with_callbacks<R>(
    session: gnutls_session_t,
    f: impl FnOnce(&Callbacks) -> R,
) -> Option<R> {
    if session.is_null() {
        return None;
    }
    // SAFETY: non-NULL and live by the caller's promise; a shared borrow of
    // this one field, made of cells, apart from the `session` field.
    Some(f(unsafe { &*std::ptr::addr_of!((*session).callbacks) }))
}

/// Runs `f` (a call into the application) with the session marked as in a
/// callback: calls on it from inside, other than those reading only
/// callback state or the user pointer, return `GNUTLS_E_INVALID_REQUEST`
/// instead of aliasing the borrowed session.
///
/// # Safety
/// `session` is a live session whose `session` field the caller may have
/// borrowed; `f` may call back into the library with `session`.
pub(super) unsafe fn guarded<R>(session: gnutls_session_t, f: impl FnOnce() -> R) -> R {
    /// Puts back the marker of the callback this one runs inside, if any,
    /// even when `f` unwinds.
    struct Restore(*const c_void);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_CALLBACK.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(IN_CALLBACK.with(|c| c.replace(session.cast_const().cast())));
    f()
}

thread_local! {
    /// The session whose callback this thread is running (NULL: none).
    static IN_CALLBACK: Cell<*const c_void> = const { Cell::new(std::ptr::null()) };
}

/// Whether this thread is inside a callback of `session` (its lock is then
/// held by this thread's call on it).
pub(super) fn in_callback(session: gnutls_session_t) -> bool {
    IN_CALLBACK.with(|c| c.get() == session.cast_const().cast())
}
