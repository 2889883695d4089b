use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-050",
        name: "cloudtrail-logging-off",
        family: "GAP-TRAIL",
        severity: Severity::High,
        title: "CloudTrail trail created with logging stopped",
        description: "The trail is deployed with `IsLogging: false`, so it exists, looks like an audit trail \
            in the console and in reviews, and records nothing. API activity during the gap (who \
            created the access key, who changed the bucket policy) cannot be reconstructed later: \
            CloudTrail event history keeps only 90 days of management events in one Region and \
            no data events. A template that ships a stopped trail is also how an attacker or a \
            hurried change quietly switches the audit off.",
        fix: "Set `IsLogging: true`. If the trail must be paused, do it through a reviewed change and \
            alert on `StopLogging` events.",
        fix_snippet: "Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    S3BucketName: !Ref TrailBucket",
        resource_types: &["AWS::CloudTrail::Trail"],
        cis: &["4.1"],
        fsbp: &["CloudTrail.3"],
        well_architected: &["SEC04-BP01"],
        requires: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudTrail::Trail")) {
        // `IsLogging` is required: a missing value is a template error, not a stopped trail.
        let stopped = res.lookup("IsLogging").into_iter().flatten().find(|n| n.as_bool() == Some(false));
        if let Some(node) = stopped {
            out.add(
                i,
                "IsLogging",
                format!("Trail {} is deployed with logging stopped", res.logical_id),
                format!("IsLogging: {}", node.describe()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ChoiceOff", "Stopped", "StringFalse"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
