//! From bytes (gzipped or not) to events, one record at a time.

use crate::split::{Broken, Item, Splitter};
use nextgap_model::event::{Event, EventError};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// A record larger than this stops the file with an error (a 1 GB "event" is not one).
    pub max_record: usize,
    /// Bytes read from the (decompressed) stream at a time.
    pub chunk: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_record: 64 << 20, chunk: 1 << 20 }
    }
}

/// A record (or the rest of a file) that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// Line in the (decompressed) file, 1-based.
    pub line: u64,
    /// Column on that line when known, else 0.
    pub column: u64,
    pub message: String,
}

/// What reading one file gave.
#[derive(Clone, Debug, Default)]
pub struct FileStats {
    /// Records found, read or not (the next record's index).
    pub records: u64,
    /// Records passed on as events.
    pub events: u64,
    /// Decompressed bytes read.
    pub bytes: u64,
    pub errors: Vec<RecordError>,
}

/// Reads the file at `path` (gzip recognised by its magic bytes, not its name).
pub fn read_file(path: &Path, opts: &ReadOptions, on_event: &mut dyn FnMut(&Event, u64, u64)) -> FileStats {
    match std::fs::File::open(path) {
        Ok(file) => read_stream(file, opts, on_event),
        Err(e) => {
            FileStats { errors: vec![RecordError { line: 0, column: 0, message: e.to_string() }], ..Default::default() }
        }
    }
}

/// Reads events from `input`, calling `on_event(event, index, line)` for each; `index` is the
/// record's position in the file (`Records[]` order, or line order for NDJSON).
pub fn read_stream(input: impl Read, opts: &ReadOptions, on_event: &mut dyn FnMut(&Event, u64, u64)) -> FileStats {
    let mut input = BufReader::with_capacity(64 << 10, input);
    let gzip = match input.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(e) => return FileStats { errors: vec![io_error(0, &e)], ..Default::default() },
    };
    if gzip {
        read_json(flate2::bufread::MultiGzDecoder::new(input), opts, on_event)
    } else {
        read_json(input, opts, on_event)
    }
}

fn io_error(line: u64, e: &std::io::Error) -> RecordError {
    let message = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "gzip stream ends early (truncated file); events before the break were read".to_string()
        }
        _ => format!("read error: {e}; events before it were read"),
    };
    RecordError { line, column: 0, message }
}

fn read_json(mut input: impl Read, opts: &ReadOptions, on_event: &mut dyn FnMut(&Event, u64, u64)) -> FileStats {
    let mut stats = FileStats::default();
    let mut splitter = Splitter::default();
    // `buf[..filled]` holds bytes read and not yet handed out; the rest is room to read into.
    // It is zeroed once, not on every read.
    let mut buf: Vec<u8> = vec![0; opts.chunk * 2];
    let mut filled = 0;
    let mut scanned = 0;
    let mut items: Vec<Item> = Vec::new();
    loop {
        if buf.len() - filled < opts.chunk {
            buf.resize(filled + opts.chunk, 0);
        }
        let n = match input.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                stats.errors.push(io_error(splitter.line(), &e));
                break;
            }
        };
        filled += n;
        stats.bytes += n as u64;
        let mut keep = scan(&mut splitter, &buf[..filled], scanned, &mut items, &mut stats, on_event);
        if n == 0 {
            break;
        }
        while filled - keep > opts.max_record {
            // A broken NDJSON line may have swallowed the lines after it: read on after it.
            let Some((b, from)) = splitter.resync(&buf[..filled]) else {
                let message =
                    format!("a record larger than {} MiB; the rest of the file is skipped", opts.max_record >> 20);
                stats.errors.push(RecordError { line: splitter.line(), column: 0, message });
                return stats;
            };
            broken(b, &mut stats);
            keep = scan(&mut splitter, &buf[..filled], from, &mut items, &mut stats, on_event);
        }
        buf.copy_within(keep..filled, 0);
        filled -= keep;
        splitter.shift(keep);
        scanned = filled;
    }
    // The input ends inside a top-level record that spans lines: a broken NDJSON line that
    // swallowed the lines after it is reported, and those lines are read.
    while let Some((b, from)) = splitter.resync(&buf[..filled]) {
        broken(b, &mut stats);
        scan(&mut splitter, &buf[..filled], from, &mut items, &mut stats, on_event);
    }
    if let Some(b) = splitter.finish() {
        broken(b, &mut stats);
    }
    stats
}

/// Scans `buf[from..]`, handing out the records found; returns the offset to keep bytes from.
fn scan(
    splitter: &mut Splitter,
    buf: &[u8],
    from: usize,
    items: &mut Vec<Item>,
    stats: &mut FileStats,
    on_event: &mut dyn FnMut(&Event, u64, u64),
) -> usize {
    let keep = splitter.scan(buf, from, &mut |item| items.push(item));
    for item in items.drain(..) {
        match item {
            Item::Record(f) => handle_record(&buf[f.start..f.end], f.line, stats, on_event),
            Item::Broken(b) => broken(b, stats),
        }
    }
    keep
}

