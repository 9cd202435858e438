//! Opens a device with `openat` (as programs that walk directories do) and asks it for its SG
//! driver version: the shim's interop tests run it under `LD_PRELOAD` to show that `openat`
//! reaches the emulated drive too. Prints the version, or the errno. With `--bad-pointers`
//! it then sends SG_IO as a careless program might (no header, a NULL or unmapped data
//! buffer, an unmapped command) and prints what each returned.
#![allow(unsafe_code)]

fn main() {
    let path = std::env::args().nth(1).expect("usage: openat_probe DEVICE");
    let c = std::ffi::CString::new(path).expect("a path without NUL");
    // SAFETY: a valid NUL-terminated path; AT_FDCWD needs no descriptor.
    let fd = unsafe { libc::openat(libc::AT_FDCWD, c.as_ptr(), libc::O_RDWR | libc::O_NONBLOCK) };
    if fd < 0 {
        println!("openat failed: {}", std::io::Error::last_os_error());
        std::process::exit(1);
    }
    let mut version: libc::c_int = 0;
    // SAFETY: SG_GET_VERSION_NUM writes one int through the pointer.
    let r = unsafe { libc::ioctl(fd, 0x2282, &mut version) };
    println!("openat fd {fd}: SG_GET_VERSION_NUM {r} version {version}");
    match std::env::args().nth(2).as_deref() {
        Some("--bad-pointers") => bad_pointers(fd),
        Some("--clobber") => clobber(fd),
        _ => {}
    }
    // SAFETY: our own descriptor.
    unsafe { libc::close(fd) };
}

use redburn_sgshim::SgIoHdr;

/// What a careless program does to descriptors it did not open: every low one replaced
/// (`exec 3<>file` in a shell), then every one up to 1100 closed but its own device's. The
/// drive must stay held (its lock) and answer; the probe then holds it for 3 seconds.
fn clobber(fd: libc::c_int) {
    // SAFETY: plain descriptor calls on numbers this program may or may not hold.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        for n in 3..=20 {
            if n != fd && n != null {
                libc::dup2(null, n);
            }
        }
        for n in 3..=1100 {
            if n != fd {
                libc::close(n);
            }
        }
    }
    let mut version: libc::c_int = 0;
    // SAFETY: SG_GET_VERSION_NUM writes one int.
    let r = unsafe { libc::ioctl(fd, 0x2282, &mut version) };
    let mut buf = [0u8; 36];
    let inquiry = [0x12u8, 0, 0, 0, 36, 0];
    let mut sense = [0u8; 32];
    let mut h = header(buf.as_mut_ptr().cast(), inquiry.as_ptr(), sense.as_mut_ptr());
    // SAFETY: a proper INQUIRY.
    let q = unsafe { libc::ioctl(fd, 0x2285, &mut h) };
    println!("after clobbering: version {r} inquiry {q} vendor {:?}", String::from_utf8_lossy(&buf[8..16]));
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::thread::sleep(std::time::Duration::from_secs(3));
}

/// An INQUIRY-sized SG_IO header reading 36 bytes.
fn header(data: *mut libc::c_void, cmd: *const u8, sbp: *mut u8) -> SgIoHdr {
    let mut h = SgIoHdr::new(&[0u8; 6]);
    (h.dxfer_direction, h.mx_sb_len, h.dxfer_len, h.dxferp, h.cmdp, h.sbp, h.timeout) =
        (-3, 32, 36, data, cmd, sbp, 5000);
    h
}

fn bad_pointers(fd: libc::c_int) {
    let show = |what: &str, r: libc::c_int| {
        let e = std::io::Error::last_os_error();
        println!(
            "{what}: {}",
            if r == 0 { "ok".to_owned() } else { format!("errno {}", e.raw_os_error().unwrap_or(0)) }
        );
    };
    // SAFETY: a NULL header, as a careless program sends it.
    show("null header", unsafe { libc::ioctl(fd, 0x2285, std::ptr::null_mut::<libc::c_void>()) });
    let inquiry = [0x12u8, 0, 0, 0, 36, 0];
    let mut sense = [0u8; 32];
    let sbp = sense.as_mut_ptr();
    let header = |data: *mut libc::c_void, cmd: *const u8| header(data, cmd, sbp);
    let mut h = header(std::ptr::null_mut(), inquiry.as_ptr());
    // SAFETY: a header whose data pointer is NULL with a length.
    show("null data", unsafe { libc::ioctl(fd, 0x2285, &mut h) });
    let mut h = header(8 as *mut libc::c_void, inquiry.as_ptr());
    // SAFETY: an unmapped data pointer: the kernel (and the shim) must not touch it.
    show("unmapped data", unsafe { libc::ioctl(fd, 0x2285, &mut h) });
    let mut buf = [0u8; 36];
    let mut h = header(buf.as_mut_ptr().cast(), 16 as *const u8);
    // SAFETY: an unmapped command pointer.
    show("unmapped command", unsafe { libc::ioctl(fd, 0x2285, &mut h) });
    let mut h = header(buf.as_mut_ptr().cast(), inquiry.as_ptr());
    // SAFETY: a proper INQUIRY.
    show("proper", unsafe { libc::ioctl(fd, 0x2285, &mut h) });
    println!("vendor {:?}", String::from_utf8_lossy(&buf[8..16]));
}
