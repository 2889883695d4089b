use crate::prelude::*;
use crate::Rule;

pub mod ami_distribution_public;
pub mod apigw_stage_no_access_logs;
pub mod apigwv2_stage_no_access_logs;
pub mod cloudfront_no_access_logs;
pub mod cloudtrail_bucket_public;
pub mod cloudtrail_logging_off;
pub mod cloudtrail_no_log_validation;
pub mod cloudtrail_not_kms_encrypted;
pub mod cloudtrail_single_region;
pub mod config_recorder_partial;
pub mod elb_classic_no_access_logs;
pub mod elbv2_no_access_logs;
pub mod log_group_no_retention;
pub mod s3_bucket_acl_public_read;
pub mod s3_bucket_acl_public_write;
pub mod s3_bucket_no_access_logs;
pub mod s3_bucket_policy_public;
pub mod s3_public_access_block_missing;
pub mod s3_public_access_block_off;

pub(crate) const RULES: &[&Rule] = &[
    &ami_distribution_public::RULE,
    &apigw_stage_no_access_logs::RULE,
    &apigwv2_stage_no_access_logs::RULE,
    &cloudfront_no_access_logs::RULE,
    &cloudtrail_bucket_public::RULE,
    &cloudtrail_logging_off::RULE,
    &cloudtrail_no_log_validation::RULE,
    &cloudtrail_not_kms_encrypted::RULE,
    &cloudtrail_single_region::RULE,
    &config_recorder_partial::RULE,
    &elb_classic_no_access_logs::RULE,
    &elbv2_no_access_logs::RULE,
    &log_group_no_retention::RULE,
    &s3_bucket_acl_public_read::RULE,
    &s3_bucket_acl_public_write::RULE,
    &s3_bucket_no_access_logs::RULE,
    &s3_bucket_policy_public::RULE,
    &s3_public_access_block_missing::RULE,
    &s3_public_access_block_off::RULE,
];

/// The first alternative at `path` that is missing (`Some(None)`) or reads as `false`
/// (`Some(Some(node))`). `None` when every alternative is `true` or unknown: an unresolved value
/// never produces a finding.
pub(crate) fn false_or_missing<'a>(res: &'a Resource, path: &str) -> Option<Option<&'a Node>> {
    res.lookup(path).into_iter().find(|alt| match alt {
        None => true,
        Some(node) => node.as_bool() == Some(false),
    })
}

/// Evidence for a value found by [`false_or_missing`] and similar look-ups: `Key: value`, or
/// `Key not set (default)`.
pub(crate) fn seen(path: &str, found: Option<&Node>, default: &str) -> String {
    match found {
        Some(node) => format!("{path}: {}", node.describe()),
        None => format!("{path} not set ({default})"),
    }
}

/// Every alternative at `path` reads as `true` (a missing alternative does not).
pub(crate) fn always_true(res: &Resource, path: &str) -> bool {
    let alts = res.lookup(path);
    !alts.is_empty() && alts.iter().all(|alt| alt.and_then(Node::as_bool) == Some(true))
}

/// Canned ACLs that open a bucket beyond its account, with what they grant.
pub(crate) fn public_acl_grant(acl: &str) -> Option<&'static str> {
    match acl {
        "PublicRead" => Some("anyone on the internet can list and read it"),
        "PublicReadWrite" => Some("anyone on the internet can list, read and write it"),
        "AuthenticatedRead" => Some("any AWS account holder can list and read it"),
        _ => None,
    }
}

/// Canned ACL values the bucket may take (every alternative, known values only).
pub(crate) fn acl_values(res: &Resource) -> Vec<String> {
    res.lookup("AccessControl").into_iter().flatten().filter_map(Node::scalar_text).collect()
}

/// Account-level S3 Block Public Access of a live account, when known and configured. It
/// applies to every bucket on top of the bucket's own settings; templates have none.
pub(crate) fn account_public_access_block(model: &Model) -> Option<&nextgap_model::account::PublicAccessBlockFlags> {
    model.account.as_ref()?.s3_public_access_block.known()?.as_ref()
}

/// Block Public Access makes a public ACL ineffective (`IgnorePublicAcls`) or refuses it
/// (`BlockPublicAcls`), in every alternative, on the bucket or (live) for the whole account.
pub(crate) fn public_acls_neutralised(model: &Model, res: &Resource) -> bool {
    always_true(res, "PublicAccessBlockConfiguration.IgnorePublicAcls")
        || always_true(res, "PublicAccessBlockConfiguration.BlockPublicAcls")
        || account_public_access_block(model).is_some_and(|a| a.ignore_public_acls || a.block_public_acls)
}

