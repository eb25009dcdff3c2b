//! Raw DEFLATE (RFC 1951), both ways, with no dependencies.
//!
//! [`inflate`] reads every valid stream (stored, fixed-Huffman and dynamic-Huffman blocks),
//! stops at an output cap, and answers any other input with an [`InflateError`], never a
//! panic. It follows zlib's `puff`: Huffman codes are decoded bit by bit from canonical
//! counts, small and plenty fast for share links. [`deflate`] is a compact compressor:
//! greedy LZ77 over a 32 KiB window with a hash chain, written as one fixed-Huffman block.

/// Base lengths of length symbols 257..=285, and their extra bits.
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distances of distance symbols 0..=29, and their extra bits.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which code-length code lengths are stored in a dynamic block header.
const CLEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Why a byte string is not a DEFLATE stream we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// The stream ends before its final block does.
    Truncated,
    /// Block type 3 (reserved).
    BadBlockType,
    /// A stored block whose length and its complement disagree.
    BadStoredLength,
    /// A Huffman code table that is over-subscribed or incomplete, or too many codes.
    BadCodeTable,
    /// A code with no symbol, or a symbol that is not allowed here.
    BadSymbol,
    /// A back-reference before the start of the output.
    DistanceTooFar,
    /// The output would pass the cap given to [`inflate`].
    TooLarge,
    /// Bytes follow the final block.
    TrailingBytes,
}

impl InflateError {
    /// A few words for users ("the compressed data is cut short").
    pub fn message(self) -> &'static str {
        match self {
            Self::Truncated => "the compressed data is cut short",
            Self::BadBlockType => "the compressed data has a reserved block type",
            Self::BadStoredLength => {
                "the compressed data has a stored block of inconsistent length"
            }
            Self::BadCodeTable => "the compressed data has an invalid Huffman table",
            Self::BadSymbol => "the compressed data has an invalid code",
            Self::DistanceTooFar => "the compressed data refers back before its start",
            Self::TooLarge => "the data expands past the size limit",
            Self::TrailingBytes => "bytes follow the end of the compressed data",
        }
    }
}

type Result<T> = std::result::Result<T, InflateError>;

/// Reads bits least significant first, as DEFLATE packs them.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    /// `need` (at most 16) bits as a number.
    fn take(&mut self, need: u32) -> Result<u32> {
        while self.count < need {
            let byte = *self.data.get(self.pos).ok_or(InflateError::Truncated)?;
            self.pos += 1;
            self.buf |= (byte as u32) << self.count;
            self.count += 8;
        }
        let v = self.buf & ((1u32 << need) - 1);
        self.buf >>= need;
        self.count -= need;
        Ok(v)
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    count: [u16; 16],
    symbol: Vec<u16>,
}

impl Huffman {
    /// Builds the code for `lengths` (0 = unused symbol). Also returns how many codes are
    /// left unused: negative for an over-subscribed table, positive for an incomplete one.
    fn new(lengths: &[u8]) -> (Huffman, i32) {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[l as usize] += 1;
        }
        let mut left = 1i32;
        for &c in &count[1..] {
            left = left * 2 - c as i32;
            if left < 0 {
                break;
            }
        }
        let mut offs = [0u16; 16];
        for len in 1..15 {
            offs[len + 1] = offs[len] + count[len];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[offs[l as usize] as usize] = s as u16;
                offs[l as usize] += 1;
            }
        }
        (Huffman { count, symbol }, left)
    }

    /// Like [`Self::new`], refusing over-subscribed tables and incomplete ones other than a
    /// single code of length 1 (which RFC 1951 allows for a distance code).
    fn checked(lengths: &[u8]) -> Result<Huffman> {
        let (h, left) = Huffman::new(lengths);
        let used = lengths.iter().filter(|&&l| l != 0).count();
        if left < 0 || (left > 0 && used != h.count[1] as usize) {
            return Err(InflateError::BadCodeTable);
        }
        Ok(h)
    }

    fn decode(&self, bits: &mut Bits) -> Result<u16> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = self.count[len] as i32;
            if code - first < count {
                return Ok(self.symbol[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::BadSymbol)
    }
}

