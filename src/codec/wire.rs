//! The byte-level pieces of a link payload: LEB128 varints (zigzag for signed numbers),
//! length-prefixed UTF-8 strings, one-byte tags, and the CRC-32 that guards the payload.
//!
//! The [`Reader`] is strict, so that a payload has exactly one reading and a damaged one is
//! refused: a varint must be minimal and fit its type, a string must be valid UTF-8 within
//! its limit, and every error names the field being read.

use super::LinkError;

/// Appends values to a payload.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    /// Unsigned LEB128: seven bits per byte, low bits first, high bit set on all but the last.
    pub fn uvarint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    /// Zigzag then LEB128: 0, -1, 1, -2, … become 0, 1, 2, 3, …
    pub fn ivarint(&mut self, v: i64) {
        self.uvarint(((v << 1) ^ (v >> 63)) as u64);
    }

    /// Byte length as a varint, then the UTF-8 bytes.
    pub fn string(&mut self, s: &str) {
        self.uvarint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads a payload written by [`Writer`].
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn invalid(field: &str, reason: impl Into<String>) -> LinkError {
    LinkError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub fn byte(&mut self, field: &str) -> Result<u8, LinkError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| invalid(field, "the data ends before it"))?;
        self.pos += 1;
        Ok(b)
    }

    /// A tag byte that must be below `count`.
    pub fn tag(&mut self, field: &str, count: u8) -> Result<u8, LinkError> {
        let t = self.byte(field)?;
        if t >= count {
            return Err(invalid(field, format!("unknown kind {t}")));
        }
        Ok(t)
    }

    pub fn uvarint(&mut self, field: &str) -> Result<u64, LinkError> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte(field)?;
            if i == 9 && b > 1 {
                break;
            }
            v |= ((b & 0x7f) as u64) << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(invalid(field, "a number is not minimally encoded"));
                }
                return Ok(v);
            }
        }
        Err(invalid(field, "a number is too large"))
    }

    pub fn ivarint(&mut self, field: &str) -> Result<i64, LinkError> {
        let z = self.uvarint(field)?;
        Ok((z >> 1) as i64 ^ -((z & 1) as i64))
    }

    pub fn u32(&mut self, field: &str) -> Result<u32, LinkError> {
        let v = self.uvarint(field)?;
        u32::try_from(v).map_err(|_| invalid(field, format!("{v} is too large")))
    }

    /// A count of items that follow, at most `max` of them (`what` names them in the error).
    pub fn count(&mut self, field: &str, what: &str, max: usize) -> Result<usize, LinkError> {
        let n = self.uvarint(field)?;
        if n > max as u64 {
            return Err(LinkError::TooLarge {
                what: what.to_string(),
                limit: max,
                found: Some(n),
            });
        }
        Ok(n as usize)
    }

    /// A string of at most `max` bytes.
    pub fn string(&mut self, field: &str, max: usize) -> Result<String, LinkError> {
        let len = self.count(field, &format!("bytes in {field}"), max)?;
        let raw = self
            .bytes
            .get(self.pos..self.pos + len)
            .ok_or_else(|| invalid(field, "the data ends inside it"))?;
        self.pos += len;
        String::from_utf8(raw.to_vec()).map_err(|_| invalid(field, "not valid UTF-8 text"))
    }

    /// Checks that nothing follows the last field.
    pub fn finish(&self) -> Result<(), LinkError> {
        match self.bytes.len() - self.pos {
            0 => Ok(()),
            n => Err(invalid(
                "end",
                format!("{n} unexpected bytes follow the run"),
            )),
        }
    }
}

/// CRC-32 (IEEE 802.3, as in zlib and PNG), with a 16-entry table: small, and fast enough
/// for a megabyte.
pub fn crc32(data: &[u8]) -> u32 {
    const fn table() -> [u32; 16] {
        let mut t = [0u32; 16];
        let mut i = 0;
        while i < 16 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 4 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    const TABLE: [u32; 16] = table();
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ b as u32) & 15) as usize] ^ (crc >> 4);
        crc = TABLE[((crc ^ (b as u32 >> 4)) & 15) as usize] ^ (crc >> 4);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn varints_round_trip_and_are_strict() {
        let values = [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX];
        let mut w = Writer::default();
        for v in values {
            w.uvarint(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            w.ivarint(v);
        }
        let mut r = Reader::new(&w.bytes);
        for v in values {
            assert_eq!(r.uvarint("x").unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.ivarint("x").unwrap(), v);
        }
        r.finish().unwrap();
        assert!(Reader::new(&[0x80, 0x00]).uvarint("x").is_err());
        assert!(Reader::new(&[0xff; 10]).uvarint("x").is_err());
        assert!(Reader::new(&[0x80]).uvarint("x").is_err());
    }
}
