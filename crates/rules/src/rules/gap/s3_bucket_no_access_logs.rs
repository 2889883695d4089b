use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-067",
        name: "s3-bucket-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Low,
        title: "S3 bucket without server access logs",
        description: "The bucket has no `LoggingConfiguration`, so S3 keeps no record of the requests \
            made to it. CloudTrail records bucket configuration changes but not object reads and \
            writes unless data events are paid for: after a leaked key or a bucket left public, \
            server access logs are what tells you which objects were read, by whom and from \
            where. Buckets that receive other buckets' server access logs in the same template \
            (or carry the `LogDeliveryWrite` ACL) are not reported: logging a log bucket needs \
            yet another bucket and adds little. If CloudTrail data events cover the bucket, \
            suppress the finding with that reason.",
        fix: "Add `LoggingConfiguration` with a dedicated log bucket and a prefix per source bucket.",
        fix_snippet: "DataBucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    LoggingConfiguration:\n      DestinationBucketName: !Ref AccessLogBucket\n      LogFilePrefix: data-bucket/",
        resource_types: &["AWS::S3::Bucket"],
        cis: &["4.4"],
        fsbp: &["S3.9"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_18"],
        cfn_nag: &["W35"],
        requires: &["s3:GetBucketLogging"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for bucket in &model.buckets {
        let res = &model.resources[bucket.resource];
        if !res.lookup("LoggingConfiguration").iter().any(Option::is_none) {
            continue;
        }
        if is_log_destination(model, bucket.resource) {
            continue;
        }
        out.add(
            bucket.resource,
            "LoggingConfiguration",
            format!("Bucket {} keeps no server access logs", bucket.logical_id),
            "LoggingConfiguration not set",
        );
    }
}

/// The bucket receives server access logs: another bucket of the template names it as
/// `DestinationBucketName` (by `Ref` or literal name), or its ACL is `LogDeliveryWrite`.
fn is_log_destination(model: &Model, index: usize) -> bool {
    let res = &model.resources[index];
    if super::acl_values(res).iter().any(|acl| acl == "LogDeliveryWrite") {
        return true;
    }
    let name = res.prop("BucketName").and_then(Node::as_str);
    model.buckets.iter().filter(|b| b.resource != index).any(|other| {
        model.resources[other.resource]
            .lookup("LoggingConfiguration.DestinationBucketName")
            .into_iter()
            .flatten()
            .any(|dest| super::refers_to(dest, &res.logical_id) || (name.is_some() && dest.as_str() == name))
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoLogs", "NoValueBranch"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
