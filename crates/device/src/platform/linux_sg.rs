//! Linux SG_IO: the one place in the library that talks to the kernel with `unsafe`.
//!
//! A recorder node (`/dev/sr0`, `/dev/sg3`) is opened read-write and non-blocking with
//! `O_EXCL` (so a mounted disc or another burner makes it busy rather than shared), and each
//! command is one `ioctl(SG_IO)` with a [`SgIoHdr`].
#![allow(unsafe_code)]

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mmc::{Completion, Data, Sense, Transport, TransportError};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::ioctl::{Getter, Updater, ioctl};

/// `struct sg_io_hdr` of `<scsi/sg.h>` (LP64).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SgIoHdr {
    /// 'S'.
    pub interface_id: i32,
    /// `SG_DXFER_NONE` (−1), `TO_DEV` (−2), `FROM_DEV` (−3), `TO_FROM_DEV` (−4).
    pub dxfer_direction: i32,
    /// CDB length.
    pub cmd_len: u8,
    /// Room at `sbp`.
    pub mx_sb_len: u8,
    /// Scatter-gather elements (0: `dxferp` is the buffer).
    pub iovec_count: u16,
    /// Bytes at `dxferp`.
    pub dxfer_len: u32,
    /// The data buffer.
    pub dxferp: *mut std::ffi::c_void,
    /// The CDB.
    pub cmdp: *const u8,
    /// The sense buffer.
    pub sbp: *mut u8,
    /// Milliseconds.
    pub timeout: u32,
    /// `SG_FLAG_*`.
    pub flags: u32,
    /// Caller's id.
    pub pack_id: i32,
    /// Caller's pointer.
    pub usr_ptr: *mut std::ffi::c_void,
    /// SCSI status.
    pub status: u8,
    /// Status shifted right by one.
    pub masked_status: u8,
    /// Messaging status.
    pub msg_status: u8,
    /// Sense bytes written.
    pub sb_len_wr: u8,
    /// Host adapter status (0 = DID_OK).
    pub host_status: u16,
    /// Driver status (8 = DRIVER_SENSE).
    pub driver_status: u16,
    /// Bytes not transferred.
    pub resid: i32,
    /// Milliseconds taken.
    pub duration: u32,
    /// `SG_INFO_*`.
    pub info: u32,
}

const _: () = assert!(std::mem::size_of::<SgIoHdr>() == 88, "sg_io_hdr is 88 bytes on LP64");

impl SgIoHdr {
    /// A header for `cdb` with no data, everything else zero.
    #[must_use]
    pub fn new(cdb: &[u8]) -> SgIoHdr {
        SgIoHdr {
            interface_id: i32::from(b'S'),
            dxfer_direction: -1,
            cmd_len: cdb.len() as u8,
            mx_sb_len: 0,
            iovec_count: 0,
            dxfer_len: 0,
            dxferp: std::ptr::null_mut(),
            cmdp: cdb.as_ptr(),
            sbp: std::ptr::null_mut(),
            timeout: 0,
            flags: 0,
            pack_id: 0,
            usr_ptr: std::ptr::null_mut(),
            status: 0,
            masked_status: 0,
            msg_status: 0,
            sb_len_wr: 0,
            host_status: 0,
            driver_status: 0,
            resid: 0,
            duration: 0,
            info: 0,
        }
    }
}

const SG_IO: rustix::ioctl::Opcode = 0x2285;
const SG_GET_RESERVED_SIZE: rustix::ioctl::Opcode = 0x2272;
const SG_GET_VERSION_NUM: rustix::ioctl::Opcode = 0x2282;

/// An opened SCSI/MMC device node.
#[derive(Debug)]
pub struct SgDevice {
    fd: OwnedFd,
    path: PathBuf,
    max_transfer: usize,
}

/// Explains a failed open in the words a user needs.
fn open_error(path: &Path, e: Errno) -> TransportError {
    let p = path.display();
    match e {
        Errno::ACCESS | Errno::PERM => TransportError::PermissionDenied(format!(
            "{p}: permission denied; add yourself to the group that owns it (usually `cdrom`: \
             sudo usermod -aG cdrom $USER, then log in again) or add a udev rule"
        )),
        Errno::BUSY => TransportError::Busy(format!(
            "{p}: in use — a disc from it is mounted (unmount it) or another burner has it open"
        )),
        Errno::NOENT | Errno::NXIO | Errno::NODEV => TransportError::NoDevice(format!("{p}: no such device")),
        Errno::NOMEDIUM => TransportError::NoDevice(format!("{p}: no medium")),
        e => TransportError::Io(format!("{p}: {e}")),
    }
}

