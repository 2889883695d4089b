//! The CloudTrail reader on arbitrary bytes (plain, and gzip-wrapped when they start with the
//! magic): it must never panic, hang or grow without bound, and every event it passes on must
//! answer the accessors rules use.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nextgap_source_trail::{read_stream, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions { max_record: 1 << 20, chunk: 4096 };
    read_stream(data, &opts, &mut |ev, _, _| {
        let _ = (ev.event_name(), ev.epoch(), ev.identity().principal(), ev.account());
        let _ = ev.get("requestParameters.ipPermissions.items").elements();
        let _ = ev.get("userIdentity.sessionContext.attributes.mfaAuthenticated").as_str();
    });
});
