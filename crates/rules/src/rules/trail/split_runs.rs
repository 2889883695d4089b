//! Test helper of the correlated rules: their findings must not depend on how the logs were
//! shared out between threads, nor on the order files and records were read in.

use crate::testing::{fixture_dir, trail_findings_on, trail_records};
use crate::trail::{Site, TrailEngine, TrailSettings, TrailState};
use crate::{Config, Rule};
use nextgap_findings::Finding;
use nextgap_model::event::Event;

/// Which state a record goes to: `(records seen so far, index in its file, records in the file)`
/// → the first one?
type Chooser = dyn Fn(usize, usize, usize) -> bool;

/// Findings of `rule` when the records of `fixtures` (read last file first, last record first)
/// are observed by two "threads", `to_a` choosing which, and the states merged in `a_first` order.
fn split_run(
    rule: &'static Rule,
    rule_file: &str,
    fixtures: &[&str],
    settings: &TrailSettings,
    to_a: &Chooser,
    a_first: bool,
) -> Vec<Finding> {
    let config = Config::parse(&format!("[rules]\nenable = [\"{}\"]\n", rule.meta.id)).unwrap();
    let engine = TrailEngine::new(&config, settings.clone());
    let (mut a, mut b) = (TrailState::default(), TrailState::default());
    let mut seen = 0;
    for fixture in fixtures.iter().rev() {
        let records = trail_records(&fixture_dir(rule_file).join(fixture));
        for (index, text) in records.iter().enumerate().rev() {
            let event = Event::parse(text).expect("fixture event");
            let site = Site { file: fixture, index: index as u64, line: 0 };
            let state = if to_a(seen, index, records.len()) { &mut a } else { &mut b };
            engine.observe(&event, site, state);
            seen += 1;
        }
    }
    let state = if a_first {
        a.merge(b);
        a
    } else {
        b.merge(a);
        b
    };
    let mut findings: Vec<Finding> = engine.finish(state).into_iter().filter(|f| f.rule_id == rule.meta.id).collect();
    findings.sort_by_cached_key(|f| {
        (f.location.logical_id.clone(), f.events.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>())
    });
    findings
}

/// The findings of `fixtures` read in order by one thread equal, field for field, those of the
/// same records read backwards and shared out between two threads (alternately, by halves, all
/// to one), whichever state is merged into the other. Returns how many findings there were.
pub(crate) fn assert_split_invariant(
    rule: &'static Rule,
    rule_file: &str,
    fixtures: &[&str],
    settings: &TrailSettings,
) -> usize {
    let whole = trail_findings_on(rule, rule_file, fixtures, settings);
    let splits: [(&str, &Chooser); 4] = [
        ("alternate records", &|seen, _, _| seen % 2 == 0),
        ("first half of each file", &|_, index, len| index < len / 2),
        ("all in one state", &|_, _, _| true),
        ("all in the other", &|_, _, _| false),
    ];
    for (name, to_a) in splits {
        for a_first in [true, false] {
            let got = split_run(rule, rule_file, fixtures, settings, to_a, a_first);
            assert_eq!(
                got,
                whole,
                "{}: {name}, merged {}",
                rule.meta.id,
                if a_first { "b into a" } else { "a into b" }
            );
        }
    }
    whole.len()
}
