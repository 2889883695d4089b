//! Conformance with `shared/oracles/cloudtrail-sigma.json`: every SigmaHQ CloudTrail rule run
//! over every CloudTrail corpus file. Every oracle hit must be produced; every other hit must
//! come from a rule the oracle excludes or be justified in `docs/sigma-justified.md`.

use nextgap_model::event::Event;
use nextgap_sigma::{load_dirs, RuleSet};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
const JUSTIFIED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sigma-justified.md");

/// (corpus file, rule file name, record index).
type Hit = (String, String, usize);

fn shared() -> Option<PathBuf> {
    let path = Path::new(SHARED);
    if path.join("oracles/cloudtrail-sigma.json").exists() {
        Some(path.to_path_buf())
    } else {
        println!("notice: {SHARED} not found; Sigma oracle conformance skipped");
        None
    }
}

/// The records of a corpus file, as written: `{"Records": [...]}`, a JSON array, one event,
/// or NDJSON. Other JSON objects (`labels.json`, `_summary.json`) hold no events.
fn records(text: &str) -> Vec<String> {
    let raw = |items: Vec<&RawValue>| items.into_iter().map(|r| r.get().to_string()).collect();
    match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
        Ok(obj) => match obj.get("Records") {
            Some(recs) => raw(serde_json::from_str(recs.get()).unwrap_or_default()),
            None if obj.contains_key("eventName") => vec![text.to_string()],
            None => Vec::new(),
        },
        Err(_) => match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => raw(items),
            Err(_) => text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect(),
        },
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable corpus dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Every hit of `rules` on every corpus file, with each record's eventName.
fn run(rules: &RuleSet, corpus: &Path) -> (BTreeSet<Hit>, BTreeMap<(String, usize), String>, usize) {
    let mut files = Vec::new();
    json_files(corpus, &mut files);
    files.sort();
    let (mut hits, mut names, mut events) = (BTreeSet::new(), BTreeMap::new(), 0);
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(corpus).expect("under corpus").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("readable corpus file");
        for (index, record) in records(&text).iter().enumerate() {
            let Ok(ev) = Event::parse(record) else { continue };
            events += 1;
            out.clear();
            rules.matches(&ev, &mut out);
            for &r in &out {
                hits.insert((rel.clone(), format!("{}.yml", rules.rule(r).name), index));
                names.insert((rel.clone(), index), ev.event_name().into_owned());
            }
        }
    }
    (hits, names, events)
}

fn oracle_hits(oracle: &Value) -> BTreeSet<Hit> {
    let mut hits = BTreeSet::new();
    for (file, rules) in oracle["detections"].as_object().expect("detections") {
        for (rule, list) in rules.as_object().expect("rules of a file") {
            for hit in list.as_array().expect("hits") {
                let index = hit["index"].as_u64().expect("index") as usize;
                hits.insert((file.clone(), rule.clone(), index));
            }
        }
    }
    hits
}

/// A row of the justified table: file (or `*`), rule, index (or `*`), eventName.
struct Justified {
    file: String,
    rule: String,
    index: Option<usize>,
    event_name: String,
}

impl Justified {
    fn covers(&self, (file, rule, index): &Hit, event_name: &str) -> bool {
        (self.file == "*" || self.file == *file)
            && self.rule == *rule
            && self.index.is_none_or(|i| i == *index)
            && self.event_name == event_name
    }
}

/// Rows of `| file | rule | index | eventName | why |`; the header and the rule line skipped.
fn justified() -> Vec<Justified> {
    let text = std::fs::read_to_string(JUSTIFIED).expect("docs/sigma-justified.md");
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        if cells.len() < 5 || cells[0] == "file" || cells[0].starts_with("---") {
            continue;
        }
        assert!(!cells[4].is_empty(), "justification without a reason: {line}");
        let index = if cells[2] == "*" { None } else { Some(cells[2].parse().expect("index or *")) };
        rows.push(Justified { file: cells[0].into(), rule: cells[1].into(), index, event_name: cells[3].into() });
    }
    rows
}

