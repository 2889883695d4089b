//! Runs rules over a model and turns hits into findings: configuration (enable, disable,
//! re-grade) and suppressions written in resource `Metadata`.

use crate::{registry, Hits, Rule};
use nextgap_findings::{CheckResult, Finding, Location, ScanError, Severity, Status};
use nextgap_model::{Model, Node, Resource};
use serde::Deserialize;
use std::collections::HashMap;

/// `nextgap.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub live: LiveConfig,
    #[serde(default)]
    pub trail: TrailConfig,
}

/// `[trail]`: windows and thresholds of the stateful CloudTrail rules.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrailConfig {
    pub revert_window_minutes: Option<i64>,
    pub same_principal_window_minutes: Option<i64>,
    pub failed_logins: Option<usize>,
    pub failed_login_window_minutes: Option<i64>,
    /// Sigma rules (id or file stem) not to run: hunting rules that match most events.
    #[serde(default)]
    pub sigma_disable: Vec<String>,
}

/// `[live]`: settings of live audits.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LiveConfig {
    /// Recovery point objective in hours (default 24): older newest backups are stale.
    pub rpo_hours: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule ids, names or family ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule ids, names or family ids to turn on (also rules that are off by default).
    /// When set, wins over `disable` for the rules it names.
    #[serde(default)]
    pub enable: Vec<String>,
    /// New severity per rule id or name.
    #[serde(default)]
    pub severity: HashMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub fail_on: Option<String>,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Parses and validates: every rule named must exist, every severity must be valid.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        for name in config.rules.disable.iter().chain(&config.rules.enable) {
            if crate::find(name).is_none() && nextgap_findings::Family::get(name).is_none() {
                return Err(ConfigError(format!("unknown rule or family `{name}`")));
            }
        }
        if config.live.rpo_hours.is_some_and(|h| h < 1) {
            return Err(ConfigError("[live] rpo-hours must be at least 1".into()));
        }
        let t = &config.trail;
        let windows = [t.revert_window_minutes, t.same_principal_window_minutes, t.failed_login_window_minutes];
        // Ten years of minutes: beyond that a window means "ever", and the seconds would overflow.
        const MAX_MINUTES: i64 = 5_270_400;
        if windows.iter().flatten().any(|m| !(1..=MAX_MINUTES).contains(m)) || t.failed_logins.is_some_and(|n| n < 1) {
            return Err(ConfigError(
                "[trail] windows must be 1 to 5270400 minutes, and failed-logins at least 1".into(),
            ));
        }
        for (rule, sev) in &config.rules.severity {
            if crate::find(rule).is_none() {
                return Err(ConfigError(format!("unknown rule `{rule}` in [rules.severity]")));
            }
            if Severity::parse(sev).is_none() {
                return Err(ConfigError(format!(
                    "severity `{sev}` for `{rule}` is not one of info, low, medium, high, critical"
                )));
            }
        }
        Ok(config)
    }

    fn names(list: &[String], rule: &Rule) -> bool {
        list.iter().any(|n| {
            n.eq_ignore_ascii_case(rule.meta.id)
                || n.eq_ignore_ascii_case(rule.meta.name)
                || n.eq_ignore_ascii_case(rule.meta.family)
        })
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        if Self::names(&self.rules.enable, rule) {
            return true;
        }
        rule.meta.default_enabled && !Self::names(&self.rules.disable, rule)
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        self.rules
            .severity
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(rule.meta.id) || k.eq_ignore_ascii_case(rule.meta.name))
            .and_then(|(_, v)| Severity::parse(v))
            .unwrap_or(rule.meta.severity)
    }

    /// A finding of `rule` with its metadata, configured severity and fingerprint.
    pub fn finding(&self, rule: &Rule, message: String, location: Location, evidence: String) -> Finding {
        let mut finding = Finding {
            rule_id: rule.meta.id.into(),
            rule_name: rule.meta.name.into(),
            family: rule.meta.family.into(),
            severity: self.severity(rule),
            title: rule.meta.title.into(),
            message,
            location,
            evidence,
            fix: rule.meta.fix.into(),
            references: rule.meta.references(),
            fingerprint: String::new(),
            events: Vec::new(),
        };
        finding.compute_fingerprint();
        finding
    }

    /// `[trail]` over the defaults.
    pub fn trail_settings(&self) -> crate::trail::TrailSettings {
        let d = crate::trail::TrailSettings::default();
        let t = &self.trail;
        crate::trail::TrailSettings {
            revert_window: t.revert_window_minutes.map_or(d.revert_window, |m| m * 60),
            same_principal_window: t.same_principal_window_minutes.map_or(d.same_principal_window, |m| m * 60),
            failed_logins: t.failed_logins.unwrap_or(d.failed_logins),
            failed_login_window: t.failed_login_window_minutes.map_or(d.failed_login_window, |m| m * 60),
            ..d
        }
    }

    /// The enabled rules.
    pub fn rules(&self) -> Vec<&'static Rule> {
        registry().iter().copied().filter(|r| self.is_enabled(r)).collect()
    }
}