impl SgDevice {
    /// Opens `path` exclusively and checks that it speaks SG_IO.
    ///
    /// # Errors
    /// [`TransportError`] explaining permission, busy, missing device or a node that is not
    /// a SCSI/MMC device.
    pub fn open(path: &Path) -> Result<SgDevice, TransportError> {
        let flags = OFlags::RDWR | OFlags::NONBLOCK | OFlags::EXCL | OFlags::CLOEXEC;
        let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| open_error(path, e))?;
        // SAFETY: SG_GET_VERSION_NUM writes one int.
        let version: i32 = unsafe { ioctl(&fd, Getter::<SG_GET_VERSION_NUM, i32>::new()) }.map_err(|e| match e {
            Errno::NOTTY | Errno::INVAL => TransportError::NoDevice(format!(
                "{}: not a SCSI/MMC device (SG_IO is not supported on it)",
                path.display()
            )),
            e => TransportError::Io(format!("{}: {e}", path.display())),
        })?;
        if version < 30000 {
            return Err(TransportError::NoDevice(format!("{}: the sg driver is too old ({version})", path.display())));
        }
        // SAFETY: SG_GET_RESERVED_SIZE writes one int.
        let reserved: i32 = unsafe { ioctl(&fd, Getter::<SG_GET_RESERVED_SIZE, i32>::new()) }.unwrap_or(65536);
        // Writes are split to what the adapter takes at once (never below one sector).
        let max_transfer = usize::try_from(reserved).unwrap_or(65536).clamp(2352 * 2, 1 << 20);
        Ok(SgDevice { fd, path: path.to_owned(), max_transfer })
    }

    /// The node.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Transport for SgDevice {
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        let mut sense = [0u8; 64];
        let mut h = SgIoHdr::new(cdb);
        h.mx_sb_len = sense.len() as u8;
        h.sbp = sense.as_mut_ptr();
        h.timeout = timeout.as_millis().min(u128::from(u32::MAX)) as u32;
        let len = match data {
            Data::None => 0,
            Data::In(buf) => {
                h.dxfer_direction = -3;
                h.dxferp = buf.as_mut_ptr().cast();
                buf.len()
            }
            Data::Out(buf) => {
                h.dxfer_direction = -2;
                // The kernel only reads a TO_DEV buffer.
                h.dxferp = buf.as_ptr().cast_mut().cast();
                buf.len()
            }
        };
        if len > self.max_transfer {
            return Err(TransportError::TooLarge { len, max: self.max_transfer });
        }
        h.dxfer_len = len as u32;
        // SAFETY: `h` is a valid sg_io_hdr; cmdp, dxferp and sbp point to buffers that live
        // until the ioctl returns, with the lengths the header states.
        unsafe { ioctl(&self.fd, Updater::<SG_IO, SgIoHdr>::new(&mut h)) }
            .map_err(|e| TransportError::Io(format!("{}: SG_IO failed: {e}", self.path.display())))?;
        if h.host_status != 0 || (h.driver_status & 0x07) != 0 {
            return Err(match h.host_status {
                0x03 => TransportError::Timeout(timeout),
                0x01 | 0x04 => TransportError::NoDevice(format!("{}: the drive is gone", self.path.display())),
                s => TransportError::Io(format!(
                    "{}: host status {s:#x}, driver status {:#x}",
                    self.path.display(),
                    h.driver_status
                )),
            });
        }
        let sense = (h.sb_len_wr > 0).then(|| Sense::parse(&sense[..usize::from(h.sb_len_wr)]).ok()).flatten();
        Ok(Completion { status: h.status, sense, residual: usize::try_from(h.resid).unwrap_or(0) })
    }

    fn max_transfer(&self) -> usize {
        self.max_transfer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_layout_matches_the_kernel() {
        let cdb = [0u8; 6];
        let h = SgIoHdr::new(&cdb);
        let base = std::ptr::addr_of!(h) as usize;
        let off = |p: usize| p - base;
        assert_eq!(off(std::ptr::addr_of!(h.dxfer_len) as usize), 12);
        assert_eq!(off(std::ptr::addr_of!(h.dxferp) as usize), 16);
        assert_eq!(off(std::ptr::addr_of!(h.cmdp) as usize), 24);
        assert_eq!(off(std::ptr::addr_of!(h.sbp) as usize), 32);
        assert_eq!(off(std::ptr::addr_of!(h.timeout) as usize), 40);
        assert_eq!(off(std::ptr::addr_of!(h.status) as usize), 64);
        assert_eq!(off(std::ptr::addr_of!(h.sb_len_wr) as usize), 67);
        assert_eq!(off(std::ptr::addr_of!(h.resid) as usize), 72);
        assert_eq!(off(std::ptr::addr_of!(h.info) as usize), 80);
        assert_eq!((h.interface_id, h.dxfer_direction, h.cmd_len), (0x53, -1, 6));
    }

    #[test]
    fn nodes_that_are_not_recorders_are_refused_clearly() {
        let e = SgDevice::open(Path::new("/dev/null")).unwrap_err();
        assert!(e.to_string().contains("not a SCSI/MMC device"), "{e}");
        let e = SgDevice::open(Path::new("/dev/sr-does-not-exist")).unwrap_err();
        assert!(matches!(e, TransportError::NoDevice(_)), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("file");
        std::fs::write(&f, b"x").unwrap();
        assert!(SgDevice::open(&f).is_err());
    }

    /// Permission and busy errors cannot be provoked as root (tests often run as root), so
    /// the words for each errno are checked here.
    #[test]
    fn open_errors_say_what_to_do() {
        let p = Path::new("/dev/sr0");
        let cases = [
            (Errno::ACCESS, "permission denied; add yourself to the group that owns it"),
            (Errno::PERM, "usermod -aG cdrom"),
            (Errno::BUSY, "in use — a disc from it is mounted (unmount it) or another burner has it open"),
            (Errno::NOENT, "/dev/sr0: no such device"),
            (Errno::NOMEDIUM, "/dev/sr0: no medium"),
        ];
        for (errno, words) in cases {
            let e = open_error(p, errno);
            assert!(e.to_string().contains(words), "{errno:?}: {e}");
        }
        assert!(matches!(open_error(p, Errno::ACCESS), TransportError::PermissionDenied(_)));
        assert!(matches!(open_error(p, Errno::BUSY), TransportError::Busy(_)));
    }
}
