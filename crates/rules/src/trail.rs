//! Rules over CloudTrail events, and the engine that runs them.
//!
//! Logs are read file by file on several threads, so a rule sees events in file order, not in
//! time order, and never all of them at once. A rule therefore has two parts:
//! - `observe`, called for each event whose name the rule listed: it reports the event at once
//!   (most detections), or hands a small *signal* to the second part;
//! - `correlate` (stateful rules only), called once at the end with the rule's signals of the
//!   whole run in time order: "made public and not reverted within an hour" needs both events,
//!   wherever they were read.
//!
//! Signals stay small so memory does not grow with the logs: `first` keeps one per key (the
//! earliest) and `tally` one counter per key, whatever the number of events.

use crate::{registry, Config, Rule};
use nextgap_findings::{EventRef, Finding, Location};
use nextgap_model::event::Event;
use std::collections::HashMap;

/// The event part of a rule.
pub struct TrailCheck {
    /// `eventName`s the rule looks at; empty means every event (use sparingly: it runs per event).
    pub event_names: &'static [&'static str],
    pub observe: fn(&Event, &mut Observe),
    /// Stateful rules: judges the rule's signals of the whole run, sorted by time.
    pub correlate: Option<Correlate>,
}

/// A stateful rule's judgement: its signals of the whole run (sorted by time), the settings,
/// and the findings it adds.
pub type Correlate = fn(&[Signal], &TrailSettings, &mut Vec<TrailHit>);

/// Windows and thresholds of the stateful rules (`[trail]` in `nextgap.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailSettings {
    /// A public bucket reverted within this many seconds is not reported.
    pub revert_window: i64,
    /// Data and backups deleted by one principal within this many seconds.
    pub same_principal_window: i64,
    /// Failed console sign-ins that, followed by a success, make a finding.
    pub failed_logins: usize,
    pub failed_login_window: i64,
    /// Unix seconds of the newest event of the run (of any name): set by the engine when it
    /// judges, so a rule can tell "not reverted" from "the logs end before the window did".
    pub logs_end: Option<i64>,
}

impl Default for TrailSettings {
    fn default() -> Self {
        TrailSettings {
            revert_window: 3600,
            same_principal_window: 3600,
            failed_logins: 5,
            failed_login_window: 3600,
            logs_end: None,
        }
    }
}

/// What a rule reports: the events, what they were about, and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrailHit {
    /// The resource or principal concerned (a bucket name, a security group id, a role ARN).
    pub subject: String,
    /// The subject's ARN when the events give one.
    pub arn: Option<String>,
    pub message: String,
    pub evidence: String,
    /// Proof, in time order; the first names account, region and file of the finding.
    pub events: Vec<EventRef>,
}

/// A fact a stateful rule keeps for `correlate`.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// What the signal is about (a bucket, a principal); `correlate` groups by it.
    pub key: String,
    /// The rule's own label (`public`, `revert`).
    pub tag: &'static str,
    /// Unix seconds of the event.
    pub time: i64,
    pub event: EventRef,
    /// Free text for the rule (what was opened, the event name).
    pub data: String,
    /// `tally` signals: how many events, and the newest one; `count` is 1 otherwise.
    pub count: u64,
    pub last: Option<EventRef>,
    /// Unix seconds of `last` (of `event` while there is no `last`).
    pub last_time: i64,
    /// `tally` signals: how many events carried each label (event names), most first.
    pub labels: Vec<(String, u64)>,
}

/// Where the current event was read.
#[derive(Clone, Copy, Debug)]
pub struct Site<'s> {
    pub file: &'s str,
    pub index: u64,
    pub line: u64,
}

/// What a rule's `observe` can do with the current event.
pub struct Observe<'a, 'e> {
    event: &'a Event<'e>,
    site: Site<'a>,
    rule: usize,
    state: &'a mut TrailState,
}

impl Observe<'_, '_> {
    /// Reports the current event.
    pub fn report(&mut self, subject: impl Into<String>, message: impl Into<String>, evidence: impl Into<String>) {
        let hit = TrailHit {
            subject: subject.into(),
            arn: None,
            message: message.into(),
            evidence: evidence.into(),
            events: vec![event_ref(self.event, self.site)],
        };
        self.state.hits.push((self.rule, hit));
    }

