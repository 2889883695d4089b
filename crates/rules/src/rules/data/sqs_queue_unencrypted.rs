use super::sns_topic_unencrypted::no_key;
use super::{each, switch_of, Switch};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SQS-181",
        name: "sqs-queue-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "SQS queue not explicitly encrypted",
        description: "An `AWS::SQS::Queue` names no KMS key and does not turn on SQS-managed encryption. \
            With `SqsManagedSseEnabled: false` and no `KmsMasterKeyId` the messages are stored \
            unencrypted. With neither property the queue relies on the service default: queues \
            created since late 2022 over HTTPS get SSE-SQS, older ones (and queues whose \
            encryption was switched off outside the template) do not, and the template does not \
            say which applies.",
        fix: "Set `SqsManagedSseEnabled: true`, or `KmsMasterKeyId` with a KMS key when you need key \
            policies and an audit trail of decryptions.",
        fix_snippet:
            "Type: AWS::SQS::Queue\nProperties:\n  SqsManagedSseEnabled: true\n  # or: KmsMasterKeyId: !Ref QueueKey",
        resource_types: &["AWS::SQS::Queue"],
        fsbp: &["SQS.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_27"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::SQS::Queue") {
        if !res.lookup("KmsMasterKeyId").into_iter().any(no_key) {
            continue;
        }
        let sse: Vec<Switch> = res.lookup("SqsManagedSseEnabled").into_iter().map(switch_of).collect();
        if sse.contains(&Switch::Off) {
            out.add(
                i,
                "SqsManagedSseEnabled",
                format!("SQS queue {} sets SqsManagedSseEnabled to false without a KMS key: messages are stored unencrypted", res.logical_id),
                "SqsManagedSseEnabled: false, KmsMasterKeyId absent or empty",
            );
        } else if sse.contains(&Switch::Missing) {
            out.add(
                i,
                "KmsMasterKeyId",
                format!(
                    "SQS queue {} sets neither KmsMasterKeyId nor SqsManagedSseEnabled: encryption rests on the service default",
                    res.logical_id
                ),
                "KmsMasterKeyId absent or empty, SqsManagedSseEnabled absent",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Disabled", "EmptyKey", "NoSetting"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
