use super::each;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-KINESIS-184",
        name: "kinesis-stream-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "Kinesis data stream not encrypted at rest",
        description: "An `AWS::Kinesis::Stream` has no `StreamEncryption`, and Kinesis Data Streams do not \
            encrypt by default: every record stays unencrypted in the stream's storage for the \
            whole retention period (up to a year). Streams typically carry clickstreams, logs and \
            application events with personal data.",
        fix: "Add `StreamEncryption` with `EncryptionType: KMS` and a key (`alias/aws/kinesis` or a \
            customer managed key).",
        fix_snippet: "Type: AWS::Kinesis::Stream\nProperties:\n  StreamEncryption:\n    EncryptionType: KMS\n    KeyId: alias/aws/kinesis",
        resource_types: &["AWS::Kinesis::Stream"],
        fsbp: &["Kinesis.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_43"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::Kinesis::Stream") {
        let types = res.lookup("StreamEncryption.EncryptionType");
        let off = types.iter().any(|t| match t {
            None => true,
            Some(n) => n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("NONE")),
        });
        if off {
            out.add(
                i,
                "StreamEncryption",
                format!("Kinesis stream {} has no StreamEncryption: records are stored unencrypted", res.logical_id),
                "StreamEncryption absent or EncryptionType NONE",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "TypeNone"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
