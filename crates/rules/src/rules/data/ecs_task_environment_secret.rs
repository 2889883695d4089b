use super::{describe_all, each, named_secret, Secret};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ECS-195",
        name: "ecs-task-environment-secret",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Secret hard-coded in an ECS container's environment",
        description: "A container definition of an `AWS::ECS::TaskDefinition` sets an `Environment` entry \
            to a literal credential (a known credential format, or a secret-looking value under a \
            name such as `DB_PASSWORD`). Task definitions are readable by anyone with \
            `ecs:DescribeTaskDefinition`, every revision keeps the value forever, and it sits in \
            the template. ECS injects secrets properly through the container's `Secrets` list \
            from Secrets Manager or SSM Parameter Store.",
        fix: "Move the value to Secrets Manager or a SecureString parameter and list it under the \
            container's `Secrets` (`Name` + `ValueFrom`), granting the execution role read access. \
            Rotate the credential that was committed.",
        fix_snippet: "ContainerDefinitions:\n  - Name: app\n    Secrets:\n      - Name: DB_PASSWORD\n        ValueFrom: !Ref DbSecret",
        resource_types: &["AWS::ECS::TaskDefinition"],
        fsbp: &["ECS.8"],
        well_architected: &["SEC02-BP03"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::ECS::TaskDefinition") {
        for containers in res.lookup("ContainerDefinitions").into_iter().flatten() {
            for (c, container) in containers.all_items().into_iter().enumerate() {
                let mut found: Vec<Secret> = Vec::new();
                for env in container.lookup("Environment").into_iter().flatten() {
                    for entry in env.all_items() {
                        let Some(name) = entry.get("Name").and_then(Node::as_str) else { continue };
                        for value in entry.lookup("Value").into_iter().flatten() {
                            found.extend(named_secret(name, value));
                        }
                    }
                }
                let Some(first) = found.first() else { continue };
                let container_name =
                    container.get("Name").and_then(Node::scalar_text).unwrap_or_else(|| format!("#{c}"));
                out.add_at(
                    i,
                    &format!("ContainerDefinitions[{c}].Environment"),
                    super::pos_below(container, "Environment"),
                    format!(
                        "Task definition {} gives container {container_name} a hard-coded {} in {}",
                        res.logical_id,
                        first.kind,
                        first.name.as_deref().unwrap_or("its environment")
                    ),
                    describe_all(&found),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Task"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
