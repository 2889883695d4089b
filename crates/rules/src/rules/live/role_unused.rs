use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-266",
        name: "role-unused",
        family: "IAM-PERSISTENT",
        severity: Severity::Low,
        title: "IAM role unused for 90 days",
        description: "An IAM role older than 90 days has not been assumed in the last 90 days (or ever, \
            per `RoleLastUsed`). Its trust policy and permissions still work for whoever may \
            assume it: an old vendor integration, a decommissioned pipeline, a cross-account \
            path nobody reviews. Service-linked roles (`/aws-service-role/`) and IAM Identity \
            Center roles (`/aws-reserved/`) are managed by AWS and not reported. A role whose \
            `RoleLastUsed` was not collected is UNKNOWN. IAM tracks last use from 2019 onwards \
            and in supported Regions only. Prowler: no direct equivalent (`iam_role_*` checks \
            judge permissions, not use).",
        fix: "Confirm with the owner that nothing assumes the role, then delete it (or remove its trust \
            policy principals first and wait).",
        fix_snippet: "# aws iam get-role --role-name old-role --query Role.RoleLastUsed\n\
            # aws iam delete-role --role-name old-role  # after detaching policies and instance profiles",
        resource_types: &["AWS::IAM::Role"],
        fsbp: &["IAM.8"],
        well_architected: &["SEC03-BP04"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Roles AWS creates and manages (service-linked, Identity Center permission sets).
fn managed_by_aws(role: &Resource) -> bool {
    let arn = &role.logical_id;
    arn.contains(":role/aws-service-role/") || arn.contains(":role/aws-reserved/")
}

fn check(model: &Model, out: &mut Hits) {
    let Some((_, account)) = super::account(model) else { return };
    let now = super::now(account);
    for (i, role) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::Role")) {
        if managed_by_aws(role) {
            continue;
        }
        let name = role.prop("RoleName").and_then(Node::as_str).unwrap_or(&role.logical_id);
        let facts = now.clone().and_then(|now| {
            let created = super::time_prop(role, "CreateDate")?;
            if role.prop("RoleLastUsed").is_none() {
                return Err("RoleLastUsed not collected".to_string());
            }
            Ok((now, created, super::time_prop(role, "RoleLastUsed.LastUsedDate")?))
        });
        let (now, created, used) = match facts {
            Ok(f) => f,
            Err(reason) => {
                out.unknown(i, reason);
                continue;
            }
        };
        let message = match (used, created) {
            (Some(t), _) if super::days(t, now) < super::UNUSED_DAYS => continue,
            (Some(t), _) => format!("Role {name} was last used {} days ago", super::days(t, now)),
            (None, Some(c)) if super::days(c, now) < super::UNUSED_DAYS => continue,
            (None, Some(c)) => {
                format!("Role {name} has never been used in the {} days since it was created", super::days(c, now))
            }
            (None, None) => {
                out.unknown(i, "never used, and its creation date is unknown");
                continue;
            }
        };
        out.add(
            i,
            "RoleLastUsed",
            message,
            format!(
                "RoleLastUsed.LastUsedDate: {}, CreateDate: {}",
                used.map(super::day).unwrap_or_else(|| "none".into()),
                created.map(super::day).unwrap_or_else(|| "unknown".into())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const R: &str = "arn:aws:iam::111122223333:role/";

    #[test]
    fn fixtures() {
        // legacy: last used 400 days ago; orphan: never used, created 2 years ago; app: used
        // yesterday; new: created last week; nolast: RoleLastUsed not collected; the
        // service-linked role is skipped (PASS).
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [
                format!("FAIL {R}legacy"),
                format!("FAIL {R}orphan"),
                format!("PASS {R}app"),
                format!("PASS {R}new"),
                format!("UNKNOWN {R}nolast"),
                format!("PASS {R}aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"),
            ]
        );
    }
}
