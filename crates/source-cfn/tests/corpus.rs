//! Loads every file of the shared corpora: nothing may panic, and the counts are printed (and
//! checked loosely, so adding files to the corpora does not break the test).

use nextgap_source_cfn::{load_path, Limits, Loaded};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

#[derive(Default, Debug)]
struct Counts {
    templates: usize,
    resources: usize,
    not_templates: BTreeMap<String, usize>,
    errors: Vec<String>,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn load_all(corpus: &str) -> Option<Counts> {
    let dir = Path::new(SHARED).join("corpora").join(corpus);
    if !dir.is_dir() {
        eprintln!("notice: {} is absent, corpus test skipped", dir.display());
        return None;
    }
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let mut counts = Counts::default();
    for path in paths {
        match load_path(&path, &Limits::default()) {
            Ok(Loaded::Template(model)) => {
                counts.templates += 1;
                counts.resources += model.resources.len();
            }
            Ok(Loaded::NotATemplate { reason }) => *counts.not_templates.entry(reason).or_default() += 1,
            Err(e) => counts.errors.push(e.to_string()),
        }
    }
    eprintln!(
        "{corpus}: {} templates ({} resources), not templates: {:?}",
        counts.templates, counts.resources, counts.not_templates
    );
    for e in &counts.errors {
        eprintln!("  error: {e}");
    }
    Some(counts)
}

#[test]
fn cfn_corpus_loads_without_panics() {
    let Some(counts) = load_all("cfn") else { return };
    let total = counts.templates + counts.not_templates.values().sum::<usize>() + counts.errors.len();
    assert!(total >= 700, "corpus shrank: {total} files");
    assert!(counts.templates * 10 >= total * 8, "fewer templates than expected: {counts:?}");
}

#[test]
fn cfn_edge_corpus_loads_without_panics() {
    let Some(counts) = load_all("cfn-edge") else { return };
    assert!(counts.templates >= 14, "{counts:?}");
}
