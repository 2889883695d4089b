use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDFRONT-064",
        name: "cloudfront-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Medium,
        title: "CloudFront distribution without access logs",
        description: "The distribution has no standard logging (`DistributionConfig.Logging`), and no \
            `AWS::Logs::DeliverySource` of the template sends its access logs elsewhere. \
            CloudFront is often the only public entry point of an application: without its \
            access logs there is no record of which clients requested which paths, so scraping, \
            credential stuffing or exploitation attempts cannot be traced or scoped.",
        fix: "Add `Logging` with a log bucket (or configure standard logging v2 with an \
            `AWS::Logs::DeliverySource` for the distribution).",
        fix_snippet: "Distribution:\n  Type: AWS::CloudFront::Distribution\n  Properties:\n    DistributionConfig:\n      Logging:\n        Bucket: !GetAtt LogBucket.RegionalDomainName\n        Prefix: cloudfront/",
        resource_types: &["AWS::CloudFront::Distribution", "AWS::Logs::DeliverySource"],
        fsbp: &["CloudFront.5"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_86"],
        cfn_nag: &["W10"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudFront::Distribution")) {
        if !res.lookup("DistributionConfig.Logging").iter().any(Option::is_none) {
            continue;
        }
        // A disabled distribution serves nothing.
        let enabled = res.lookup("DistributionConfig.Enabled");
        if !enabled.is_empty() && enabled.iter().all(|e| e.and_then(Node::as_bool) == Some(false)) {
            continue;
        }
        if delivered_elsewhere(model, &res.logical_id) {
            continue;
        }
        out.add(
            i,
            "DistributionConfig.Logging",
            format!("Distribution {} writes no access logs", res.logical_id),
            "DistributionConfig.Logging not set",
        );
    }
}

/// Standard logging v2: a delivery source whose `ResourceArn` names the distribution, or whose
/// ARN cannot be read at all (given the benefit of the doubt). A literal ARN names a distribution
/// outside the template.
fn delivered_elsewhere(model: &Model, distribution: &str) -> bool {
    model.of_type("AWS::Logs::DeliverySource").any(|src| {
        src.lookup("ResourceArn").into_iter().flatten().any(|arn| match &arn.value {
            Value::String(_) => false,
            Value::ResourceRef { .. } => super::refers_to(arn, distribution),
            Value::Unresolved(text) => super::refers_to(arn, distribution) || !text.contains("${"),
            _ => true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoLogging", "NoValueBranch", "OtherSource"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
