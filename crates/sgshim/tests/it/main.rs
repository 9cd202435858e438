//! The SG_IO shim with burners redburn did not write: wodim, cdrskin and cdrdao burn onto
//! the emulated recorder through it, and their conversations stand beside redburn's.

mod common;
mod conversations;
mod copy;
mod interop;
mod readers;
