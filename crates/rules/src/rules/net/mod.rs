use crate::prelude::*;
use crate::Rule;
use nextgap_model::views::{IngressRule, SecurityGroup};

pub mod apigw_method_no_auth;
pub mod apigw_v2_route_no_auth;
pub mod cognito_identity_pool_guest_access;
pub mod dms_replication_instance_public;
pub mod eks_nodegroup_ssh_world;
pub mod lambda_url_no_auth;
pub mod mq_broker_public;
pub mod nacl_world_admin_ports;
pub mod opensearch_domain_open;
pub mod rds_public_access_unset;
pub mod rds_publicly_accessible;
pub mod redshift_cluster_public;
pub mod redshift_public_access_unset;
pub mod resource_policy_ip_only;
pub mod sg_world_admin_services;
pub mod sg_world_all_traffic;
pub mod sg_world_http;
pub mod sg_world_rdp;
pub mod sg_world_ssh;
pub mod transfer_server_public_endpoint;

pub(crate) const RULES: &[&Rule] = &[
    &sg_world_ssh::RULE,
    &sg_world_rdp::RULE,
    &sg_world_all_traffic::RULE,
    &sg_world_http::RULE,
    &sg_world_admin_services::RULE,
    &nacl_world_admin_ports::RULE,
    &eks_nodegroup_ssh_world::RULE,
    &rds_publicly_accessible::RULE,
    &rds_public_access_unset::RULE,
    &dms_replication_instance_public::RULE,
    &redshift_cluster_public::RULE,
    &redshift_public_access_unset::RULE,
    &mq_broker_public::RULE,
    &transfer_server_public_endpoint::RULE,
    &opensearch_domain_open::RULE,
    &apigw_method_no_auth::RULE,
    &resource_policy_ip_only::RULE,
    &lambda_url_no_auth::RULE,
    &cognito_identity_pool_guest_access::RULE,
    &apigw_v2_route_no_auth::RULE,
];

/// A CIDR that covers every address: any prefix length of 0 (`0.0.0.0/0`, `::/0`, and spellings
/// such as `0000:0000:0000:0000:0000:0000:0000:0000/0`).
pub(crate) fn is_world_cidr(cidr: &str) -> bool {
    cidr.trim().rsplit_once('/').is_some_and(|(_, len)| len.trim() == "0")
}

/// The ingress rule's source is the whole internet.
pub(crate) fn from_world(rule: &IngressRule) -> bool {
    rule.cidr_ipv4.as_deref().is_some_and(is_world_cidr) || rule.cidr_ipv6.as_deref().is_some_and(is_world_cidr)
}

/// The rule lets in every protocol, or every TCP or UDP port. ICMP with type/code `-1` means
/// "every ICMP message", not every port, and is not counted.
pub(crate) fn opens_everything(rule: &IngressRule) -> bool {
    if rule.all_protocols() {
        return true;
    }
    let tcp_or_udp = matches!(rule.protocol.as_deref(), Some("tcp" | "udp" | "6" | "17"));
    tcp_or_udp
        && matches!((rule.from_port, rule.to_port), (Some(f), Some(t)) if (f <= 0 && t >= 65535) || (f == -1 && t == -1))
}

/// Evidence text for an ingress rule.
pub(crate) fn ingress_evidence(rule: &IngressRule) -> String {
    format!("IpProtocol: {}, {}, source {}", rule.protocol.as_deref().unwrap_or("?"), rule.ports_text(), rule.source())
}

/// Live security groups say whether a network interface uses them (`Attached`): the finding
/// tells which, since an unattached open group is a trap for the next launch rather than an
/// exposure today. Empty for templates.
pub(crate) fn attachment_note(group: &Resource) -> &'static str {
    match group.prop("Attached").and_then(Node::as_bool) {
        Some(true) => " (attached to network interfaces)",
        Some(false) => " (not attached to any network interface)",
        None => "",
    }
}

/// The attachment note of the group an ingress rule belongs to.
pub(crate) fn group_note(model: &Model, group: &SecurityGroup) -> &'static str {
    if group.declared {
        attachment_note(&model.resources[group.resource])
    } else {
        ""
    }
}

/// Reports every ingress rule that lets the world reach `port` over TCP. Standalone
/// `AWS::EC2::SecurityGroupIngress` resources are reported where they are written, so the
/// finding points at the line to change. Rules that open every port are left to
/// `sg-world-all-traffic`, so one line does not give one finding per port rule.
pub(crate) fn world_port_hits(model: &Model, out: &mut Hits, port: i64, service: &str) {
    for group in &model.security_groups {
        for rule in group.ingress.iter().filter(|r| from_world(r) && !opens_everything(r) && r.covers_tcp_port(port)) {
            let path = rule.path.clone();
            out.add_at(
                rule.resource,
                &path,
                rule.pos,
                format!(
                    "{service} (port {port}) is open to {} on security group {}{}",
                    rule.source(),
                    group.logical_id,
                    group_note(model, group)
                ),
                ingress_evidence(rule),
            );
        }
    }
}

/// A boolean as CloudFormation reads it; YAML 1.1 spellings (`yes`, `no`, `on`, `off`), which
/// several YAML toolchains still turn into booleans, are read the same way.
pub(crate) fn flag(node: &Node) -> Option<bool> {
    node.as_bool().or_else(|| match node.as_str()?.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" => Some(true),
        "no" | "n" | "off" => Some(false),
        _ => None,
    })
}

/// One alternative of a property (see [`Node::lookup`]).
pub(crate) enum Setting<'a> {
    /// Absent in this alternative: the service default applies.
    Missing,
    /// A literal value.
    Known(&'a Node),
    /// Not knowable before deployment.
    Unknown(&'a Node),
}

/// Every alternative of the property at `path`.
pub(crate) fn settings<'a>(res: &'a Resource, path: &str) -> Vec<Setting<'a>> {
    res.lookup(path)
        .into_iter()
        .map(|n| match n {
            None => Setting::Missing,
            Some(n) if n.is_unresolved() || matches!(n.value, Value::ResourceRef { .. }) => Setting::Unknown(n),
            Some(n) => Setting::Known(n),
        })
        .collect()
}

/// Reports each resource of `resource_type` whose boolean `PubliclyAccessible`-style property
/// is true in some alternative, or missing when the service default is public
/// (`default_public`). Unresolved values never report.
pub(crate) fn public_flag_hits(
    model: &Model,
    out: &mut Hits,
    resource_type: &str,
    property: &str,
    default_public: bool,
    what: &str,
) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.resource_type == resource_type) {
        for setting in settings(res, property) {
            let hit = match setting {
                Setting::Known(n) if flag(n) == Some(true) => Some((
                    format!("{what} {} has {property}: {}", res.logical_id, n.describe()),
                    format!("{property}: {}", n.describe()),
                )),
                Setting::Missing if default_public => Some((
                    format!("{what} {} does not set {property}, which defaults to true", res.logical_id),
                    format!("{property} absent (default true)"),
                )),
                _ => None,
            };
            if let Some((message, evidence)) = hit {
                out.add(index, property, message, evidence);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_cidrs() {
        assert!(is_world_cidr("0.0.0.0/0"));
        assert!(is_world_cidr("::/0"));
        assert!(is_world_cidr("0000:0000:0000:0000:0000:0000:0000:0000/0"));
        assert!(!is_world_cidr("10.0.0.0/8"));
        assert!(!is_world_cidr("0.0.0.0/10"));
        assert!(!is_world_cidr("sg-123"));
    }
}
