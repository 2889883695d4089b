//! Views gathered across resources, so rules ask one place: a security group with every
//! ingress rule wherever it was declared; a bucket with its ACL, policies and Block Public
//! Access.

use crate::node::{Node, Pos, Value};
use crate::policy::PolicyDoc;
use crate::resource::Resource;

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    /// Index of the `AWS::EC2::SecurityGroup` resource; for ingress rules whose group is not
    /// in the source, the index of the standalone ingress resource.
    pub resource: usize,
    pub logical_id: String,
    /// False when the group is outside the source (ingress added to a group by id).
    pub declared: bool,
    pub ingress: Vec<IngressRule>,
}

/// One ingress permission, for one source range.
#[derive(Clone, Debug)]
pub struct IngressRule {
    /// Resource where the rule was written (the group, or an `AWS::EC2::SecurityGroupIngress`).
    pub resource: usize,
    pub logical_id: String,
    pub path: String,
    pub pos: Pos,
    /// Lower-case protocol: `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a number.
    pub protocol: Option<String>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ipv4: Option<String>,
    pub cidr_ipv6: Option<String>,
}

impl IngressRule {
    /// Source is the whole internet: any `/0` prefix (`0.0.0.0/0`, `::/0`, and the disguised
    /// forms seen in real templates such as `192.168.1.0/0` or `0000:…:0000/0`).
    pub fn is_world(&self) -> bool {
        [&self.cidr_ipv4, &self.cidr_ipv6].into_iter().flatten().any(|c| is_world_cidr(c))
    }

    pub fn source(&self) -> &str {
        self.cidr_ipv4.as_deref().or(self.cidr_ipv6.as_deref()).unwrap_or("?")
    }

    pub fn all_protocols(&self) -> bool {
        matches!(self.protocol.as_deref(), Some("-1") | Some("all"))
    }

    /// Every port of TCP or UDP (protocol -1, or a 0–65535 / -1 range). ICMP has no ports: its
    /// `-1/-1` means every message type, not every port.
    pub fn all_ports(&self) -> bool {
        let icmp = matches!(self.protocol.as_deref(), Some("icmp") | Some("icmpv6") | Some("1") | Some("58"));
        let every_port = matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0 && t >= 65535)
            || matches!((self.from_port, self.to_port), (Some(-1), Some(-1)));
        self.all_protocols() || (!icmp && every_port)
    }

    /// Whether the rule lets `port` in over TCP (or every protocol).
    pub fn covers_tcp_port(&self, port: i64) -> bool {
        if self.all_protocols() {
            return true;
        }
        if !matches!(self.protocol.as_deref(), Some("tcp") | Some("6")) {
            return false;
        }
        match (self.from_port, self.to_port) {
            (Some(-1), _) | (_, Some(-1)) => true,
            (Some(f), Some(t)) => f <= port && port <= t,
            (Some(f), None) => f == port,
            _ => false,
        }
    }

    pub fn ports_text(&self) -> String {
        if self.all_ports() {
            return "all ports".into();
        }
        match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f == t => format!("port {f}"),
            (Some(f), Some(t)) => format!("ports {f}-{t}"),
            _ => "unknown ports".into(),
        }
    }
}

/// A CIDR whose prefix length is 0 covers every address, whatever address is written.
pub fn is_world_cidr(cidr: &str) -> bool {
    cidr.trim().rsplit_once('/').is_some_and(|(_, len)| len.trim() == "0")
}

#[derive(Clone, Debug)]
pub struct Bucket {
    pub resource: usize,
    pub logical_id: String,
    /// Canned ACL (`AccessControl`), when set and known.
    pub acl: Option<String>,
    /// `None` when the configuration is absent.
    pub public_access_block: Option<PublicAccessBlock>,
    /// Indices into `Model::policies` of the bucket's policies.
    pub policies: Vec<usize>,
}

