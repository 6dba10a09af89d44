//! Where new ids come from. The domain never invents ids itself, so the caller decides their
//! shape (Mattermost-style 26-char ids in production, short counters in tests).

/// A source of fresh, unique ids.
pub trait IdGen {
    fn new_id(&mut self) -> String;
}

/// Any `FnMut() -> String` is an id source, for one-off callers.
impl<F: FnMut() -> String> IdGen for F {
    fn new_id(&mut self) -> String {
        self()
    }
}

/// `prefix1`, `prefix2`, ...: deterministic ids for tests and fixtures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequentialIds {
    prefix: String,
    next: u64,
}

impl SequentialIds {
    pub fn new(prefix: impl Into<String>) -> Self {
        SequentialIds { prefix: prefix.into(), next: 1 }
    }
}

impl IdGen for SequentialIds {
    fn new_id(&mut self) -> String {
        let id = format!("{}{}", self.prefix, self.next);
        self.next += 1;
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_count_up() {
        let mut ids = SequentialIds::new("x");
        assert_eq!(ids.new_id(), "x1");
        assert_eq!(ids.new_id(), "x2");
    }

    #[test]
    fn closures_are_id_sources() {
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("c{n}")
        };
        let ids: &mut dyn IdGen = &mut next;
        assert_eq!(ids.new_id(), "c1");
        assert_eq!(ids.new_id(), "c2");
    }
}
