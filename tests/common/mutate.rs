//! Deterministic mutations of a file's bytes, for robustness tests of any command:
//! truncations at many offsets, flipped bytes, deleted and duplicated ranges, and hostile
//! tokens spliced in. No randomness between runs: a failure names the mutation that
//! caused it and reproduces exactly.

/// A small deterministic generator (xorshift64*): enough for picking offsets.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
        }
    }
}

/// Fragments that tend to break parsers in interesting ways.
const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"/>",
    b"</",
    b"&",
    b"&amp",
    b"&#0;",
    b"&#x1F600;",
    b"&lol;",
    b"\"",
    b"'",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    b"<!DOCTYPE d [<!ENTITY lol \"lol\">]>",
    b"xmlns=\"\"",
    b"xmlns:bpmn=\"urn:other\"",
    b" id=\"dup\" ",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xe9",
    b"\xc3",
    b"\x00",
    b"NaN",
    b"-1e999",
    b"<bpmn:task id=\"x\">",
    b"<bpmn:sequenceFlow sourceRef=\"x\" targetRef=\"x\"/>",
];

/// `count` mutations of `bytes`, each with a label saying what was done.
#[must_use]
pub fn mutations(bytes: &[u8], seed: u64, count: usize) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let len = bytes.len();
    let mut out = Vec::with_capacity(count);
    // Truncations at evenly spread offsets (half of the budget), then random edits.
    let truncations = count / 2;
    for i in 1..=truncations {
        let at = len * i / (truncations + 1);
        out.push((format!("truncated at {at}"), bytes[..at].to_vec()));
    }
    while out.len() < count {
        let mut m = bytes.to_vec();
        let label = match rng.below(5) {
            0 => {
                let flips = 1 + rng.below(8);
                let mut at = Vec::new();
                for _ in 0..flips {
                    let i = rng.below(len);
                    if let Some(b) = m.get_mut(i) {
                        *b ^= 1 << rng.below(8);
                        at.push(i);
                    }
                }
                format!("bits flipped at {at:?}")
            }
            1 => {
                let i = rng.below(len);
                let n = rng.below(64).min(len - i.min(len));
                m.drain(i..i + n);
                format!("{n} bytes deleted at {i}")
            }
            2 => {
                let i = rng.below(len);
                let n = rng.below(256).min(len - i.min(len));
                let chunk = m[i..i + n].to_vec();
                let to = rng.below(m.len());
                m.splice(to..to, chunk);
                format!("{n} bytes from {i} copied to {to}")
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len);
                m.splice(at..at, token.iter().copied());
                format!("{:?} inserted at {at}", String::from_utf8_lossy(token))
            }
            _ => {
                let i = rng.below(len);
                if let Some(b) = m.get_mut(i) {
                    *b = [b'<', b'>', b'"', b'&', b'=', b':', 0x80, b'/'][rng.below(8)];
                }
                format!("byte replaced at {i}")
            }
        };
        out.push((label, m));
    }
    out
}