fn broken(b: Broken, stats: &mut FileStats) {
    let message = if b.record { format!("record {}: {}", stats.records, b.message) } else { b.message };
    stats.records += b.record as u64;
    stats.errors.push(RecordError { line: b.line, column: 0, message });
}

fn handle_record(bytes: &[u8], line: u64, stats: &mut FileStats, on_event: &mut dyn FnMut(&Event, u64, u64)) {
    let index = stats.records;
    stats.records += 1;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let message = format!("record {index}: invalid UTF-8 at byte {} of the record; skipped", e.valid_up_to());
            stats.errors.push(RecordError { line, column: 0, message });
            return;
        }
    };
    let owned;
    let text = if text.starts_with('[') {
        match lake_row(text) {
            Some(json) => {
                owned = json;
                owned.as_str()
            }
            None => return record_error(stats, index, line, "a list that is not a CloudTrail Lake result row"),
        }
    } else {
        text
    };
    match Event::parse(text) {
        Ok(event) => deliver(event, index, line, stats, on_event),
        Err(EventError::Json(e)) => {
            let at = line + e.line().saturating_sub(1) as u64;
            stats.errors.push(RecordError {
                line: at,
                column: e.column() as u64,
                message: format!("record {index}: invalid JSON: {e}"),
            });
        }
        Err(e) => record_error(stats, index, line, &e.to_string()),
    };
}

fn record_error(stats: &mut FileStats, index: u64, line: u64, what: &str) {
    stats.errors.push(RecordError { line, column: 0, message: format!("record {index}: {what}; skipped") });
}

/// Passes a parsed record on, unwrapping `{"eventJson": "…"}` (CloudTrail Lake `SELECT
/// eventJson`) first; records without `eventName` and `eventSource` are not events.
fn deliver(event: Event, index: u64, line: u64, stats: &mut FileStats, on_event: &mut dyn FnMut(&Event, u64, u64)) {
    if event.raw("eventName").is_none() {
        // JSON text as Lake returns it, or an object where a Lake row's cell was parsed.
        let wrapped = event.get("eventJson");
        let inner = wrapped.as_str().map(str::to_string).or_else(|| wrapped.raw().map(|r| r.get().to_string()));
        if let Some(inner) = inner {
            return match Event::parse(&inner) {
                Ok(e) => deliver(e, index, line, stats, on_event),
                Err(e) => record_error(stats, index, line, &format!("eventJson: {e}")),
            };
        }
        if event.raw("eventSource").is_none() {
            return record_error(stats, index, line, "not a CloudTrail event (no eventName or eventSource)");
        }
    }
    stats.events += 1;
    on_event(&event, index, line);
}

