use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::{Event, Field};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-358",
        name: "security-group-open-to-world",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "Security group opened to the whole internet",
        description: "An inbound security-group rule was added (`AuthorizeSecurityGroupIngress`) or changed \
            (`ModifySecurityGroupRules`) to allow `0.0.0.0/0` or `::/0` (any range of prefix length 0): every address on the internet \
            can now reach the instances, databases and load balancers that use the group on those ports \
            (NET-OPEN). Internet-wide scanners find an open SSH, RDP or database port within minutes. \
            Opening a port \"just to test\" from the console and forgetting it is the typical way it \
            happens; the evidence names the ports. `ModifySecurityGroupRules` does not say whether the \
            rule is inbound or outbound, so an outbound rule set to the internet is reported too.",
        fix: "Revoke the rule (`aws ec2 revoke-security-group-ingress`) or narrow it to the addresses that \
            need it; reach instances through Systems Manager Session Manager or EC2 Instance Connect \
            Endpoint instead of open SSH/RDP, and put public services behind a load balancer.",
        fix_snippet: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["5.10", "6.3", "6.4"],
        fsbp: &["EC2.18"],
        well_architected: &["SEC05-BP02"],
        links: &[
            "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"],
        observe,
        correlate: None,
    }),
};

/// A CIDR covering every address: a prefix length of 0 (`0.0.0.0/0`, `::/0`; the address part
/// does not matter, and anonymized logs rewrite it).
fn is_world(cidr: &str) -> bool {
    cidr.trim().rsplit_once('/').is_some_and(|(_, len)| len.trim().parse::<u8>() == Ok(0))
}

/// `tcp 22-22`, `all traffic`, `udp` from a rule's protocol and port fields.
fn ports(rule: &Field, protocol: &str, from: &str, to: &str) -> String {
    let protocol = rule.member(protocol);
    let protocol = protocol.as_str().unwrap_or("");
    if protocol == "-1" || protocol.eq_ignore_ascii_case("all") {
        return "all traffic".into();
    }
    let (from, to) = (rule.member(from), rule.member(to));
    match (from.as_str(), to.as_str()) {
        (Some(f), Some(t)) => format!("{protocol} {f}-{t}"),
        (Some(f), None) => format!("{protocol} {f}"),
        _ => protocol.to_string(),
    }
}

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let mut open = Vec::new();
    let (group, rule_ids) = if ev.event_name() == "ModifySecurityGroupRules" {
        let req = ev.get("requestParameters.ModifySecurityGroupRulesRequest");
        let rules = req.member("SecurityGroupRule");
        let rules = if let Field::Array(_) = rules { rules.elements() } else { vec![rules] };
        let mut ids = Vec::new();
        for update in &rules {
            let rule = update.member("SecurityGroupRule");
            let range = ports(&rule, "IpProtocol", "FromPort", "ToPort");
            let before = open.len();
            for key in ["CidrIpv4", "CidrIpv6"] {
                if let Some(cidr) = rule.member(key).as_str().filter(|c| is_world(c)) {
                    open.push(format!("{key} {cidr} {range}"));
                }
            }
            if open.len() > before {
                if let Some(id) = update.member("SecurityGroupRuleId").as_str() {
                    ids.push(id.to_string());
                }
            }
        }
        (req.member("GroupId"), ids)
    } else {
        let req = ev.get("requestParameters");
        // The older form names one range at the top level.
        if let Some(cidr) = req.member("cidrIp").as_str().filter(|c| is_world(c)) {
            open.push(format!("cidrIp {cidr} {}", ports(&req, "ipProtocol", "fromPort", "toPort")));
        }
        for permission in req.path("ipPermissions.items").elements() {
            let range = ports(&permission, "ipProtocol", "fromPort", "toPort");
            for (list, key) in [("ipRanges.items", "cidrIp"), ("ipv6Ranges.items", "cidrIpv6")] {
                for item in permission.path(list).elements() {
                    if let Some(cidr) = item.member(key).as_str().filter(|c| is_world(c)) {
                        open.push(format!("{key} {cidr} {range}"));
                    }
                }
            }
        }
        let id = req.member("groupId");
        (if id.is_absent_or_null() { req.member("groupName") } else { id }, Vec::new())
    };
    if open.is_empty() {
        return;
    }
    let group = group.as_str().unwrap_or("unknown security group").to_string();
    let caller = ev.identity().principal();
    let message = format!("{caller} opened security group {group} to the internet ({})", open.join("; "));
    let mut evidence = format!("{} {}", ev.event_name(), open.join("; "));
    if !rule_ids.is_empty() {
        evidence.push_str(&format!(" (rules {})", rule_ids.join(", ")));
    }
    let account = ev.account();
    if group.starts_with("sg-") && !account.is_empty() {
        let arn = format!("arn:aws:ec2:{}:{account}:security-group/{group}", ev.region());
        out.report_arn(group, arn, message, evidence);
    } else {
        out.report(group, message, evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::{is_world, RULE};

    #[test]
    fn world_cidrs() {
        assert!(is_world("0.0.0.0/0") && is_world("::/0") && is_world("208.236.235.254/0"));
        assert!(!is_world("0.0.0.0/16") && !is_world("10.0.0.0/8") && !is_world("0.0.0.0") && !is_world("::/128"));
    }

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("sg-003dc7f1f1c686164", ["stratus-anonymized-22"]),
                ("sg-04cfb7a4712d75b00", ["tls-443"]),
                ("sg-04cfb7a4712d75b00", ["top-level-22"]),
                ("sg-0a1b2c3d4e5f60718", ["ipv6-all"]),
                ("sg-0a1b2c3d4e5f60718", ["modify-rule-3389"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
