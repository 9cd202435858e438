//! The libc entry points the shim defines. Each one checks whether its path or descriptor is
//! the emulated device's; everything else goes to the real function, found with
//! `dlsym(RTLD_NEXT, …)`.

use std::ffi::{CStr, CString, c_char, c_int, c_ulong, c_void};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use emu::Drive;
use mmc::Data;

use crate::cdrom;
use crate::sg::{SgIoHdr, execute, fill};

/// The intercepted path and the drive directory, from the environment.
struct Config {
    path: CString,
    drive: PathBuf,
    block: bool,
}

fn config() -> Option<&'static Config> {
    static CONFIG: OnceLock<Option<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let path = std::env::var("REDBURN_SHIM_PATH").ok()?;
            let drive = std::env::var_os("REDBURN_SHIM_DRIVE")?;
            let block = !path.contains("/sg");
            Some(Config { path: CString::new(path).ok()?, drive: PathBuf::from(drive), block })
        })
        .as_ref()
}

/// The open drive. Held while a command runs; the drive's own file operations come back
/// through these hooks, so nothing here may wait for this lock inside another hook except
/// the ones that act on the device's own descriptors.
static DRIVE: Mutex<Option<Drive>> = Mutex::new(None);

/// The output volume of each of the four channels (CDROMVOLREAD/CDROMVOLCTRL).
static VOLUME: Mutex<[u8; 4]> = Mutex::new([255; 4]);

/// The descriptors that stand for the device (a separate lock: checked by every hook).
static FDS: Mutex<Vec<c_int>> = Mutex::new(Vec::new());

fn lock<T>(m: &'static Mutex<T>) -> std::sync::MutexGuard<'static, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether `path` is the emulated device's.
///
/// # Safety
/// `path` is null or a valid C string.
unsafe fn is_ours(path: *const c_char) -> bool {
    if path.is_null() {
        return false;
    }
    // SAFETY: the caller passes a NUL-terminated string, as every libc path argument is.
    config().is_some_and(|c| unsafe { CStr::from_ptr(path) } == c.path.as_c_str())
}

fn is_our_fd(fd: c_int) -> bool {
    config().is_some() && lock(&FDS).contains(&fd)
}

fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns this thread's errno.
    unsafe { *libc::__errno_location() = e };
}

/// The next definition of `name` after this library.
fn real(name: &CStr) -> *mut c_void {
    // SAFETY: dlsym with RTLD_NEXT and a valid symbol name has no other precondition.
    let p = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) };
    assert!(!p.is_null(), "redburn shim: libc has no {name:?}");
    p
}

macro_rules! real_fn {
    ($name:literal, $ty:ty) => {{
        static F: OnceLock<usize> = OnceLock::new();
        let p = *F.get_or_init(|| real($name) as usize);
        // SAFETY: the symbol is libc's function of this exact signature.
        unsafe { std::mem::transmute::<usize, $ty>(p) }
    }};
}

/// The shim's own descriptors: the emulated drive's files (its lock, its data, its state),
/// opened by the emulator inside the program. They are moved up to [`HIGH`] and closed on
/// exec, out of the way of the descriptors a program numbers itself (`exec 3<>file` in a
/// shell), and a program's `close`, `dup2` or `dup3` cannot touch them: the drive's lock
/// stays held, and its data is never written through a descriptor the program reused.
static OWN: Mutex<Vec<c_int>> = Mutex::new(Vec::new());

/// Where the shim's own descriptors start.
const HIGH: c_int = 1000;

