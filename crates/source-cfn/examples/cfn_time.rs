//! Times parsing alone and the whole load (parse, resolve, model) for each file named.

use nextgap_source_cfn::{load, parse_document, Limits};
use std::time::Instant;

fn main() {
    for file in std::env::args().skip(1) {
        let bytes = std::fs::read(&file).expect("readable file");
        let limits = Limits::default();
        let start = Instant::now();
        let parsed = parse_document(&file, &bytes, &limits).map(|_| ());
        let parse = start.elapsed();
        let start = Instant::now();
        let loaded = load(&file, &bytes, &limits).map(|_| ());
        let total = start.elapsed();
        println!("{file}: parse {parse:?}, load {total:?} ({:?}, {:?})", parsed.is_ok(), loaded.is_ok());
    }
}
