use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-361",
        name: "snapshot-made-public",
        family: "GAP-PUBLIC-SNAPSHOT",
        severity: Severity::Critical,
        title: "Snapshot or machine image shared with everyone",
        description: "An EBS snapshot (`ModifySnapshotAttribute` adding `createVolumePermission` group \
            `all`), an AMI (`ModifyImageAttribute` adding `launchPermission` group `all`) or an RDS \
            snapshot (`ModifyDBSnapshotAttribute` / `ModifyDBClusterSnapshotAttribute` adding `all` to \
            `restore`) was made public. Any AWS account can now copy it and read every block of the \
            disk or database: files, keys, password hashes, customer data (GAP-PUBLIC-SNAPSHOT). Public \
            snapshots are searched for continuously by researchers and attackers alike. Sharing with one \
            named account is not reported here: that is a cross-account copy, often a backup.",
        fix: "Remove the public permission at once (`aws ec2 modify-snapshot-attribute --create-volume-permission \
            \"Remove=[{Group=all}]\"`, `aws rds modify-db-snapshot-attribute --values-to-remove all`), then \
            treat the data on it as exposed. Turn on EBS and AMI block public access in every Region.",
        fix_snippet: "aws ec2 modify-snapshot-attribute --snapshot-id snap-0123456789abcdef0 \\\n  --attribute createVolumePermission --operation-type remove --group-names all\naws ec2 enable-snapshot-block-public-access --state block-all-sharing\naws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing",
        resource_types: &["AWS::CloudTrail::Event"],
        fsbp: &["EC2.1", "RDS.1"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        links: &[
            "https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &[
            "ModifySnapshotAttribute",
            "ModifyImageAttribute",
            "ModifyDBSnapshotAttribute",
            "ModifyDBClusterSnapshotAttribute",
        ],
        observe,
        correlate: None,
    }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let req = ev.get("requestParameters");
    let name = ev.event_name();
    let (id_key, kind, public) = match name.as_ref() {
        "ModifySnapshotAttribute" => ("snapshotId", "EBS snapshot", group_all(&req, "createVolumePermission")),
        "ModifyImageAttribute" => ("imageId", "AMI", group_all(&req, "launchPermission")),
        "ModifyDBSnapshotAttribute" => ("dBSnapshotIdentifier", "RDS snapshot", restore_all(&req)),
        _ => ("dBClusterSnapshotIdentifier", "RDS cluster snapshot", restore_all(&req)),
    };
    if !public {
        return;
    }
    let id = req.member(id_key);
    let id = id.as_str().unwrap_or("unknown").to_string();
    let (region, account) = (ev.region(), ev.account());
    let arn = if id.starts_with("arn:") {
        Some(id.clone())
    } else {
        match name.as_ref() {
            "ModifySnapshotAttribute" => Some(format!("arn:aws:ec2:{region}::snapshot/{id}")),
            "ModifyImageAttribute" => Some(format!("arn:aws:ec2:{region}::image/{id}")),
            "ModifyDBSnapshotAttribute" if !account.is_empty() => {
                Some(format!("arn:aws:rds:{region}:{account}:snapshot:{id}"))
            }
            "ModifyDBClusterSnapshotAttribute" if !account.is_empty() => {
                Some(format!("arn:aws:rds:{region}:{account}:cluster-snapshot:{id}"))
            }
            _ => None,
        }
    };
    let caller = ev.identity().principal();
    let message = format!("{caller} made {kind} {id} public: any AWS account can copy it");
    let evidence = match name.as_ref() {
        "ModifySnapshotAttribute" => format!("{name} {id_key} {id} createVolumePermission add group all"),
        "ModifyImageAttribute" => format!("{name} {id_key} {id} launchPermission add group all"),
        _ => format!("{name} {id_key} {id} attributeName restore valuesToAdd all"),
    };
    match arn {
        Some(arn) => out.report_arn(id, arn, message, evidence),
        None => out.report(id, message, evidence),
    }
}

/// `<attribute>.add.items[].group == all` (EC2 snapshots and images).
fn group_all(req: &nextgap_model::event::Field, attribute: &str) -> bool {
    req.path(attribute)
        .path("add.items")
        .elements()
        .iter()
        .any(|item| item.member("group").as_str().is_some_and(|g| g.eq_ignore_ascii_case("all")))
}

/// `attributeName == restore` and `valuesToAdd` contains `all` (RDS snapshots).
fn restore_all(req: &nextgap_model::event::Field) -> bool {
    req.member("attributeName").as_str().is_some_and(|a| a.eq_ignore_ascii_case("restore"))
        && req
            .member("valuesToAdd")
            .elements()
            .iter()
            .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case("all")))
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
                ("ami-0aa1d83d0b0985c86", ["ami-public"]),
                ("aurora-prod-final", ["cluster-snapshot-public"]),
                ("exfiltration", ["db-snapshot-public"]),
                ("snap-083d3b857c13988bc", ["ebs-public"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
