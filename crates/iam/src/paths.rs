//! The catalogue of privilege-escalation paths, from pathfinding.cloud (Apache-2.0, Datadog;
//! extracted by `scripts/extract-escalation-paths.py`). Each path is a fact: which permissions
//! it needs and, for paths that pass a role to new compute, which service the role must trust.
//! How each kind of path becomes graph edges lives in `graph::edges`.

use serde::Deserialize;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/escalation-paths.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    SelfEscalation,
    PrincipalAccess,
    NewPassrole,
    ExistingPassrole,
    CredentialAccess,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EscalationPath {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub required: Vec<String>,
    #[serde(default)]
    pub trusted_service: Option<String>,
}

impl EscalationPath {
    /// The path's page, for references in findings.
    pub fn url(&self) -> String {
        format!("https://pathfinding.cloud/paths/{}", self.id)
    }
}

#[derive(Debug, Deserialize)]
pub struct Source {
    pub name: String,
    pub url: String,
    pub licence: String,
    pub paths: usize,
}

#[derive(Debug, Deserialize)]
struct File {
    source: Source,
    paths: Vec<EscalationPath>,
}

fn file() -> &'static File {
    static FILE: OnceLock<File> = OnceLock::new();
    // The file is generated and embedded at build time; a test parses it.
    FILE.get_or_init(|| serde_json::from_str(DATA).expect("embedded escalation-paths.json parses"))
}

/// Every path of the catalogue, sorted by id.
pub fn all() -> &'static [EscalationPath] {
    &file().paths
}

pub fn source() -> &'static Source {
    &file().source
}

pub fn get(id: &str) -> Option<&'static EscalationPath> {
    all().iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads_with_every_category() {
        assert_eq!(all().len(), source().paths);
        assert_eq!(all().len(), 65);
        let lambda = get("lambda-001").unwrap();
        assert_eq!(lambda.category, Category::NewPassrole);
        assert_eq!(lambda.trusted_service.as_deref(), Some("lambda.amazonaws.com"));
        assert_eq!(lambda.required, ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]);
        assert_eq!(get("iam-001").unwrap().category, Category::SelfEscalation);
        assert_eq!(get("sts-001").unwrap().category, Category::PrincipalAccess);
    }

    #[test]
    fn every_required_permission_is_a_known_action() {
        let catalog = crate::catalog::Catalog::get();
        for path in all() {
            for action in &path.required {
                assert!(catalog.action(action).is_some(), "{}: {action} not in the catalogue", path.id);
            }
        }
    }
}