    /// Reports the current event about a resource with a known ARN.
    pub fn report_arn(
        &mut self,
        subject: impl Into<String>,
        arn: String,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        self.report(subject, message, evidence);
        if let Some((_, hit)) = self.state.hits.last_mut() {
            hit.arn = Some(arn);
        }
    }

    /// Keeps the current event for `correlate`.
    pub fn signal(&mut self, key: impl Into<String>, tag: &'static str, data: impl Into<String>) {
        let signal = self.new_signal(key.into(), tag, data.into());
        self.state.signals.push((self.rule, signal));
    }

    /// Keeps the current event for `correlate` only if it is the earliest with this key.
    /// Rules call it for many events of which few are new: a key already kept from an earlier
    /// event costs a lookup and a comparison of time texts, no allocation and no time parsing.
    pub fn first(&mut self, key: &str, tag: &'static str, data: impl Into<String>) {
        let firsts = self.state.firsts.entry(self.rule).or_default();
        if let Some(kept) = firsts.get(key) {
            let when = self.event.event_time();
            let order = match same_format_order(&kept.event.time, &when) {
                Some(order) => order,
                None => kept.time.cmp(&self.event.epoch().unwrap_or(i64::MAX)),
            };
            // Ties go to the earlier file and record, as in `merge`, whatever the thread.
            if order.then_with(|| (kept.event.file.as_str(), kept.event.index).cmp(&(self.site.file, self.site.index)))
                != std::cmp::Ordering::Greater
            {
                return;
            }
        }
        let signal = signal_of(self.event, self.site, key.to_string(), tag, data.into());
        firsts.insert(key.to_string(), signal);
    }

    /// Counts the current event under `key` (and `label`), keeping the first and last.
    pub fn tally(&mut self, key: &str, tag: &'static str, label: &str) {
        let time = self.event.epoch().unwrap_or(i64::MAX);
        let slot = (self.rule, key.to_string());
        if let Some(kept) = self.state.tallies.get_mut(&slot) {
            kept.count += 1;
            add_label(&mut kept.labels, label, 1);
            // Ties go by file and record, as in `merge`, so first and last do not depend on threads.
            let here = (time, self.site.file, self.site.index);
            if here < (kept.time, kept.event.file.as_str(), kept.event.index) {
                let old = std::mem::replace(&mut kept.event, event_ref(self.event, self.site));
                if kept.last.is_none() {
                    kept.last = Some(old);
                    kept.last_time = kept.time;
                }
                kept.time = time;
            } else if here > tally_last(kept) {
                kept.last = Some(event_ref(self.event, self.site));
                kept.last_time = time;
            }
            return;
        }
        let mut signal = self.new_signal(slot.1.clone(), tag, String::new());
        add_label(&mut signal.labels, label, 1);
        self.state.tallies.insert(slot, signal);
    }

    fn new_signal(&self, key: String, tag: &'static str, data: String) -> Signal {
        signal_of(self.event, self.site, key, tag, data)
    }
}

fn signal_of(event: &Event, site: Site, key: String, tag: &'static str, data: String) -> Signal {
    let time = event.epoch().unwrap_or(i64::MAX);
    Signal {
        key,
        tag,
        time,
        event: event_ref(event, site),
        data,
        count: 1,
        last: None,
        last_time: time,
        labels: Vec::new(),
    }
}

/// Time order of two `eventTime`s written alike (`2023-07-10T12:10:04Z`: the text sorts by time),
/// `None` when they are written differently and must be parsed.
fn same_format_order(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let iso = |t: &str| t.len() == 20 && t.as_bytes()[10] == b'T' && t.ends_with('Z');
    (iso(a) && iso(b)).then(|| a.cmp(b))
}

/// `(time, file, index)` of a tally's newest event.
fn tally_last(s: &Signal) -> (i64, &str, u64) {
    let last = s.last.as_ref().unwrap_or(&s.event);
    (s.last_time, last.file.as_str(), last.index)
}

fn add_label(labels: &mut Vec<(String, u64)>, label: &str, n: u64) {
    if label.is_empty() {
        return;
    }
    match labels.iter_mut().find(|(l, _)| l == label) {
        Some((_, c)) => *c += n,
        None => labels.push((label.to_string(), n)),
    }
}

