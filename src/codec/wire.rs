//! The byte-level pieces of a link: LEB128 varints (zigzag for signed numbers),
//! length-prefixed UTF-8 strings and one-byte tags in the payload, the CRC-32 that guards
//! it, and its raw DEFLATE compression (miniz_oxide), inflated with a size limit.
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

    /// Whether every byte has been read (an optional section may follow).
    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
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

/// CRC-32 (IEEE 802.3, as in zlib and PNG) of a payload, by the `crc` crate with a single
/// lookup table: plenty fast for a link, and a small table for the web app to carry.
pub fn crc32(data: &[u8]) -> u32 {
    const CRC_32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    CRC_32.checksum(data)
}

/// The payload compressed as raw DEFLATE (no zlib or gzip header) by miniz_oxide at its best
/// level, twice: with the blocks it picks (dynamic Huffman, which keeps a custom scenario's
/// JSON short, or stored when that is shorter) and with fixed-Huffman blocks only, which suit
/// a payload of a few dozen bytes better. The shorter stream is the link.
pub fn deflate(payload: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        compress_to_output, create_comp_flags_from_zip_params, CompressionStrategy,
        CompressorOxide, TDEFLFlush, TDEFLStatus,
    };
    use miniz_oxide::deflate::CompressionLevel;
    let with = |strategy: CompressionStrategy| {
        // Window bits 0: raw DEFLATE.
        let level = CompressionLevel::BestCompression as i32;
        let flags = create_comp_flags_from_zip_params(level, 0, strategy as i32);
        let mut out = Vec::new();
        let (status, _) = compress_to_output(
            &mut CompressorOxide::new(flags),
            payload,
            TDEFLFlush::Finish,
            |chunk| {
                out.extend_from_slice(chunk);
                true
            },
        );
        assert_eq!(
            status,
            TDEFLStatus::Done,
            "miniz_oxide compresses in one call"
        );
        out
    };
    let chosen = with(CompressionStrategy::Default);
    let fixed = with(CompressionStrategy::Fixed);
    if fixed.len() < chosen.len() {
        fixed
    } else {
        chosen
    }
}

/// Inflates a raw DEFLATE stream into at most `limit` bytes, or says why not. The stream
/// must end exactly where `data` ends, so that damage after it is not silently ignored.
///
/// miniz_oxide's `decompress_to_vec_with_limit` does not say where the stream ended, so this
/// is its loop over the core decompressor, with that check added: the output grows by
/// doubling up to one byte past the limit, which is how a stream that expands too far is
/// caught without inflating it further.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, LinkError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let damaged = |why: &str| Err(LinkError::Damaged(why.into()));
    let too_large = || {
        Err(LinkError::TooLarge {
            what: "bytes of decompressed payload".into(),
            limit,
            found: None,
        })
    };
    let cap = limit.saturating_add(1);
    let mut out = vec![0; data.len().saturating_mul(4).clamp(1, cap)];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut read, mut written) = (0, 0);
    loop {
        let (status, used, made) = decompress(
            &mut state,
            data.get(read..).unwrap_or_default(),
            &mut out,
            written,
            inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        read += used;
        written += made;
        match status {
            TINFLStatus::Done if written > limit => return too_large(),
            TINFLStatus::Done if read < data.len() => {
                return damaged("bytes follow the end of the compressed data")
            }
            TINFLStatus::Done => {
                out.truncate(written);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput if out.len() < cap => {
                out.resize(out.len().saturating_mul(2).min(cap), 0)
            }
            TINFLStatus::HasMoreOutput => return too_large(),
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return damaged("the compressed data is cut short")
            }
            _ => return damaged("the compressed data is invalid"),
        }
    }
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

    #[test]
    fn inflate_stops_at_the_limit_and_at_the_end_of_the_stream() {
        let text = b"the same words again and again and again and again".repeat(500);
        let z = deflate(&text);
        assert!(z.len() < text.len() / 20, "{} bytes", z.len());
        assert_eq!(inflate(&z, text.len()).unwrap(), text);
        assert_eq!(
            inflate(&z, text.len() - 1),
            Err(LinkError::TooLarge {
                what: "bytes of decompressed payload".into(),
                limit: text.len() - 1,
                found: None,
            })
        );
        assert_eq!(inflate(&deflate(b""), 0).unwrap(), b"");
        let damaged = |data: &[u8]| match inflate(data, 1 << 20) {
            Err(LinkError::Damaged(why)) => why,
            other => panic!("{other:?}"),
        };
        let mut longer = z.clone();
        longer.push(0);
        assert_eq!(
            damaged(&longer),
            "bytes follow the end of the compressed data"
        );
        assert_eq!(
            damaged(&z[..z.len() - 1]),
            "the compressed data is cut short"
        );
        assert_eq!(damaged(&[]), "the compressed data is cut short");
        // Block type 3 is reserved.
        assert_eq!(damaged(&[0b111]), "the compressed data is invalid");
    }
}
