use crate::prelude::*;
use nextgap_model::policy::Effect;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-017",
        name: "resource-policy-ip-only",
        family: "NET-IP-ONLY",
        severity: Severity::Medium,
        title: "Resource policy trusts an IP allowlist instead of an identity",
        description: "A resource policy (API Gateway, S3 bucket, SQS queue, SNS topic, OpenSearch \
            domain, KMS key …) allows principal `*` and the only thing that narrows who gets in \
            is the caller's source address (`aws:SourceIp`, in the allow statement or in a \
            \"deny unless from these addresses\" statement). Requests from those ranges need no \
            credentials at all. IP ranges are shared (offices, NAT gateways, VPN egress, cloud \
            provider ranges), change owners, and are reached by anything that runs inside them — \
            one compromised laptop or build agent gets full anonymous access. Keep the network \
            condition as a second layer if you like, but authenticate callers: name principals \
            (or `aws:PrincipalOrgID`), or use IAM, Cognito or a Lambda authorizer on the API. For \
            SAM, `Auth.ResourcePolicy.IpRangeWhitelist` on an API without a default authorizer is \
            reported too.",
        fix: "Replace Principal \"*\" with the accounts, roles or organization that should have access \
            (or add an authorizer to the API's methods); keep aws:SourceIp only as an additional \
            condition.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Principal:\n      AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/reporting\n    Action: s3:GetObject\n    Resource: !Sub ${ReportsBucket.Arn}/*\n    Condition:\n      IpAddress:\n        aws:SourceIp: 203.0.113.0/24  # an extra layer, not the only one",
        resource_types: &[
            "AWS::ApiGateway::RestApi",
            "AWS::Serverless::Api",
            "AWS::S3::BucketPolicy",
            "AWS::SQS::QueuePolicy",
            "AWS::SNS::TopicPolicy",
            "AWS::OpenSearchService::Domain",
            "AWS::KMS::Key",
        ],
        fsbp: &["S3.2", "SNS.4", "Lambda.1"],
        well_architected: &["SEC03-BP01", "SEC03-BP07", "SEC05-BP02"],
        requires: &["s3:GetBucketPolicy"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Condition keys that say nothing about who the caller is. A public statement whose condition
/// uses only these, and `aws:SourceIp` among them, is limited by network location alone.
const NETWORK_OR_NEUTRAL_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:securetransport",
    "aws:currenttime",
    "aws:epochtime",
    "aws:referer",
    "aws:useragent",
    "aws:requestedregion",
];

fn ip_only(stmt: &Statement) -> bool {
    let keys = stmt.condition_keys();
    keys.iter().any(|k| k == "aws:sourceip") && keys.iter().all(|k| NETWORK_OR_NEUTRAL_KEYS.contains(&k.as_str()))
}

/// The address ranges named by `aws:SourceIp` in a statement's condition.
fn source_ips(stmt: &Statement) -> Vec<String> {
    let Some(cond) = &stmt.condition else { return vec![] };
    cond.entries()
        .iter()
        .flat_map(|(_, per_op)| per_op.entries())
        .filter(|(k, _)| k.name.eq_ignore_ascii_case("aws:SourceIp"))
        .flat_map(|(_, v)| v.alternatives())
        .flat_map(|v| if v.items().is_empty() { vec![v] } else { v.all_items() })
        .map(Node::describe)
        .collect()
}

