use nextgap_model::{Model, Pos};

/// What a check reports: the resource, where in it, and what it saw. The engine adds the
/// rule's metadata to make a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Index into `Model::resources`.
    pub resource: usize,
    /// Property path inside the resource (`SecurityGroupIngress[0]`), empty for the resource.
    pub path: String,
    pub pos: Pos,
    pub message: String,
    pub evidence: String,
}

/// Collects a check's hits, and the subjects it could not judge.
pub struct Hits<'m> {
    model: &'m Model,
    pub(crate) hits: Vec<Hit>,
    /// (resource index, reason): the data needed for this subject could not be read.
    pub(crate) unknown: Vec<(usize, String)>,
}

impl<'m> Hits<'m> {
    pub fn new(model: &'m Model) -> Self {
        Hits { model, hits: Vec::new(), unknown: Vec::new() }
    }

    /// Reports `resource` at property `path`; the position is the deepest key of `path` found.
    pub fn add(&mut self, resource: usize, path: &str, message: impl Into<String>, evidence: impl Into<String>) {
        let pos = self.model.resources[resource].pos_of(path);
        self.add_at(resource, path, pos, message, evidence);
    }

    /// Reports with an explicit position (a statement, an ingress rule).
    pub fn add_at(
        &mut self,
        resource: usize,
        path: &str,
        pos: Pos,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        let pos = if pos.line > 0 { pos } else { self.model.resources[resource].pos };
        self.hits.push(Hit {
            resource,
            path: path.to_string(),
            pos,
            message: message.into(),
            evidence: evidence.into(),
        });
    }

    /// The rule could not judge `resource`: its data is unknown (AccessDenied, not collected).
    /// Never counted as a pass.
    pub fn unknown(&mut self, resource: usize, reason: impl Into<String>) {
        self.unknown.push((resource, reason.into()));
    }

    pub fn into_vec(self) -> Vec<Hit> {
        self.hits
    }
}
