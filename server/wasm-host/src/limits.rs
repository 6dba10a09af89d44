//! The memory cap, remembering whether it was hit so a trap can be named "out of memory".

use wasmtime::ResourceLimiter;

pub struct MemoryCap {
    max_bytes: usize,
    hit: bool,
}

impl MemoryCap {
    pub fn new(max_bytes: usize) -> Self {
        Self { max_bytes, hit: false }
    }

    pub fn hit(&self) -> bool {
        self.hit
    }
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}
