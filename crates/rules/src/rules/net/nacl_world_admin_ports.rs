use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-006",
        name: "nacl-world-admin-ports",
        family: "NET-OPEN",
        severity: Severity::Medium,
        title: "Network ACL allows SSH or RDP from the internet",
        description: "A network ACL entry allows inbound traffic from 0.0.0.0/0 or ::/0 to port 22 \
            (SSH) or 3389 (RDP), either directly or through an all-protocol or port-range entry, \
            and no lower-numbered entry of the same ACL denies it first. Network ACLs are the \
            subnet-wide second layer under security groups: when they let remote administration \
            in from anywhere, a single permissive security group in the subnet exposes its \
            instances to the internet. Deny the administration ports from the internet at the ACL \
            and administer through Session Manager or a VPN.",
        fix: "Add a lower-numbered DENY entry for ports 22 and 3389 from 0.0.0.0/0 (and ::/0), or narrow the \
            allow entry's CidrBlock and port range.",
        fix_snippet: "DenyAdminFromInternet:\n  Type: AWS::EC2::NetworkAclEntry\n  Properties:\n    NetworkAclId: !Ref PublicAcl\n    RuleNumber: 90\n    Protocol: 6\n    RuleAction: deny\n    Egress: false\n    CidrBlock: 0.0.0.0/0\n    PortRange: {From: 22, To: 22}",
        resource_types: &["AWS::EC2::NetworkAclEntry"],
        cis: &["6.2"],
        fsbp: &["EC2.21"],
        well_architected: &["SEC05-BP02"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const ADMIN_PORTS: &[(i64, &str)] = &[(22, "SSH"), (3389, "RDP")];

/// One ingress entry, with every field known; entries with an unknown field are left out.
struct Entry {
    index: usize,
    acl: String,
    number: i64,
    allow: bool,
    /// The world source and the property holding it.
    world: Option<(String, &'static str)>,
    protocol: i64,
    ports: Option<(i64, i64)>,
}

impl Entry {
    fn read(index: usize, res: &Resource) -> Option<Entry> {
        let egress = match res.prop("Egress") {
            None => false,
            Some(n) => super::flag(n)?,
        };
        if egress {
            return None;
        }
        let acl = match &res.prop("NetworkAclId")?.value {
            Value::ResourceRef { logical_id, .. } => logical_id.clone(),
            Value::String(s) => s.clone(),
            _ => return None,
        };
        let allow = match res.prop("RuleAction")?.as_str()?.to_ascii_lowercase().as_str() {
            "allow" => true,
            "deny" => false,
            _ => return None,
        };
        let world = ["CidrBlock", "Ipv6CidrBlock"].into_iter().find_map(|key| {
            let cidr = res
                .lookup(key)
                .into_iter()
                .flatten()
                .filter_map(Node::scalar_text)
                .find(|c| super::is_world_cidr(c))?;
            Some((cidr, key))
        });
        let ports = match (
            res.prop("PortRange.From").and_then(Node::as_i64),
            res.prop("PortRange.To").and_then(Node::as_i64),
        ) {
            (Some(f), Some(t)) => Some((f, t)),
            _ => None,
        };
        Some(Entry {
            index,
            acl,
            number: res.prop("RuleNumber")?.as_i64()?,
            allow,
            world,
            protocol: res.prop("Protocol")?.as_i64()?,
            ports,
        })
    }

    /// Whether the entry matches TCP traffic to `port`. A TCP entry without a port range is
    /// invalid and counted as not matching.
    fn covers(&self, port: i64) -> bool {
        match self.protocol {
            -1 => true,
            6 => self.ports.is_some_and(|(f, t)| f <= port && port <= t),
            _ => false,
        }
    }
}

fn check(model: &Model, out: &mut Hits) {
    let entries: Vec<Entry> = model
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.resource_type == "AWS::EC2::NetworkAclEntry")
        .filter_map(|(i, r)| Entry::read(i, r))
        .collect();
    for entry in entries.iter().filter(|e| e.allow) {
        let Some((source, key)) = &entry.world else { continue };
        let open: Vec<String> = ADMIN_PORTS
            .iter()
            .filter(|(port, _)| entry.covers(*port))
            .filter(|(port, _)| {
                !entries.iter().any(|d| {
                    !d.allow && d.acl == entry.acl && d.number < entry.number && d.world.is_some() && d.covers(*port)
                })
            })
            .map(|(port, name)| format!("{name} ({port})"))
            .collect();
        if open.is_empty() {
            continue;
        }
        out.add(
            entry.index,
            key,
            format!(
                "Network ACL entry {} (rule {} of {}) allows {} from {source}",
                model.resources[entry.index].logical_id,
                entry.number,
                entry.acl,
                open.join(" and ")
            ),
            format!(
                "RuleAction: allow, Protocol: {}, PortRange: {}, source {source}",
                entry.protocol,
                entry.ports.map(|(f, t)| format!("{f}-{t}")).unwrap_or_else(|| "all".into())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["AllowAll", "AllowRdpRange", "AllowSshV6", "ShadowOnlySsh"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
