//! Eight bytes at a time: the word tests the reader and the writer use to pass over the runs
//! of a text that hold none of the bytes they look for.

/// `b` in every byte of a word.
pub(crate) const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of `w` that is below `n` (`n <= 0x80`; bits above the lowest such
/// byte may be set too, so only "none" versus "some" is exact).
#[inline]
pub(crate) fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(splat(0x01).wrapping_mul(u64::from(n))) & !w & splat(0x80)
}

/// The word of eight bytes at the start of `chunk` (little-endian: byte 0 lowest).
#[inline]
pub(crate) fn load(chunk: &[u8]) -> u64 {
    u64::from_le_bytes(chunk.try_into().expect("8 bytes"))
}