/// Each flag: `Some(true/false)` when known, `None` when omitted (S3 reads omitted as false)
/// or unresolved.
#[derive(Clone, Debug, Default)]
pub struct PublicAccessBlock {
    pub pos: Pos,
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

pub(crate) fn gather_security_groups(resources: &[Resource]) -> Vec<SecurityGroup> {
    let mut groups: Vec<SecurityGroup> = Vec::new();
    for (i, res) in resources.iter().enumerate() {
        if res.resource_type == "AWS::EC2::SecurityGroup" {
            let mut ingress = Vec::new();
            for (n, item) in res
                .properties
                .lookup("SecurityGroupIngress")
                .into_iter()
                .flatten()
                .flat_map(|l| l.all_items())
                .enumerate()
            {
                ingress.extend(ingress_rules(i, res, &format!("SecurityGroupIngress[{n}]"), item));
            }
            groups.push(SecurityGroup { resource: i, logical_id: res.logical_id.clone(), declared: true, ingress });
        }
    }
    for (i, res) in resources.iter().enumerate() {
        if res.resource_type != "AWS::EC2::SecurityGroupIngress" {
            continue;
        }
        let rules = ingress_rules(i, res, "", &res.properties);
        match target_group(res).and_then(|id| groups.iter_mut().find(|g| g.declared && g.logical_id == id)) {
            Some(group) => group.ingress.extend(rules),
            None => groups.push(SecurityGroup {
                resource: i,
                logical_id: res.logical_id.clone(),
                declared: false,
                ingress: rules,
            }),
        }
    }
    groups
}

/// The security group a standalone ingress resource adds to, when it is in the same source.
fn target_group(res: &Resource) -> Option<String> {
    let node = res.prop("GroupId").or(res.prop("GroupName"))?;
    match &node.value {
        Value::ResourceRef { logical_id, .. } => Some(logical_id.clone()),
        _ => None,
    }
}

/// One rule per possible source range (an `Fn::If` between two ranges gives two).
fn ingress_rules(index: usize, res: &Resource, path: &str, item: &Node) -> Vec<IngressRule> {
    let text = |key: &str| -> Vec<Option<String>> {
        item.lookup(key).into_iter().map(|n| n.and_then(Node::scalar_text)).collect()
    };
    let port = |key: &str, widest: fn(i64, i64) -> i64| -> Option<i64> {
        item.lookup(key).into_iter().flatten().filter_map(Node::as_i64).reduce(widest)
    };
    let protocol = text("IpProtocol").into_iter().flatten().map(|p| p.to_ascii_lowercase()).next();
    let (from_port, to_port) = (port("FromPort", i64::min), port("ToPort", i64::max));
    let pos = if item.pos.line > 0 { item.pos } else { res.pos };
    let mut out = Vec::new();
    let base = IngressRule {
        resource: index,
        logical_id: res.logical_id.clone(),
        path: path.to_string(),
        pos,
        protocol,
        from_port,
        to_port,
        cidr_ipv4: None,
        cidr_ipv6: None,
    };
    for cidr in text("CidrIp").into_iter().flatten() {
        out.push(IngressRule { cidr_ipv4: Some(cidr), ..base.clone() });
    }
    for cidr in text("CidrIpv6").into_iter().flatten() {
        out.push(IngressRule { cidr_ipv6: Some(cidr), ..base.clone() });
    }
    if out.is_empty() {
        out.push(base);
    }
    out
}

pub(crate) fn gather_buckets(resources: &[Resource], policies: &[PolicyDoc]) -> Vec<Bucket> {
    resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.resource_type == "AWS::S3::Bucket")
        .map(|(i, res)| Bucket {
            resource: i,
            logical_id: res.logical_id.clone(),
            acl: res.prop("AccessControl").and_then(Node::scalar_text),
            public_access_block: public_access_block(res),
            policies: policies
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.resource_type == "AWS::S3::BucketPolicy" && policy_targets(&resources[p.resource], res)
                })
                .map(|(n, _)| n)
                .collect(),
        })
        .collect()
}

fn public_access_block(res: &Resource) -> Option<PublicAccessBlock> {
    let node = res.prop("PublicAccessBlockConfiguration")?;
    let flag = |key: &str| node.get(key).and_then(Node::as_bool);
    Some(PublicAccessBlock {
        pos: node.pos,
        block_public_acls: flag("BlockPublicAcls"),
        ignore_public_acls: flag("IgnorePublicAcls"),
        block_public_policy: flag("BlockPublicPolicy"),
        restrict_public_buckets: flag("RestrictPublicBuckets"),
    })
}

/// A bucket policy applies to a bucket referenced by `Ref`, or named literally.
fn policy_targets(policy: &Resource, bucket: &Resource) -> bool {
    match policy.prop("Bucket").map(|n| &n.value) {
        Some(Value::ResourceRef { logical_id, .. }) => logical_id == &bucket.logical_id,
        Some(Value::String(name)) => bucket.prop("BucketName").and_then(Node::as_str) == Some(name.as_str()),
        _ => false,
    }
}
