//! The JSON sink: the [`Report`] as it is. The field names are the contract, documented in
//! `docs/json-schema.md` and checked against `docs/report.schema.json` by the tests.

use nextgap_findings::Report;
use std::io::{self, Write};

/// Pretty-printed, one report per document, ending with a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
