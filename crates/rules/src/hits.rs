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
    /// Region the hit is about, when it is not the resource's own (an account-level check judged
    /// per region); empty otherwise.
    pub region: String,
}

/// Collects a check's hits, and the subjects it could not judge.
pub struct Hits<'m> {
    model: &'m Model,
    pub(crate) hits: Vec<Hit>,
    /// (resource index, region, reason): the data needed for this subject could not be read;
    /// the region is empty unless the subject is judged per region.
    pub(crate) unknown: Vec<(usize, String, String)>,
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
            region: String::new(),
        });
    }

    /// Reports `resource` for one region: account-level checks judged per region (a Config
    /// recorder, GuardDuty) report on the account, and the finding names the region.
    pub fn add_in(
        &mut self,
        resource: usize,
        region: &str,
        path: &str,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        self.add(resource, path, message, evidence);
        if let Some(hit) = self.hits.last_mut() {
            hit.region = region.to_string();
        }
    }

    /// The rule could not judge `resource`: its data is unknown (AccessDenied, not collected).
    /// Never counted as a pass.
    pub fn unknown(&mut self, resource: usize, reason: impl Into<String>) {
        self.unknown.push((resource, String::new(), reason.into()));
    }

    /// The rule could not judge `resource` in `region` (an account-level fact of one region is
    /// unknown). Each such region gets an UNKNOWN verdict of its own, even when another region
    /// fails.
    pub fn unknown_in(&mut self, resource: usize, region: &str, reason: impl Into<String>) {
        self.unknown.push((resource, region.to_string(), reason.into()));
    }

    pub fn into_vec(self) -> Vec<Hit> {
        self.hits
    }
}