thread_local! {
    /// Set while the shim itself runs (opening the drive, a command, letting it go).
    static INSIDE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Marks the shim's own work on this thread while it lives.
struct Inside;

impl Inside {
    fn enter() -> Inside {
        let _ = INSIDE.try_with(|c| c.set(c.get() + 1));
        Inside
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        let _ = INSIDE.try_with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Whether the shim is what runs on this thread now.
fn inside_here() -> bool {
    INSIDE.try_with(std::cell::Cell::get).is_ok_and(|n| n > 0)
}

/// Whether the shim, or one of the emulator's own threads (named `emu-…`), is what runs now:
/// asked only about the shim's own descriptors.
fn inside() -> bool {
    inside_here() || std::thread::current().name().is_some_and(|n| n.starts_with("emu-"))
}

fn is_own_fd(fd: c_int) -> bool {
    config().is_some() && lock(&OWN).contains(&fd)
}

/// A descriptor just opened: when it is one of the drive's files, it is moved up out of the
/// program's way, made close-on-exec and remembered as the shim's.
///
/// # Safety
/// `path` is null or a valid C string.
unsafe fn out_of_the_way(path: *const c_char, fd: c_int) -> c_int {
    let Some(c) = config() else { return fd };
    if fd < 0 || path.is_null() {
        return fd;
    }
    // SAFETY: the caller's NUL-terminated path.
    let p = unsafe { CStr::from_ptr(path) }.to_bytes();
    let dir = c.drive.as_os_str().as_encoded_bytes();
    if !((p.starts_with(dir) && p.get(dir.len()) == Some(&b'/')) || inside_here()) {
        return fd;
    }
    moved_up(fd)
}

/// `fd` moved to the lowest free descriptor from [`HIGH`] (close-on-exec) and remembered as
/// the shim's; where the limit allows none so high, it stays and is still remembered.
fn moved_up(fd: c_int) -> c_int {
    let fcntl = real_fn!(c"fcntl", unsafe extern "C" fn(c_int, c_int, c_ulong) -> c_int);
    let close = real_fn!(c"close", unsafe extern "C" fn(c_int) -> c_int);
    // SAFETY: duplicating a descriptor this process holds.
    let high = unsafe { fcntl(fd, libc::F_DUPFD_CLOEXEC, HIGH as c_ulong) };
    let kept = if high >= 0 {
        // SAFETY: the low descriptor, now duplicated.
        unsafe { close(fd) };
        high
    } else {
        // SAFETY: setting FD_CLOEXEC on our own descriptor.
        unsafe { fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC as c_ulong) };
        fd
    };
    lock(&OWN).push(kept);
    kept
}

/// Opens the emulated device: a descriptor of a file in the drive's directory that stands
/// for it.
fn open_ours(flags: c_int) -> c_int {
    let Some(c) = config() else { return -1 };
    let _inside = Inside::enter();
    {
        let mut drive = lock(&DRIVE);
        if drive.is_none() {
            match Drive::open(&c.drive) {
                Ok(mut d) => {
                    // Linux's cdrom driver sends TEST UNIT READY when the node is opened
                    // (its media-change check), so the power-on unit attention is consumed
                    // before the program's first command: cdrdao's driver detection fails on
                    // a unit attention to its first MODE SENSE.
                    let tur = mmc::Command::TestUnitReady.to_bytes();
                    let _ = mmc::Transport::execute(&mut d, &tur, Data::None, Duration::from_secs(30));
                    *drive = Some(d);
                }
                Err(emu::EmuError::Busy(_)) => {
                    set_errno(libc::EBUSY);
                    return -1;
                }
                Err(_) => {
                    set_errno(libc::ENXIO);
                    return -1;
                }
            }
        }
    }
    let open64 = real_fn!(c"open64", unsafe extern "C" fn(*const c_char, c_int, libc::mode_t) -> c_int);
    let keep = flags & (libc::O_CLOEXEC | libc::O_NONBLOCK);
    // A file of the drive's own, not a shared one such as /dev/null: burners fcntl-lock the
    // descriptor (libburn does), and locks are per file, so two programs on two emulated
    // drives must not collide while two on the same drive should.
    let Ok(path) = std::ffi::CString::new(c.drive.join("shim.fd").into_os_string().into_encoded_bytes()) else {
        set_errno(libc::ENXIO);
        return -1;
    };
    // SAFETY: a NUL-terminated path and plain flags.
    let fd = unsafe { open64(path.as_ptr(), libc::O_RDWR | libc::O_CREAT | keep, 0o600) };
    if fd >= 0 {
        lock(&FDS).push(fd);
    }
    fd
}

/// Makes a `struct stat` describe the emulated device.
///
/// # Safety
/// `buf` points to a writable `struct stat` (or `stat64`, the same layout on LP64).
unsafe fn describe(buf: *mut libc::stat) {
    let Some(c) = config() else { return };
    // SAFETY: per the function's contract.
    let st = unsafe { &mut *buf };
    if c.block {
        st.st_mode = libc::S_IFBLK | 0o660;
        st.st_rdev = libc::makedev(11, 77);
    } else {
        st.st_mode = libc::S_IFCHR | 0o660;
        st.st_rdev = libc::makedev(21, 77);
    }
}

/// Fills `buf` for the device: /dev/null's stat, then the device's type and number.
///
/// # Safety
/// `buf` points to a writable `struct stat`.
unsafe fn stat_ours(buf: *mut libc::stat) -> c_int {
    let stat: unsafe extern "C" fn(*const c_char, *mut libc::stat) -> c_int =
        real_fn!(c"stat", unsafe extern "C" fn(*const c_char, *mut libc::stat) -> c_int);
    // SAFETY: a literal path and the caller's buffer.
    let r = unsafe { stat(c"/dev/null".as_ptr(), buf) };
    if r == 0 {
        // SAFETY: as above.
        unsafe { describe(buf) };
    }
    r
}

/// `open`, `open64` (same ABI on LP64).
///
/// # Safety
/// As libc's `open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"open", unsafe extern "C" fn(*const c_char, c_int, libc::mode_t) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(path, flags, mode)) }
}

/// `open64`.
///
/// # Safety
/// As libc's `open64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"open64", unsafe extern "C" fn(*const c_char, c_int, libc::mode_t) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(path, flags, mode)) }
}

