use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-275",
        name: "cloudtrail-account-not-covered",
        family: "GAP-TRAIL",
        severity: Severity::High,
        title: "No multi-region CloudTrail trail is logging",
        description: "The account has no CloudTrail trail at all, or none that records every Region, is \
            logging, and includes management events. Without one, API activity is kept only in the \
            90-day event history of each Region separately, data events not at all, and an attacker \
            who works in a Region you do not watch leaves no durable record: an investigation \
            cannot tell what happened. An organization trail from the management account counts. \
            Per-trail problems (single Region, logging stopped, no validation, no KMS key) are \
            reported on each trail by NG-CLOUDTRAIL-050 to 054. Prowler: \
            `cloudtrail_multi_region_enabled`, `cloudtrail_multi_region_enabled_logging_management_events`.",
        fix: "Create one multi-Region trail (an organization trail when you use AWS Organizations) that logs \
            management events to a bucket in a separate log-archive account.",
        fix_snippet: "Type: AWS::CloudTrail::Trail\nProperties:\n  IsLogging: true\n  IsMultiRegionTrail: true\n  IncludeGlobalServiceEvents: true\n  EnableLogFileValidation: true\n  KMSKeyId: !Ref TrailKey\n  S3BucketName: !Ref TrailBucket",
        resource_types: &["AWS::Account"],
        cis: &["4.1"],
        fsbp: &["CloudTrail.1", "CloudTrail.3"],
        well_architected: &["SEC04-BP01"],
        requires: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// `Some(true)` when the trail covers the account (multi-region, logging, management events),
/// `Some(false)` when it does not, `None` when that is unknown. The second value says why not.
fn covers(trail: &Resource) -> (Option<bool>, String) {
    if trail.prop("IsMultiRegionTrail").and_then(Node::as_bool) != Some(true) {
        return (Some(false), "single-Region".into());
    }
    let management = trail.prop("EventSelectors").map(|selectors| {
        let items = selectors.items();
        items.is_empty()
            || items.iter().any(|s| s.get("IncludeManagementEvents").and_then(Node::as_bool) != Some(false))
    });
    if management == Some(false) {
        return (Some(false), "no management events".into());
    }
    match trail.prop("IsLogging").and_then(Node::as_bool) {
        Some(true) => (Some(true), String::new()),
        Some(false) => (Some(false), "logging stopped".into()),
        None => (None, "logging status unknown".into()),
    }
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let regions = match super::regions(account) {
        Ok(r) => r,
        Err(reason) => return out.unknown(acct, reason),
    };
    let unreadable: Vec<&str> = regions
        .iter()
        .filter(|r| model.unavailable("cloudtrail:DescribeTrails", r).is_some())
        .map(String::as_str)
        .collect();
    if unreadable.len() == regions.len() {
        return out.unknown(acct, "cloudtrail:DescribeTrails failed in every Region");
    }
    let trails: Vec<&Resource> = model.of_type("AWS::CloudTrail::Trail").collect();
    let verdicts: Vec<(&Resource, Option<bool>, String)> = trails
        .iter()
        .map(|t| {
            let (ok, why) = covers(t);
            (*t, ok, why)
        })
        .collect();
    if verdicts.iter().any(|(_, ok, _)| *ok == Some(true)) {
        return;
    }
    if verdicts.iter().any(|(_, ok, _)| ok.is_none()) {
        return out.unknown(acct, "the only multi-Region trails have an unknown logging status");
    }
    // A multi-Region trail shows in every Region, so one readable Region is enough to know there
    // is none; a single-Region trail could hide in an unreadable one.
    let (message, evidence) = if trails.is_empty() {
        let scope = if unreadable.is_empty() {
            "no CloudTrail trail".to_string()
        } else {
            format!("no multi-Region CloudTrail trail (trails of {} could not be read)", unreadable.join(", "))
        };
        (format!("Account {} has {scope}", account.account_id), format!("DescribeTrails in {}: []", regions.join(", ")))
    } else {
        let listed: Vec<String> = verdicts
            .iter()
            .map(|(t, _, why)| {
                format!("{} ({why})", t.prop("TrailName").and_then(Node::as_str).unwrap_or(&t.logical_id))
            })
            .collect();
        (
            format!("Account {} has no multi-Region trail that is logging management events", account.account_id),
            format!("trails: {}", listed.join(", ")),
        )
    };
    out.add(acct, "trails", message, evidence);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // fail.json: a single-Region trail and a stopped multi-Region one; none.json: no trail.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["none.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // A credential report alone covers no Region: absence of trails proves nothing.
        crate::assert_checks!(RULE, ["report_only.csv"], [format!("UNKNOWN {ROOT}")]);
    }
}
