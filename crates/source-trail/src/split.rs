//! Finds the records in a stream of JSON text without parsing them, so each record can then
//! be parsed on its own, borrowed from the buffer, by serde_json.
//!
//! Why not a streaming JSON parser: CloudTrail's files are one line holding `{"Records":[…]}`
//! of up to hundreds of MB, and serde_json parses borrowed `&str` fastest when it is given one
//! record's bytes. Finding where a record ends needs only string/escape state and nesting depth,
//! which this scans at memory speed (string bodies are skipped with `memchr`). Everything about
//! JSON validity is left to serde_json.
//!
//! Shapes recognised: `{"Records": [ record, … ]}` (also `QueryResultRows` of CloudTrail Lake
//! and `events`), a top-level array of records, and any number of top-level records one after
//! the other (one event, NDJSON).

/// Wrapper keys whose array value holds the records.
const WRAPPERS: &[&[u8]] = &[b"Records", b"QueryResultRows", b"events"];

const BROKEN_LINE: &str = "the line is not complete JSON; skipped";

/// One record found: byte range in the buffer given to `scan`, its index and starting line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub line: u64,
}

/// Something wrong with the structure (not the content) of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub line: u64,
    pub message: String,
    /// It took the place of a record (a broken NDJSON line, a number in `Records`), so the
    /// records after it keep their index.
    pub record: bool,
}

/// What the scanner reports, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Record(Found),
    Broken(Broken),
}

/// Scanner state, kept across buffer refills.
#[derive(Debug)]
pub struct Splitter {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Depth of the array whose elements are records (`Some(1)` for a top-level array).
    records_depth: Option<usize>,
    /// The current top-level value turned out to be a wrapper, not a record.
    top_is_wrapper: bool,
    /// Start of the record being scanned (offset into the current buffer) and its line.
    record: Option<(usize, u64)>,
    /// Start of the last string seen at depth 1 and its (short) text, to spot wrapper keys.
    key_start: usize,
    last_key: Vec<u8>,
    line: u64,
    /// A scalar sits where a record should be; reported once per value.
    stray: bool,
    /// A top-level record began and ended on one line: the input is NDJSON, so a line that
    /// ends inside a top-level record is broken, and the next line starts over.
    ndjson: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            depth: 0,
            in_string: false,
            escaped: false,
            records_depth: None,
            top_is_wrapper: false,
            record: None,
            key_start: 0,
            last_key: Vec::new(),
            line: 1,
            stray: false,
            ndjson: false,
        }
    }
}