/// `__open_2` (the fortified `open` without a mode).
///
/// # Safety
/// As glibc's `__open_2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"__open_2", unsafe extern "C" fn(*const c_char, c_int) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(path, flags)) }
}

/// `openat` (an absolute path ignores the directory, as the kernel does).
///
/// # Safety
/// As libc's `openat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"openat", unsafe extern "C" fn(c_int, *const c_char, c_int, libc::mode_t) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(dirfd, path, flags, mode)) }
}

/// `openat64`.
///
/// # Safety
/// As libc's `openat64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"openat64", unsafe extern "C" fn(c_int, *const c_char, c_int, libc::mode_t) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(dirfd, path, flags, mode)) }
}

/// `__openat_2` (the fortified `openat` without a mode).
///
/// # Safety
/// As glibc's `__openat_2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return open_ours(flags);
    }
    let f = real_fn!(c"__openat_2", unsafe extern "C" fn(c_int, *const c_char, c_int) -> c_int);
    // SAFETY: forwarded unchanged; the path as above.
    unsafe { out_of_the_way(path, f(dirfd, path, flags)) }
}

/// `close`.
///
/// # Safety
/// As libc's `close`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    if is_own_fd(fd) {
        if !inside() {
            // The program closing a descriptor it never opened: it stays the drive's.
            return 0;
        }
        lock(&OWN).retain(|&f| f != fd);
    }
    if is_our_fd(fd) {
        let last = {
            let mut fds = lock(&FDS);
            fds.retain(|&f| f != fd);
            fds.is_empty()
        };
        if last {
            // The last descriptor: the drive is released (its state is saved already).
            let _inside = Inside::enter();
            let gone = lock(&DRIVE).take();
            drop(gone);
        }
    }
    let f = real_fn!(c"close", unsafe extern "C" fn(c_int) -> c_int);
    // SAFETY: forwarded unchanged.
    unsafe { f(fd) }
}

const SG_IO: c_ulong = 0x2285;
const SG_GET_VERSION_NUM: c_ulong = 0x2282;
const SG_GET_RESERVED_SIZE: c_ulong = 0x2272;
const SG_SET_RESERVED_SIZE: c_ulong = 0x2275;
const SG_GET_TIMEOUT: c_ulong = 0x2202;
const SG_SET_TIMEOUT: c_ulong = 0x2201;
const SG_EMULATED_HOST: c_ulong = 0x2203;
const SG_GET_SCSI_ID: c_ulong = 0x2276;
const SG_SCSI_RESET: c_ulong = 0x2284;
const SG_GET_SG_TABLESIZE: c_ulong = 0x227F;
const SCSI_IOCTL_GET_IDLUN: c_ulong = 0x5382;
const SCSI_IOCTL_GET_BUS_NUMBER: c_ulong = 0x5386;
const CDROM_DRIVE_STATUS: c_ulong = 0x5326;
const CDROM_MEDIA_CHANGED: c_ulong = 0x5325;
const CDROM_GET_CAPABILITY: c_ulong = 0x5331;
const BLKSECTGET: c_ulong = 0x1267;
const BLKGETSIZE: c_ulong = 0x1260;
const BLKFLSBUF: c_ulong = 0x1261;
/// The host number the emulated adapter reports.
const HOST: c_int = 77;

/// Whether `len` bytes at `ptr` are memory this process may read (and, with `write`, write),
/// as the kernel finds when it copies from or to the caller: asked of the kernel itself
/// (`process_vm_readv`/`process_vm_writev` on this process fail with EFAULT where the copy
/// would), never by touching the memory.
fn mapped(ptr: *const c_void, len: usize, write: bool) -> bool {
    if len == 0 {
        return true;
    }
    if ptr.is_null() {
        return false;
    }
    let mut scratch = vec![0u8; len];
    let local = libc::iovec { iov_base: scratch.as_mut_ptr().cast(), iov_len: len };
    let remote = libc::iovec { iov_base: ptr.cast_mut(), iov_len: len };
    // SAFETY: both iovecs describe `len` bytes; the kernel checks the remote one.
    let pid = unsafe { libc::getpid() };
    // SAFETY: as above: reading our own memory into `scratch`.
    let read = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    if usize::try_from(read).ok() != Some(len) {
        return false;
    }
    if !write {
        return true;
    }
    // Written back unchanged: only whether the kernel may write there is asked.
    // SAFETY: as above.
    let wrote = unsafe { libc::process_vm_writev(pid, &local, 1, &remote, 1, 0) };
    usize::try_from(wrote).ok() == Some(len)
}

