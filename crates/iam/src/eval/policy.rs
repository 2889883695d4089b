//! Policy documents parsed for evaluation. The model crate's `PolicyDoc` is tied to template
//! sources (positions, logical ids) and treats unresolved values as "never matches"; evaluation
//! needs conditions and principals in full, so documents are parsed here from JSON.

use std::fmt;

use serde_json::Value;

use super::conditions::Condition;

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A malformed policy: evaluation refuses it rather than guessing what it meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub policy: String,
    pub statement: Option<usize>,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.statement {
            Some(i) => write!(f, "policy {} statement {i}: {}", self.policy, self.message),
            None => write!(f, "policy {}: {}", self.policy, self.message),
        }
    }
}

impl std::error::Error for PolicyError {}

/// `Action`/`NotAction`, `Resource`/`NotResource`: the patterns and whether they are negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patterns {
    pub values: Vec<String>,
    pub negated: bool,
}

/// `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrincipalSpec {
    /// `"Principal": "*"` (or `{"AWS": "*"}`).
    pub everyone: bool,
    pub aws: Vec<String>,
    pub service: Vec<String>,
    pub federated: Vec<String>,
    pub canonical_user: Vec<String>,
    pub negated: bool,
}

/// One statement, with its index in the document (what reasons cite).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: Patterns,
    /// `None`: no `Resource` element (trust policies), which means the resource itself.
    pub resource: Option<Patterns>,
    pub principal: Option<PrincipalSpec>,
    pub conditions: Vec<Condition>,
}

/// A parsed policy document with the name reasons cite.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    /// Policy variables are only substituted under version 2012-10-17.
    pub variables: bool,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Parses a policy document. Accepts a single statement object as well as an array.
    pub fn parse(name: &str, doc: &Value) -> Result<Policy, PolicyError> {
        let err = |statement, message: String| PolicyError { policy: name.to_string(), statement, message };
        let obj = doc.as_object().ok_or_else(|| err(None, "document is not an object".into()))?;
        let variables = obj.get("Version").and_then(Value::as_str) == Some("2012-10-17");
        let raw = match obj.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => return Err(err(None, "missing or invalid Statement".into())),
        };
        let statements = raw
            .into_iter()
            .enumerate()
            .map(|(i, s)| parse_statement(i, s).map_err(|m| err(Some(i), m)))
            .collect::<Result<_, _>>()?;
        Ok(Policy { name: name.to_string(), variables, statements })
    }
}

fn parse_statement(index: usize, value: &Value) -> Result<Statement, String> {
    let obj = value.as_object().ok_or("statement is not an object")?;
    let effect = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        other => return Err(format!("invalid Effect {other:?}")),
    };
    let action = either(obj, "Action", "NotAction")?.ok_or("no Action or NotAction")?;
    let resource = either(obj, "Resource", "NotResource")?;
    let principal = parse_principal(obj)?;
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => super::conditions::parse_block(c)?,
    };
    Ok(Statement {
        index,
        sid: obj.get("Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        action,
        resource,
        principal,
        conditions,
    })
}

type Object = serde_json::Map<String, Value>;

/// Reads `key` or `not_key` (never both) as a list of strings.
fn either(obj: &Object, key: &str, not_key: &str) -> Result<Option<Patterns>, String> {
    match (obj.get(key), obj.get(not_key)) {
        (Some(_), Some(_)) => Err(format!("both {key} and {not_key}")),
        (Some(v), None) => Ok(Some(Patterns { values: strings(v, key)?, negated: false })),
        (None, Some(v)) => Ok(Some(Patterns { values: strings(v, not_key)?, negated: true })),
        (None, None) => Ok(None),
    }
}

/// A string or an array of strings.
pub(crate) fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| format!("{what}: non-string element")))
            .collect(),
        _ => Err(format!("{what}: expected a string or an array of strings")),
    }
}

fn parse_principal(obj: &Object) -> Result<Option<PrincipalSpec>, String> {
    let (value, negated) = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => return Err("both Principal and NotPrincipal".into()),
        (Some(v), None) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => return Ok(None),
    };
    let mut spec = PrincipalSpec { negated, ..PrincipalSpec::default() };
    match value {
        Value::String(s) if s == "*" => spec.everyone = true,
        Value::Object(map) => {
            for (kind, v) in map {
                let list = strings(v, kind)?;
                match kind.as_str() {
                    "AWS" if list.iter().any(|a| a == "*") => spec.everyone = true,
                    "AWS" => spec.aws = list,
                    "Service" => spec.service = list,
                    "Federated" => spec.federated = list,
                    "CanonicalUser" => spec.canonical_user = list,
                    other => return Err(format!("unknown principal type {other}")),
                }
            }
        }
        _ => return Err("Principal must be \"*\" or an object".into()),
    }
    Ok(Some(spec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_single_statement_object() {
        let p = Policy::parse(
            "p",
            &json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
        )
        .unwrap();
        assert_eq!(p.statements.len(), 1);
        assert!(p.variables);
    }

    #[test]
    fn malformed_documents_are_errors() {
        for doc in [
            json!([]),
            json!({"Statement": 3}),
            json!({"Statement": [{"Effect": "Maybe", "Action": "*"}]}),
            json!({"Statement": [{"Effect": "Allow"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [1]}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Bogus": "x"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Nope": {"a": "b"}}}]}),
        ] {
            assert!(Policy::parse("p", &doc).is_err(), "{doc}");
        }
    }

    #[test]
    fn principal_star_forms() {
        let p = Policy::parse(
            "p",
            &json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": ["*"]}}]}),
        )
        .unwrap();
        assert!(p.statements[0].principal.as_ref().unwrap().everyone);
    }
}