fn check(model: &Model, out: &mut Hits) {
    for doc in model.policies.iter().filter(|d| matches!(d.kind, PolicyKind::Resource(_))) {
        let deny_ips: Vec<&Statement> =
            doc.statements.iter().filter(|s| s.effect == Effect::Deny && s.is_public() && ip_only(s)).collect();
        let Some((stmt, ips)) = doc.statements.iter().filter(|s| s.is_allow() && s.is_public()).find_map(|s| {
            if ip_only(s) {
                Some((s, source_ips(s)))
            } else if !s.has_condition() {
                // A "deny unless from these addresses" statement that covers what the allow grants.
                let limiting: Vec<&&Statement> =
                    deny_ips.iter().filter(|d| s.actions.texts().iter().any(|a| d.actions.covers(a))).collect();
                (!limiting.is_empty()).then(|| (s, limiting.iter().flat_map(|d| source_ips(d)).collect()))
            } else {
                None
            }
        }) else {
            continue;
        };
        let res = &model.resources[doc.resource];
        if authenticates_anyway(model, res) {
            continue;
        }
        let ranges = if ips.is_empty() { "an IP allowlist".to_string() } else { ips.join(", ") };
        out.add_at(
            doc.resource,
            &format!("{}.Statement[{}]", doc.path, stmt.index),
            stmt.pos,
            format!(
                "{} {} lets anyone call {} from {ranges}: the IP allowlist is the only control",
                describe_kind(res),
                res.logical_id,
                stmt.actions.texts().join(", ")
            ),
            format!("Principal: *, condition keys: {}", condition_keys_text(stmt, &deny_ips)),
        );
    }
    for (index, api) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Serverless::Api")) {
        let Some(list) = api.prop("Auth.ResourcePolicy.IpRangeWhitelist") else { continue };
        if list.is_absent() || authenticates_anyway(model, api) {
            continue;
        }
        out.add(
            index,
            "Auth.ResourcePolicy.IpRangeWhitelist",
            format!(
                "SAM API {} admits requests from {} without any authorizer: the IP allowlist is the only control",
                api.logical_id,
                list.describe()
            ),
            format!("Auth.ResourcePolicy.IpRangeWhitelist: {}, no Auth.DefaultAuthorizer", list.describe()),
        );
    }
}

fn condition_keys_text(stmt: &Statement, deny: &[&Statement]) -> String {
    let mut keys = stmt.condition_keys();
    keys.extend(deny.iter().flat_map(|d| d.condition_keys()));
    keys.sort();
    keys.dedup();
    if stmt.has_condition() {
        keys.join(", ")
    } else {
        format!("none on the Allow; Deny unless {}", keys.join(", "))
    }
}

fn describe_kind(res: &Resource) -> &'static str {
    match res.resource_type.as_str() {
        "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => "API",
        "AWS::S3::BucketPolicy" => "Bucket policy",
        "AWS::SQS::QueuePolicy" | "AWS::SQS::QueueInlinePolicy" => "Queue policy",
        "AWS::SNS::TopicPolicy" | "AWS::SNS::TopicInlinePolicy" => "Topic policy",
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => "Domain",
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => "Key",
        _ => "Resource policy of",
    }
}

/// Whether callers must authenticate regardless of the policy: every method of a REST API
/// declared here has an authorizer or an API key; a SAM API has a default authorizer; an
/// OpenSearch domain sits in a VPC or uses fine-grained access control.
fn authenticates_anyway(model: &Model, res: &Resource) -> bool {
    match res.resource_type.as_str() {
        "AWS::ApiGateway::RestApi" => {
            let methods: Vec<&Resource> = model
                .of_type("AWS::ApiGateway::Method")
                .filter(|m| {
                    matches!(&m.prop("RestApiId").map(|n| &n.value), Some(Value::ResourceRef { logical_id, .. }) if *logical_id == res.logical_id)
                })
                .collect();
            !methods.is_empty() && methods.iter().all(|m| method_authenticates(m))
        }
        "AWS::Serverless::Api" => {
            let default = res.lookup("Auth.DefaultAuthorizer");
            default.iter().all(|a| {
                a.is_some_and(|a| a.is_unresolved() || a.as_str().is_some_and(|s| !s.eq_ignore_ascii_case("NONE")))
            }) || res.lookup("Auth.ApiKeyRequired").into_iter().all(|k| k.is_some_and(|k| super::flag(k) == Some(true)))
        }
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => {
            res.lookup("VPCOptions").iter().all(Option::is_some)
                || res
                    .lookup("AdvancedSecurityOptions.Enabled")
                    .into_iter()
                    .all(|n| n.is_some_and(|n| super::flag(n) == Some(true)))
        }
        _ => false,
    }
}

fn method_authenticates(method: &Resource) -> bool {
    if method.prop("HttpMethod").and_then(Node::as_str).is_some_and(|v| v.eq_ignore_ascii_case("OPTIONS")) {
        return true;
    }
    let key = method.lookup("ApiKeyRequired").into_iter().all(|k| k.is_some_and(|k| super::flag(k) == Some(true)));
    let auth = method
        .lookup("AuthorizationType")
        .into_iter()
        .all(|a| a.is_some_and(|a| a.is_unresolved() || a.as_str().is_some_and(|s| !s.eq_ignore_ascii_case("NONE"))));
    key || auth
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["BucketPolicy", "InternalApi", "QueuePolicy", "SamApi", "TopicPolicy"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