/// Answers an ioctl on the emulated device.
///
/// # Safety
/// `arg` is what the ioctl's definition says it is, as the caller promised the kernel.
unsafe fn ioctl_ours(request: c_ulong, arg: *mut c_void) -> c_int {
    match request {
        SG_IO => {
            // Every pointer is checked as the kernel's copies to and from the caller check
            // it: one that does not point at memory the caller may use is EFAULT, not a
            // crash and not a GOOD status with no data.
            if !mapped(arg, std::mem::size_of::<SgIoHdr>(), true) {
                set_errno(libc::EFAULT);
                return -1;
            }
            // SAFETY: SG_IO's argument is a `struct sg_io_hdr`, and it is mapped.
            let h = unsafe { &mut *arg.cast::<SgIoHdr>() };
            if h.interface_id != c_int::from(b'S') || h.iovec_count != 0 || h.cmd_len == 0 {
                set_errno(libc::EINVAL);
                return -1;
            }
            let len = h.dxfer_len as usize;
            let moves = matches!(h.dxfer_direction, -4..=-2) && len > 0;
            let writes_in = matches!(h.dxfer_direction, -3 | -4);
            if !mapped(h.cmdp.cast(), usize::from(h.cmd_len), false)
                || (moves && !mapped(h.dxferp, len, writes_in))
                || (h.mx_sb_len > 0 && !h.sbp.is_null() && !mapped(h.sbp.cast(), usize::from(h.mx_sb_len), true))
            {
                set_errno(libc::EFAULT);
                return -1;
            }
            // SAFETY: the kernel's contract: cmd_len bytes at cmdp, dxfer_len at dxferp.
            let cdb = unsafe { std::slice::from_raw_parts(h.cmdp, usize::from(h.cmd_len)) }.to_vec();
            let data = if !moves {
                Data::None
            } else {
                match h.dxfer_direction {
                    // SAFETY: as above; the buffer is the caller's for the call's duration.
                    -2 => Data::Out(unsafe { std::slice::from_raw_parts(h.dxferp.cast::<u8>(), len) }),
                    // SAFETY: as above.
                    -3 | -4 => Data::In(unsafe { std::slice::from_raw_parts_mut(h.dxferp.cast::<u8>(), len) }),
                    _ => Data::None,
                }
            };
            let timeout = Duration::from_millis(u64::from(h.timeout.max(1000)));
            let reply = {
                let mut drive = lock(&DRIVE);
                match drive.as_mut() {
                    Some(d) => execute(d, &cdb, data, timeout, emu::Drive::sense_bytes),
                    None => {
                        set_errno(libc::ENODEV);
                        return -1;
                    }
                }
            };
            let mut sense = [0u8; 255];
            fill(h, &reply, &mut sense);
            if !h.sbp.is_null() && h.sb_len_wr > 0 {
                // SAFETY: sbp has room for mx_sb_len bytes; sb_len_wr is at most that.
                unsafe { std::ptr::copy_nonoverlapping(sense.as_ptr(), h.sbp, usize::from(h.sb_len_wr)) };
            }
            0
        }
        SG_GET_VERSION_NUM => put_int(arg, 30536),
        SG_GET_RESERVED_SIZE => put_int(arg, 65536),
        // One scatter-gather entry of the reserved size: 64 KiB per command, as burners expect.
        SG_GET_SG_TABLESIZE => put_int(arg, 1),
        SG_EMULATED_HOST => put_int(arg, 0),
        SCSI_IOCTL_GET_BUS_NUMBER => put_int(arg, HOST),
        SG_GET_TIMEOUT => 6000,
        SG_SET_RESERVED_SIZE | SG_SET_TIMEOUT | SG_SCSI_RESET | BLKFLSBUF => 0,
        CDROM_MEDIA_CHANGED => 0,
        SCSI_IOCTL_GET_IDLUN => {
            // struct { int dev_id; int host_unique_id; }: target 0, lun 0, channel 0, host 77.
            if arg.is_null() {
                set_errno(libc::EFAULT);
                return -1;
            }
            // SAFETY: the argument is two ints.
            unsafe {
                *arg.cast::<c_int>() = HOST << 24;
                *arg.cast::<c_int>().add(1) = HOST;
            }
            0
        }
        SG_GET_SCSI_ID => {
            if arg.is_null() {
                set_errno(libc::EFAULT);
                return -1;
            }
            // struct sg_scsi_id: host_no, channel, scsi_id, lun, scsi_type, then two shorts
            // and two ints.
            // SAFETY: the argument is a struct sg_scsi_id (32 bytes).
            unsafe {
                std::ptr::write_bytes(arg.cast::<u8>(), 0, 32);
                *arg.cast::<c_int>() = HOST;
                *arg.cast::<c_int>().add(4) = 5;
            }
            0
        }
        CDROM_DRIVE_STATUS => {
            let drive = lock(&DRIVE);
            match drive.as_ref() {
                Some(d) if d.tray_open() => 2,      // CDS_TRAY_OPEN
                Some(d) if d.disc().is_some() => 4, // CDS_DISC_OK
                Some(_) => 1,                       // CDS_NO_DISC
                None => 0,                          // CDS_NO_INFO
            }
        }
        // CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED | CDC_MULTI_SESSION |
        // CDC_MCN | CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO | CDC_DRIVE_STATUS | CDC_GENERIC_PACKET |
        // CDC_CD_R | CDC_CD_RW
        CDROM_GET_CAPABILITY => 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x40 | 0x80 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000,
        BLKSECTGET => {
            if arg.is_null() {
                set_errno(libc::EFAULT);
                return -1;
            }
            // SAFETY: the argument is an unsigned short: 128 sectors of 512 bytes.
            unsafe { *arg.cast::<u16>() = 128 };
            0
        }
        BLKGETSIZE => {
            if arg.is_null() {
                set_errno(libc::EFAULT);
                return -1;
            }
            // SAFETY: the argument is an unsigned long.
            unsafe { *arg.cast::<c_ulong>() = 0 };
            0
        }
        // SAFETY: the caller's argument for a cdrom ioctl.
        r if (0x5300..0x5400).contains(&r) => unsafe { cdrom_ioctl(r, arg) },
        _ => {
            set_errno(libc::ENOTTY);
            -1
        }
    }
}