#[test]
fn matches_the_oracle() {
    let Some(shared) = shared() else { return };
    let loaded = load_dirs(&[shared.join("rules/sigma-aws/rules")]);
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:#?}", loaded.unsupported);
    assert_eq!(loaded.rules.len(), 57);

    let oracle: Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("oracles/cloudtrail-sigma.json")).unwrap()).unwrap();
    let expected = oracle_hits(&oracle);
    let excluded = oracle["_about"]["excluded_rules"].as_object().expect("excluded_rules");
    let (hits, names, events) = run(&loaded.rules, &shared.join("corpora/cloudtrail"));

    let missed: Vec<_> = expected.difference(&hits).collect();
    let rows = justified();
    let mut used = vec![false; rows.len()];
    let mut unjustified = Vec::new();
    let (mut excluded_hits, mut justified_hits) = (0, 0);
    for hit in hits.difference(&expected) {
        if excluded.contains_key(&hit.1) {
            excluded_hits += 1;
            continue;
        }
        let name = &names[&(hit.0.clone(), hit.2)];
        match rows.iter().position(|j| j.covers(hit, name)) {
            Some(i) => {
                used[i] = true;
                justified_hits += 1;
            }
            None => unjustified.push(format!("| {} | {} | {} | {} |", hit.0, hit.1, hit.2, name)),
        }
    }
    let found = expected.len() - missed.len();
    println!(
        "sigma oracle: {} rules, {events} events, {} hits; oracle recall {found}/{} ({:.1}%); extra hits: {excluded_hits} from excluded rules, {justified_hits} justified, {} unjustified",
        loaded.rules.len(),
        hits.len(),
        expected.len(),
        100.0 * found as f64 / expected.len().max(1) as f64,
        unjustified.len()
    );
    assert!(missed.is_empty(), "oracle hits not produced: {missed:#?}");
    assert!(unjustified.is_empty(), "hits neither in the oracle nor justified:\n{}", unjustified.join("\n"));
    let stale: Vec<_> =
        rows.iter().zip(&used).filter(|(_, u)| !**u).map(|(j, _)| (&j.file, &j.rule, j.index)).collect();
    assert!(stale.is_empty(), "justified rows matching no hit: {stale:?}");
}

#[test]
fn aggregation_rules_are_reported_unsupported() {
    let Some(shared) = shared() else { return };
    let loaded = load_dirs(&[shared.join("rules/sigma-aws/unsupported")]);
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    assert_eq!((loaded.rules.len(), loaded.unsupported.len()), (0, 8));
    for u in &loaded.unsupported {
        assert!(!u.id.is_empty() && !u.title.is_empty(), "{u:?}");
        let r = &u.reason;
        assert!(r.contains("timeframe") || r.contains("aggregation"), "{u:?}");
    }
    let placeholder = load_dirs(&[shared.join("rules/sigma-aws/rules-placeholder")]);
    assert_eq!((placeholder.rules.len(), placeholder.unsupported.len()), (0, 1));
    assert!(placeholder.unsupported[0].reason.contains("expand"));
}

/// `cargo test --release -p nextgap-sigma --test oracle -- --ignored --nocapture`: the cost of
/// matching every rule against an event, next to the cost of parsing it.
#[test]
#[ignore]
fn bench_matching() {
    let Some(shared) = shared() else { return };
    let rules = load_dirs(&[shared.join("rules/sigma-aws/rules")]).rules;
    let mut files = Vec::new();
    json_files(&shared.join("corpora/cloudtrail"), &mut files);
    let records: Vec<String> = files.iter().flat_map(|f| records(&std::fs::read_to_string(f).unwrap())).collect();
    let events: Vec<Event<'_>> = records.iter().filter_map(|r| Event::parse(r).ok()).collect();
    let rounds = 200;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for r in &records {
            std::hint::black_box(Event::parse(r).ok());
        }
    }
    let parse = start.elapsed().as_nanos() as f64 / (rounds * records.len()) as f64;
    let (mut out, mut hits) = (Vec::new(), 0);
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for ev in &events {
            out.clear();
            rules.matches(ev, &mut out);
            hits += out.len();
        }
    }
    let matching = start.elapsed().as_nanos() as f64 / (rounds * events.len()) as f64;
    let bytes: usize = records.iter().map(String::len).sum();
    println!(
        "{} events ({} bytes avg): parse {parse:.0} ns/event, match {} rules {matching:.0} ns/event ({hits} hits); index {:?}",
        events.len(),
        bytes / records.len(),
        rules.len(),
        rules.index_shape()
    );
}
