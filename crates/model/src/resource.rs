use crate::node::{Node, Pos};
use crate::policy::PolicyDoc;
use crate::views::{self, Bucket, SecurityGroup};
use std::collections::HashMap;

/// One resource, CloudFormation-shaped.
#[derive(Clone, Debug)]
pub struct Resource {
    pub logical_id: String,
    /// `AWS::S3::Bucket`, `AWS::Serverless::Function` …
    pub resource_type: String,
    /// Position of the resource's logical id in its file.
    pub pos: Pos,
    /// The `Properties` map (an empty map when the resource has none).
    pub properties: Node,
    pub metadata: Option<Node>,
    pub deletion_policy: Option<Node>,
    pub update_replace_policy: Option<Node>,
    /// Name of the template `Condition` guarding the resource, if any.
    pub condition: Option<String>,
    /// Live sources know the ARN; templates do not.
    pub arn: Option<String>,
}

impl Resource {
    pub fn prop(&self, path: &str) -> Option<&Node> {
        self.properties.path(path)
    }

    /// Every possible value at `path` (see [`Node::lookup`]).
    pub fn lookup(&self, path: &str) -> Vec<Option<&Node>> {
        self.properties.lookup(path)
    }

    /// Position of a property for a finding: the deepest existing key on `path`, else the
    /// resource itself.
    /// Segments may index lists: `SecurityGroupIngress[1].CidrIp`.
    pub fn pos_of(&self, path: &str) -> Pos {
        let mut node = &self.properties;
        let mut pos = self.pos;
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            let (key, indices) = split_indices(segment);
            let mut next = if key.is_empty() {
                Some((node, node.pos))
            } else {
                match (node.key(key), node.get(key)) {
                    (Some(k), Some(v)) => Some((v, if v.pos.line > 0 { v.pos } else { k.pos })),
                    _ => None,
                }
            };
            for index in indices {
                next = next.and_then(|(n, _)| n.items().get(index)).map(|item| (item, item.pos));
            }
            match next {
                Some((n, p)) => {
                    node = n;
                    if p.line > 0 {
                        pos = p;
                    }
                }
                None => break,
            }
        }
        pos
    }

    pub fn is_type(&self, t: &str) -> bool {
        self.resource_type == t
    }

    /// Region from the ARN (`arn:aws:ec2:eu-west-1:…`), for live resources; empty for global
    /// services and templates.
    pub fn region(&self) -> &str {
        self.arn.as_deref().and_then(|a| a.split(':').nth(3)).unwrap_or("")
    }
}

/// `Name[0][2]` → (`Name`, [0, 2]); malformed indices end the list.
fn split_indices(segment: &str) -> (&str, Vec<usize>) {
    let Some(open) = segment.find('[') else { return (segment, vec![]) };
    let indices = segment[open..]
        .split('[')
        .skip(1)
        .map_while(|part| part.strip_suffix(']').and_then(|n| n.parse().ok()))
        .collect();
    (&segment[..open], indices)
}

/// A template parameter (or a variable of another source).
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub pos: Pos,
    pub param_type: String,
    pub default: Option<Node>,
    pub no_echo: bool,
    pub allowed_values: Vec<String>,
}

/// Audit settings rules read.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Recovery point objective: the newest backup of a volume or database may be this old.
    pub rpo_hours: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { rpo_hours: 24 }
    }
}

/// Everything one source unit (a template, an account snapshot) holds, with derived views.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The file (as the user named it) or the account id.
    pub origin: String,
    pub resources: Vec<Resource>,
    pub parameters: Vec<Parameter>,
    /// Every policy document, identity, trust or resource policy.
    pub policies: Vec<PolicyDoc>,
    pub security_groups: Vec<SecurityGroup>,
    pub buckets: Vec<Bucket>,
    /// Live sources only: account-level facts. `None` for templates.
    pub account: Option<crate::account::Account>,
    /// Live sources only: reads that failed, so checks needing them report UNKNOWN.
    pub unavailable: Vec<crate::account::Unavailable>,
    /// What the user set for this audit (`nextgap.toml` `[live]`, command-line flags).
    pub settings: Settings,
    by_id: HashMap<String, usize>,
}

impl Model {
    /// Builds the model and its views from CloudFormation-shaped resources.
    pub fn new(origin: impl Into<String>, resources: Vec<Resource>, parameters: Vec<Parameter>) -> Self {
        let by_id = resources.iter().enumerate().map(|(i, r)| (r.logical_id.clone(), i)).collect();
        let mut model = Model { origin: origin.into(), resources, parameters, by_id, ..Default::default() };
        model.policies = crate::policy::gather(&model.resources);
        model.security_groups = views::gather_security_groups(&model.resources);
        model.buckets = views::gather_buckets(&model.resources, &model.policies);
        model
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.by_id.get(logical_id).map(|&i| &self.resources[i])
    }

    pub fn index_of(&self, logical_id: &str) -> Option<usize> {
        self.by_id.get(logical_id).copied()
    }

    pub fn of_type<'a>(&'a self, t: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.resource_type == t)
    }

    /// Why `operation` (`ec2:DescribeSecurityGroups`) could not be read in `region` (or
    /// anywhere, for an empty region), if it could not.
    pub fn unavailable(&self, operation: &str, region: &str) -> Option<&crate::account::Unavailable> {
        self.unavailable.iter().find(|u| {
            u.operation.eq_ignore_ascii_case(operation)
                && (region.is_empty() || u.region.is_empty() || u.region == region)
        })
    }

    pub fn is_live(&self) -> bool {
        self.account.is_some()
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}