/// Runs `f` on the open drive: its result as an ioctl's (-1 with errno on failure).
fn with_drive(f: impl FnOnce(&mut Drive) -> Result<c_int, cdrom::Errno>) -> c_int {
    let mut drive = lock(&DRIVE);
    let Some(d) = drive.as_mut() else {
        set_errno(libc::ENODEV);
        return -1;
    };
    f(d).unwrap_or_else(|e| {
        set_errno(e);
        -1
    })
}

/// Copies `bytes` to the caller's structure at `arg`.
///
/// # Safety
/// `arg` points to at least `bytes.len()` writable bytes (the ioctl's structure).
unsafe fn put(arg: *mut c_void, bytes: &[u8]) -> Result<c_int, cdrom::Errno> {
    if !mapped(arg, bytes.len(), true) {
        return Err(libc::EFAULT);
    }
    // SAFETY: per the function's contract.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), arg.cast::<u8>(), bytes.len()) };
    Ok(0)
}

/// The first `N` bytes of the caller's structure at `arg`.
///
/// # Safety
/// `arg` points to at least `N` readable bytes.
unsafe fn get<const N: usize>(arg: *mut c_void) -> Result<[u8; N], cdrom::Errno> {
    if !mapped(arg, N, false) {
        return Err(libc::EFAULT);
    }
    let mut b = [0u8; N];
    // SAFETY: per the function's contract.
    unsafe { std::ptr::copy_nonoverlapping(arg.cast::<u8>(), b.as_mut_ptr(), N) };
    Ok(b)
}

