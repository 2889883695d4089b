use super::{decode_base64_text, describe_all, each, scan_text, text_of, Secret};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-190",
        name: "ec2-user-data-secret",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Secret hard-coded in EC2 user data",
        description: "The user data of an instance, launch template or launch configuration contains a \
            credential: an AWS access key id, a private key, a token of a known format, or a \
            password-like variable set to a literal. User data is not secret: anyone allowed \
            `ec2:DescribeInstanceAttribute` (or the console) can read it, any process on the \
            instance can fetch it from the metadata service, and it stays in the template, its \
            history and the stack. Long-lived AWS keys in user data also replace the instance \
            role the instance should use. User data already written in base64 is decoded first.",
        fix: "Use the instance profile role instead of access keys; have the boot script fetch other \
            secrets at run time from Secrets Manager or SSM Parameter Store (SecureString), and \
            rotate any credential that was committed.",
        fix_snippet: "UserData:\n  Fn::Base64: !Sub |\n    #!/bin/bash\n    DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id ${DbSecret} \\\n      --query SecretString --output text)",
        resource_types: &["AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"],
        cis: &["2.17"],
        well_architected: &["SEC02-BP03", "SEC02-BP02"],
        checkov: &["CKV_AWS_46"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const USER_DATA: &[(&str, &str, &str)] = &[
    ("AWS::EC2::Instance", "UserData", "Instance"),
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.UserData", "Launch template"),
    ("AWS::AutoScaling::LaunchConfiguration", "UserData", "Launch configuration"),
];

/// Secrets in one user-data value: its text, or the text it decodes to when written in base64.
fn secrets_in(node: &Node) -> Vec<Secret> {
    let Some(text) = text_of(node) else { return vec![] };
    match decode_base64_text(text) {
        Some(decoded) => scan_text(&decoded),
        None => scan_text(text),
    }
}

fn check(model: &Model, out: &mut Hits) {
    for (rtype, path, noun) in USER_DATA {
        for (i, res) in each(model, rtype) {
            let mut found: Vec<Secret> = res.lookup(path).into_iter().flatten().flat_map(secrets_in).collect();
            found.dedup();
            if found.is_empty() {
                continue;
            }
            let more = if found.len() > 1 { format!(" and {} more", found.len() - 1) } else { String::new() };
            out.add(
                i,
                path,
                format!("{noun} {} has a hard-coded secret in its user data: {}{more}", res.logical_id, found[0].kind),
                describe_all(&found),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["AccessKey", "Encoded", "PartlyKnown", "PasswordExport", "PrivateKey"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }

    #[test]
    fn never_repeats_the_secret() {
        let path = crate::testing::fixture_dir(file!()).join("fail.yaml");
        let model = match nextgap_source_cfn::load_path(&path, &Default::default()).unwrap() {
            nextgap_source_cfn::Loaded::Template(m) => m,
            _ => panic!("not a template"),
        };
        let mut hits = crate::Hits::new(&model);
        (RULE.model_check().unwrap())(&model, &mut hits);
        for hit in hits.into_vec() {
            for secret in ["wJalrXUtnFEMI", "Tr0ub4dor&3", "MIIEowIBAAKCAQEA", "hunter2hunter2"] {
                assert!(!hit.message.contains(secret) && !hit.evidence.contains(secret), "{hit:?}");
            }
        }
    }
}
