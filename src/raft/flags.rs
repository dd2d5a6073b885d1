//! A set of on/off choices of one kind, one bit each, all off by default: the
//! break-switches ([`super::BreakSwitches`]) and the protocol options
//! ([`super::ProtocolOptions`]).

use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// One kind of choice: every member in order, and each one's bit (its place in `ALL`; at
/// most [`MAX_FLAGS`] members, checked where [`named_flag!`] implements it).
pub trait Flag: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn bit(self) -> u32;
    /// The stable name scenarios, links and the command line use.
    fn name(self) -> &'static str;
    /// The member called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// How many members a kind of choice can have: the bits of [`Flags`]. Nothing outside
/// the process stores the bits (share links and scenarios write each member's name), so
/// widening them changes no link.
pub const MAX_FLAGS: usize = u32::BITS as usize;

/// The members of `F` that are on. Serialized as `{ "bits": n }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flags<F> {
    bits: u32,
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
    pub fn from_bits(bits: u32) -> Self {
        Flags { bits: bits & ((1u64 << F::ALL.len()) - 1) as u32, kind: PhantomData }
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

        const _: () = assert!($t::ALL.len() <= $crate::raft::flags::MAX_FLAGS, "one bit each in Flags");

        impl $crate::raft::flags::Flag for $t {
            const ALL: &'static [$t] = &$t::ALL;
            fn bit(self) -> u32 {
                self as u32
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

    /// A kind with more members than a byte has bits (the break-switch table filled the
    /// byte at eight): each member is its own bit, up to the last one.
    #[test]
    fn a_kind_past_eight_members_keeps_one_bit_each() {
        use super::Flags;
        #[derive(Clone, Copy, Debug, PartialEq)]
        struct Twelfth(u32);
        const ALL: [Twelfth; 12] = {
            let mut all = [Twelfth(0); 12];
            let mut i = 0;
            while i < 12 {
                all[i] = Twelfth(i as u32);
                i += 1;
            }
            all
        };
        impl Flag for Twelfth {
            const ALL: &'static [Twelfth] = &ALL;
            fn bit(self) -> u32 {
                self.0
            }
            fn name(self) -> &'static str {
                "twelfth"
            }
        }
        for f in ALL {
            let one = Flags::default().with(f);
            assert_eq!(one.active().collect::<Vec<_>>(), vec![f], "{f:?}");
        }
        let all = ALL.iter().fold(Flags::default(), |s, f| s.with(*f));
        assert_eq!(all.active().count(), 12);
        assert_eq!(all, Flags::from_bits(u32::MAX), "from_bits keeps the members' bits only");
    }

    #[test]
    fn names_of_break_switches_and_options_round_trip() {
        names_round_trip::<BreakSwitch>();
        names_round_trip::<ProtocolOption>();
        assert_eq!(ProtocolOption::from_name("pre-vote"), None);
    }
}
