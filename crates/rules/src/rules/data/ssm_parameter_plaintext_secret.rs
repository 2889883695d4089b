use super::{each, known_formats, redact, secret_name, secret_value};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SSM-192",
        name: "ssm-parameter-plaintext-secret",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Secret stored as a plain SSM String parameter",
        description: "An `AWS::SSM::Parameter` holds a secret as a literal: its value is a credential of a \
            known format, or its name says secret (`/app/db-password`, `API_KEY`) and its value is \
            a literal secret-looking string. CloudFormation can only create `String` and \
            `StringList` parameters, which are stored unencrypted, readable by anyone with \
            `ssm:GetParameter`, and the value also sits in the template. Parameters whose value \
            is a reference, or whose name marks them as test or example data, are not reported.",
        fix: "Create the secret outside the template as a SecureString parameter or a Secrets Manager \
            secret (`GenerateSecretString` can create one without writing it down), and reference \
            it with a dynamic reference. Rotate the credential that was committed.",
        fix_snippet: "DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n    GenerateSecretString:\n      PasswordLength: 32\n      ExcludePunctuation: true",
        resource_types: &["AWS::SSM::Parameter"],
        well_architected: &["SEC02-BP03"],
        checkov: &["CKV_AWS_384"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::SSM::Parameter") {
        let names: Vec<String> = match res.prop("Name") {
            Some(n) => n.alternatives().into_iter().filter_map(Node::as_str).map(String::from).collect(),
            None => vec![res.logical_id.clone()],
        };
        for value in res.lookup("Value").into_iter().flatten() {
            let Some(text) = value.as_str() else { continue };
            let shown = names.first().map(String::as_str).unwrap_or("(unknown name)");
            if let Some(found) = known_formats(text).into_iter().next() {
                out.add(
                    i,
                    "Value",
                    format!("SSM parameter {} ({shown}) stores a {} in plain text", res.logical_id, found.kind),
                    format!("Value: {}", found.redacted),
                );
                break;
            }
            if names.iter().any(|n| secret_name(n)) && secret_value(text) {
                out.add(
                    i,
                    "Value",
                    format!("SSM parameter {} ({shown}) stores a secret-looking literal in plain text", res.logical_id),
                    format!("Name {shown}, Value: {}", redact(text.trim())),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ApiKey", "DbPassword", "KnownFormat", "SigningSecret"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
