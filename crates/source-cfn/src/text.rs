//! Text decoding and byte offset → line/column conversion.

use crate::LoadError;
use nextgap_model::Pos;

/// Checks UTF-8 (reporting where it breaks) and drops a byte order mark.
pub fn decode_utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let bytes = &bytes[bom..];
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        // The prefix before the error is valid, so it can be measured as text.
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        LoadError::new(file, pos_in(valid, offset), format!("invalid UTF-8 at byte {}", offset + bom))
    })
}

/// Text of a file that starts with a UTF-16 byte order mark (as Windows tools write it), or
/// `None` for any other file.
pub fn decode_utf16(file: &str, bytes: &[u8]) -> Option<Result<String, LoadError>> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks(2).map(|pair| match (pair, little_endian) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        _ => 0xD800, // an odd trailing byte: reported like an unpaired surrogate
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                let message = format!("invalid UTF-16 near byte {}", 2 + 2 * i);
                return Some(Err(LoadError::new(file, pos_in(&text, text.len()), message)));
            }
        }
    }
    Some(Ok(text))
}

/// Position of `offset` in `text`, measured from the start (for one-off positions).
fn pos_in(text: &str, offset: usize) -> Pos {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    Pos::new(clamp(line), clamp(before[line_start..].chars().count() + 1))
}

/// Converts byte offsets to 1-based line and character column. Offsets asked for in increasing
/// order (as a parser visits a document) cost only the distance from the previous one, so a
/// minified one-line document is not measured from the line start for every node.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    last_offset: usize,
    last_pos: Pos,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts, last_offset: 0, last_pos: Pos::new(1, 1) }
    }

    pub fn pos(&mut self, offset: usize) -> Pos {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = if line as u32 == self.last_pos.line && offset >= self.last_offset {
            self.last_pos.column as usize + self.text[self.last_offset..offset].chars().count()
        } else {
            self.text[line_start..offset].chars().count() + 1
        };
        self.last_offset = offset;
        self.last_pos = Pos::new(clamp(line), clamp(column));
        self.last_pos
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

pub fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\n\u{e9}\u{e9}x\ny";
        let mut index = LineIndex::new(text);
        assert_eq!(index.pos(0), Pos::new(1, 1));
        assert_eq!(index.pos(3), Pos::new(2, 1));
        assert_eq!(index.pos(7), Pos::new(2, 3)); // 'x' after two 2-byte characters
        assert_eq!(index.pos(9), Pos::new(3, 1));
        assert_eq!(index.pos(1), Pos::new(1, 2)); // going back works too
    }

    #[test]
    fn invalid_utf8_reports_line_and_column() {
        let err = decode_utf8("f.yaml", b"a: 1\nb: \xC3\xA9\xFF").unwrap_err();
        assert_eq!((err.line, err.column), (2, 5));
        assert_eq!(err.message, "invalid UTF-8 at byte 10");
    }
}
