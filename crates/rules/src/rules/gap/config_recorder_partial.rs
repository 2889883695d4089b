use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CONFIG-055",
        name: "config-recorder-partial",
        family: "GAP-CONFIG",
        severity: Severity::Low,
        title: "AWS Config recorder skips resource types",
        description: "The configuration recorder records a chosen list of resource types, or excludes \
            some, instead of every supported type. Resources of the types left out get no \
            configuration history and no Config rule evaluation, so a security group opened or \
            a bucket made public among them is neither detected nor reconstructable afterwards; \
            types AWS adds later are not recorded either (inclusion lists). Excluding noisy, \
            costly types is a legitimate trade-off: suppress the finding with the reason when it \
            is deliberate.",
        fix: "Record all supported resource types (`AllSupported: true`), or keep the exclusion and \
            suppress this finding with the reason.",
        fix_snippet: "Recorder:\n  Type: AWS::Config::ConfigurationRecorder\n  Properties:\n    RoleARN: !GetAtt ConfigRole.Arn\n    RecordingGroup:\n      AllSupported: true\n      IncludeGlobalResourceTypes: true",
        resource_types: &["AWS::Config::ConfigurationRecorder"],
        cis: &["4.3"],
        fsbp: &["Config.1"],
        well_architected: &["SEC04-BP01", "SEC04-BP02"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Config::ConfigurationRecorder"))
    {
        // A missing RecordingGroup records every supported type.
        for group in res.lookup("RecordingGroup").into_iter().flatten() {
            if let Some((path, message, evidence)) = partial(group) {
                out.add(i, path, format!("Configuration recorder {} {message}", res.logical_id), evidence);
                break;
            }
        }
    }
}

/// What a recording group leaves out, when that is known.
fn partial(group: &Node) -> Option<(&'static str, String, String)> {
    if !matches!(group.value, Value::Map(_)) {
        return None;
    }
    match group.get("AllSupported") {
        Some(node) if node.as_bool() != Some(false) => return None, // true, or unknown
        _ => {}
    }
    let strategy = group.path("RecordingStrategy.UseOnly").and_then(Node::as_str);
    let known_types = |node: Option<&Node>| -> Option<Vec<String>> {
        let node = node?;
        let items = node.items();
        if !matches!(node.value, Value::List(_)) {
            return None;
        }
        Some(items.iter().map(|n| n.scalar_text().unwrap_or_else(|| n.describe())).collect())
    };
    let excluded = known_types(group.path("ExclusionByResourceTypes.ResourceTypes"));
    let included = known_types(group.get("ResourceTypes"));
    let sample = |types: &[String]| {
        let shown: Vec<&str> = types.iter().take(5).map(String::as_str).collect();
        let more = if types.len() > 5 { ", …" } else { "" };
        format!("[{}{more}]", shown.join(", "))
    };
    if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") || excluded.as_ref().is_some_and(|t| !t.is_empty()) {
        let types = excluded.unwrap_or_default();
        return Some((
            "RecordingGroup.ExclusionByResourceTypes",
            format!("does not record {} resource type(s)", types.len()),
            format!("ExclusionByResourceTypes.ResourceTypes: {}", sample(&types)),
        ));
    }
    if strategy == Some("INCLUSION_BY_RESOURCE_TYPES") || included.as_ref().is_some_and(|t| !t.is_empty()) {
        let types = included.unwrap_or_default();
        return Some((
            "RecordingGroup.ResourceTypes",
            format!("records only {} listed resource type(s) instead of all supported types", types.len()),
            format!("AllSupported not true, ResourceTypes: {}", sample(&types)),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Excluding", "OnlyListed", "StringFalse"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
