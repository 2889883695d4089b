//! Every rule (enabled or not) runs over every template of the shared corpora without a panic,
//! and the finding counts per family are printed for review.

use nextgap_rules::{check_model, registry, Config};
use nextgap_source_cfn::{load_path, Limits, Loaded};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| ["json", "yaml", "yml", "template"].contains(&e.to_str().unwrap_or("")))
        {
            out.push(path);
        }
    }
}

#[test]
fn all_rules_on_all_corpus_templates() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if !shared.is_dir() {
        eprintln!("notice: {} absent; corpus run skipped", shared.display());
        return;
    }
    let mut paths = Vec::new();
    files(&shared.join("cfn"), &mut paths);
    files(&shared.join("cfn-edge"), &mut paths);
    paths.sort();
    let rules: Vec<_> = registry().to_vec();
    let config = Config::default();
    let (mut templates, mut by_family) = (0, BTreeMap::<String, usize>::new());
    for path in &paths {
        if let Ok(Loaded::Template(model)) = load_path(path, &Limits::default()) {
            templates += 1;
            for f in check_model(&model, &rules, &config).findings {
                assert!(f.location.line > 0, "{}: {} without a line", path.display(), f.rule_id);
                *by_family.entry(f.family).or_default() += 1;
            }
        }
    }
    println!("{templates} templates of {} files; findings per family:", paths.len());
    for (family, n) in &by_family {
        println!("  {family:24} {n}");
    }
    assert!(templates > 700, "expected the whole corpus to load, got {templates}");
}
