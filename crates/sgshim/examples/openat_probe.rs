//! Opens a device with `openat` (as programs that walk directories do) and asks it for its SG
//! driver version: the shim's interop tests run it under `LD_PRELOAD` to show that `openat`
//! reaches the emulated drive too. Prints the version, or the errno.
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
    // SAFETY: our own descriptor.
    unsafe { libc::close(fd) };
}
