use crate::prelude::*;
use chrono::{DateTime, Utc};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-292",
        name: "ebs-snapshot-stale",
        family: "BACKUP-UNTESTED",
        severity: Severity::Medium,
        title: "Newest EBS snapshot of a volume older than the RPO",
        description: "A volume has snapshots, but the newest completed one is older than the recovery \
            point objective (24 hours, plus one hour of grace for the time a daily schedule takes). \
            Snapshots that stopped is the quiet failure of a backup: the schedule was deleted, \
            the Data Lifecycle Manager policy lost its tag, the backup role lost a permission, and \
            nobody noticed because the old snapshots are still there. Restoring now would lose \
            everything written since. Volumes with no snapshot at all are not reported here \
            (whether they need one is a backup-plan question). The RPO is fixed for now and will \
            become a setting. Prowler: `ec2_ebs_volume_snapshots_exists` (the nearest check).",
        fix: "Find why the schedule stopped (AWS Backup job history, DLM policy state, role permissions), \
            fix it, and alarm on failed or missing backup jobs.",
        fix_snippet: "Type: AWS::DLM::LifecyclePolicy\nProperties:\n  State: ENABLED\n  ExecutionRoleArn: !GetAtt DlmRole.Arn\n  PolicyDetails:\n    ResourceTypes: [VOLUME]\n    TargetTags: [{Key: backup, Value: daily}]\n    Schedules:\n      - Name: daily\n        CreateRule: {Interval: 24, IntervalUnit: HOURS, Times: [\"03:00\"]}\n        RetainRule: {Count: 14}",
        resource_types: &["AWS::EC2::Volume"],
        well_architected: &["SEC10-BP02", "SEC07-BP04"],
        requires: &["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Newest completed snapshot time per volume id.
fn newest_snapshots(model: &Model) -> Vec<(&str, Result<DateTime<Utc>, String>)> {
    let mut newest: Vec<(&str, Result<DateTime<Utc>, String>)> = Vec::new();
    for snap in model.of_type("AWS::EC2::Snapshot") {
        if snap.prop("State").and_then(Node::as_str).is_some_and(|s| s != "completed") {
            continue;
        }
        let Some(volume) = snap.prop("VolumeId").and_then(Node::as_str) else { continue };
        let time = super::time_prop(snap, "StartTime")
            .and_then(|t| t.ok_or_else(|| format!("snapshot {} has no StartTime", snap.logical_id)));
        match newest.iter_mut().find(|(v, _)| *v == volume) {
            Some((_, current)) => {
                if let (Ok(t), Ok(c)) = (&time, &*current) {
                    if t > c {
                        *current = time;
                    }
                } else if time.is_err() {
                    *current = time;
                }
            }
            None => newest.push((volume, time)),
        }
    }
    newest
}

fn check(model: &Model, out: &mut Hits) {
    let Some((_, account)) = super::account(model) else { return };
    let now = super::now(account);
    let newest = newest_snapshots(model);
    for (i, volume) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::EC2::Volume")) {
        let id = volume.prop("VolumeId").and_then(Node::as_str).unwrap_or(&volume.logical_id);
        let Some((_, time)) = newest.iter().find(|(v, _)| *v == id) else { continue };
        let (now, time) = match (&now, time) {
            (Ok(now), Ok(t)) => (*now, *t),
            (Err(reason), _) | (_, Err(reason)) => {
                out.unknown(i, reason.clone());
                continue;
            }
        };
        let age = (now - time).num_hours();
        if age > model.settings.rpo_hours + super::RPO_GRACE_HOURS {
            out.add(
                i,
                "VolumeId",
                format!(
                    "The newest snapshot of volume {id} is {age} hours old, beyond the {} h RPO",
                    model.settings.rpo_hours
                ),
                format!("newest completed snapshot StartTime: {} (now {})", time.to_rfc3339(), now.to_rfc3339()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const V: &str = "arn:aws:ec2:eu-west-1:111122223333:volume/";

    #[test]
    fn fixtures() {
        // vol-stale: newest of two snapshots is 3 days old; vol-fresh: 20 hours; vol-none: no
        // snapshot (not this rule's); vol-pending: only a pending snapshot from today, and an
        // old completed one.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [
                format!("FAIL {V}vol-stale"),
                format!("PASS {V}vol-fresh"),
                format!("PASS {V}vol-none"),
                format!("FAIL {V}vol-pending")
            ]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