/// The cdrom ioctls (`<linux/cdrom.h>`): the structures copied in and out here, the answers
/// made in [`cdrom`].
///
/// # Safety
/// `arg` is what the ioctl's definition says it is.
unsafe fn cdrom_ioctl(request: c_ulong, arg: *mut c_void) -> c_int {
    use cdrom::request::*;
    with_drive(|d| match request {
        // `arg` is the structure each request names, as the caller promised the kernel; the
        // sizes are the x86-64 layouts in `cdrom`.
        // SAFETY: a struct cdrom_tochdr.
        CDROMREADTOCHDR => unsafe { put(arg, &cdrom::toc_header(d)?) },
        CDROMREADTOCENTRY => {
            // SAFETY: a struct cdrom_tocentry (12 bytes), read then written.
            let e: [u8; 12] = unsafe { get(arg)? };
            // SAFETY: as above.
            unsafe { put(arg, &cdrom::toc_entry(d, e[0], e[2])?) }
        }
        CDROMSUBCHNL => {
            // SAFETY: a struct cdrom_subchnl (16 bytes), read then written.
            let s: [u8; 16] = unsafe { get(arg)? };
            // SAFETY: as above.
            unsafe { put(arg, &cdrom::subchannel(d, s[0])?) }
        }
        // SAFETY: a struct cdrom_mcn.
        CDROM_GET_MCN => unsafe { put(arg, &cdrom::mcn(d)?) },
        CDROMMULTISESSION => {
            // SAFETY: a struct cdrom_multisession (8 bytes), read then written.
            let m: [u8; 8] = unsafe { get(arg)? };
            // SAFETY: as above.
            unsafe { put(arg, &cdrom::multisession(d, m[5])?) }
        }
        CDROM_DISC_STATUS => Ok(cdrom::disc_status(d)),
        // The volume of the drive's audio output, as a player sets it: the emulator has no
        // output, so the levels are kept here (full, 255, until set), as `sr` keeps them in
        // the drive's audio control page.
        // SAFETY: a struct cdrom_volctrl (4 bytes).
        CDROMVOLREAD => unsafe { put(arg, &*lock(&VOLUME)) },
        CDROMVOLCTRL => {
            // SAFETY: as above, read.
            *lock(&VOLUME) = unsafe { get(arg)? };
            Ok(0)
        }
        CDROMREADAUDIO => {
            // struct cdrom_read_audio: addr (0–3), addr_format (4), nframes (8–11), buf (16–23).
            // SAFETY: a struct cdrom_read_audio (24 bytes).
            let ra: [u8; 24] = unsafe { get(arg)? };
            let lba = cdrom::addr_from(ra[..4].try_into().expect("4 bytes"), ra[4])?;
            let nframes = i32::from_ne_bytes(ra[8..12].try_into().expect("4 bytes"));
            let buf = usize::from_ne_bytes(ra[16..24].try_into().expect("8 bytes")) as *mut u8;
            let n = u32::try_from(nframes).map_err(|_| libc::EINVAL)?;
            if buf.is_null() || n == 0 || n > 75 {
                return Err(libc::EINVAL);
            }
            // SAFETY: `buf` is the caller's buffer for `nframes` frames of 2352 bytes, as
            // struct cdrom_read_audio defines it (checked non-NULL and 1–75 frames above).
            let out = unsafe { std::slice::from_raw_parts_mut(buf, n as usize * 2352) };
            cdrom::read_audio(d, lba, n, out).map(|()| 0)
        }
        CDROMREADRAW => {
            if arg.is_null() {
                return Err(libc::EFAULT);
            }
            // SAFETY: CDROMREADRAW's argument is a buffer of CD_FRAMESIZE_RAW (2352) bytes,
            // the address in its first bytes on the way in (checked non-NULL above).
            let out = unsafe { std::slice::from_raw_parts_mut(arg.cast::<u8>(), 2352) };
            cdrom::read_raw(d, out).map(|()| 0)
        }
        CDROMEJECT | CDROMCLOSETRAY | CDROMSTART | CDROMSTOP | CDROM_LOCKDOOR | CDROM_SELECT_SPEED => {
            cdrom::simple(d, request, arg as u64).map(|()| 0)
        }
        // SAFETY: CDROM_SEND_PACKET's argument is a struct cdrom_generic_command, as
        // `send_packet` requires.
        CDROM_SEND_PACKET => unsafe { send_packet(d, arg) },
        _ => Err(libc::ENOTTY),
    })
}

/// CDROM_SEND_PACKET: `struct cdrom_generic_command` — cmd[12] (0), buffer (16), buflen
/// (24), stat (28), sense (32), data_direction (40: 1 write, 2 read, 3 none), quiet (44),
/// timeout in ms (48).
///
/// # Safety
/// `arg` points to a `struct cdrom_generic_command` whose buffer and sense pointers are
/// valid for their lengths.
unsafe fn send_packet(d: &mut Drive, arg: *mut c_void) -> Result<c_int, cdrom::Errno> {
    // SAFETY: per the function's contract.
    let g: [u8; 64] = unsafe { get(arg)? };
    let cdb = &g[..mmc::cdb::cdb_len(g[0])];
    let buffer = usize::from_ne_bytes(g[16..24].try_into().expect("8 bytes")) as *mut u8;
    let len = u32::from_ne_bytes(g[24..28].try_into().expect("4 bytes")) as usize;
    let sense = usize::from_ne_bytes(g[32..40].try_into().expect("8 bytes")) as *mut u8;
    let timeout = i32::from_ne_bytes(g[48..52].try_into().expect("4 bytes"));
    let data = match (g[40], buffer.is_null() || len == 0) {
        (_, true) | (3, _) => Data::None,
        // SAFETY: the caller's buffer of buflen bytes.
        (1, false) => Data::Out(unsafe { std::slice::from_raw_parts(buffer, len) }),
        // SAFETY: as above.
        (_, false) => Data::In(unsafe { std::slice::from_raw_parts_mut(buffer, len) }),
    };
    let timeout = Duration::from_millis(u64::try_from(timeout).unwrap_or(0).max(1000));
    let p = cdrom::send_packet(d, cdb, data, timeout)?;
    // SAFETY: `stat` is an int at offset 28 of the caller's structure.
    unsafe { std::ptr::write_unaligned(arg.cast::<u8>().add(28).cast::<c_int>(), c_int::from(p.status)) };
    if !sense.is_null() && !p.sense.is_empty() {
        // SAFETY: `struct request_sense` is 64 bytes; fixed sense is 18.
        unsafe { std::ptr::copy_nonoverlapping(p.sense.as_ptr(), sense, p.sense.len().min(64)) };
    }
    if p.status == 0 { Ok(0) } else { Err(libc::EIO) }
}

fn put_int(arg: *mut c_void, v: c_int) -> c_int {
    if arg.is_null() {
        set_errno(libc::EFAULT);
        return -1;
    }
    // SAFETY: these ioctls take an int pointer.
    unsafe { *arg.cast::<c_int>() = v };
    0
}