/// Decompresses the raw DEFLATE stream `data`, which must end with its final block, into at
/// most `max_out` bytes.
pub fn inflate(data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => stored(&mut bits, &mut out, max_out)?,
            1 => {
                let (lit, dist) = fixed_tables();
                codes(&mut bits, &mut out, max_out, &lit, &dist)?
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut bits)?;
                codes(&mut bits, &mut out, max_out, &lit, &dist)?
            }
            _ => return Err(InflateError::BadBlockType),
        }
        if last {
            break;
        }
    }
    if bits.pos != data.len() {
        return Err(InflateError::TrailingBytes);
    }
    Ok(out)
}

fn stored(bits: &mut Bits, out: &mut Vec<u8>, max_out: usize) -> Result<()> {
    // Skip to the byte boundary: whole bytes are loaded, so the buffer holds only the rest
    // of the current byte.
    bits.buf = 0;
    bits.count = 0;
    let header = bits
        .data
        .get(bits.pos..bits.pos + 4)
        .ok_or(InflateError::Truncated)?;
    let len = u16::from_le_bytes([header[0], header[1]]);
    let nlen = u16::from_le_bytes([header[2], header[3]]);
    if len != !nlen {
        return Err(InflateError::BadStoredLength);
    }
    bits.pos += 4;
    let body = bits
        .data
        .get(bits.pos..bits.pos + len as usize)
        .ok_or(InflateError::Truncated)?;
    if out.len() + body.len() > max_out {
        return Err(InflateError::TooLarge);
    }
    out.extend_from_slice(body);
    bits.pos += len as usize;
    Ok(())
}

fn fixed_tables() -> (Huffman, Huffman) {
    let mut lengths = [8u8; 288];
    lengths[144..256].fill(9);
    lengths[256..280].fill(7);
    (Huffman::new(&lengths).0, Huffman::new(&[5u8; 30]).0)
}

fn dynamic_tables(bits: &mut Bits) -> Result<(Huffman, Huffman)> {
    let nlen = bits.take(5)? as usize + 257;
    let ndist = bits.take(5)? as usize + 1;
    let ncode = bits.take(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(InflateError::BadCodeTable);
    }
    let mut clens = [0u8; 19];
    for &i in &CLEN_ORDER[..ncode] {
        clens[i] = bits.take(3)? as u8;
    }
    let (lencode, left) = Huffman::new(&clens);
    if left != 0 {
        return Err(InflateError::BadCodeTable);
    }
    let mut lengths = [0u8; 286 + 30];
    let mut i = 0;
    while i < nlen + ndist {
        let sym = lencode.decode(bits)?;
        if sym < 16 {
            lengths[i] = sym as u8;
            i += 1;
            continue;
        }
        let (value, repeat) = match sym {
            16 if i == 0 => return Err(InflateError::BadCodeTable),
            16 => (lengths[i - 1], 3 + bits.take(2)?),
            17 => (0, 3 + bits.take(3)?),
            _ => (0, 11 + bits.take(7)?),
        };
        let end = i + repeat as usize;
        if end > nlen + ndist {
            return Err(InflateError::BadCodeTable);
        }
        lengths[i..end].fill(value);
        i = end;
    }
    if lengths[256] == 0 {
        return Err(InflateError::BadCodeTable);
    }
    let lit = Huffman::checked(&lengths[..nlen])?;
    let dist = Huffman::checked(&lengths[nlen..nlen + ndist])?;
    Ok((lit, dist))
}

fn codes(
    bits: &mut Bits,
    out: &mut Vec<u8>,
    max_out: usize,
    lit: &Huffman,
    dist: &Huffman,
) -> Result<()> {
    loop {
        let sym = lit.decode(bits)? as usize;
        if sym < 256 {
            if out.len() >= max_out {
                return Err(InflateError::TooLarge);
            }
            out.push(sym as u8);
            continue;
        }
        if sym == 256 {
            return Ok(());
        }
        let s = sym - 257;
        if s >= 29 {
            return Err(InflateError::BadSymbol);
        }
        let len = LEN_BASE[s] as usize + bits.take(LEN_EXTRA[s] as u32)? as usize;
        let d = dist.decode(bits)? as usize;
        if d >= 30 {
            return Err(InflateError::BadSymbol);
        }
        let back = DIST_BASE[d] as usize + bits.take(DIST_EXTRA[d] as u32)? as usize;
        if back > out.len() {
            return Err(InflateError::DistanceTooFar);
        }
        if out.len() + len > max_out {
            return Err(InflateError::TooLarge);
        }
        let start = out.len() - back;
        for k in 0..len {
            out.push(out[start + k]);
        }
    }
}