impl Splitter {
    /// Scans `buf[from..]`, calling `found` for each complete record. Returns the offset from
    /// which the caller must keep bytes (the start of an unfinished record, else `buf.len()`).
    pub fn scan(&mut self, buf: &[u8], from: usize, out: &mut dyn FnMut(Item)) -> usize {
        let mut i = from;
        while i < buf.len() {
            if self.in_string {
                i = self.scan_string(buf, i, out);
                continue;
            }
            let b = buf[i];
            match b {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 {
                        self.key_start = i + 1;
                    }
                }
                b'{' | b'[' => self.open(b, i),
                b'}' | b']' => self.close(i, out),
                b'\n' => self.newline(out),
                b' ' | b'\t' | b'\r' | b',' | b':' => {}
                _ => self.scalar(out),
            }
            i += 1;
        }
        self.record.map_or(buf.len(), |(start, _)| start)
    }

    /// Inside a string: jumps to the closing quote. A raw newline cannot be inside a JSON
    /// string, so it ends a broken line (NDJSON) and scanning starts over after it.
    fn scan_string(&mut self, buf: &[u8], i: usize, out: &mut dyn FnMut(Item)) -> usize {
        if self.escaped {
            self.escaped = false;
            return i + 1;
        }
        match memchr::memchr3(b'"', b'\\', b'\n', &buf[i..]) {
            None => buf.len(),
            Some(k) => {
                let at = i + k;
                match buf[at] {
                    b'\\' => self.escaped = true,
                    b'"' => {
                        self.in_string = false;
                        if self.depth == 1 && at - self.key_start <= 16 {
                            self.last_key.clear();
                            self.last_key.extend_from_slice(&buf[self.key_start..at]);
                        }
                    }
                    _ => self.restart_after_newline(out),
                }
                at + 1
            }
        }
    }

    fn restart_after_newline(&mut self, out: &mut dyn FnMut(Item)) {
        let line = self.record.map_or(self.line, |(_, l)| l);
        let message = "unterminated string (line ends inside a string); record skipped".into();
        out(Item::Broken(Broken { line, message, record: self.record.is_some() }));
        *self = Splitter { line: self.line + 1, ndjson: self.ndjson, ..Splitter::default() };
    }

    /// A line ends outside a string. In NDJSON, inside a top-level record, it ends a broken
    /// line (`{"eventName": oops`): reported, and the next line is a record of its own —
    /// else the one bad line would swallow every line after it.
    fn newline(&mut self, out: &mut dyn FnMut(Item)) {
        match self.record {
            Some((_, line)) if self.ndjson && self.records_depth.is_none() => {
                out(Item::Broken(Broken { line, message: BROKEN_LINE.into(), record: true }));
                *self = Splitter { line: self.line + 1, ndjson: true, ..Splitter::default() };
            }
            _ => self.line += 1,
        }
    }

    /// Where an unfinished record can no longer end well (end of input, too large): when it
    /// is a top-level record whose first line holds more than its opening bracket, it is taken
    /// for a broken NDJSON line that swallowed the lines after it. That line is reported, and
    /// the offset to scan `buf` again from, line by line, is returned.
    pub fn resync(&mut self, buf: &[u8]) -> Option<(Broken, usize)> {
        let (start, line) = self.record?;
        if self.records_depth.is_some() {
            return None;
        }
        let end = start + memchr::memchr(b'\n', buf.get(start..)?)?;
        if buf[start + 1..end].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        *self = Splitter { line: line + 1, ndjson: true, ..Splitter::default() };
        Some((Broken { line, message: BROKEN_LINE.into(), record: true }, end + 1))
    }

    fn open(&mut self, b: u8, i: usize) {
        let record_here = match self.records_depth {
            Some(d) => self.depth == d,
            None => self.depth == 0 && b == b'{',
        };
        if self.depth == 0 && b == b'[' {
            self.records_depth = Some(1);
        } else if self.depth == 1
            && b == b'['
            && self.records_depth.is_none()
            && !self.top_is_wrapper
            && WRAPPERS.contains(&self.last_key.as_slice())
        {
            self.records_depth = Some(2);
            self.top_is_wrapper = true;
            self.record = None;
        }
        if record_here {
            self.record = Some((i, self.line));
        }
        self.depth += 1;
        self.stray = false;
    }

    fn close(&mut self, i: usize, out: &mut dyn FnMut(Item)) {
        if self.depth == 0 {
            out(Item::Broken(Broken { line: self.line, message: "unbalanced closing bracket".into(), record: false }));
            return;
        }
        self.depth -= 1;
        let at_record_level = match self.records_depth {
            Some(d) => self.depth == d,
            None => self.depth == 0,
        };
        if at_record_level {
            if let Some((start, line)) = self.record.take() {
                if self.records_depth.is_none() && line == self.line {
                    self.ndjson = true;
                }
                out(Item::Record(Found { start, end: i + 1, line }));
            }
        }
        if self.depth == 0 {
            self.records_depth = None;
            self.top_is_wrapper = false;
        }
    }

    /// Numbers, `true`, `null`, or garbage: fine inside a record, reported where a record
    /// should start (a top-level `42`, a number in `Records`).
    fn scalar(&mut self, out: &mut dyn FnMut(Item)) {
        let at_record_level = match self.records_depth {
            Some(d) => self.depth == d,
            None => self.depth == 0,
        };
        if at_record_level && !self.stray {
            self.stray = true;
            let message = "a value that is not an object where a record should be; skipped".into();
            out(Item::Broken(Broken { line: self.line, message, record: true }));
        }
    }

    /// Called at the end of the stream: an unfinished record or container is reported.
    pub fn finish(&self) -> Option<Broken> {
        if let Some((_, line)) = self.record {
            return Some(Broken { line, message: "input ends inside a record (truncated?)".into(), record: true });
        }
        (self.depth > 0 || self.in_string).then(|| Broken {
            line: self.line,
            message: "input ends inside a JSON value (truncated?)".into(),
            record: false,
        })
    }

    /// Moves offsets after the caller dropped `n` bytes from the front of its buffer.
    pub fn shift(&mut self, n: usize) {
        if let Some((start, _)) = &mut self.record {
            *start -= n;
        }
        self.key_start = self.key_start.saturating_sub(n);
    }

    /// Line the scanner is on.
    pub fn line(&self) -> u64 {
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (Vec<String>, Vec<String>) {
        let mut s = Splitter::default();
        let mut records = Vec::new();
        let mut errors = Vec::new();
        let bytes = text.as_bytes();
        s.scan(bytes, 0, &mut |item| match item {
            Item::Record(f) => records.push(text[f.start..f.end].to_string()),
            Item::Broken(b) => errors.push(format!("{}: {}", b.line, b.message)),
        });
        if let Some(b) = s.finish() {
            errors.push(format!("{}: {}", b.line, b.message));
        }
        (records, errors)
    }

    #[test]
    fn records_wrapper() {
        let (r, e) = split(r#"{"Records":[{"a":"}"},{"b":[1,{"c":2}]}]}"#);
        assert_eq!(r, vec![r#"{"a":"}"}"#, r#"{"b":[1,{"c":2}]}"#]);
        assert!(e.is_empty());
    }

    #[test]
    fn other_keys_before_records_are_skipped() {
        let (r, _) = split(r#"{"x":[{"no":1}],"Records":[{"a":1}]}"#);
        assert_eq!(r, vec![r#"{"a":1}"#]);
    }

    #[test]
    fn arrays_single_events_and_ndjson() {
        assert_eq!(split(r#"[{"a":1}, {"b":"\"]"}]"#).0, vec![r#"{"a":1}"#, r#"{"b":"\"]"}"#]);
        assert_eq!(split("{\"a\":1}\n{\"b\":2}\n").0, vec![r#"{"a":1}"#, r#"{"b":2}"#]);
        assert_eq!(split(r#"{"eventName":"X","requestParameters":{"Records":[1]}}"#).0.len(), 1);
    }

    #[test]
    fn broken_ndjson_lines_are_reported_and_skipped() {
        let (r, e) = split("{\"a\":\"x\n{\"b\":2}\n");
        assert_eq!(r, vec![r#"{"b":2}"#]);
        assert_eq!(e, vec!["1: unterminated string (line ends inside a string); record skipped"]);
    }

    #[test]
    fn truncation_is_reported() {
        let (r, e) = split(r#"{"Records":[{"a":1},{"b":"#);
        assert_eq!(r, vec![r#"{"a":1}"#]);
        assert_eq!(e, vec!["1: input ends inside a record (truncated?)"]);
        assert_eq!(split("{}").0, vec!["{}"]);
        assert!(split("").0.is_empty());
    }

    #[test]
    fn lines_are_counted() {
        let text = "{\n \"Records\": [\n  {\"a\": 1},\n  {\"b\": 2}\n ]\n}\n";
        let mut s = Splitter::default();
        let mut lines = Vec::new();
        s.scan(text.as_bytes(), 0, &mut |item| {
            if let Item::Record(f) = item {
                lines.push(f.line)
            }
        });
        assert_eq!(lines, vec![3, 4]);
    }
}