/// `ioctl`.
///
/// # Safety
/// As libc's `ioctl`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    if is_our_fd(fd) {
        let _inside = Inside::enter();
        // A panic must not unwind into C.
        return std::panic::catch_unwind(|| {
            // SAFETY: the caller's argument, as promised to the kernel.
            unsafe { ioctl_ours(request, arg) }
        })
        .unwrap_or_else(|_| {
            set_errno(libc::EIO);
            -1
        });
    }
    let f = real_fn!(c"ioctl", unsafe extern "C" fn(c_int, c_ulong, *mut c_void) -> c_int);
    // SAFETY: forwarded unchanged.
    unsafe { f(fd, request, arg) }
}

macro_rules! stat_hook {
    ($name:ident, $sym:literal) => {
        /// A `stat`-family entry point.
        ///
        /// # Safety
        /// As libc's function of this name.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(path: *const c_char, buf: *mut libc::stat) -> c_int {
            // SAFETY: the caller's path.
            if unsafe { is_ours(path) } {
                // SAFETY: the caller's buffer.
                return unsafe { stat_ours(buf) };
            }
            let f = real_fn!($sym, unsafe extern "C" fn(*const c_char, *mut libc::stat) -> c_int);
            // SAFETY: forwarded unchanged.
            unsafe { f(path, buf) }
        }
    };
}

stat_hook!(stat, c"stat");
stat_hook!(stat64, c"stat64");
stat_hook!(lstat, c"lstat");
stat_hook!(lstat64, c"lstat64");

macro_rules! fstat_hook {
    ($name:ident, $sym:literal) => {
        /// An `fstat`-family entry point.
        ///
        /// # Safety
        /// As libc's function of this name.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(fd: c_int, buf: *mut libc::stat) -> c_int {
            let f = real_fn!($sym, unsafe extern "C" fn(c_int, *mut libc::stat) -> c_int);
            // SAFETY: forwarded unchanged.
            let r = unsafe { f(fd, buf) };
            if r == 0 && is_our_fd(fd) {
                // SAFETY: the caller's buffer.
                unsafe { describe(buf) };
            }
            r
        }
    };
}

fstat_hook!(fstat, c"fstat");
fstat_hook!(fstat64, c"fstat64");

macro_rules! xstat_hook {
    ($name:ident, $sym:literal) => {
        /// A versioned `stat` entry point of older glibc (`__xstat` and friends).
        ///
        /// # Safety
        /// As glibc's function of this name.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(ver: c_int, path: *const c_char, buf: *mut libc::stat) -> c_int {
            // SAFETY: the caller's path.
            if unsafe { is_ours(path) } {
                // SAFETY: the caller's buffer.
                return unsafe { stat_ours(buf) };
            }
            let f = real_fn!($sym, unsafe extern "C" fn(c_int, *const c_char, *mut libc::stat) -> c_int);
            // SAFETY: forwarded unchanged.
            unsafe { f(ver, path, buf) }
        }
    };
}

xstat_hook!(__xstat, c"__xstat");
xstat_hook!(__xstat64, c"__xstat64");
xstat_hook!(__lxstat, c"__lxstat");
xstat_hook!(__lxstat64, c"__lxstat64");

macro_rules! fxstat_hook {
    ($name:ident, $sym:literal) => {
        /// A versioned `fstat` entry point of older glibc.
        ///
        /// # Safety
        /// As glibc's function of this name.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(ver: c_int, fd: c_int, buf: *mut libc::stat) -> c_int {
            let f = real_fn!($sym, unsafe extern "C" fn(c_int, c_int, *mut libc::stat) -> c_int);
            // SAFETY: forwarded unchanged.
            let r = unsafe { f(ver, fd, buf) };
            if r == 0 && is_our_fd(fd) {
                // SAFETY: the caller's buffer.
                unsafe { describe(buf) };
            }
            r
        }
    };
}

fxstat_hook!(__fxstat, c"__fxstat");
fxstat_hook!(__fxstat64, c"__fxstat64");

/// `access`: the emulated device exists and may be read and written.
///
/// # Safety
/// As libc's `access`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn access(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        return 0;
    }
    let f = real_fn!(c"access", unsafe extern "C" fn(*const c_char, c_int) -> c_int);
    // SAFETY: forwarded unchanged.
    unsafe { f(path, mode) }
}

/// Writes the emulated device's own path as its resolved path (it is no symlink): into
/// `resolved` when given (PATH_MAX bytes), else into memory from `malloc`, as glibc does.
///
/// # Safety
/// `resolved` is null or has room for PATH_MAX bytes.
unsafe fn realpath_ours(resolved: *mut c_char) -> *mut c_char {
    let Some(c) = config() else { return std::ptr::null_mut() };
    let bytes = c.path.as_bytes_with_nul();
    let out = if resolved.is_null() {
        // SAFETY: malloc of the string's length; the caller frees it, as realpath's contract says.
        unsafe { libc::malloc(bytes.len()).cast::<c_char>() }
    } else {
        resolved
    };
    if !out.is_null() {
        // SAFETY: `out` has room for the path (PATH_MAX, or the length just allocated).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), out, bytes.len()) };
    }
    out
}