/// The reference a finding keeps of an event.
pub fn event_ref(ev: &Event, site: Site) -> EventRef {
    EventRef {
        event_id: ev.event_id().into_owned(),
        event_name: ev.event_name().into_owned(),
        time: ev.event_time().into_owned(),
        account: ev.account().into_owned(),
        region: ev.region().into_owned(),
        principal: ev.identity().principal(),
        source_ip: ev.source_ip().into_owned(),
        user_agent: ev.user_agent().into_owned(),
        file: site.file.to_string(),
        index: site.index,
        line: site.line,
    }
}

/// What rules gathered from some files: merged across threads, judged at the end.
#[derive(Default)]
pub struct TrailState {
    hits: Vec<(usize, TrailHit)>,
    signals: Vec<(usize, Signal)>,
    /// Per rule, per key.
    firsts: HashMap<usize, HashMap<String, Signal>>,
    tallies: HashMap<(usize, String), Signal>,
    /// `eventTime` of the newest event read, as written (compared as text: CloudTrail's fixed
    /// format sorts by time, and no time is parsed for events no rule looks at).
    latest: String,
}

impl TrailState {
    /// Adds what another thread gathered.
    pub fn merge(&mut self, other: TrailState) {
        self.hits.extend(other.hits);
        self.signals.extend(other.signals);
        if other.latest > self.latest {
            self.latest = other.latest;
        }
        for (rule, theirs) in other.firsts {
            let ours = self.firsts.entry(rule).or_default();
            for (key, s) in theirs {
                match ours.get(&key) {
                    Some(kept)
                        if (kept.time, &kept.event.file, kept.event.index)
                            <= (s.time, &s.event.file, s.event.index) => {}
                    _ => {
                        ours.insert(key, s);
                    }
                }
            }
        }
        for (slot, s) in other.tallies {
            match self.tallies.remove(&slot) {
                Some(kept) => {
                    self.tallies.insert(slot, merge_tally(kept, s));
                }
                None => {
                    self.tallies.insert(slot, s);
                }
            }
        }
    }
}

fn merge_tally(a: Signal, b: Signal) -> Signal {
    let first = |s: &Signal| (s.time, s.event.file.clone(), s.event.index);
    let (mut early, late) = if first(&a) <= first(&b) { (a, b) } else { (b, a) };
    if tally_last(&late) >= tally_last(&early) {
        early.last = Some(late.last.unwrap_or(late.event));
        early.last_time = late.last_time;
    } else if early.last.is_none() {
        early.last = Some(early.event.clone());
    }
    early.count += late.count;
    for (l, n) in late.labels {
        add_label(&mut early.labels, &l, n);
    }
    early
}

/// The enabled event rules, indexed by the event names they look at.
pub struct TrailEngine {
    rules: Vec<&'static Rule>,
    by_name: HashMap<&'static str, Vec<usize>>,
    every_event: Vec<usize>,
    settings: TrailSettings,
    config: Config,
}

