//! A set of on/off choices of one kind, one bit each, all off by default: the
//! break-switches ([`super::BreakSwitches`]) and the protocol options
//! ([`super::ProtocolOptions`]).

use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// One kind of choice: every member in order, and each one's bit.
pub trait Flag: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn bit(self) -> u8;
    /// The stable name scenarios, links and the command line use.
    fn name(self) -> &'static str;
    /// The member called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// The members of `F` that are on. Serialized as `{ "bits": n }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flags<F> {
    bits: u8,
    #[serde(skip)]
    kind: PhantomData<F>,
}

impl<F> Default for Flags<F> {
    fn default() -> Self {
        Flags { bits: 0, kind: PhantomData }
    }
}

impl<F: Flag> Flags<F> {
    pub fn is_on(self, flag: F) -> bool {
        self.bits & (1 << flag.bit()) != 0
    }
    pub fn set(&mut self, flag: F, on: bool) {
        let bit = 1 << flag.bit();
        self.bits = if on { self.bits | bit } else { self.bits & !bit };
    }
    pub fn with(mut self, flag: F) -> Self {
        self.set(flag, true);
        self
    }
    /// The members that are on, in the order of [`Flag::ALL`].
    pub fn active(self) -> impl Iterator<Item = F> {
        F::ALL.iter().copied().filter(move |f| self.is_on(*f))
    }
    /// The members whose bits are set in `bits` (one bit per [`Flag::ALL`] entry, in
    /// order): how the randomized sweep draws a set of options.
    pub fn from_bits(bits: u8) -> Self {
        Flags { bits: bits & ((1u16 << F::ALL.len()) - 1) as u8, kind: PhantomData }
    }
    /// Nothing is on.
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }
}

/// Implements [`Flag`] for a fieldless enum with `ALL` and `name()`, with `from_name` (the
/// inverse of `name`) and `Display` (the name): the break-switches and the protocol options
/// share them.
macro_rules! named_flag {
    ($t:ident) => {
        impl $t {
            pub fn from_name(name: &str) -> Option<$t> {
                <$t as $crate::raft::flags::Flag>::from_name(name)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl $crate::raft::flags::Flag for $t {
            const ALL: &'static [$t] = &$t::ALL;
            fn bit(self) -> u8 {
                self as u8
            }
            fn name(self) -> &'static str {
                $t::name(self)
            }
        }
    };
}
pub(crate) use named_flag;

#[cfg(test)]
mod tests {
    use super::Flag;
    use crate::raft::{BreakSwitch, ProtocolOption};

    fn names_round_trip<F: Flag + std::fmt::Debug + std::fmt::Display>() {
        for f in F::ALL {
            assert_eq!(F::from_name(f.name()), Some(*f));
            assert_eq!(f.to_string(), f.name(), "Display is the name");
        }
        assert_eq!(F::from_name("no-such-name"), None);
    }

    #[test]
    fn names_of_break_switches_and_options_round_trip() {
        names_round_trip::<BreakSwitch>();
        names_round_trip::<ProtocolOption>();
        assert_eq!(ProtocolOption::from_name("pre-vote"), None);
    }
}
