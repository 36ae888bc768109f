//! Flows: the ordered lists of stages a client may complete, and the
//! parameters each stage type shows the client.

use serde_json::{Map, Value};

use super::UiaError;
use super::registry::StageKind;

/// The most flows, and stages per flow, one endpoint may offer.
const MAX_FLOWS: usize = 64;
const MAX_STAGES: usize = 64;

/// One flow: stages to complete in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    stages: Vec<StageKind>,
}

impl Flow {
    /// The stages, in order.
    pub fn stages(&self) -> &[StageKind] {
        &self.stages
    }
}

/// The flows an endpoint offers, with the stage parameters.
#[derive(Debug, Clone, Default)]
pub struct FlowSet {
    flows: Vec<Flow>,
    /// Parameters per stage type (wire name → JSON object), merged across stages.
    params: Map<String, Value>,
}

impl FlowSet {
    /// An empty set; add flows before use.
    pub fn new() -> Self {
        Self::default()
    }

    /// The common flow of a single `m.login.dummy` stage.
    pub fn dummy() -> Self {
        let mut set = Self::new();
        set.flows.push(Flow {
            stages: vec![StageKind::Dummy],
        });
        set
    }

    /// Adds a flow of `stages`, in order.
    pub fn add_flow(&mut self, stages: Vec<StageKind>) -> Result<(), UiaError> {
        if stages.is_empty() || stages.len() > MAX_STAGES {
            return Err(UiaError::Flows(format!(
                "a flow needs 1 to {MAX_STAGES} stages"
            )));
        }
        if self.flows.len() >= MAX_FLOWS {
            return Err(UiaError::Flows(format!("at most {MAX_FLOWS} flows")));
        }
        self.flows.push(Flow { stages });
        Ok(())
    }

