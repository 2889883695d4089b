//! Any bytes, loaded as YAML and as JSON: must never panic, hang or exhaust memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nextgap_source_cfn::{load, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let _ = load("fuzz.yaml", data, &limits);
    let _ = load("fuzz.json", data, &limits);
});
