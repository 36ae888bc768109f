//! What a completion tells the host: a response to send (the `0` of the
//! `UiaComplete` contract) or that the client is done (`1`).

use serde_json::{Map, Value, json};

use super::flows::FlowSet;
use super::registry::StageKind;

/// The result of one completion.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Send this response as it is; do not perform the operation.
    Respond(Response),
    /// Every stage of a flow is complete: perform the operation.
    Done(Completion),
    /// The client attempted the TLS client-certificate stage on a connection
    /// that has no certificate yet but can be asked for one: run TLS
    /// post-handshake authentication, then complete the request again.
    /// Nothing was stored.
    Reauthenticate,
}

/// An HTTP response for the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// HTTP status: 401 (more stages), 400, 403, 413, 429.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

/// What a finished session established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The session id.
    pub session: String,
    /// The stages of the completed flow, in order.
    pub flow: Vec<String>,
    /// The user the stages authenticated, if any.
    pub user: Option<String>,
    /// The registration token this session consumed, when the completing
    /// request carried it (the store keeps only its digest).
    pub token: Option<String>,
    /// The completing request's body without `auth` and without secret
    /// fields (`password`, `new_password`, `old_password`): the operation
    /// the session authorised, the same (but for those fields) as every
    /// request on the session that carried a body.
    pub body: String,
    /// True when this is a repeat of the request that completed the session
    /// (the client lost the first answer): the host should answer as it did,
    /// not perform the operation again.
    pub replayed: bool,
}

/// A failure the client sees: an HTTP status with a Matrix errcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status.
    pub status: u16,
    /// Matrix errcode.
    pub errcode: String,
    /// Human-readable message.
    pub error: String,
}

impl Failure {
    /// A failure with `status`, `errcode` and `error`.
    pub fn new(status: u16, errcode: &str, error: impl Into<String>) -> Self {
        Self {
            status,
            errcode: errcode.to_owned(),
            error: error.into(),
        }
    }

    /// The failure alone, as a response (no UIA state: nothing was accepted).
    pub fn into_response(self) -> Response {
        Response {
            status: self.status,
            body: json!({"errcode": self.errcode, "error": self.error}),
        }
    }
}

/// The 401 body describing the session: flows, params, session, completed
/// (empty until a stage is done), and the failure of the last attempt if any.
pub fn state(
    flows: &FlowSet,
    session: &str,
    completed: &[StageKind],
    failure: Option<&Failure>,
) -> Response {
    let mut body = Map::new();
    body.insert("flows".into(), flows.flows_json());
    body.insert("params".into(), flows.params_json());
    body.insert("session".into(), Value::String(session.to_owned()));
    // Always present, empty at first: some clients (Telodendria's fallback
    // page among them) read it unconditionally.
    let done = completed
        .iter()
        .map(|s| Value::String(s.wire().to_owned()))
        .collect();
    body.insert("completed".into(), Value::Array(done));
    if let Some(failure) = failure {
        body.insert("errcode".into(), Value::String(failure.errcode.clone()));
        body.insert("error".into(), Value::String(failure.error.clone()));
    }
    Response {
        status: 401,
        body: Value::Object(body),
    }
}