/// A CloudTrail Lake result row (`[{"eventName":"X"},{"userIdentity":"{…}"},…]`) as one JSON
/// object; nested fields that Lake returns as JSON text become objects again.
fn lake_row(text: &str) -> Option<String> {
    let cells: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(text).ok()?;
    let mut object = serde_json::Map::new();
    for (key, value) in cells.into_iter().flatten() {
        let value = match value {
            serde_json::Value::String(s) if s.starts_with('{') || s.starts_with('[') => {
                serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s))
            }
            v => v,
        };
        object.insert(key, value);
    }
    Some(serde_json::Value::Object(object).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(input: &[u8], opts: &ReadOptions) -> (Vec<(String, u64, u64)>, Vec<String>) {
        let mut got = Vec::new();
        let stats = read_stream(input, opts, &mut |e, i, l| got.push((e.event_name().to_string(), i, l)));
        (got, stats.errors.iter().map(|e| format!("{}:{}: {}", e.line, e.column, e.message)).collect())
    }

    fn gz(text: &str) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap()
    }

    const TWO: &str = r#"{"Records":[{"eventName":"A","eventSource":"s"},{"eventName":"B","eventSource":"s"}]}"#;

    #[test]
    fn gzip_and_plain_read_alike_across_small_chunks() {
        let opts = ReadOptions { chunk: 7, ..Default::default() };
        let expect = vec![("A".to_string(), 0, 1), ("B".to_string(), 1, 1)];
        assert_eq!(names(TWO.as_bytes(), &opts), (expect.clone(), vec![]));
        assert_eq!(names(&gz(TWO), &opts), (expect, vec![]));
    }

    #[test]
    fn truncated_gzip_keeps_what_came_before() {
        let big: String = format!(
            "{{\"Records\":[{}]}}",
            (0..2000).map(|i| format!(r#"{{"eventName":"E{i}","eventSource":"s"}}"#)).collect::<Vec<_>>().join(",")
        );
        let data = gz(&big);
        let (got, errors) = names(&data[..data.len() / 2], &ReadOptions::default());
        assert!(!got.is_empty() && got.len() < 2000, "{}", got.len());
        assert!(errors.iter().any(|e| e.contains("truncated")), "{errors:?}");
    }

    #[test]
    fn bad_records_are_reported_and_skipped() {
        let text = "{\"eventName\":\"A\",\"eventSource\":\"s\"}\n{\"eventName\":}\n{}\n[1]\n{\"eventName\":\"\\u00e9\",\"eventSource\":\"s\"}\n";
        let (got, errors) = names(text.as_bytes(), &ReadOptions::default());
        assert_eq!(got, vec![("A".into(), 0, 1), ("é".into(), 4, 5)]);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("2:14: record 1: invalid JSON"), "{errors:?}");
        assert!(errors[1].contains("record 2: not a CloudTrail event"), "{errors:?}");
    }

    #[test]
    fn a_broken_ndjson_line_does_not_swallow_the_lines_after_it() {
        let ok = |n: &str| format!("{{\"eventName\":\"{n}\",\"eventSource\":\"s\",\"x\":{{\"y\":[1]}}}}");
        let expect = vec![("B".to_string(), 1, 2), ("C".to_string(), 3, 4)];
        // The bad line first (nothing tells NDJSON yet), in the middle, and in small chunks.
        let first = format!("{{\"eventName\": oops\n{}\n{{\"eventName\":[1,\n{}\n", ok("B"), ok("C"));
        for opts in [ReadOptions::default(), ReadOptions { chunk: 5, ..Default::default() }] {
            let (got, errors) = names(first.as_bytes(), &opts);
            assert_eq!(got, expect);
            assert_eq!(
                errors,
                vec![
                    "1:0: record 0: the line is not complete JSON; skipped",
                    "3:0: record 2: the line is not complete JSON; skipped"
                ]
            );
        }
        let middle = format!("{}\n{{\"eventName\": \"A\", oops\n{}\n", ok("A"), ok("B"));
        let (got, errors) = names(middle.as_bytes(), &ReadOptions::default());
        assert_eq!(got, vec![("A".to_string(), 0, 1), ("B".to_string(), 2, 3)]);
        assert_eq!(errors, vec!["2:0: record 1: the line is not complete JSON; skipped"]);
        // Past the record size limit too, not only at the end of the input.
        let big = format!("{{\"eventName\": oops\n{}\n", (0..200).map(|_| ok("B")).collect::<Vec<_>>().join("\n"));
        let (got, errors) = names(big.as_bytes(), &ReadOptions { max_record: 1000, chunk: 512 });
        assert_eq!((got.len(), errors.len()), (200, 1), "{errors:?}");
    }

    #[test]
    fn pretty_printed_events_are_not_taken_for_ndjson() {
        let text = "{\n  \"eventName\": \"A\",\n  \"eventSource\": \"s\"\n}\n{\n  \"eventName\": \"B\",\n  \"eventSource\": \"s\"\n}\n";
        assert_eq!(
            names(text.as_bytes(), &ReadOptions::default()),
            (vec![("A".into(), 0, 1), ("B".into(), 1, 5)], vec![])
        );
        let truncated = "{\n  \"eventName\": \"A\",\n  \"eventSource\": \"s\"\n";
        let (got, errors) = names(truncated.as_bytes(), &ReadOptions::default());
        assert!(got.is_empty());
        assert_eq!(errors, vec!["1:0: record 0: input ends inside a record (truncated?)"]);
    }

    #[test]
    fn invalid_utf8_is_one_record_error() {
        let mut bytes = b"{\"eventName\":\"A\",\"eventSource\":\"s\"}\n{\"eventName\":\"".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b"\",\"eventSource\":\"s\"}\n");
        let (got, errors) = names(&bytes, &ReadOptions::default());
        assert_eq!(got.len(), 1);
        assert!(errors[0].contains("invalid UTF-8"), "{errors:?}");
    }

    #[test]
    fn oversized_records_stop_the_file() {
        let text = format!("{{\"eventName\":\"{}\"}}", "x".repeat(5000));
        let opts = ReadOptions { max_record: 1000, chunk: 512 };
        let (got, errors) = names(text.as_bytes(), &opts);
        assert!(got.is_empty());
        assert!(errors[0].contains("larger than"), "{errors:?}");
    }

    #[test]
    fn lake_rows_and_event_json_are_unwrapped() {
        let lake =
            r#"{"QueryResultRows":[[{"eventName":"L"},{"eventSource":"s"},{"userIdentity":"{\"type\":\"Root\"}"}]]}"#;
        let mut kinds = Vec::new();
        read_stream(lake.as_bytes(), &ReadOptions::default(), &mut |e, _, _| kinds.push(e.identity().kind.to_string()));
        assert_eq!(kinds, vec!["Root"]);
        let wrapped = r#"{"eventJson":"{\"eventName\":\"W\",\"eventSource\":\"s\"}"}"#;
        assert_eq!(names(wrapped.as_bytes(), &ReadOptions::default()).0, vec![("W".into(), 0, 1)]);
        // `SELECT eventJson FROM …`: Lake rows of one `eventJson` cell.
        let selected = r#"{"QueryResultRows":[[{"eventJson":"{\"eventName\":\"S\",\"eventSource\":\"s\"}"}]]}"#;
        assert_eq!(names(selected.as_bytes(), &ReadOptions::default()), (vec![("S".into(), 0, 1)], vec![]));
    }
}