/// What checking one model gave.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
    /// Suppressions that were ignored (no reason, unknown rule) and similar warnings.
    pub warnings: Vec<ScanError>,
    /// Live models only: every (rule, subject) verdict.
    pub checks: Vec<CheckResult>,
}

/// Runs `rules` on `model`.
pub fn check_model(model: &Model, rules: &[&'static Rule], config: &Config) -> Outcome {
    let mut outcome = Outcome::default();
    let suppressions: Vec<Vec<Suppression>> =
        model.resources.iter().map(|r| suppressions_of(model, r, &mut outcome.warnings)).collect();
    for rule in rules {
        // Template-only rules (no live data named) do not run on accounts.
        if model.is_live() && rule.meta.requires.is_empty() {
            continue;
        }
        let Some(check) = rule.model_check() else { continue };
        let mut hits = Hits::new(model);
        check(model, &mut hits);
        if model.is_live() {
            demote_unreadable(model, rule, &mut hits);
            outcome.checks.extend(verdicts(model, rule, &hits));
        }
        for hit in hits.into_vec() {
            if suppressions[hit.resource].iter().any(|s| s.covers(rule)) {
                outcome.suppressed += 1;
                continue;
            }
            let res = &model.resources[hit.resource];
            let location = Location {
                file: model.origin.clone(),
                line: hit.pos.line,
                column: hit.pos.column,
                logical_id: res.logical_id.clone(),
                resource_type: res.resource_type.clone(),
                arn: res.arn.clone(),
                path: hit.path,
                account: model.account.as_ref().map(|a| a.account_id.clone()).unwrap_or_default(),
                region: if hit.region.is_empty() { res.region().to_string() } else { hit.region },
            };
            let finding = config.finding(rule, hit.message, location, hit.evidence);
            outcome.findings.push(finding);
        }
    }
    dedup(&mut outcome.findings);
    outcome
}

/// PASS, FAIL or UNKNOWN for every subject of `rule` (the resources of its types, and any other
/// resource it reported on), and an UNKNOWN for each required read that failed, so missing data
/// never reads as a pass. A subject judged per region (account-level facts) also gets an UNKNOWN
/// for each region whose data the rule could not read and that its own verdict does not
/// already name.
fn verdicts(model: &Model, rule: &Rule, hits: &Hits) -> Vec<CheckResult> {
    let account = model.account.as_ref().map(|a| a.account_id.clone()).unwrap_or_default();
    let result = |res: &Resource, status: Status, region: &str, reason: String| CheckResult {
        rule_id: rule.meta.id.into(),
        family: rule.meta.family.into(),
        status,
        resource: res.arn.clone().unwrap_or_else(|| res.logical_id.clone()),
        resource_type: res.resource_type.clone(),
        account: account.clone(),
        region: if region.is_empty() { res.region().to_string() } else { region.to_string() },
        reason,
    };
    let required_failed: Vec<&nextgap_model::Unavailable> = model
        .unavailable
        .iter()
        .filter(|u| rule.meta.requires.iter().any(|op| op.eq_ignore_ascii_case(&u.operation)))
        .collect();
    let mut out = Vec::new();
    for (i, res) in model.resources.iter().enumerate() {
        let reported = hits.hits.iter().any(|h| h.resource == i) || hits.unknown.iter().any(|(r, _, _)| *r == i);
        if !reported && !rule.meta.resource_types.contains(&res.resource_type.as_str()) {
            continue;
        }
        let missing = rule.meta.requires.iter().find_map(|op| model.unavailable(op, res.region()));
        let first_unknown = hits.unknown.iter().find(|(r, _, _)| *r == i);
        let verdict = if let Some(hit) = hits.hits.iter().find(|h| h.resource == i) {
            result(res, Status::Fail, "", hit.message.clone())
        } else if let Some((_, region, reason)) = first_unknown {
            result(res, Status::Unknown, region, reason.clone())
        } else if let Some(u) = missing {
            result(res, Status::Unknown, "", format!("{} failed: {}", u.operation, u.reason))
        } else {
            result(res, Status::Pass, "", String::new())
        };
        let shown_region = (verdict.status == Status::Unknown).then(|| verdict.region.clone());
        out.push(verdict);
        let mut regions_done: Vec<&str> = Vec::new();
        for (_, region, reason) in hits.unknown.iter().filter(|(r, region, _)| *r == i && !region.is_empty()) {
            let already = regions_done.contains(&region.as_str())
                || shown_region.as_deref() == Some(region.as_str())
                || hits.hits.iter().any(|h| h.resource == i && &h.region == region)
                || required_failed.iter().any(|u| &u.region == region);
            if !already {
                out.push(result(res, Status::Unknown, region, reason.clone()));
            }
            regions_done.push(region);
        }
    }
    let root = model.account.as_ref().map(|a| a.root_arn()).unwrap_or_default();
    for u in required_failed {
        // An account-level check that already said UNKNOWN for this region needs no second row.
        if out.iter().any(|c| c.status == Status::Unknown && c.resource == root && c.region == u.region) {
            continue;
        }
        out.push(CheckResult {
            rule_id: rule.meta.id.into(),
            family: rule.meta.family.into(),
            status: Status::Unknown,
            resource: root.clone(),
            resource_type: "AWS::Account".into(),
            account: account.clone(),
            region: u.region.clone(),
            reason: format!("{} failed: {}", u.operation, u.reason),
        });
    }
    out
}

/// A finding on a resource whose required data could not be read in its region may rest on
/// that missing data ("versioning is not enabled" when versioning could not be read): it
/// becomes UNKNOWN instead. Account-level subjects carry per-region hits and are left alone.
fn demote_unreadable(model: &Model, rule: &Rule, hits: &mut Hits) {
    let (keep, demoted): (Vec<_>, Vec<_>) = std::mem::take(&mut hits.hits).into_iter().partition(|h| {
        let res = &model.resources[h.resource];
        res.resource_type == "AWS::Account"
            || !rule.meta.requires.iter().any(|op| model.unavailable(op, res.region()).is_some())
    });
    hits.hits = keep;
    for h in demoted {
        let res = &model.resources[h.resource];
        if let Some(u) = rule.meta.requires.iter().find_map(|op| model.unavailable(op, res.region())) {
            hits.unknown.push((h.resource, String::new(), format!("{} failed: {}", u.operation, u.reason)));
        }
    }
}

/// A rule may see the same problem twice through `Fn::If` branches; keep one finding per
/// rule, resource and path.
fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        seen.insert((f.rule_id.clone(), f.location.logical_id.clone(), f.location.path.clone(), f.message.clone()))
    });
}

