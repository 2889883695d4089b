use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-051",
        name: "cloudtrail-single-region",
        family: "GAP-TRAIL",
        severity: Severity::Medium,
        title: "CloudTrail trail records only one Region",
        description: "The trail is not multi-Region (`IsMultiRegionTrail` is false or unset, and unset \
            means false). It records API calls in the Region where the stack runs and nothing \
            elsewhere, while credentials work in every Region: an intruder who launches \
            instances, creates keys or reads data in a Region you do not use leaves no trace in \
            this trail. A multi-Region trail also covers Regions AWS opens later.",
        fix: "Set `IsMultiRegionTrail: true` (with `IncludeGlobalServiceEvents: true`), or rely on an \
            organization trail and remove this one.",
        fix_snippet: "Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    IsMultiRegionTrail: true\n    IncludeGlobalServiceEvents: true\n    S3BucketName: !Ref TrailBucket",
        resource_types: &["AWS::CloudTrail::Trail"],
        cis: &["4.1"],
        fsbp: &["CloudTrail.1"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_67"],
        requires: &["cloudtrail:DescribeTrails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudTrail::Trail")) {
        if let Some(found) = super::false_or_missing(res, "IsMultiRegionTrail") {
            out.add(
                i,
                "IsMultiRegionTrail",
                format!("Trail {} records only the Region it is deployed in", res.logical_id),
                super::seen("IsMultiRegionTrail", found, "defaults to false"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ExplicitFalse", "NoValueBranch", "Unset"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
