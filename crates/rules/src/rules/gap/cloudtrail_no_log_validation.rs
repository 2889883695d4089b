use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-052",
        name: "cloudtrail-no-log-validation",
        family: "GAP-TRAIL",
        severity: Severity::Medium,
        title: "CloudTrail log file validation is off",
        description: "The trail does not write digest files (`EnableLogFileValidation` is false or \
            unset). Without them nobody can prove that the log files in the bucket are the ones \
            CloudTrail delivered: anyone able to write to the bucket can delete or edit records \
            of what they did, and the change goes unnoticed. Digest files are what makes the \
            trail usable as evidence after an incident.",
        fix: "Set `EnableLogFileValidation: true` and validate with `aws cloudtrail validate-logs` during \
            investigations.",
        fix_snippet: "Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    EnableLogFileValidation: true\n    S3BucketName: !Ref TrailBucket",
        resource_types: &["AWS::CloudTrail::Trail"],
        cis: &["4.2"],
        fsbp: &["CloudTrail.4"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_36"],
        requires: &["cloudtrail:DescribeTrails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudTrail::Trail")) {
        if let Some(found) = super::false_or_missing(res, "EnableLogFileValidation") {
            out.add(
                i,
                "EnableLogFileValidation",
                format!("Trail {} writes no digest files, so tampering with its logs goes unnoticed", res.logical_id),
                super::seen("EnableLogFileValidation", found, "defaults to false"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ChoiceOff", "ExplicitFalse", "Unset"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