/// Block Public Access refuses a public policy (`BlockPublicPolicy`) or confines it to the
/// account and AWS services (`RestrictPublicBuckets`), in every alternative, on the bucket or
/// (live) for the whole account.
pub(crate) fn public_policy_neutralised(model: &Model, res: &Resource) -> bool {
    always_true(res, "PublicAccessBlockConfiguration.BlockPublicPolicy")
        || always_true(res, "PublicAccessBlockConfiguration.RestrictPublicBuckets")
        || account_public_access_block(model).is_some_and(|a| a.block_public_policy || a.restrict_public_buckets)
}

/// See [`Statement::is_open_to_anyone`]; IP-only allowlists are the NET-IP-ONLY family's.
pub(crate) fn is_open_to_anyone(stmt: &Statement) -> bool {
    stmt.is_open_to_anyone()
}

/// How the statement's principal reads in messages.
pub(crate) fn principal_text(stmt: &Statement) -> &'static str {
    match &stmt.principal {
        Some(p) if p.negated => "everyone outside its NotPrincipal",
        _ => "anyone (Principal *)",
    }
}

/// The template buckets a bucket policy applies to.
pub(crate) fn policy_buckets(model: &Model, policy_index: usize) -> Vec<&nextgap_model::views::Bucket> {
    model.buckets.iter().filter(|b| b.policies.contains(&policy_index)).collect()
}

/// Why a template bucket is public right now: public canned ACLs that Block Public Access does
/// not neutralise, and bucket policy statements open to anyone. Empty when it is not (or not
/// knowably) public.
pub(crate) fn bucket_public_reasons(model: &Model, bucket: &nextgap_model::views::Bucket) -> Vec<String> {
    let res = &model.resources[bucket.resource];
    let mut reasons = Vec::new();
    if !public_acls_neutralised(model, res) {
        for acl in acl_values(res) {
            if public_acl_grant(&acl).is_some() {
                reasons.push(format!("AccessControl {acl}"));
            }
        }
    }
    if !public_policy_neutralised(model, res) {
        for &pi in &bucket.policies {
            let policy = &model.policies[pi];
            for stmt in policy.statements.iter().filter(|s| is_open_to_anyone(s)) {
                reasons.push(format!(
                    "{} allows {} to {}",
                    policy.logical_id,
                    principal_text(stmt),
                    actions_text(stmt)
                ));
            }
        }
    }
    reasons.dedup();
    reasons
}

/// The statement's actions for messages (`s3:GetObject, s3:ListBucket`, `all but iam:*`).
pub(crate) fn actions_text(stmt: &Statement) -> String {
    let list = stmt.actions.texts().join(", ");
    if stmt.actions.negated {
        format!("every action except {list}")
    } else if list.is_empty() {
        "no listed action".into()
    } else {
        list
    }
}

/// Logical id of the resource a value points at: `Ref X` / `GetAtt X.Attr`, or `${X}` /
/// `${X.Attr}` inside a partly resolved `Fn::Sub`/`Fn::Join`.
pub(crate) fn refers_to(node: &Node, logical_id: &str) -> bool {
    match &node.value {
        Value::ResourceRef { logical_id: id, .. } => id == logical_id,
        Value::Unresolved(text) => {
            text.contains(&format!("${{{logical_id}}}")) || text.contains(&format!("${{{logical_id}."))
        }
        _ => false,
    }
}

/// Evidence when a log setting (`AccessLogSetting`, `AccessLogSettings` …) is missing or has no
/// `DestinationArn` in some alternative; `None` when every alternative has one or is unknown.
pub(crate) fn missing_destination(res: &Resource, setting: &str) -> Option<String> {
    for alt in res.lookup(setting) {
        let Some(node) = alt else { return Some(format!("{setting} not set")) };
        if !matches!(node.value, Value::Map(_)) {
            continue;
        }
        let no_destination = node.lookup("DestinationArn").into_iter().any(|d| match d {
            None => true,
            Some(d) => d.as_str().is_some_and(|s| s.trim().is_empty()),
        });
        if no_destination {
            return Some(format!("{setting} has no DestinationArn"));
        }
    }
    None
}