    /// Merges `params` (a JSON object) into the parameters of `kind`: keys
    /// from later calls replace earlier ones.
    pub fn add_params(&mut self, kind: &StageKind, params: Map<String, Value>) {
        let entry = self
            .params
            .entry(kind.wire().to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(existing) = entry {
            existing.extend(params);
        }
    }

    /// Parses `{"flows": [{"stages": [...]}, ...], "params": {...}}`.
    pub fn from_json(text: &str) -> Result<Self, UiaError> {
        let bad = |why: &str| UiaError::Flows(why.to_owned());
        let value: Value =
            serde_json::from_str(text).map_err(|e| UiaError::Flows(format!("not JSON: {e}")))?;
        let object = value.as_object().ok_or_else(|| bad("not a JSON object"))?;
        let flows = object
            .get("flows")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("`flows` must be an array"))?;
        let mut set = Self::new();
        for flow in flows {
            let stages = flow
                .get("stages")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("each flow needs a `stages` array"))?;
            let kinds = stages
                .iter()
                .map(|s| {
                    s.as_str()
                        .and_then(StageKind::from_wire)
                        .ok_or_else(|| bad("invalid stage type"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            set.add_flow(kinds)?;
        }
        match object.get("params") {
            None | Some(Value::Null) => {}
            Some(Value::Object(params)) => {
                for (name, value) in params {
                    let kind = StageKind::from_wire(name)
                        .ok_or_else(|| bad("invalid stage type in params"))?;
                    let Value::Object(fields) = value else {
                        return Err(bad("stage params must be objects"));
                    };
                    set.add_params(&kind, fields.clone());
                }
            }
            Some(_) => return Err(bad("`params` must be an object")),
        }
        set.validate()?;
        Ok(set)
    }

    /// A set of the given stage lists (no params): a session's stored flows.
    pub fn from_stage_lists(lists: &[Vec<StageKind>]) -> Result<Self, UiaError> {
        let mut set = Self::new();
        for stages in lists {
            set.add_flow(stages.clone())?;
        }
        set.validate()?;
        Ok(set)
    }

    /// The flows as stage lists.
    pub fn stage_lists(&self) -> Vec<Vec<StageKind>> {
        self.flows.iter().map(|f| f.stages.clone()).collect()
    }

    /// Checks the set can be offered: at least one flow.
    pub fn validate(&self) -> Result<(), UiaError> {
        if self.flows.is_empty() {
            return Err(UiaError::Flows("no flows".to_owned()));
        }
        Ok(())
    }

    /// The flows.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// Whether some flow starts with `completed` followed by `next`.
    /// Matching is by stage types in order, never by count.
    pub fn allows_next(&self, completed: &[StageKind], next: &StageKind) -> bool {
        self.flows.iter().any(|flow| {
            flow.stages.len() > completed.len()
                && flow.stages.starts_with(completed)
                && flow.stages.get(completed.len()) == Some(next)
        })
    }

    /// The flow that `completed` finishes exactly, if any.
    pub fn finished_flow(&self, completed: &[StageKind]) -> Option<&Flow> {
        self.flows.iter().find(|flow| flow.stages == completed)
    }

    /// Whether `kind` appears in any flow.
    pub fn offers(&self, kind: &StageKind) -> bool {
        self.flows.iter().any(|flow| flow.stages.contains(kind))
    }

    /// The `flows` array of a 401 body.
    pub fn flows_json(&self) -> Value {
        Value::Array(
            self.flows
                .iter()
                .map(|flow| {
                    let stages = flow
                        .stages
                        .iter()
                        .map(|s| Value::String(s.wire().to_owned()))
                        .collect();
                    let mut object = Map::new();
                    object.insert("stages".to_owned(), Value::Array(stages));
                    Value::Object(object)
                })
                .collect(),
        )
    }

    /// The `params` object of a 401 body: every stage type offered has an
    /// entry (empty when it has no parameters).
    pub fn params_json(&self) -> Value {
        let mut params = Map::new();
        for flow in &self.flows {
            for stage in &flow.stages {
                let value = self
                    .params
                    .get(stage.wire())
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Map::new()));
                params.insert(stage.wire().to_owned(), value);
            }
        }
        Value::Object(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> FlowSet {
        FlowSet::from_json(
            r#"{"flows":[{"stages":["m.login.registration_token","m.login.dummy"]},{"stages":["m.login.password"]}],
                "params":{"m.login.terms":{"policies":{}}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn accepts_only_prefixes_of_a_flow_in_order() {
        let set = registration();
        assert!(set.allows_next(&[], &StageKind::RegistrationToken));
        assert!(set.allows_next(&[], &StageKind::Password));
        assert!(
            !set.allows_next(&[], &StageKind::Dummy),
            "dummy is second, never first"
        );
        assert!(set.allows_next(&[StageKind::RegistrationToken], &StageKind::Dummy));
        assert!(!set.allows_next(
            &[StageKind::RegistrationToken],
            &StageKind::RegistrationToken
        ));
    }

    #[test]
    fn finishes_only_on_a_whole_flow() {
        let set = registration();
        assert!(set.finished_flow(&[StageKind::RegistrationToken]).is_none());
        assert!(
            set.finished_flow(&[StageKind::RegistrationToken, StageKind::Dummy])
                .is_some()
        );
        // Same count as a flow, different types: not finished.
        assert!(set.finished_flow(&[StageKind::Dummy]).is_none());
    }

    #[test]
    fn params_cover_every_offered_stage() {
        let params = registration().params_json();
        for name in [
            "m.login.registration_token",
            "m.login.dummy",
            "m.login.password",
        ] {
            assert!(params.get(name).is_some_and(Value::is_object), "{name}");
        }
    }

    #[test]
    fn rejects_malformed_flow_json() {
        for text in [
            "[]",
            "{}",
            r#"{"flows":[]}"#,
            r#"{"flows":[{"stages":[]}]}"#,
            r#"{"flows":[{"stages":[1]}]}"#,
            r#"{"flows":[{"stages":["m.login.dummy"]}],"params":[]}"#,
            r#"{"flows":[{"stages":["bad type"]}]}"#,
            "not json",
        ] {
            assert!(FlowSet::from_json(text).is_err(), "{text}");
        }
    }
}
