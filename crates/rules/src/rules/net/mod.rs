use crate::prelude::*;
use crate::Rule;

pub mod sg_world_ssh;

pub(crate) const RULES: &[&Rule] = &[
    &sg_world_ssh::RULE,
];

/// Reports every ingress rule that lets the world reach `port` over TCP. Standalone
/// `AWS::EC2::SecurityGroupIngress` resources are reported where they are written, so the
/// finding points at the line to change.
pub(crate) fn world_port_hits(model: &Model, out: &mut Hits, port: i64, service: &str) {
    for group in &model.security_groups {
        for rule in group.ingress.iter().filter(|r| r.is_world() && r.covers_tcp_port(port)) {
            let path = rule.path.clone();
            out.add_at(
                rule.resource,
                &path,
                rule.pos,
                format!("{service} (port {port}) is open to {} on security group {}", rule.source(), group.logical_id),
                format!("IpProtocol: {}, {}, source {}", rule.protocol.as_deref().unwrap_or("?"), rule.ports_text(), rule.source()),
            );
        }
    }
}
