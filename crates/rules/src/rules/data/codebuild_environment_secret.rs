use super::{describe_all, each, named_secret, Secret};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CODEBUILD-196",
        name: "codebuild-environment-secret",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Secret hard-coded in a CodeBuild project's plaintext environment variables",
        description: "An `AWS::CodeBuild::Project` has a `PLAINTEXT` environment variable (the default \
            type) whose value is a literal credential: AWS access keys, tokens of known formats, \
            or a secret-looking value under a name such as `NPM_TOKEN`. Plaintext variables are \
            shown by `codebuild:BatchGetProjects` and in the console, often echoed into build \
            logs, and kept in the template. A build holding long-lived AWS keys also bypasses the \
            project's service role.",
        fix: "Use `Type: SECRETS_MANAGER` or `Type: PARAMETER_STORE` variables whose `Value` names the \
            secret, and the project's service role instead of AWS keys. Rotate the credential that \
            was committed.",
        fix_snippet: "EnvironmentVariables:\n  - Name: NPM_TOKEN\n    Type: SECRETS_MANAGER\n    Value: ci/npm:token",
        resource_types: &["AWS::CodeBuild::Project"],
        fsbp: &["CodeBuild.2"],
        well_architected: &["SEC02-BP03"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::CodeBuild::Project") {
        let mut found: Vec<Secret> = Vec::new();
        for vars in res.lookup("Environment.EnvironmentVariables").into_iter().flatten() {
            for var in vars.all_items() {
                let plaintext = var.lookup("Type").into_iter().all(|t| match t {
                    None => true,
                    Some(t) => t.as_str().is_some_and(|s| s.eq_ignore_ascii_case("PLAINTEXT")),
                });
                let Some(name) = var.get("Name").and_then(Node::as_str) else { continue };
                if !plaintext {
                    continue;
                }
                for value in var.lookup("Value").into_iter().flatten() {
                    found.extend(named_secret(name, value));
                }
            }
        }
        let Some(first) = found.first() else { continue };
        out.add(
            i,
            "Environment.EnvironmentVariables",
            format!(
                "CodeBuild project {} sets plaintext variable {} to a hard-coded {}",
                res.logical_id,
                first.name.as_deref().unwrap_or("?"),
                first.kind
            ),
            describe_all(&found),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Build", "Publish"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
