//! [`NoRandomness`]: the generator of the training steps that draw nothing (no dropout).

/// A generator for steps without dropout, which draw nothing: it is never called, and would
/// give zeros if it were.
pub(crate) struct NoRandomness;

impl rand::TryRng for NoRandomness {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        dst.fill(0);
        Ok(())
    }
}