/// Writes bits least significant first.
struct BitWriter {
    out: Vec<u8>,
    buf: u64,
    count: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, n: u32) {
        self.buf |= (value as u64) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code, which DEFLATE stores most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    /// Symbol `sym` (0..=287) of the fixed literal/length code.
    fn fixed_literal(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xc0 + sym - 280, 8),
        }
    }
}

const WINDOW: usize = 32 * 1024;
const HASH_BITS: u32 = 15;
const MAX_CHAIN: usize = 128;
const MAX_MATCH: usize = 258;
const NONE: u32 = u32::MAX;

fn hash3(b: &[u8]) -> usize {
    let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// Compresses `data` as one final fixed-Huffman block (any length; inputs of 4 GiB and more
/// are not supported).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 2 + 16),
        buf: 0,
        count: 0,
    };
    w.put(1, 1); // final block
    w.put(1, 2); // fixed Huffman codes
    let mut head = vec![NONE; 1 << HASH_BITS];
    let mut prev = vec![NONE; WINDOW];
    let insert = |head: &mut [u32], prev: &mut [u32], i: usize| {
        if i + 3 <= data.len() {
            let h = hash3(&data[i..]);
            prev[i % WINDOW] = head[h];
            head[h] = i as u32;
        }
    };
    let mut i = 0;
    while i < data.len() {
        let (mut best_len, mut best_dist) = (0, 0);
        let max_len = MAX_MATCH.min(data.len() - i);
        if max_len >= 3 {
            let mut cand = head[hash3(&data[i..])];
            let mut chain = MAX_CHAIN;
            while cand != NONE && i - cand as usize <= WINDOW && chain > 0 {
                let c = cand as usize;
                if data[c + best_len] == data[i + best_len] {
                    let len = (0..max_len)
                        .find(|&k| data[c + k] != data[i + k])
                        .unwrap_or(max_len);
                    if len > best_len {
                        (best_len, best_dist) = (len, i - c);
                        if len == max_len {
                            break;
                        }
                    }
                }
                cand = prev[c % WINDOW];
                chain -= 1;
            }
        }
        insert(&mut head, &mut prev, i);
        if best_len >= 3 {
            let s = LEN_BASE
                .iter()
                .rposition(|&b| b as usize <= best_len)
                .unwrap_or(0);
            w.fixed_literal(257 + s as u32);
            w.put(
                (best_len - LEN_BASE[s] as usize) as u32,
                LEN_EXTRA[s] as u32,
            );
            let d = DIST_BASE
                .iter()
                .rposition(|&b| b as usize <= best_dist)
                .unwrap_or(0);
            w.code(d as u32, 5);
            w.put(
                (best_dist - DIST_BASE[d] as usize) as u32,
                DIST_EXTRA[d] as u32,
            );
            for j in i + 1..i + best_len {
                insert(&mut head, &mut prev, j);
            }
            i += best_len;
        } else {
            w.fixed_literal(data[i] as u32);
            i += 1;
        }
    }
    w.fixed_literal(256);
    w.put(0, 7); // flush the last partial byte
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_small_inputs() {
        for data in [
            &b""[..],
            b"a",
            b"abcabcabcabcabc",
            &[0u8; 1000],
            b"\xff\xfe\x00",
        ] {
            assert_eq!(inflate(&deflate(data), 1 << 20).unwrap(), data);
        }
    }

    #[test]
    fn stored_block_and_errors() {
        // A final stored block holding "hi".
        let stored = [1, 2, 0, 0xfd, 0xff, b'h', b'i'];
        assert_eq!(inflate(&stored, 10).unwrap(), b"hi");
        assert_eq!(inflate(&stored, 1), Err(InflateError::TooLarge));
        assert_eq!(inflate(&stored[..6], 10), Err(InflateError::Truncated));
        assert_eq!(
            inflate(&[1, 2, 0, 0xfd, 0xfe], 10),
            Err(InflateError::BadStoredLength)
        );
        assert_eq!(inflate(&[7], 10), Err(InflateError::BadBlockType));
        let mut trailing = stored.to_vec();
        trailing.push(0);
        assert_eq!(inflate(&trailing, 10), Err(InflateError::TrailingBytes));
        assert_eq!(inflate(&[], 10), Err(InflateError::Truncated));
    }
}
