//! Reads CloudTrail events from files as CloudTrail delivers them to S3 (`{"Records":[…]}`,
//! gzipped or not), NDJSON, JSON arrays, single events, EventBridge envelopes and CloudTrail
//! Lake exports — streamed, so memory stays bounded whatever the size of a file.
//!
//! Bad input never stops a run: each record or file that cannot be read becomes a
//! `RecordError` naming the line, and reading goes on with the next record or file.

mod discover;
mod read;
mod split;

pub use discover::{discover, key_date, DateRange, Discovered};
pub use read::{read_file, read_stream, FileStats, ReadOptions, RecordError};
