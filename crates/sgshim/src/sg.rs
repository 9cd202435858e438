//! The `sg_io_hdr` structure and the safe part of answering SG_IO from a [`Transport`].

use std::time::{Duration, Instant};

use mmc::{Completion, Data, Transport, TransportError};

/// `struct sg_io_hdr` of `<scsi/sg.h>` (x86_64 and other LP64 targets).
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
    pub dxferp: *mut libc::c_void,
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
    pub usr_ptr: *mut libc::c_void,
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
    /// `SG_INFO_*` (bit 0: status, host or driver reported a problem).
    pub info: u32,
}

const _: () = assert!(std::mem::size_of::<SgIoHdr>() == 88, "sg_io_hdr is 88 bytes on LP64");

/// Host status for a device that is gone.
pub const DID_NO_CONNECT: u16 = 0x01;
/// Driver status flag: sense data is valid.
pub const DRIVER_SENSE: u16 = 0x08;

/// What an SG_IO call produced, to be written into the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// SCSI status.
    pub status: u8,
    /// Sense bytes (fixed format) for CHECK CONDITION.
    pub sense: Vec<u8>,
    /// Host status.
    pub host_status: u16,
    /// Residual byte count.
    pub resid: i32,
    /// Milliseconds taken.
    pub duration: u32,
}

/// Runs one command on `t` as SG_IO would: a drive error is CHECK CONDITION with fixed
/// sense, a transport failure a lost connection.
pub fn execute<T: Transport>(t: &mut T, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Reply {
    let start = Instant::now();
    let result = t.execute(cdb, data, timeout);
    let duration = start.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    match result {
        Ok(Completion { status, sense, residual }) => Reply {
            status,
            sense: sense.map(|s| s.to_fixed().to_vec()).unwrap_or_default(),
            host_status: 0,
            resid: i32::try_from(residual).unwrap_or(i32::MAX),
            duration,
        },
        Err(TransportError::Timeout(_)) => {
            Reply { status: 0, sense: Vec::new(), host_status: 0x03, resid: 0, duration }
        }
        Err(_) => Reply { status: 0, sense: Vec::new(), host_status: DID_NO_CONNECT, resid: 0, duration },
    }
}

impl SgIoHdr {
    /// Writes `reply` into the header's result fields; the sense goes to `sense_out`, cut to
    /// `mx_sb_len`.
    pub fn fill(&mut self, reply: &Reply, sense_out: &mut [u8]) {
        let n = reply.sense.len().min(usize::from(self.mx_sb_len)).min(sense_out.len());
        sense_out[..n].copy_from_slice(&reply.sense[..n]);
        self.status = reply.status;
        self.masked_status = reply.status >> 1;
        self.msg_status = 0;
        self.sb_len_wr = n as u8;
        self.host_status = reply.host_status;
        self.driver_status = if n > 0 { DRIVER_SENSE } else { 0 };
        self.resid = reply.resid;
        self.duration = reply.duration;
        self.info = u32::from(reply.status != 0 || reply.host_status != 0 || n > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmc::{Command, Sense};

    struct Fake;
    impl Transport for Fake {
        fn execute(&mut self, cdb: &[u8], data: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            match (cdb[0], data) {
                (0x12, Data::In(b)) => {
                    b[..4].copy_from_slice(&[5, 0x80, 0, 2]);
                    Ok(Completion::good_short(b.len() - 4))
                }
                (0x00, _) => Ok(Completion::check(Sense::new(2, 0x3A, 1))),
                _ => Err(TransportError::NoDevice("gone".into())),
            }
        }
    }

    #[test]
    fn header_fields_as_tools_read_them() {
        let mut buf = [0u8; 36];
        let r = execute(
            &mut Fake,
            &Command::Inquiry { evpd: false, page: 0, alloc: 36 }.to_bytes(),
            Data::In(&mut buf),
            Duration::from_secs(1),
        );
        let mut h: SgIoHdr = unsafe_free_zeroed();
        h.mx_sb_len = 32;
        let mut sense = [0u8; 32];
        h.fill(&r, &mut sense);
        assert_eq!((h.status, h.sb_len_wr, h.host_status, h.driver_status, h.resid, h.info), (0, 0, 0, 0, 32, 0));

        let r = execute(&mut Fake, &[0; 6], Data::None, Duration::from_secs(1));
        h.fill(&r, &mut sense);
        assert_eq!((h.status, h.masked_status, h.sb_len_wr, h.driver_status, h.info), (2, 1, 18, DRIVER_SENSE, 1));
        assert_eq!(&sense[..18], &[0x70, 0, 2, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3A, 1, 0, 0, 0, 0]);
        // libburn allows 32 bytes of sense; wodim asks for fewer: the copy is cut.
        h.mx_sb_len = 14;
        h.fill(&r, &mut sense);
        assert_eq!(h.sb_len_wr, 14);

        let r = execute(&mut Fake, &[0x2A; 10], Data::None, Duration::from_secs(1));
        h.fill(&r, &mut sense);
        assert_eq!((h.host_status, h.info), (DID_NO_CONNECT, 1));
    }

    /// A zeroed header without `unsafe`: every field is an integer or a null pointer.
    fn unsafe_free_zeroed() -> SgIoHdr {
        SgIoHdr {
            interface_id: i32::from(b'S'),
            dxfer_direction: -1,
            cmd_len: 6,
            mx_sb_len: 0,
            iovec_count: 0,
            dxfer_len: 0,
            dxferp: std::ptr::null_mut(),
            cmdp: std::ptr::null(),
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

    #[test]
    fn field_offsets_match_the_kernel() {
        let h = unsafe_free_zeroed();
        let base = std::ptr::addr_of!(h) as usize;
        let off = |p: usize| p - base;
        assert_eq!(off(std::ptr::addr_of!(h.dxfer_len) as usize), 12);
        assert_eq!(off(std::ptr::addr_of!(h.dxferp) as usize), 16);
        assert_eq!(off(std::ptr::addr_of!(h.cmdp) as usize), 24);
        assert_eq!(off(std::ptr::addr_of!(h.sbp) as usize), 32);
        assert_eq!(off(std::ptr::addr_of!(h.timeout) as usize), 40);
        assert_eq!(off(std::ptr::addr_of!(h.usr_ptr) as usize), 56);
        assert_eq!(off(std::ptr::addr_of!(h.status) as usize), 64);
        assert_eq!(off(std::ptr::addr_of!(h.sb_len_wr) as usize), 67);
        assert_eq!(off(std::ptr::addr_of!(h.host_status) as usize), 68);
        assert_eq!(off(std::ptr::addr_of!(h.resid) as usize), 72);
        assert_eq!(off(std::ptr::addr_of!(h.info) as usize), 80);
    }
}