impl TrailEngine {
    pub fn new(config: &Config, settings: TrailSettings) -> TrailEngine {
        let rules: Vec<&'static Rule> =
            registry().iter().copied().filter(|r| r.trail_check().is_some() && config.is_enabled(r)).collect();
        let mut by_name: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut every_event = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let names = rule.trail_check().map(|t| t.event_names).unwrap_or_default();
            if names.is_empty() {
                every_event.push(i);
            }
            for name in names {
                by_name.entry(name).or_default().push(i);
            }
        }
        TrailEngine { rules, by_name, every_event, settings, config: config.clone() }
    }

    pub fn rules(&self) -> &[&'static Rule] {
        &self.rules
    }

    /// Runs the rules that look at this event.
    pub fn observe(&self, ev: &Event, site: Site, state: &mut TrailState) {
        let time = ev.event_time();
        if *time > *state.latest {
            state.latest.clear();
            state.latest.push_str(&time);
        }
        let name = ev.event_name();
        let named = self.by_name.get(name.as_ref()).map(Vec::as_slice).unwrap_or_default();
        for &rule in named.iter().chain(&self.every_event) {
            let Some(check) = self.rules[rule].trail_check() else { continue };
            let mut obs = Observe { event: ev, site, rule, state };
            (check.observe)(ev, &mut obs);
        }
    }

    /// Findings reported so far by stateless rules (for streaming them as found).
    pub fn drain_findings(&self, state: &mut TrailState) -> Vec<Finding> {
        std::mem::take(&mut state.hits).into_iter().map(|(rule, hit)| self.finding(rule, hit)).collect()
    }

    /// The stateful rules' findings, once every file has been read; then whatever is left.
    pub fn finish(&self, mut state: TrailState) -> Vec<Finding> {
        let mut per_rule: HashMap<usize, Vec<Signal>> = HashMap::new();
        let kept = std::mem::take(&mut state.signals).into_iter();
        let firsts = std::mem::take(&mut state.firsts)
            .into_iter()
            .flat_map(|(r, keyed)| keyed.into_values().map(move |s| (r, s)));
        let tallies = std::mem::take(&mut state.tallies).into_iter().map(|((r, _), s)| (r, s));
        for (rule, signal) in kept.chain(firsts).chain(tallies) {
            per_rule.entry(rule).or_default().push(signal);
        }
        let mut out = self.drain_findings(&mut state);
        let settings = TrailSettings {
            logs_end: nextgap_model::event::parse_time(&state.latest).or(self.settings.logs_end),
            ..self.settings.clone()
        };
        let mut rules: Vec<usize> = per_rule.keys().copied().collect();
        rules.sort_unstable();
        for rule in rules {
            let mut signals = per_rule.remove(&rule).unwrap_or_default();
            signals.sort_by(|a, b| {
                (a.time, &a.event.file, a.event.index, &a.key).cmp(&(b.time, &b.event.file, b.event.index, &b.key))
            });
            let Some(correlate) = self.rules[rule].trail_check().and_then(|t| t.correlate) else { continue };
            let mut hits = Vec::new();
            correlate(&signals, &settings, &mut hits);
            out.extend(hits.into_iter().map(|h| self.finding(rule, h)));
        }
        out
    }

    fn finding(&self, rule: usize, hit: TrailHit) -> Finding {
        let rule = self.rules[rule];
        let first = hit.events.first().cloned().unwrap_or_default();
        let mut finding = Finding {
            rule_id: rule.meta.id.into(),
            rule_name: rule.meta.name.into(),
            family: rule.meta.family.into(),
            severity: self.config.severity(rule),
            title: rule.meta.title.into(),
            message: hit.message,
            location: trail_location(&first, hit.subject, hit.arn),
            evidence: hit.evidence,
            fix: rule.meta.fix.into(),
            references: rule.meta.references(),
            fingerprint: String::new(),
            events: hit.events,
        };
        finding.compute_fingerprint();
        finding
    }
}

/// Where an event finding is: the log file and record of its first event, and its subject.
/// The event id is the path, so two findings on one subject in one file stay apart.
pub fn trail_location(first: &EventRef, subject: String, arn: Option<String>) -> Location {
    let twelve_digits = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    Location {
        file: first.file.clone(),
        line: first.line.min(u32::MAX as u64) as u32,
        column: 0,
        logical_id: subject,
        resource_type: "AWS::CloudTrail::Event".into(),
        arn: arn.filter(|a| a.starts_with("arn:")),
        path: if first.event_id.is_empty() { format!("Records[{}]", first.index) } else { first.event_id.clone() },
        account: if twelve_digits(&first.account) { first.account.clone() } else { String::new() },
        region: first.region.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(time: i64, name: &str) -> Signal {
        Signal {
            key: "k".into(),
            tag: "t",
            time,
            event: EventRef {
                event_name: name.into(),
                time: format!("2024-01-01T00:00:{time:02}Z"),
                ..Default::default()
            },
            data: String::new(),
            count: 1,
            last: None,
            last_time: time,
            labels: vec![(name.into(), 1)],
        }
    }

    #[test]
    fn tallies_merge_counts_first_and_last() {
        let merged = merge_tally(signal(30, "B"), signal(10, "A"));
        assert_eq!((merged.time, merged.count), (10, 2));
        assert_eq!(merged.last.unwrap().event_name, "B");
        assert_eq!(merged.labels, vec![("A".to_string(), 1), ("B".to_string(), 1)]);
    }
}
