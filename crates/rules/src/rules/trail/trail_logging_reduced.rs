use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::{Event, Field};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-TRAIL-359",
        name: "trail-logging-reduced",
        family: "GAP-TRAIL",
        severity: Severity::High,
        title: "CloudTrail logging stopped, deleted or reduced",
        description: "A trail stopped recording (`StopLogging`), was deleted (`DeleteTrail`), was narrowed \
            (`UpdateTrail` turning off `isMultiRegionTrail`, `includeGlobalServiceEvents` or \
            `enableLogFileValidation`), or had its event selectors changed so that it no longer records \
            every management event (`PutEventSelectors` without a selector for all read and write \
            management events). Whatever happens afterwards leaves no trace in that trail (GAP-TRAIL): \
            switching the audit off is the first thing an intruder does once they can, and a \
            \"temporary\" change during an incident is the second most common way a trail goes quiet. \
            Event history keeps only 90 days of management events in one Region.",
        fix: "Restart logging (`aws cloudtrail start-logging`), recreate the trail from code, or restore \
            the selectors; find out who made the change and why. Protect the trail with an SCP that \
            denies `cloudtrail:StopLogging`, `DeleteTrail`, `UpdateTrail` and `PutEventSelectors` to all \
            but the security team, or use an organization trail that member accounts cannot change.",
        fix_snippet: "# SCP\n{\n  \"Effect\": \"Deny\",\n  \"Action\": [\"cloudtrail:StopLogging\", \"cloudtrail:DeleteTrail\", \"cloudtrail:UpdateTrail\", \"cloudtrail:PutEventSelectors\"],\n  \"Resource\": \"*\",\n  \"Condition\": { \"ArnNotLike\": { \"aws:PrincipalArn\": \"arn:aws:iam::*:role/SecurityAdmin\" } }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["4.1", "4.2", "5.5"],
        fsbp: &["CloudTrail.1", "CloudTrail.4"],
        well_architected: &["SEC04-BP01"],
        links: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html",
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
        observe,
        correlate: None,
    }),
};

fn is_false(field: Field) -> bool {
    field.as_str().is_some_and(|v| v.eq_ignore_ascii_case("false"))
}

/// Why the selectors of a `PutEventSelectors` call no longer record every management event.
fn selectors_reduced(req: &Field) -> Option<String> {
    let basic = req.member("eventSelectors");
    if let Field::Array(_) = basic {
        let selectors = basic.elements();
        let full = selectors.iter().any(|s| {
            !is_false(s.member("includeManagementEvents"))
                && s.member("readWriteType").as_str().is_none_or(|t| t.eq_ignore_ascii_case("All"))
        });
        if full {
            return None;
        }
        let described: Vec<String> = selectors
            .iter()
            .map(|s| {
                let include = s.member("includeManagementEvents");
                let rw = s.member("readWriteType");
                format!(
                    "includeManagementEvents {} readWriteType {}",
                    include.as_str().unwrap_or("true"),
                    rw.as_str().unwrap_or("All")
                )
            })
            .collect();
        return Some(if described.is_empty() { "no event selectors".into() } else { described.join("; ") });
    }
    let advanced = req.member("advancedEventSelectors");
    if let Field::Array(_) = advanced {
        let mut reason = "no advanced event selector for management events".to_string();
        for selector in advanced.elements() {
            let fields = selector.member("fieldSelectors").elements();
            let management = fields.iter().any(|f| {
                f.member("field").as_str() == Some("eventCategory")
                    && f.member("equals").elements().iter().any(|v| v.as_str() == Some("Management"))
            });
            if !management {
                continue;
            }
            if fields.iter().any(|f| f.member("field").as_str() == Some("readOnly")) {
                reason = "the management-events selector keeps only read or only write events".into();
                continue;
            }
            return None;
        }
        return Some(reason);
    }
    None
}

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let req = ev.get("requestParameters");
    let name = ev.event_name();
    let caller = ev.identity().principal();
    let trail_field = req.member(if name == "PutEventSelectors" { "trailName" } else { "name" });
    let trail = trail_field.as_str().unwrap_or("unknown trail").to_string();
    let (message, evidence) = match name.as_ref() {
        "StopLogging" => (format!("{caller} stopped logging of trail {trail}"), format!("StopLogging name {trail}")),
        "DeleteTrail" => (format!("{caller} deleted trail {trail}"), format!("DeleteTrail name {trail}")),
        "UpdateTrail" => {
            let off: Vec<&str> = ["isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"]
                .into_iter()
                .filter(|key| is_false(req.member(key)))
                .collect();
            if off.is_empty() {
                return;
            }
            let off: Vec<String> = off.iter().map(|k| format!("{k} false")).collect();
            (
                format!("{caller} narrowed trail {trail} ({})", off.join(", ")),
                format!("UpdateTrail name {trail} {}", off.join(", ")),
            )
        }
        _ => {
            let Some(reason) = selectors_reduced(&req) else { return };
            (
                format!("{caller} changed the event selectors of trail {trail}: management events are no longer all recorded"),
                format!("PutEventSelectors trailName {trail}: {reason}"),
            )
        }
    };
    let response_arn = ev.get("responseElements.trailARN");
    let arn = match response_arn.as_str() {
        Some(arn) if arn.starts_with("arn:") => Some(arn.to_string()),
        _ if trail.starts_with("arn:") => Some(trail.clone()),
        _ => None,
    };
    match arn {
        Some(arn) => out.report_arn(trail, arn, message, evidence),
        None => out.report(trail, message, evidence),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("arn:aws:cloudtrail:us-east-1:123837392027:trail/org-trail", ["stop-by-arn"]),
                ("management-trail", ["advanced-no-management"]),
                ("management-trail", ["advanced-write-only"]),
                ("management-trail", ["update-single-region"]),
                ("stratus-red-team-cloudtraild-trail-kvrwohmiai", ["delete"]),
                ("stratus-red-team-ct-stop-trail-buykxbqejv", ["stop"]),
                ("stratus-red-team-ctes-trail-qyxyekjbtk", ["selectors-read-only"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
