use super::redact;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CFN-194",
        name: "plaintext-secret-property",
        family: "DATA-SECRETS",
        severity: Severity::High,
        title: "Password or token property written as a literal",
        description: "A property that holds a credential (a database master password, a Redis AUTH \
            token, a directory admin password, a broker user's \
            password, a webhook secret, a Secrets Manager `SecretString` …) is a literal string \
            in the template, or the `Default` of a parameter the template passes to it. The \
            secret is then in the repository, in every copy of the template, and in \
            CloudFormation's stored template, readable by everyone who can read any of them. \
            Dynamic references (`{{resolve:secretsmanager:…}}`, `{{resolve:ssm-secure:…}}`) and \
            NoEcho parameters without a default are the intended forms and are not reported. IAM users' console \
            passwords are covered by NG-IAM-142.",
        fix: "Let the service manage the secret (`ManageMasterUserPassword: true` on RDS), generate it \
            with `AWS::SecretsManager::Secret` `GenerateSecretString` and use a \
            `{{resolve:secretsmanager:…}}` dynamic reference, or pass a NoEcho parameter without a \
            default. Rotate the credential that was committed.",
        fix_snippet: "MasterUsername: app\nMasterUserPassword: !Sub \"{{resolve:secretsmanager:${DbSecret}:SecretString:password}}\"",
        resource_types: &[
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::DocDB::DBCluster",
            "AWS::Redshift::Cluster",
            "AWS::RedshiftServerless::Namespace",
            "AWS::ElastiCache::ReplicationGroup",
            "AWS::ElastiCache::User",
            "AWS::DirectoryService::MicrosoftAD",
            "AWS::DirectoryService::SimpleAD",
            "AWS::OpenSearchService::Domain",
            "AWS::Elasticsearch::Domain",
            "AWS::AmazonMQ::Broker",
            "AWS::DMS::Endpoint",
            "AWS::SecretsManager::Secret",
            "AWS::CodePipeline::Webhook",
            "AWS::CodeBuild::SourceCredential",
            "AWS::Amplify::App",
            "AWS::Amplify::Branch",
            "AWS::Events::Connection",
            "AWS::DataSync::LocationSMB",
            "AWS::Lightsail::Database",
        ],
        well_architected: &["SEC02-BP03"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Credential properties by resource type; `[]` marks a list whose every item is read.
const SECRET_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "MasterUserPassword"),
    ("AWS::RDS::DBCluster", "MasterUserPassword"),
    ("AWS::DocDB::DBCluster", "MasterUserPassword"),
    ("AWS::Redshift::Cluster", "MasterUserPassword"),
    ("AWS::RedshiftServerless::Namespace", "AdminUserPassword"),
    ("AWS::ElastiCache::ReplicationGroup", "AuthToken"),
    ("AWS::ElastiCache::User", "Passwords[]"),
    ("AWS::DirectoryService::MicrosoftAD", "Password"),
    ("AWS::DirectoryService::SimpleAD", "Password"),
    ("AWS::OpenSearchService::Domain", "AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword"),
    ("AWS::Elasticsearch::Domain", "AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword"),
    ("AWS::AmazonMQ::Broker", "Users[].Password"),
    ("AWS::DMS::Endpoint", "Password"),
    ("AWS::SecretsManager::Secret", "SecretString"),
    ("AWS::CodePipeline::Webhook", "AuthenticationConfiguration.SecretToken"),
    ("AWS::CodeBuild::SourceCredential", "Token"),
    ("AWS::Amplify::App", "AccessToken"),
    ("AWS::Amplify::App", "OauthToken"),
    ("AWS::Amplify::App", "BasicAuthConfig.Password"),
    ("AWS::Amplify::Branch", "BasicAuthConfig.Password"),
    ("AWS::Events::Connection", "AuthParameters.BasicAuthParameters.Password"),
    ("AWS::Events::Connection", "AuthParameters.ApiKeyAuthParameters.ApiKeyValue"),
    ("AWS::Events::Connection", "AuthParameters.OAuthParameters.ClientParameters.ClientSecret"),
    ("AWS::DataSync::LocationSMB", "Password"),
    ("AWS::Lightsail::Database", "MasterUserPassword"),
];

/// Every value at `path` with its concrete path (`Users[1].Password`), through lists and choices.
fn values_at<'a>(node: &'a Node, segments: &[&str], prefix: &str, out: &mut Vec<(String, &'a Node)>) {
    let Some((first, rest)) = segments.split_first() else {
        out.extend(node.alternatives().into_iter().map(|alt| (prefix.to_string(), alt)));
        return;
    };
    let (key, is_list) = match first.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (*first, false),
    };
    for alt in node.alternatives() {
        let Some(child) = alt.get(key) else { continue };
        let here = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
        if is_list {
            for list in child.alternatives() {
                for (n, item) in list.items().iter().enumerate() {
                    values_at(item, rest, &format!("{here}[{n}]"), out);
                }
            }
        } else {
            values_at(child, rest, &here, out);
        }
    }
}

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate() {
        for (rtype, path) in SECRET_PROPERTIES {
            if res.resource_type != *rtype {
                continue;
            }
            let segments: Vec<&str> = path.split('.').collect();
            let mut values = Vec::new();
            values_at(&res.properties, &segments, "", &mut values);
            for (at, node) in values {
                let Some(text) = node.as_str() else { continue };
                if text.trim().is_empty() || text.contains("{{resolve:") {
                    continue;
                }
                let property = at.rsplit('.').next().unwrap_or(&at).to_string();
                let from_default = model
                    .parameters
                    .iter()
                    .find(|p| p.default.as_ref().and_then(Node::scalar_text).as_deref() == Some(text));
                let message = match from_default {
                    Some(p) => format!(
                        "{} sets {property} from the Default of parameter {}: the secret is written in the template",
                        res.logical_id, p.name
                    ),
                    None => format!(
                        "{} sets {property} to a literal string: the secret is written in the template",
                        res.logical_id
                    ),
                };
                out.add(i, &at, message, format!("{at}: {}", redact(text)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Broker", "Cache", "Database", "DefaultedPassword", "LegacySecret"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
