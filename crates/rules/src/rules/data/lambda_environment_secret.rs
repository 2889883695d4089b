use super::{describe_all, each, named_secret, Secret};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-LAMBDA-191",
        name: "lambda-environment-secret",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Secret hard-coded in a Lambda function's environment",
        description: "A Lambda function (`AWS::Lambda::Function` or SAM `AWS::Serverless::Function`, \
            including SAM `Globals`) sets an environment variable to a literal credential: a value \
            of a known credential format (AWS access key id, private key, GitHub/Slack/Stripe \
            token …), or a literal secret-looking value under a name such as `DB_PASSWORD` or \
            `API_TOKEN`. Environment variables are returned by `lambda:GetFunctionConfiguration` \
            to anyone with read access, shown in the console, and kept in the template and its \
            history. Names that point at a secret (`…_SECRET_ARN`, `…_SECRET_NAME`, `…_PARAM`) \
            and values that are references are not reported.",
        fix: "Store the secret in Secrets Manager or SSM Parameter Store (SecureString), pass its ARN or \
            name in the environment, and read it at run time (the Parameters and Secrets Lambda \
            extension caches it). Rotate the credential that was committed.",
        fix_snippet: "Environment:\n  Variables:\n    DB_SECRET_ARN: !Ref DbSecret   # read with secretsmanager:GetSecretValue at run time",
        resource_types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
        well_architected: &["SEC02-BP03"],
        checkov: &["CKV_AWS_45"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Secrets in a `Variables` map (every alternative of it).
pub(crate) fn secrets_in_variables(vars: &Node) -> Vec<Secret> {
    let mut found = Vec::new();
    for (key, value) in vars.entries() {
        for alt in value.alternatives() {
            found.extend(named_secret(&key.name, alt));
        }
    }
    found
}

fn check(model: &Model, out: &mut Hits) {
    for rtype in ["AWS::Lambda::Function", "AWS::Serverless::Function"] {
        for (i, res) in each(model, rtype) {
            let found: Vec<Secret> =
                res.lookup("Environment.Variables").into_iter().flatten().flat_map(secrets_in_variables).collect();
            let Some(first) = found.first() else { continue };
            let name = first.name.clone().unwrap_or_default();
            out.add(
                i,
                &format!("Environment.Variables.{name}"),
                format!("Function {} sets environment variable {name} to a hard-coded {}", res.logical_id, first.kind),
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
        crate::assert_fixture!(RULE, "fail.yaml", ["AccessKey", "FromGlobals", "Password", "WhenProd"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
