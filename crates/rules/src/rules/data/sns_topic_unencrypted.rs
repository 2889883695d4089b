use super::each;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SNS-180",
        name: "sns-topic-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "SNS topic not encrypted at rest",
        description: "An `AWS::SNS::Topic` has no `KmsMasterKeyId` (or an empty one). SNS has no \
            default encryption: messages waiting for delivery, and those retried to failing \
            endpoints, are stored unencrypted. Topics often carry alerts, order events or personal \
            data fanned out to many subscribers.",
        fix: "Set `KmsMasterKeyId` to a KMS key (`alias/aws/sns`, or a customer managed key whose \
            policy lets the publishing services use it).",
        fix_snippet: "Type: AWS::SNS::Topic\nProperties:\n  KmsMasterKeyId: !Ref TopicKey",
        resource_types: &["AWS::SNS::Topic"],
        fsbp: &["SNS.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_26"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// A KMS key id alternative that leaves the resource without a key: missing or empty.
pub(crate) fn no_key(node: Option<&Node>) -> bool {
    match node {
        None => true,
        Some(n) => matches!(n.value, Value::Null) || n.as_str().is_some_and(|s| s.trim().is_empty()),
    }
}

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::SNS::Topic") {
        if res.lookup("KmsMasterKeyId").into_iter().any(no_key) {
            out.add(
                i,
                "KmsMasterKeyId",
                format!("SNS topic {} has no KmsMasterKeyId: messages are stored unencrypted", res.logical_id),
                "KmsMasterKeyId absent or empty",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Empty", "NoKey", "SometimesNoKey"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
