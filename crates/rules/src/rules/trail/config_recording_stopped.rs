use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CONFIG-360",
        name: "config-recording-stopped",
        family: "GAP-CONFIG",
        severity: Severity::High,
        title: "AWS Config recording stopped or its recorder deleted",
        description: "The AWS Config recorder was stopped (`StopConfigurationRecorder`) or deleted \
            (`DeleteConfigurationRecorder`), or the delivery channel that ships its snapshots and \
            history was deleted (`DeleteDeliveryChannel`). From then on nobody records how resources \
            are configured or how they change, Config rules and conformance packs stop evaluating, \
            and Security Hub controls built on them go quiet (GAP-CONFIG). Like stopping CloudTrail, \
            it is a move to hide what comes next, or a cost cut that removes the history an \
            investigation would need.",
        fix: "Restart the recorder (`aws configservice start-configuration-recorder`) or recreate the \
            recorder and delivery channel from code; find out who made the change. Deny \
            `config:StopConfigurationRecorder`, `config:DeleteConfigurationRecorder` and \
            `config:DeleteDeliveryChannel` with an SCP to all but the security team.",
        fix_snippet: "aws configservice start-configuration-recorder --configuration-recorder-name default",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["4.3", "5.9"],
        fsbp: &["Config.1"],
        well_architected: &["SEC04-BP02"],
        links: &["https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"],
        observe,
        correlate: None,
    }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let name = ev.event_name();
    let (keys, what): (&[&str], &str) = match name.as_ref() {
        "StopConfigurationRecorder" => (&["configurationRecorderName"], "stopped the AWS Config recorder"),
        "DeleteConfigurationRecorder" => (&["configurationRecorderName"], "deleted the AWS Config recorder"),
        _ => (&["deliveryChannelName", "configurationRecorderName"], "deleted the AWS Config delivery channel"),
    };
    let named = keys.iter().find_map(|key| {
        let value = ev.get(&format!("requestParameters.{key}"));
        value.as_str().filter(|v| !v.is_empty()).map(|v| (*key, v.to_string()))
    });
    let caller = ev.identity().principal();
    let region = ev.region();
    let (subject, evidence) = match named {
        Some((key, value)) => (value.clone(), format!("{name} {key} {value} in {region}")),
        None => (format!("AWS Config in {region}"), format!("{name} in {region}")),
    };
    let message = format!("{caller} {what} {subject} in {region} of account {}", ev.account());
    out.report(subject, message, evidence);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [("default", ["channel-deleted"]), ("default", ["recorder-deleted"]), ("default", ["recorder-stopped"])]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
