use super::Setting;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-TRANSFER-014",
        name: "transfer-server-public-endpoint",
        family: "NET-OPEN",
        severity: Severity::Medium,
        title: "Transfer Family server on a public endpoint",
        description: "An AWS Transfer Family server uses the `PUBLIC` endpoint type, set explicitly \
            or by leaving `EndpointType` out. A public endpoint is reachable from the whole \
            internet and cannot be restricted by security groups, so every SFTP/FTPS login attempt \
            from anywhere reaches the server and its users' storage. A `VPC` endpoint lets \
            security groups limit who can connect (and can still be internet-facing through \
            Elastic IPs when partners need it).",
        fix: "Set EndpointType: VPC with EndpointDetails (subnets, security groups and, only if partners \
            connect from the internet, AddressAllocationIds).",
        fix_snippet: "SftpServer:\n  Type: AWS::Transfer::Server\n  Properties:\n    EndpointType: VPC\n    EndpointDetails:\n      VpcId: !Ref Vpc\n      SubnetIds: [!Ref PrivateSubnetA]\n      SecurityGroupIds: [!Ref PartnerRangesSecurityGroup]",
        resource_types: &["AWS::Transfer::Server"],
        well_architected: &["SEC05-BP02"],
        checkov: &["CKV_AWS_164"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Transfer::Server")) {
        for setting in super::settings(res, "EndpointType") {
            let hit = match setting {
                Setting::Missing => Some("does not set EndpointType, which defaults to PUBLIC".to_string()),
                Setting::Known(n) if n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("PUBLIC")) => {
                    Some("has EndpointType: PUBLIC".to_string())
                }
                _ => None,
            };
            if let Some(what) = hit {
                out.add(
                    index,
                    "EndpointType",
                    format!(
                        "Transfer server {} {what}, reachable from the internet without security groups",
                        res.logical_id
                    ),
                    format!(
                        "EndpointType: {}",
                        res.prop("EndpointType").map(Node::describe).unwrap_or_else(|| "absent (PUBLIC)".into())
                    ),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Conditional", "Defaulted", "Public"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
