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

//!
//! # What is covered
//!
//! Found with `strace` and the bus log while cd-info, cd-paranoia, cdparanoia, icedax,
//! cdrdao (read-cd, read-toc, write), wodim and cdrskin ran (an ioctl the shim does not
//! answer shows in `strace` as ENOTTY on the device's descriptor; none is left for them):
//!
//! - libc entry points: `open`, `open64`, `__open_2`, `openat`, `openat64`, `__openat_2`,
//!   `close`, `ioctl`, the `stat` family (`stat`, `lstat`, `fstat`, their 64-bit and glibc
//!   `__xstat` forms), `access`, `realpath`/`__realpath_chk` (cdparanoia resolves the node),
//!   `readlink` (EINVAL: the node is no symlink), `dup`, `dup2`, `dup3` and
//!   `fcntl(F_DUPFD…)` (cdparanoia keeps a second descriptor).
//! - sg: SG_IO (v3 headers), SG_GET_VERSION_NUM, SG_GET/SET_RESERVED_SIZE,
//!   SG_GET_SG_TABLESIZE, SG_GET/SET_TIMEOUT, SG_EMULATED_HOST, SG_GET_SCSI_ID,
//!   SG_SCSI_RESET, SCSI_IOCTL_GET_IDLUN, SCSI_IOCTL_GET_BUS_NUMBER; block: BLKSECTGET,
//!   BLKGETSIZE, BLKFLSBUF.
//! - cdrom ([`cdrom`]): CDROM_SEND_PACKET, CDROMREADTOCHDR, CDROMREADTOCENTRY, CDROMSUBCHNL,
//!   CDROM_GET_MCN, CDROMMULTISESSION, CDROM_DISC_STATUS, CDROM_DRIVE_STATUS,
//!   CDROM_GET_CAPABILITY, CDROM_MEDIA_CHANGED, CDROMREADAUDIO, CDROMREADRAW, CDROMEJECT,
//!   CDROMCLOSETRAY, CDROMSTART, CDROMSTOP, CDROM_LOCKDOOR, CDROM_SELECT_SPEED, CDROMVOLREAD
//!   and CDROMVOLCTRL (the levels kept by the shim: the emulator has no audio output).
//!
//! Not covered (no reader here needs them; each fails with ENOTTY as on a device without
//! them): the old sg `read`/`write` interface, CDROMREADMODE1/2, CDROMREADCOOKED,
//! CDROMPLAYMSF/PLAYTRKIND/PAUSE/RESUME (players can send PLAY AUDIO through
//! CDROM_SEND_PACKET), changers, DVD_* and CDROM_NEXT_WRITABLE. The node
//! has no `sg` twin: readers that
//! look for one (cdparanoia) take SG_IO on the `sr` node itself, as on current kernels.
//! `redburn emu exec` puts the node at the lowest `/dev/srN` (N ≤ 27) the machine does not
//! have, where libcdio's drive scan (`/dev/sr0`–`/dev/sr27`: `cd-info` without `-C`) finds it.
//! `/proc/sys/dev/cdrom/info` and `/sys/block` do not list it, so a reader that scans those
//! (`cdparanoia` without `-d`) does not: give it the path.

//!
//! # What a program cannot do to it
//!
//! - The emulator's own files (the drive's lock, data and state, which it opens inside the
//!   program) sit at descriptors from 1000 up, close-on-exec, out of the way of the numbers a
//!   program picks itself (`exec 3<>file`); `close` of one by the program is ignored, and
//!   `dup2`/`dup3` onto one fails with EBADF, so the drive stays locked and its data is never
//!   written through a descriptor the program reused. (A raw `close_range` system call goes
//!   around libc and is not seen.)
//! - SG_IO checks every pointer as the kernel's copies do: a NULL or unmapped header, command,
//!   data or sense buffer is EFAULT, never a crash or a GOOD status with no data.

pub mod cdrom;
mod hooks;
pub mod sg;

pub use sg::{SgIoHdr, execute, fill};
