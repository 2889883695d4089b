use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-068",
        name: "imagebuilder-ami-public",
        family: "GAP-PUBLIC-SNAPSHOT",
        severity: Severity::Critical,
        title: "Image Builder shares its AMIs with everyone",
        description: "An EC2 Image Builder distribution grants launch permission to the group `all`, so \
            every AMI the pipeline builds becomes public: any AWS account can launch it and copy \
            its snapshots. Images built from internal configuration routinely carry credentials, \
            keys, internal addresses and proprietary code. Sharing belongs to named accounts, \
            organizations or organizational units.",
        fix: "Remove `all` from `UserGroups` and share with `UserIds`, `OrganizationArns` or \
            `OrganizationalUnitArns` instead.",
        fix_snippet: "Distributions:\n  - Region: !Ref AWS::Region\n    AmiDistributionConfiguration:\n      LaunchPermissionConfiguration:\n        OrganizationArns:\n          - !Sub arn:aws:organizations::${ManagementAccountId}:organization/${OrgId}",
        resource_types: &["AWS::ImageBuilder::DistributionConfiguration"],
        fsbp: &["EC2.1"],
        well_architected: &["SEC03-BP07", "SEC03-BP08"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in
        model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ImageBuilder::DistributionConfiguration"))
    {
        for (n, dist) in res.lookup("Distributions").into_iter().flatten().flat_map(Node::all_items).enumerate() {
            let groups = dist.lookup("AmiDistributionConfiguration.LaunchPermissionConfiguration.UserGroups");
            let public = groups
                .into_iter()
                .flatten()
                .flat_map(|g| if matches!(g.value, Value::List(_)) { g.all_items() } else { vec![g] })
                .any(|g| g.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")));
            if public {
                let region = dist.get("Region").and_then(Node::scalar_text).map(|r| format!(" in Region {r}"));
                let path =
                    format!("Distributions[{n}].AmiDistributionConfiguration.LaunchPermissionConfiguration.UserGroups");
                out.add_at(
                    i,
                    &path,
                    dist.pos,
                    format!(
                        "Distribution configuration {} makes its AMIs public{}",
                        res.logical_id,
                        region.unwrap_or_default()
                    ),
                    "LaunchPermissionConfiguration.UserGroups: [all]",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ChoicePublic", "PublicAmi"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