/// `realpath`: cdparanoia resolves the device node before it looks at its major number.
///
/// # Safety
/// As libc's `realpath`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        // SAFETY: the caller's buffer.
        return unsafe { realpath_ours(resolved) };
    }
    let f = real_fn!(c"realpath", unsafe extern "C" fn(*const c_char, *mut c_char) -> *mut c_char);
    // SAFETY: forwarded unchanged.
    unsafe { f(path, resolved) }
}

/// `__realpath_chk`, the fortified `realpath`.
///
/// # Safety
/// As glibc's `__realpath_chk`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __realpath_chk(path: *const c_char, resolved: *mut c_char, len: libc::size_t) -> *mut c_char {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        // SAFETY: the caller's buffer.
        return unsafe { realpath_ours(resolved) };
    }
    let f = real_fn!(c"__realpath_chk", unsafe extern "C" fn(*const c_char, *mut c_char, libc::size_t) -> *mut c_char);
    // SAFETY: forwarded unchanged.
    unsafe { f(path, resolved, len) }
}

/// Records `new` as another descriptor of the device when `old` is one.
fn track_dup(old: c_int, new: c_int) -> c_int {
    if new >= 0 && new != old && is_our_fd(old) {
        let mut fds = lock(&FDS);
        if !fds.contains(&new) {
            fds.push(new);
        }
    }
    new
}

/// `dup`: cdparanoia keeps a second descriptor of the device for its ioctls.
///
/// # Safety
/// As libc's `dup`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    let f = real_fn!(c"dup", unsafe extern "C" fn(c_int) -> c_int);
    // SAFETY: forwarded unchanged.
    track_dup(fd, unsafe { f(fd) })
}

/// `dup2`.
///
/// # Safety
/// As libc's `dup2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup2(fd: c_int, to: c_int) -> c_int {
    if is_own_fd(to) && !inside() {
        // The drive's own file is not the program's to replace.
        set_errno(libc::EBADF);
        return -1;
    }
    // A descriptor of the device replaced by another file stops being the device's.
    if fd != to && is_our_fd(to) {
        lock(&FDS).retain(|&f| f != to);
    }
    let f = real_fn!(c"dup2", unsafe extern "C" fn(c_int, c_int) -> c_int);
    // SAFETY: forwarded unchanged.
    track_dup(fd, unsafe { f(fd, to) })
}

/// `dup3`.
///
/// # Safety
/// As libc's `dup3`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup3(fd: c_int, to: c_int, flags: c_int) -> c_int {
    if is_own_fd(to) && !inside() {
        set_errno(libc::EBADF);
        return -1;
    }
    if fd != to && is_our_fd(to) {
        lock(&FDS).retain(|&f| f != to);
    }
    let f = real_fn!(c"dup3", unsafe extern "C" fn(c_int, c_int, c_int) -> c_int);
    // SAFETY: forwarded unchanged.
    track_dup(fd, unsafe { f(fd, to, flags) })
}

/// `fcntl`: F_DUPFD and F_DUPFD_CLOEXEC make another descriptor of the device. Its third
/// argument, when there is one, is an int or a pointer: on x86-64 both travel in the same
/// register, so it is passed on as a machine word.
///
/// # Safety
/// As libc's `fcntl`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    let f = real_fn!(c"fcntl", unsafe extern "C" fn(c_int, c_int, c_ulong) -> c_int);
    let dup = cmd == libc::F_DUPFD || cmd == libc::F_DUPFD_CLOEXEC;
    if dup && is_own_fd(fd) && inside() {
        // The emulator's own copy of one of its files (its store thread's): out of the way too.
        // SAFETY: forwarded with a higher floor.
        let r = unsafe { f(fd, libc::F_DUPFD_CLOEXEC, arg.max(HIGH as c_ulong)) };
        if r >= 0 {
            lock(&OWN).push(r);
        }
        return r;
    }
    // SAFETY: forwarded unchanged.
    let r = unsafe { f(fd, cmd, arg) };
    if dup { track_dup(fd, r) } else { r }
}

/// `readlink`: the device node is no symlink (EINVAL, as for a real node).
///
/// # Safety
/// As libc's `readlink`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn readlink(path: *const c_char, buf: *mut c_char, len: libc::size_t) -> libc::ssize_t {
    // SAFETY: the caller's path.
    if unsafe { is_ours(path) } {
        set_errno(libc::EINVAL);
        return -1;
    }
    let f = real_fn!(c"readlink", unsafe extern "C" fn(*const c_char, *mut c_char, libc::size_t) -> libc::ssize_t);
    // SAFETY: forwarded unchanged.
    unsafe { f(path, buf, len) }
}