/// One suppression read from a resource's `Metadata`.
struct Suppression {
    /// A nextgap rule id/name, or a checkov/cfn_nag id mapped through the equivalence lists.
    id: String,
}

impl Suppression {
    fn covers(&self, rule: &Rule) -> bool {
        let m = &rule.meta;
        self.id.eq_ignore_ascii_case(m.id)
            || self.id.eq_ignore_ascii_case(m.name)
            || m.checkov.iter().chain(m.cfn_nag).any(|e| e.eq_ignore_ascii_case(&self.id))
    }
}

/// Reads the three suppression forms. They live in `Metadata`, which survives
/// `aws cloudformation package`, unlike comments.
fn suppressions_of(model: &Model, res: &Resource, warnings: &mut Vec<ScanError>) -> Vec<Suppression> {
    let Some(meta) = &res.metadata else { return vec![] };
    let mut out = Vec::new();
    let forms = [
        ("nextgap", "suppress", "rule", true),
        ("cfn_nag", "rules_to_suppress", "id", false),
        ("checkov", "skip", "id", false),
    ];
    for (tool, list_key, id_key, reason_required) in forms {
        for item in meta.get(tool).and_then(|t| t.get(list_key)).map(Node::items).unwrap_or_default() {
            let Some(id) = item.get(id_key).and_then(Node::scalar_text) else {
                warnings.push(warning(
                    model,
                    item,
                    &format!("{tool} suppression on {} has no `{id_key}`; ignored", res.logical_id),
                ));
                continue;
            };
            let reason = item.get("reason").or(item.get("comment")).and_then(Node::scalar_text).unwrap_or_default();
            if reason_required && reason.trim().is_empty() {
                warnings.push(warning(
                    model,
                    item,
                    &format!("suppression of {id} on {} has no reason; ignored", res.logical_id),
                ));
                continue;
            }
            if tool == "nextgap" && crate::find(&id).is_none() {
                warnings.push(warning(
                    model,
                    item,
                    &format!("suppression names unknown rule {id} on {}", res.logical_id),
                ));
            }
            out.push(Suppression { id });
        }
    }
    out
}

fn warning(model: &Model, node: &Node, message: &str) -> ScanError {
    ScanError {
        file: model.origin.clone(),
        line: node.pos.line,
        column: node.pos.column,
        message: format!("warning: {message}"),
    }
}
