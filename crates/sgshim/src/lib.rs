//! An `LD_PRELOAD` library that makes one device path answer from redburn's emulated recorder,
//! so that burners redburn did not write — wodim, cdrskin, cdrdao — can burn onto it.
//!
//! ```sh
//! REDBURN_SHIM_PATH=/dev/sr77 REDBURN_SHIM_DRIVE=~/.local/share/redburn/drives/default \
//!   LD_PRELOAD=target/release/libredburn_sgshim.so wodim dev=/dev/sr77 -tao -audio a.wav
//! ```
//!
//! (`redburn emu exec NAME -- CMD…` sets this up.) Opening `REDBURN_SHIM_PATH` returns a
//! descriptor of a file in the drive's directory (`shim.fd`) that the shim remembers; `ioctl(SG_IO)` on it runs the command on
//! the emulated drive in `REDBURN_SHIM_DRIVE`, and the helper ioctls the tools send first
//! (version, reserved size, SCSI id, bus number, CD-ROM status) get the answers a real `sg`/`sr`
//! device gives. `stat` and friends on the path report a block device of major 11 (`sr`) or,
//! for a path containing `/sg`, a character device of major 21. Every other path and
//! descriptor goes straight to libc; no real device ever answers from the emulator.

pub mod cdrom;
mod hooks;
pub mod sg;

pub use sg::{SgIoHdr, execute, fill};
