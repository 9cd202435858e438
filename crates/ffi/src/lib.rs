//! libredburn: redburn's API for C, with IMAPI2's shape (see `include/redburn.h`, generated
//! from this file by cbindgen, and `examples/c/burn.c`).
//!
//! Every function returns an HRESULT and catches panics; the last error's message and IMAPI
//! name are kept per thread. Objects are boxed Rust values behind opaque pointers.
#![allow(non_camel_case_types)]

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::os::unix::ffi::OsStrExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use device::{Backend, named};
use rb::{CancelHandle, DiscFormat2, TaoUpdate, TrackAtOnce};

/// `S_OK`.
pub const RB_S_OK: i32 = 0;
/// `E_POINTER`: a pointer that must not be NULL was.
pub const RB_E_POINTER: i32 = 0x8000_4003_u32 as i32;
/// `E_INVALIDARG`: an argument out of range or a string that is not UTF-8.
pub const RB_E_INVALIDARG: i32 = 0x8007_0057_u32 as i32;
/// `E_UNEXPECTED`: redburn failed inside (a bug); the message says where.
pub const RB_E_UNEXPECTED: i32 = 0x8000_FFFF_u32 as i32;
/// `E_IMAPI_REQUEST_CANCELLED`.
pub const RB_E_IMAPI_REQUEST_CANCELLED: i32 = 0xC0AA_0002_u32 as i32;
/// `E_IMAPI_RECORDER_REQUIRED`: the recorder handle is empty (its drive was given to a
/// writer with `rb_tao_set_recorder`).
pub const RB_E_IMAPI_RECORDER_REQUIRED: i32 = 0xC0AA_0003_u32 as i32;
/// `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS`: `rb_cancel_request` with nothing being written.
pub const RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS: i32 = 0xC0AA_0501_u32 as i32;

/// A failure: IMAPI name, HRESULT, message.
struct Fail(&'static str, u32, String);

thread_local! {
    /// The last failure's message and IMAPI name on this thread.
    static LAST: RefCell<(CString, CString)> = RefCell::new((CString::default(), CString::default()));
}

fn remember(name: &str, message: &str) {
    LAST.with(|l| *l.borrow_mut() = (c_string(message), c_string(name)));
}

/// Runs `f`, turning its error or panic into an HRESULT and the thread's last error.
fn guard(f: impl FnOnce() -> Result<(), Fail>) -> i32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => RB_S_OK,
        Ok(Err(Fail(name, hr, message))) => {
            remember(name, &message);
            hr as i32
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            remember("E_UNEXPECTED", &format!("redburn failed inside: {what}"));
            RB_E_UNEXPECTED
        }
    }
}

fn invalid(why: impl Into<String>) -> Fail {
    Fail("E_INVALIDARG", RB_E_INVALIDARG as u32, why.into())
}

fn null(what: &str) -> Fail {
    Fail("E_POINTER", RB_E_POINTER as u32, format!("{what} is NULL"))
}

impl<E: rb::Imapi> From<E> for Fail {
    fn from(e: E) -> Fail {
        let (name, hresult) = e.imapi();
        Fail(name, hresult, e.to_string())
    }
}

/// A C string argument as UTF-8.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
unsafe fn text<'a>(s: *const c_char, what: &str) -> Result<&'a str, Fail> {
    if s.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller's promise.
    unsafe { CStr::from_ptr(s) }.to_str().map_err(|_| invalid(format!("{what} is not UTF-8")))
}

/// A C string argument as a path (any bytes but NUL).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
unsafe fn path(s: *const c_char, what: &str) -> Result<PathBuf, Fail> {
    if s.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller's promise.
    let bytes = unsafe { CStr::from_ptr(s) }.to_bytes();
    Ok(Path::new(std::ffi::OsStr::from_bytes(bytes)).to_owned())
}

/// `*out = v`, or E_POINTER.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
unsafe fn put<T>(out: *mut T, v: T, what: &str) -> Result<(), Fail> {
    if out.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller's promise.
    unsafe { out.write(v) };
    Ok(())
}

/// `*out = ` a new object made of `v`, or E_POINTER — checked before the object is made, so
/// that a NULL out-pointer leaks nothing (`v` is dropped: a recorder is closed again).
///
/// # Safety
/// `out` is NULL or valid for a write.
unsafe fn put_new<T>(out: *mut *mut T, v: T, what: &str) -> Result<(), Fail> {
    if out.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller's promise; not NULL.
    unsafe { out.write(Box::into_raw(Box::new(v))) };
    Ok(())
}

/// `&mut *p`, or E_POINTER.
///
/// # Safety
/// `p` is NULL or a live object made by this library and not used by another thread now.
unsafe fn object<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Fail> {
    // SAFETY: the caller's promise.
    unsafe { p.as_mut() }.ok_or_else(|| null(what))
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).expect("NULs replaced")
}

// ---------------------------------------------------------------------------------------
// Errors

/// The message of the last error on the calling thread (UTF-8; "" when none). Valid until
/// the next failing call on this thread. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn rb_last_error_message() -> *const c_char {
    LAST.with(|l| l.borrow().0.as_ptr())
}

/// The IMAPI name of the last error on the calling thread (e.g.
/// "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK"; "" when none). Valid until the next failing call on
/// this thread. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn rb_last_error_name() -> *const c_char {
    LAST.with(|l| l.borrow().1.as_ptr())
}

/// libredburn's version, e.g. "0.1.0". Static. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn rb_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

// ---------------------------------------------------------------------------------------
// Recorders (IDiscMaster2, IDiscRecorder2)

/// The recorders' names: the machine's (`/dev/sr0` …) and the emulated ones (`emu:NAME`).
pub struct rb_device_list {
    names: Vec<CString>,
}

/// Lists the recorders (IMAPI's `IDiscMaster2`) into `*out`, to free with
/// `rb_device_list_free`. `emu:default` is listed once it exists (it is made on first open).
///
/// # Safety
/// `out` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_devices(out: *mut *mut rb_device_list) -> i32 {
    guard(|| {
        let names = named::names().iter().map(|n| c_string(n)).collect();
        // SAFETY: the caller's promise.
        unsafe { put_new(out, rb_device_list { names }, "out") }
    })
}

/// How many names `list` holds (0 for NULL).
///
/// # Safety
/// `list` is NULL or from `rb_devices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_device_list_count(list: *const rb_device_list) -> usize {
    // SAFETY: the caller's promise.
    unsafe { list.as_ref() }.map_or(0, |l| l.names.len())
}

/// The `index`th name, valid until the list is freed; NULL past the end.
///
/// # Safety
/// `list` is NULL or from `rb_devices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_device_list_name(list: *const rb_device_list, index: usize) -> *const c_char {
    // SAFETY: the caller's promise.
    unsafe { list.as_ref() }.and_then(|l| l.names.get(index)).map_or(std::ptr::null(), |n| n.as_ptr())
}

/// Frees a list (NULL is ignored).
///
/// # Safety
/// `list` is NULL or from `rb_devices`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_device_list_free(list: *mut rb_device_list) {
    if !list.is_null() {
        // SAFETY: made by Box::into_raw in rb_devices.
        drop(unsafe { Box::from_raw(list) });
    }
}

/// An open recorder (IMAPI's `IDiscRecorder2`).
pub struct rb_recorder {
    drive: Option<rb::Recorder<Backend>>,
    name: CString,
    vendor: CString,
    product: CString,
    revision: CString,
    unique_id: CString,
}

impl rb_recorder {
    fn drive(&mut self) -> Result<&mut rb::Recorder<Backend>, Fail> {
        self.drive.as_mut().ok_or_else(|| {
            Fail(
                "E_IMAPI_RECORDER_REQUIRED",
                RB_E_IMAPI_RECORDER_REQUIRED as u32,
                format!(
                    "{}: its drive is with a writer (rb_tao_release_recorder gives it back)",
                    self.name.to_string_lossy()
                ),
            )
        })
    }
}

/// Opens the recorder `name` — `emu:NAME` for an emulated one (`emu:default` is made with a
/// blank 80-minute CD-R on first use), or a device node such as `/dev/sr0` — into `*out`, to
/// free with `rb_recorder_free`. An emulated drive is held by one process at a time.
///
/// # Safety
/// `name` is a NUL-terminated string; `out` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_open(name: *const c_char, out: *mut *mut rb_recorder) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let name = unsafe { text(name, "name") }?;
        // Before the drive is opened (and, emulated, held).
        if out.is_null() {
            return Err(null("out"));
        }
        let drive = named::open_recorder(name)?;
        let r = rb_recorder {
            name: c_string(name),
            vendor: c_string(drive.vendor_id()),
            product: c_string(drive.product_id()),
            revision: c_string(drive.product_revision()),
            unique_id: c_string(drive.unique_id()),
            drive: Some(drive),
        };
        // SAFETY: the caller's promise.
        unsafe { put_new(out, r, "out") }
    })
}

/// Closes a recorder and frees it (NULL is ignored).
///
/// # Safety
/// `r` is NULL or from `rb_recorder_open`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_free(r: *mut rb_recorder) {
    if !r.is_null() {
        // SAFETY: made by Box::into_raw in rb_recorder_open.
        drop(unsafe { Box::from_raw(r) });
    }
}

/// `rb_recorder_identity`: the name it was opened by (`emu:default`, `/dev/sr0`).
pub const RB_IDENTITY_NAME: i32 = 0;
/// `VendorId`.
pub const RB_IDENTITY_VENDOR_ID: i32 = 1;
/// `ProductId`.
pub const RB_IDENTITY_PRODUCT_ID: i32 = 2;
/// `ProductRevision`.
pub const RB_IDENTITY_PRODUCT_REVISION: i32 = 3;
/// `ActiveDiscRecorder`: the unique id.
pub const RB_IDENTITY_UNIQUE_ID: i32 = 4;

/// One of the recorder's identity strings (`which`: an `RB_IDENTITY_*`), valid until it is
/// freed; NULL for a NULL recorder, and for a `which` that is none of them (the thread's last
/// error then says so, E_INVALIDARG).
///
/// # Safety
/// `r` is NULL or from `rb_recorder_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_identity(r: *const rb_recorder, which: i32) -> *const c_char {
    // SAFETY: the caller's promise.
    let Some(r) = (unsafe { r.as_ref() }) else { return std::ptr::null() };
    // An integer, not a Rust enum: a value C passes outside the list must not be undefined
    // behaviour.
    match which {
        RB_IDENTITY_NAME => r.name.as_ptr(),
        RB_IDENTITY_VENDOR_ID => r.vendor.as_ptr(),
        RB_IDENTITY_PRODUCT_ID => r.product.as_ptr(),
        RB_IDENTITY_PRODUCT_REVISION => r.revision.as_ptr(),
        RB_IDENTITY_UNIQUE_ID => r.unique_id.as_ptr(),
        n => {
            remember("E_INVALIDARG", &format!("identity {n} is none of RB_IDENTITY_*"));
            std::ptr::null()
        }
    }
}

/// The medium in a recorder.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_media_info {
    /// `IMAPI_MEDIA_PHYSICAL_TYPE`: 0 none or unknown, 1 CD-ROM, 2 CD-R, 3 CD-RW …
    pub media_type: i32,
    /// Disc status (READ DISC INFORMATION): 0 blank, 1 appendable, 2 finalized, 3 other.
    pub status: i32,
    /// Sessions, an open or empty last one included.
    pub sessions: u32,
    /// Tracks recorded.
    pub tracks: u32,
    /// Sectors used.
    pub used_sectors: u64,
    /// Sectors free.
    pub free_sectors: u64,
    /// Used plus free.
    pub total_sectors: u64,
}

/// What medium is in the recorder, into `*out`. Fails with the drive's code when there is
/// none (`E_IMAPI_RECORDER_MEDIA_NO_MEDIA`) or the tray is open.
///
/// # Safety
/// `r` is from `rb_recorder_open`; `out` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_media_info(r: *mut rb_recorder, out: *mut rb_media_info) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let r = unsafe { object(r, "recorder") }?;
        let m = r.drive()?.media_info()?;
        let info = rb_media_info {
            media_type: m.media_type as i32,
            status: m.status as i32,
            sessions: u32::from(m.sessions),
            tracks: u32::from(m.tracks),
            used_sectors: m.used_sectors,
            free_sectors: m.free_sectors,
            total_sectors: m.total_sectors,
        };
        // SAFETY: the caller's promise.
        unsafe { put(out, info, "out") }
    })
}

/// `EjectMedia`.
///
/// # Safety
/// `r` is from `rb_recorder_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_eject(r: *mut rb_recorder) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(r, "recorder") }?.drive()?.eject_media()?))
}

/// `CloseTray`.
///
/// # Safety
/// `r` is from `rb_recorder_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_recorder_close_tray(r: *mut rb_recorder) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(r, "recorder") }?.drive()?.close_tray()?))
}

// ---------------------------------------------------------------------------------------
// Track-at-once (IDiscFormat2TrackAtOnce)

/// An `IDiscFormat2TrackAtOnce` writer.
pub struct rb_tao {
    tao: TrackAtOnce<Backend>,
    /// The client name as `rb_tao_client_name` last gave it.
    client: CString,
}

/// A handle that stops a write from any thread (`CancelAddTrack`).
pub struct rb_cancel {
    handle: CancelHandle,
}

/// IMAPI's `IDiscFormat2TrackAtOnceEventArgs` with its `IWriteEngine2EventArgs`, and the
/// writer's properties as the event's sender shows them.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_tao_update {
    /// `CurrentTrackNumber`.
    pub current_track_number: i32,
    /// `CurrentAction`: 0 unknown, 1 preparing, 2 writing, 3 finishing, 4 verifying.
    pub current_action: i32,
    /// `ElapsedTime`, seconds.
    pub elapsed_time: i32,
    /// `RemainingTime`, seconds.
    pub remaining_time: i32,
    /// `StartLba`.
    pub start_lba: i32,
    /// `SectorCount`.
    pub sector_count: i32,
    /// `LastReadLba`.
    pub last_read_lba: i32,
    /// `LastWrittenLba`.
    pub last_written_lba: i32,
    /// `TotalSystemBuffer`, bytes.
    pub total_system_buffer: i32,
    /// `UsedSystemBuffer`.
    pub used_system_buffer: i32,
    /// `FreeSystemBuffer`.
    pub free_system_buffer: i32,
    /// The drive's buffer in bytes, −1 when the drive does not say.
    pub drive_buffer_size: i64,
    /// Bytes free in it, −1 when the drive does not say.
    pub drive_buffer_free: i64,
    /// `FreeSectorsOnMedia` when the track began.
    pub free_sectors_on_media: u64,
    /// `UsedSectorsOnMedia` when the track began.
    pub used_sectors_on_media: u64,
    /// `TotalSectorsOnMedia`.
    pub total_sectors_on_media: u64,
    /// `NumberOfExistingTracks`.
    pub number_of_existing_tracks: u32,
    /// `CurrentWriteSpeed`, sectors per second.
    pub current_write_speed: u32,
    /// `BufferUnderrunFreeDisabled`.
    pub buffer_underrun_free_disabled: bool,
    /// `DoNotFinalizeMedia`.
    pub do_not_finalize_media: bool,
}

impl From<&TaoUpdate> for rb_tao_update {
    fn from(u: &TaoUpdate) -> rb_tao_update {
        rb_tao_update {
            current_track_number: i32::from(u.current_track_number),
            current_action: u.current_action as i32,
            elapsed_time: u.elapsed_time,
            remaining_time: u.remaining_time,
            start_lba: u.start_lba,
            sector_count: u.sector_count,
            last_read_lba: u.last_read_lba,
            last_written_lba: u.last_written_lba,
            total_system_buffer: u.total_system_buffer,
            used_system_buffer: u.used_system_buffer,
            free_system_buffer: u.free_system_buffer,
            drive_buffer_size: u.drive_buffer_size.map_or(-1, i64::from),
            drive_buffer_free: u.drive_buffer_free.map_or(-1, i64::from),
            free_sectors_on_media: u.writer.free_sectors_on_media,
            used_sectors_on_media: u.writer.used_sectors_on_media,
            total_sectors_on_media: u.writer.total_sectors_on_media,
            number_of_existing_tracks: u.writer.number_of_existing_tracks,
            current_write_speed: u.writer.current_write_speed,
            buffer_underrun_free_disabled: u.writer.buffer_underrun_free_disabled,
            do_not_finalize_media: u.writer.do_not_finalize_media,
        }
    }
}

/// The Update event: called on the thread that called `rb_tao_add_*` (IMAPI sends none from
/// `ReleaseMedia`: closing the session is the last track's `finishing` action), about once a
/// second and at each change of action. Return false to
/// cancel the write (`CancelAddTrack`); the call then fails with
/// `RB_E_IMAPI_REQUEST_CANCELLED`. `update` is valid during the call only.
pub type rb_tao_update_fn = Option<unsafe extern "C" fn(update: *const rb_tao_update, user: *mut c_void) -> bool>;

/// A source of PCM for `rb_tao_add_audio_callback`: fills `buffer` with up to `length` bytes
/// of 44.1 kHz 16-bit stereo little-endian PCM and returns how many (0 at the end, negative
/// on an error, which fails the track). Called on a thread of redburn's own (the host
/// buffer's reader), one call at a time, while `rb_tao_add_audio_callback` runs.
pub type rb_read_fn = Option<unsafe extern "C" fn(user: *mut c_void, buffer: *mut u8, length: usize) -> isize>;

/// A new writer with IMAPI's defaults (no recorder, BUFE on, finalize, client name
/// "redburn"), into `*out`, to free with `rb_tao_free`.
///
/// # Safety
/// `out` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_new(out: *mut *mut rb_tao) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| unsafe { put_new(out, rb_tao { tao: TrackAtOnce::new(), client: CString::default() }, "out") })
}

/// Frees a writer and the recorder it holds (NULL is ignored). A prepared medium is released
/// first (the session closed), as IMAPI does when the object goes.
///
/// # Safety
/// `t` is NULL or from `rb_tao_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_free(t: *mut rb_tao) {
    if !t.is_null() {
        // SAFETY: made by Box::into_raw in rb_tao_new.
        let mut t = unsafe { Box::from_raw(t) };
        let _ = catch_unwind(AssertUnwindSafe(|| {
            if t.tao.recorder().is_some() {
                let _ = t.tao.release_media();
            }
        }));
    }
}

/// `put_Recorder`: the recorder's drive moves into the writer; `r` stays the caller's to
/// free, empty (its functions fail with `RB_E_IMAPI_RECORDER_REQUIRED`) until
/// `rb_tao_release_recorder` gives the drive back. A recorder that is not a CD writer
/// (`E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED`) stays with `r`; one refused because the writer
/// is busy (`..._MEDIA_IS_PREPARED`, `..._WRITE_IN_PROGRESS`) is closed.
///
/// # Safety
/// `t` from `rb_tao_new`, `r` from `rb_recorder_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_recorder(t: *mut rb_tao, r: *mut rb_recorder) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (t, r) = unsafe { (object(t, "writer")?, object(r, "recorder")?) };
        let drive = r.drive()?;
        // A recorder the writer cannot use stays with its handle.
        if !TrackAtOnce::<Backend>::is_recorder_supported(drive)? {
            return Err(rb::TaoError::RecorderNotSupported.into());
        }
        let drive = r.drive.take().expect("checked above");
        Ok(t.tao.set_recorder(drive)?)
    })
}

/// Gives the writer's recorder back to `r` (an empty handle), when no write is in progress.
///
/// # Safety
/// `t` from `rb_tao_new`, `r` from `rb_recorder_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_release_recorder(t: *mut rb_tao, r: *mut rb_recorder) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (t, r) = unsafe { (object(t, "writer")?, object(r, "recorder")?) };
        if r.drive.is_some() {
            return Err(invalid("the recorder handle already has a drive"));
        }
        r.drive = t.tao.take_recorder()?;
        Ok(())
    })
}

/// `put_ClientName`: 1–64 printable ASCII characters.
///
/// # Safety
/// `t` from `rb_tao_new`; `name` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_client_name(t: *mut rb_tao, name: *const c_char) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.set_client_name(unsafe { text(name, "name") }?)?))
}

/// `get_ClientName`: valid until the next call of this function or `rb_tao_free`.
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_client_name(t: *mut rb_tao) -> *const c_char {
    // SAFETY: the caller's promise.
    let Some(t) = (unsafe { t.as_mut() }) else { return std::ptr::null() };
    t.client = c_string(t.tao.client_name());
    t.client.as_ptr()
}

/// `get_DoNotFinalizeMedia` into `*out`.
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_do_not_finalize_media(t: *const rb_tao, out: *mut bool) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let t = unsafe { t.as_ref() }.ok_or_else(|| null("writer"))?;
        // SAFETY: the caller's promise.
        unsafe { put(out, t.tao.do_not_finalize_media(), "out") }
    })
}

/// `get_BufferUnderrunFreeDisabled` into `*out`.
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_buffer_underrun_free_disabled(t: *const rb_tao, out: *mut bool) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let t = unsafe { t.as_ref() }.ok_or_else(|| null("writer"))?;
        // SAFETY: the caller's promise.
        unsafe { put(out, t.tao.buffer_underrun_free_disabled(), "out") }
    })
}

/// `put_DoNotFinalizeMedia`.
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_do_not_finalize_media(t: *mut rb_tao, on: bool) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.set_do_not_finalize_media(on)?))
}

/// `put_BufferUnderrunFreeDisabled`.
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_buffer_underrun_free_disabled(t: *mut rb_tao, on: bool) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.set_buffer_underrun_free_disabled(on)?))
}

/// redburn's extension: a test write (the drive records nothing).
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_simulate(t: *mut rb_tao, on: bool) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.set_simulate(on)?))
}

/// `SetWriteSpeed`: sectors per second (75 = 1×), −1 for the fastest. Returns `S_OK` or the
/// success code saying the drive adjusted it (`S_IMAPI_SPEEDADJUSTED` 0x00AA0004 …).
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_write_speed(t: *mut rb_tao, sectors_per_second: i32, pure_cav: bool) -> i32 {
    let mut outcome = 0;
    let hr = guard(|| {
        // SAFETY: the caller's promise.
        outcome = unsafe { object(t, "writer")? }.tao.set_write_speed(sectors_per_second, pure_cav)?.hresult();
        Ok(())
    });
    if hr == RB_S_OK { outcome as i32 } else { hr }
}

/// One of `SupportedWriteSpeedDescriptors` (`IWriteSpeedDescriptor`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_write_speed_descriptor {
    /// `MediaType` (`IMAPI_MEDIA_PHYSICAL_TYPE`: 2 CD-R, 3 CD-RW …).
    pub media_type: i32,
    /// `RotationTypeIsPureCAV`.
    pub rotation_type_is_pure_cav: bool,
    /// `WriteSpeed`, sectors per second (75 = 1×).
    pub write_speed: u32,
}

/// `SupportedWriteSpeedDescriptors` for the medium in the drive: up to `capacity` of them
/// into `out` (which may be NULL when `capacity` is 0), and how many there are in `count`
/// (so that a first call with 0 sizes the array).
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for `capacity` descriptors; `count` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_supported_write_speed_descriptors(
    t: *mut rb_tao,
    out: *mut rb_write_speed_descriptor,
    capacity: usize,
    count: *mut usize,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let count = unsafe { object(count, "count")? };
        // SAFETY: the caller's promise.
        let all = unsafe { object(t, "writer")? }.tao.supported_write_speed_descriptors()?;
        *count = all.len();
        if capacity > 0 && out.is_null() {
            return Err(null("out"));
        }
        for (i, d) in all.iter().take(capacity).enumerate() {
            let c = rb_write_speed_descriptor {
                media_type: d.media_type as i32,
                rotation_type_is_pure_cav: d.rotation_type_is_pure_cav,
                write_speed: d.write_speed,
            };
            // SAFETY: `out` holds `capacity` descriptors and `i < capacity`.
            unsafe { out.add(i).write(c) };
        }
        Ok(())
    })
}

/// IMAPI v1's `IDiscMasterProgressEvents`, each member optional (NULL: not told), `user`
/// passed back to each.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_disc_master_progress {
    /// Passed back untouched.
    pub user: *mut c_void,
    /// `QueryCancel`: true stops the burn.
    pub query_cancel: Option<unsafe extern "C" fn(user: *mut c_void) -> bool>,
    /// `NotifyPreparingBurn(estimated seconds)`.
    pub notify_preparing_burn: Option<unsafe extern "C" fn(user: *mut c_void, estimated_seconds: i32)>,
    /// `NotifyTrackProgress(completed, total)`: 0 of N as track 1 begins, N of N at the end.
    pub notify_track_progress: Option<unsafe extern "C" fn(user: *mut c_void, completed: i32, total: i32)>,
    /// `NotifyBlockProgress(completed, total)` for the whole disc.
    pub notify_block_progress: Option<unsafe extern "C" fn(user: *mut c_void, completed: i32, total: i32)>,
    /// `NotifyClosingDisc(estimated seconds)`.
    pub notify_closing_disc: Option<unsafe extern "C" fn(user: *mut c_void, estimated_seconds: i32)>,
    /// `NotifyBurnComplete(status)`: 0, or IMAPI v1's HRESULT (`IMAPI_E_USERABORT` …).
    pub notify_burn_complete: Option<unsafe extern "C" fn(user: *mut c_void, status: u32)>,
    /// `NotifyPnPActivity`: the recorder stopped answering.
    pub notify_pnp_activity: Option<unsafe extern "C" fn(user: *mut c_void)>,
    /// `NotifyAddProgress(completed, total)` while the album is staged.
    pub notify_add_progress: Option<unsafe extern "C" fn(user: *mut c_void, completed: i32, total: i32)>,
}

/// The C callbacks as IMAPI v1's sink.
struct V1Sink(rb_disc_master_progress);

impl rb::DiscMasterProgress for V1Sink {
    fn query_cancel(&mut self) -> bool {
        // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
        self.0.query_cancel.is_some_and(|f| unsafe { f(self.0.user) })
    }
    fn notify_preparing_burn(&mut self, s: i32) {
        if let Some(f) = self.0.notify_preparing_burn {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, s) }
        }
    }
    fn notify_track_progress(&mut self, completed: i32, total: i32) {
        if let Some(f) = self.0.notify_track_progress {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, completed, total) }
        }
    }
    fn notify_block_progress(&mut self, completed: i32, total: i32) {
        if let Some(f) = self.0.notify_block_progress {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, completed, total) }
        }
    }
    fn notify_closing_disc(&mut self, s: i32) {
        if let Some(f) = self.0.notify_closing_disc {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, s) }
        }
    }
    fn notify_burn_complete(&mut self, status: u32) {
        if let Some(f) = self.0.notify_burn_complete {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, status) }
        }
    }
    fn notify_pnp_activity(&mut self) {
        if let Some(f) = self.0.notify_pnp_activity {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user) }
        }
    }
    fn notify_add_progress(&mut self, completed: i32, total: i32) {
        if let Some(f) = self.0.notify_add_progress {
            // SAFETY: the caller of `rb_tao_burn_album` promised the callbacks and `user` valid.
            unsafe { f(self.0.user, completed, total) }
        }
    }
}

/// IMAPI v1's burn of an album (`IDiscMaster::RecordDisc`): the `count` files staged (each
/// decoded to its end), then prepared, written track by track and released with the writer's
/// options, `progress` told as IMAPI v1 tells its `IDiscMasterProgressEvents` (`progress` may
/// be NULL).
///
/// # Safety
/// `t` from `rb_tao_new`; `paths` holds `count` NUL-terminated strings; `progress` NULL or
/// valid, its functions and `user` valid for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_burn_album(
    t: *mut rb_tao,
    paths: *const *const c_char,
    count: usize,
    progress: *const rb_disc_master_progress,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let w = unsafe { object(t, "writer")? };
        if paths.is_null() && count > 0 {
            return Err(null("paths"));
        }
        let files = (0..count)
            // SAFETY: the caller's promise: `count` pointers.
            .map(|i| unsafe { path(*paths.add(i), "a path") })
            .collect::<Result<Vec<_>, _>>()?;
        // SAFETY: the caller's promise.
        let callbacks = unsafe { progress.as_ref() }.copied().unwrap_or(rb_disc_master_progress {
            user: std::ptr::null_mut(),
            query_cancel: None,
            notify_preparing_burn: None,
            notify_track_progress: None,
            notify_block_progress: None,
            notify_closing_disc: None,
            notify_burn_complete: None,
            notify_pnp_activity: None,
            notify_add_progress: None,
        });
        let mut sink = V1Sink(callbacks);
        let tracks = rb::stage_album(&files, &mut sink)?;
        Ok(rb::burn_album(&mut w.tao, tracks, &mut sink)?)
    })
}

/// Sets the Update event's handler (NULL removes it). `user` is passed back untouched.
///
/// # Safety
/// `t` from `rb_tao_new`; `callback` and `user` stay valid while the writer may call them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_set_update_callback(
    t: *mut rb_tao,
    callback: rb_tao_update_fn,
    user: *mut c_void,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let t = unsafe { object(t, "writer") }?;
        match callback {
            None => t.tao.set_update_handler(|_, _| {}),
            Some(f) => t.tao.set_update_handler(move |u, cancel| {
                let c = rb_tao_update::from(u);
                // SAFETY: the caller promised `f` and `user` stay valid.
                if !unsafe { f(&c, user) } {
                    let _ = cancel.cancel();
                }
            }),
        }
        Ok(())
    })
}

/// A handle to cancel this writer's write from any thread, to free with `rb_cancel_free`.
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_cancel_handle(t: *mut rb_tao, out: *mut *mut rb_cancel) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let handle = unsafe { object(t, "writer") }?.tao.cancel_handle();
        // SAFETY: the caller's promise.
        unsafe { put_new(out, rb_cancel { handle }, "out") }
    })
}

/// `CancelAddTrack`, from any thread at any time: the write in progress stops at its next
/// chunk and its call fails with `RB_E_IMAPI_REQUEST_CANCELLED`.
/// `RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS` when nothing is being written.
///
/// # Safety
/// `c` from `rb_tao_cancel_handle`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_cancel_request(c: *const rb_cancel) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let c = unsafe { c.as_ref() }.ok_or_else(|| null("cancel handle"))?;
        c.handle.cancel().map_err(|e| {
            Fail("E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS", RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS as u32, e.to_string())
        })
    })
}

/// Frees a cancel handle (NULL is ignored); the writer may outlive it or not.
///
/// # Safety
/// `c` NULL or from `rb_tao_cancel_handle`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_cancel_free(c: *mut rb_cancel) {
    if !c.is_null() {
        // SAFETY: made by Box::into_raw in rb_tao_cancel_handle.
        drop(unsafe { Box::from_raw(c) });
    }
}

/// `PrepareMedia`: locks the tray, checks the medium is blank CD-R/RW, sets up writing.
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_prepare_media(t: *mut rb_tao) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.prepare_media()?))
}

/// `AddAudioTrack` from an audio file in any format redburn decodes (WAV, FLAC, AIFF, MP3,
/// Ogg, ALAC/AAC; APE, WavPack, Opus … with FFmpeg installed): decoded once for its length,
/// then written. A file that cannot be decoded fails with
/// `E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED` before anything is written.
///
/// # Safety
/// `t` from `rb_tao_new`; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_add_audio_file(t: *mut rb_tao, path: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (t, path) = unsafe { (object(t, "writer")?, self::path(path, "path")?) };
        Ok(t.tao.add_audio_file(&path)?)
    })
}

/// The C read callback as a Read.
struct CallbackReader {
    read: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> isize,
    user: *mut c_void,
}

// SAFETY: the header documents that the callback is called from redburn's reader thread,
// one call at a time; the caller keeps `user` valid for that.
unsafe impl Send for CallbackReader {}

impl std::io::Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // SAFETY: `buf` is valid for `buf.len()` bytes; the callback's contract.
        let n = unsafe { (self.read)(self.user, buf.as_mut_ptr(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n <= buf.len() => Ok(n),
            Ok(n) => Err(std::io::Error::other(format!("the read callback returned {n} for {} bytes", buf.len()))),
            Err(_) => Err(std::io::Error::other("the read callback failed")),
        }
    }
}

/// `AddAudioTrack` from a PCM callback (see `rb_read_fn`) giving `frames` stereo frames
/// (4 bytes each); short tracks are padded to 4 seconds, the last sector with silence.
///
/// # Safety
/// `t` from `rb_tao_new`; `read` and `user` valid until this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_add_audio_callback(
    t: *mut rb_tao,
    frames: u64,
    read: rb_read_fn,
    user: *mut c_void,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let t = unsafe { object(t, "writer") }?;
        let read = read.ok_or_else(|| null("read"))?;
        Ok(t.tao.add_audio_track(CallbackReader { read, user }, frames)?)
    })
}

/// `ReleaseMedia`: closes the session, finalizing the disc unless `DoNotFinalizeMedia`.
///
/// # Safety
/// `t` from `rb_tao_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_release_media(t: *mut rb_tao) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(t, "writer")? }.tao.release_media()?))
}

/// `NumberOfExistingTracks` into `*out`.
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_number_of_existing_tracks(t: *mut rb_tao, out: *mut u32) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let n = unsafe { object(t, "writer") }?.tao.number_of_existing_tracks()?;
        // SAFETY: the caller's promise.
        unsafe { put(out, n, "out") }
    })
}

/// `FreeSectorsOnMedia` into `*out`.
///
/// # Safety
/// `t` from `rb_tao_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_tao_free_sectors_on_media(t: *mut rb_tao, out: *mut u64) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let n = unsafe { object(t, "writer") }?.tao.free_sectors_on_media()?;
        // SAFETY: the caller's promise.
        unsafe { put(out, n, "out") }
    })
}

// ---------------------------------------------------------------------------------------
// Raw disc-at-once (IRawCDImageCreator, IRawCDImageTrackInfo, IDiscFormat2RawCD)

/// A raw image being built: IMAPI's `IRawCDImageCreator`.
pub struct rb_raw_image {
    image: rb::RawCdImage,
}

/// `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE`: P and Q only (16 bytes a sector).
pub const RB_RAW_PQ_ONLY: i32 = 1;
/// R–W only, deinterleaved (96 bytes a sector).
pub const RB_RAW_COOKED: i32 = 2;
/// Raw P–W, interleaved (96 bytes a sector): the image's default.
pub const RB_RAW_RAW: i32 = 3;

fn raw_type(t: i32) -> Result<rb::RawSubcodeType, Fail> {
    match t {
        RB_RAW_PQ_ONLY => Ok(rb::RawSubcodeType::PqOnly),
        RB_RAW_COOKED => Ok(rb::RawSubcodeType::Cooked),
        RB_RAW_RAW => Ok(rb::RawSubcodeType::Raw),
        t => Err(invalid(format!("{t} is no IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE (1, 2 or 3)"))),
    }
}

/// A new, empty image (`CoCreateInstance(MsftRawCDImageCreator)`).
///
/// # Safety
/// `out` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_new(out: *mut *mut rb_raw_image) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| unsafe { put_new(out, rb_raw_image { image: rb::RawCdImage::new() }, "out") })
}

/// Frees an image (NULL is ignored).
///
/// # Safety
/// `i` is NULL or from `rb_raw_image_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_free(i: *mut rb_raw_image) {
    if !i.is_null() {
        // SAFETY: made by Box::into_raw in rb_raw_image_new.
        drop(unsafe { Box::from_raw(i) });
    }
}

/// `AddTrack(IMAPI_CD_SECTOR_AUDIO, …)` from an audio file in any format redburn decodes;
/// the track's number into `track` (which may be NULL).
///
/// # Safety
/// `i` from `rb_raw_image_new`; `path` a NUL-terminated string; `track` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_add_track(i: *mut rb_raw_image, path: *const c_char, track: *mut u8) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, path) = unsafe { (object(i, "image")?, self::path(path, "path")?) };
        let n = i.image.add_track_file(&path)?;
        // SAFETY: the caller's promise.
        if let Some(t) = unsafe { track.as_mut() } {
            *t = n;
        }
        Ok(())
    })
}

/// `AddSpecialPregap`: audio before track 1 (hidden track-one audio), from a file.
///
/// # Safety
/// `i` from `rb_raw_image_new`; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_add_special_pregap(i: *mut rb_raw_image, path: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, path) = unsafe { (object(i, "image")?, self::path(path, "path")?) };
        Ok(i.image.add_special_pregap_file(&path)?)
    })
}

/// `AddSubcodeRWGenerator`, from a file: R–W for every sector of the image, 96 bytes each
/// (one 6-bit symbol a byte, its top two bits zero — CD+G graphics and the like). It
/// replaces the CD-TEXT the lead-in would carry. `E_INVALIDARG` for a P–Q only image or a
/// file that cannot be opened.
///
/// # Safety
/// `i` from `rb_raw_image_new`; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_add_subcode_rw_generator(i: *mut rb_raw_image, path: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, path) = unsafe { (object(i, "image")?, self::path(path, "path")?) };
        let file = std::fs::File::open(&path).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        Ok(i.image.add_subcode_rw_generator(std::io::BufReader::new(file))?)
    })
}

/// `put_ResultingImageType` (`RB_RAW_PQ_ONLY`, `RB_RAW_COOKED`, `RB_RAW_RAW`).
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_resulting_image_type(i: *mut rb_raw_image, kind: i32) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(i, "image")? }.image.set_resulting_image_type(raw_type(kind)?)?))
}

/// `put_GaplessAudio` (`DisableGaplessAudio` = !on).
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_gapless_audio(i: *mut rb_raw_image, on: bool) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(i, "image")? }.image.set_gapless_audio(on)?))
}

/// `put_MediaCatalogNumber` (13 digits).
///
/// # Safety
/// `i` from `rb_raw_image_new`; `mcn` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_media_catalog_number(i: *mut rb_raw_image, mcn: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, mcn) = unsafe { (object(i, "image")?, text(mcn, "mcn")?) };
        Ok(i.image.set_media_catalog_number(mcn)?)
    })
}

/// `put_StartingTrackNumber`.
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_starting_track_number(i: *mut rb_raw_image, n: u8) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(i, "image")? }.image.set_starting_track_number(n)?))
}

/// `put_StartOfLeadoutLimit` (an LBA; the lead-out may start there at the latest).
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_start_of_leadout_limit(i: *mut rb_raw_image, lba: i32) -> i32 {
    // SAFETY: the caller's promise.
    guard(|| Ok(unsafe { object(i, "image")? }.image.set_start_of_leadout_limit(cd::Lba(lba))?))
}

/// CD-TEXT for the image as a disc's packs (a `.cdt` file, READ TOC format 5 with or without
/// its 4-byte header): every block, as it was (redburn's addition; IMAPI has no typed API).
/// `length` 0 removes it.
///
/// # Safety
/// `i` from `rb_raw_image_new`; `packs` valid for `length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_set_cd_text_packs(i: *mut rb_raw_image, packs: *const u8, length: usize) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let i = unsafe { object(i, "image")? };
        if length == 0 {
            return Ok(i.image.set_cd_text(None)?);
        }
        if packs.is_null() {
            return Err(null("packs"));
        }
        // SAFETY: the caller's promise: `length` bytes at `packs`.
        let bytes = unsafe { std::slice::from_raw_parts(packs, length) };
        let text = cd::CdText::from_cdt_file(bytes).map_err(|e| invalid(format!("not CD-TEXT packs: {e}")))?;
        Ok(i.image.set_cd_text(Some(text))?)
    })
}

/// `get_ExpectedTableOfContents`: READ TOC's bytes (format 0) of the disc the image makes, up
/// to `capacity` into `out` (NULL when `capacity` is 0), their number into `length`.
///
/// # Safety
/// `i` from `rb_raw_image_new`; `out` valid for `capacity` bytes; `length` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_expected_toc(
    i: *mut rb_raw_image,
    out: *mut u8,
    capacity: usize,
    length: *mut usize,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, length) = unsafe { (object(i, "image")?, object(length, "length")?) };
        let toc = i.image.expected_table_of_contents()?;
        *length = toc.len();
        if capacity > 0 {
            if out.is_null() {
                return Err(null("out"));
            }
            let n = toc.len().min(capacity);
            // SAFETY: `out` holds `capacity` bytes and `n <= capacity`.
            unsafe { std::ptr::copy_nonoverlapping(toc.as_ptr(), out, n) };
        }
        Ok(())
    })
}

/// One track of an image as `IRawCDImageTrackInfo` shows it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_raw_track_info {
    /// `TrackNumber`.
    pub track_number: u8,
    /// `StartingLba`.
    pub starting_lba: i32,
    /// `SectorCount`.
    pub sector_count: u32,
    /// `DigitalAudioCopySetting` is `IMAPI_CD_TRACK_DIGITAL_COPY_PERMITTED`.
    pub copy_permitted: bool,
    /// `AudioHasPreemphasis`.
    pub audio_has_preemphasis: bool,
    /// `TrackIndexes`' count (index 1 at 0 included).
    pub index_count: u32,
}

/// `TrackInfo` of track `track` (its number).
///
/// # Safety
/// `i` from `rb_raw_image_new`; `out` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_image_track_info(i: *mut rb_raw_image, track: u8, out: *mut rb_raw_track_info) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, out) = unsafe { (object(i, "image")?, object(out, "out")?) };
        let t = i.image.track_info_mut(track)?;
        *out = rb_raw_track_info {
            track_number: t.track_number(),
            starting_lba: t.starting_lba().0,
            sector_count: t.sector_count(),
            copy_permitted: t.digital_audio_copy_setting() == rb::CopySetting::Permitted,
            audio_has_preemphasis: t.audio_has_preemphasis(),
            index_count: t.track_indexes().len() as u32,
        };
        Ok(())
    })
}

/// `put_ISRC` of track `track`.
///
/// # Safety
/// `i` from `rb_raw_image_new`; `isrc` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_track_set_isrc(i: *mut rb_raw_image, track: u8, isrc: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (i, isrc) = unsafe { (object(i, "image")?, text(isrc, "isrc")?) };
        Ok(i.image.track_info_mut(track)?.set_isrc(isrc)?)
    })
}

/// `put_DigitalAudioCopySetting` (permitted or prohibited) and `put_AudioHasPreemphasis` of
/// track `track`.
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_track_set_flags(
    i: *mut rb_raw_image,
    track: u8,
    copy_permitted: bool,
    preemphasis: bool,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let t = unsafe { object(i, "image")? }.image.track_info_mut(track)?;
        let copy = if copy_permitted { rb::CopySetting::Permitted } else { rb::CopySetting::Prohibited };
        t.set_digital_audio_copy_setting(copy);
        t.set_audio_has_preemphasis(preemphasis);
        Ok(())
    })
}

/// `AddTrackIndex(offset)` of track `track`: `S_OK`, or
/// `S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS` (0x00AA0A03) when it was there.
///
/// # Safety
/// `i` from `rb_raw_image_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_track_add_index(i: *mut rb_raw_image, track: u8, offset: u32) -> i32 {
    let mut outcome = rb::IndexOutcome::Added;
    let hr = guard(|| {
        // SAFETY: the caller's promise.
        outcome = unsafe { object(i, "image")? }.image.track_info_mut(track)?.add_track_index(offset)?;
        Ok(())
    });
    match (hr, outcome) {
        (RB_S_OK, rb::IndexOutcome::AlreadyExists) => 0x00AA_0A03,
        _ => hr,
    }
}

/// `IDiscFormat2RawCDEventArgs` with its `IWriteEngine2EventArgs` (buffers in bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_raw_update {
    /// `CurrentAction`: 1 preparing, 2 writing, 3 finishing (`IMAPI_FORMAT2_RAW_CD_WRITE_ACTION`).
    pub current_action: i32,
    /// `ElapsedTime`, seconds.
    pub elapsed_time: i32,
    /// `RemainingTime`, seconds.
    pub remaining_time: i32,
    /// `StartLba`.
    pub start_lba: i32,
    /// `SectorCount`.
    pub sector_count: i32,
    /// `LastReadLba`.
    pub last_read_lba: i32,
    /// `LastWrittenLba`.
    pub last_written_lba: i32,
    /// `TotalSystemBuffer`, bytes.
    pub total_system_buffer: i32,
    /// `UsedSystemBuffer`, bytes.
    pub used_system_buffer: i32,
    /// `FreeSystemBuffer`, bytes.
    pub free_system_buffer: i32,
}

/// The raw writer's Update handler: false cancels the write (`CancelWrite`).
pub type rb_raw_update_fn = Option<unsafe extern "C" fn(user: *mut c_void, update: *const rb_raw_update) -> bool>;

/// `IDiscFormat2RawCD`: `PrepareMedia`, `WriteMedia(CreateResultImage())`, `ReleaseMedia` of
/// `image` onto `r`'s blank disc, as `requested_type` (0: the image's own form), `on_update`
/// (may be NULL) called on this thread as it goes. The image is spent (read-only) after.
///
/// # Safety
/// `r` from `rb_recorder_open`; `i` from `rb_raw_image_new`; `on_update` and `user` valid for
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_raw_write_image(
    r: *mut rb_recorder,
    i: *mut rb_raw_image,
    requested_type: i32,
    on_update: rb_raw_update_fn,
    user: *mut c_void,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (r, i) = unsafe { (object(r, "recorder")?, object(i, "image")?) };
        let requested = if requested_type == 0 { None } else { Some(raw_type(requested_type)?) };
        let drive = r
            .drive
            .take()
            .ok_or_else(|| Fail("E_IMAPI_RECORDER_REQUIRED", 0xC0AA_0003, "the recorder's drive is lent out".into()))?;
        let stream = match i.image.create_result_image() {
            Ok(s) => s,
            Err(e) => {
                r.drive = Some(drive);
                return Err(e.into());
            }
        };
        let update = on_update.map(|f| {
            let user = user as usize;
            Box::new(move |u: &rb::RawUpdate, cancel: &CancelHandle| {
                let c = rb_raw_update {
                    current_action: u.current_action as i32,
                    elapsed_time: u.elapsed_time,
                    remaining_time: u.remaining_time,
                    start_lba: u.start_lba,
                    sector_count: u.sector_count,
                    last_read_lba: u.last_read_lba,
                    last_written_lba: u.last_written_lba,
                    total_system_buffer: u.total_system_buffer,
                    used_system_buffer: u.used_system_buffer,
                    free_system_buffer: u.free_system_buffer,
                };
                // SAFETY: the caller's promise: `f` and `user` valid for the call.
                if !unsafe { f(user as *mut c_void, &c) } {
                    let _ = cancel.cancel();
                }
            }) as rb::RawUpdateHandler
        });
        let how = rb::RawBurn { requested, ..rb::RawBurn::default() };
        let (result, drive) = rb::burn_raw_image(drive, stream, &how, update);
        // The drive goes back to the recorder whatever happened.
        r.drive = drive;
        Ok(result?)
    })
}

// ---------------------------------------------------------------------------------------
// A disc read into an image (redburn read)

/// How `rb_read_image` reads and writes.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_read_options {
    /// One file per track (WAV, or FLAC with `flac`); otherwise one file of the disc.
    pub split: bool,
    /// FLAC instead of raw audio, tagged from the disc.
    pub flac: bool,
    /// The raw P–W sub-channel too (NAME.sub).
    pub subchannel: bool,
    /// A cdrdao TOC file too (NAME.toc; a .bin image only).
    pub toc: bool,
    /// The drive's read offset correction in samples (AccurateRip's sign).
    pub read_offset: i32,
    /// Times a sector failing its check is read again.
    pub retries: u32,
}

/// The defaults, as `redburn read`'s: one .bin, no sub-channel, offset 0, 8 retries, the
/// check chosen by the drive (C2 pointers, else reading twice).
#[unsafe(no_mangle)]
pub extern "C" fn rb_read_options_default() -> rb_read_options {
    rb_read_options { split: false, flac: false, subchannel: false, toc: false, read_offset: 0, retries: 8 }
}

/// What `rb_read_image` read.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_read_result {
    /// Every sector read right: the image is the disc's.
    pub exact: bool,
    /// Sectors in the image.
    pub sectors: u64,
    /// Tracks.
    pub tracks: u32,
    /// Sectors that read right only on a later try.
    pub reread_sectors: u64,
    /// Sectors never read right.
    pub damaged_sectors: u64,
}

/// Progress of a read: sectors done of all; false stops it (nothing of the image is left).
pub type rb_read_progress_fn = Option<unsafe extern "C" fn(user: *mut c_void, done: u64, total: u64) -> bool>;

/// Reads the disc in `r` into the image `output` (NAME.cue) names, as `redburn read` does,
/// `progress` (may be NULL) called on this thread, and what was read into `result` (may be
/// NULL). Fails with `E_IMAPI_REQUEST_CANCELLED` when `progress` stops it.
///
/// # Safety
/// `r` from `rb_recorder_open`; `output` a NUL-terminated string; `options` NULL (the
/// defaults) or valid; `progress` and `user` valid for the call; `result` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_read_image(
    r: *mut rb_recorder,
    output: *const c_char,
    options: *const rb_read_options,
    progress: rb_read_progress_fn,
    user: *mut c_void,
    result: *mut rb_read_result,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (r, output) = unsafe { (object(r, "recorder")?, path(output, "output")?) };
        // SAFETY: the caller's promise.
        let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| rb_read_options_default());
        let request = rb::image::ImageRequest {
            output,
            split: o.split,
            flac: o.flac,
            subchannel: if o.subchannel { rb::image::ReadSubchannel::Yes } else { rb::image::ReadSubchannel::No },
            toc: o.toc,
            read_offset: o.read_offset,
            retries: o.retries,
            check: rb::ReadCheck::Auto,
        };
        let name = r.name.to_string_lossy().into_owned();
        let drive = r
            .drive
            .as_mut()
            .ok_or_else(|| Fail("E_IMAPI_RECORDER_REQUIRED", 0xC0AA_0003, format!("{name}: its drive is lent out")))?;
        let mut tell = |p: &rb::ReadProgress| match progress {
            // SAFETY: the caller's promise: `f` and `user` valid for the call.
            Some(f) if !unsafe { f(user, p.done, p.total) } => std::ops::ControlFlow::Break(()),
            _ => std::ops::ControlFlow::Continue(()),
        };
        let read = rb::image::read_to_image(drive, &name, &request, &mut tell)?;
        // SAFETY: the caller's promise.
        if let Some(out) = unsafe { result.as_mut() } {
            *out = rb_read_result {
                exact: read.report.exact(),
                sectors: read.report.sectors,
                tracks: read.report.tracks.len() as u32,
                reread_sectors: read.report.tracks.iter().map(|t| t.reread.len() as u64).sum(),
                damaged_sectors: read.report.tracks.iter().map(|t| t.damaged.len() as u64).sum(),
            };
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Disc-at-once from a sheet, and verify

/// How `rb_burn_sheet` writes (zeroed is not the default: use `rb_dao_options_default`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_dao_options {
    /// Sectors per second (75 = 1×), −1 for the fastest.
    pub write_speed: i32,
    /// Test write: the drive records nothing.
    pub simulate: bool,
    /// Buffer-underrun protection off.
    pub bufe_disabled: bool,
    /// Leave the disc open for another session.
    pub do_not_finalize: bool,
    /// An unknown word in a CUE sheet is a note, not an error.
    pub lenient: bool,
}

/// The defaults: fastest, real write, BUFE on, finalize, strict sheets.
#[unsafe(no_mangle)]
pub extern "C" fn rb_dao_options_default() -> rb_dao_options {
    rb_dao_options { write_speed: -1, simulate: false, bufe_disabled: false, do_not_finalize: false, lenient: false }
}

/// A disc-at-once write's progress: `written` of `total` sectors sent, and the drive's
/// buffer (`drive_buffer_size`, `drive_buffer_free`; −1 when the drive does not say); after
/// the last sector the drive writes the lead-in and lead-out and closes the session. Return
/// false to stop. Called on the thread that called `rb_burn_sheet`.
pub type rb_dao_progress_fn = Option<
    unsafe extern "C" fn(
        written: u32,
        total: u32,
        drive_buffer_size: i64,
        drive_buffer_free: i64,
        user: *mut c_void,
    ) -> bool,
>;

/// A note about the inputs (a warning in the sheet, CD-TEXT transliterated …): one line of
/// UTF-8, valid during the call. Called on the thread that called.
pub type rb_note_fn = Option<unsafe extern "C" fn(note: *const c_char, user: *mut c_void)>;

/// Burns a CUE sheet or cdrdao TOC file disc-at-once onto the blank disc in `r`, as
/// `redburn burn album.cue` does (the burn job, as `rb_job_run` with one recorder): every
/// file measured first (a sheet or file problem fails with `E_INVALIDARG` and the sheet's file
/// and line, before anything is written), CD-TEXT, ISRCs, MCN, indexes, pre-emphasis and copy
/// bits as the sheet says; written raw when the drive refuses CD-TEXT in its cue sheet (before
/// anything is written) or the sheet carries R–W sub-channel data. `options` may be NULL
/// (the defaults); `progress` and `note` may be NULL.
///
/// # Safety
/// `r` from `rb_recorder_open`; `sheet` NUL-terminated; callbacks and `user` valid until
/// this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_burn_sheet(
    r: *mut rb_recorder,
    sheet: *const c_char,
    options: *const rb_dao_options,
    progress: rb_dao_progress_fn,
    note: rb_note_fn,
    user: *mut c_void,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (r, sheet) = unsafe { (object(r, "recorder")?, path(sheet, "sheet")?) };
        // SAFETY: the caller's promise.
        let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| rb_dao_options_default());
        let request = rb::job::Request {
            write_speed: o.write_speed,
            simulate: o.simulate,
            bufe_disabled: o.bufe_disabled,
            do_not_finalize: o.do_not_finalize,
            lenient: o.lenient,
            ..rb::job::Request::sheet(sheet)
        };
        let mut on_note = |n: rb::job::Note| {
            if let Some(f) = note {
                let n = c_string(&n.to_string());
                // SAFETY: the caller's promise.
                unsafe { f(n.as_ptr(), user) };
            }
        };
        // The burn job, as `redburn burn album.cue`: planned and every file measured first,
        // CD-TEXT fitted, raw when the drive refuses CD-TEXT in its cue sheet or R–W is carried.
        let job = rb::job::Job::plan(request, &mut on_note)?;
        r.drive()?;
        let drive = r.drive.take().expect("checked above");
        let cancel = rb::job::Cancel::new();
        let user = UserData(user);
        // One recorder: the job calls back on this thread.
        let sink = |e: &rb::job::Event| {
            if let (rb::job::EventKind::Progress(p), Some(f)) = (&e.kind, progress) {
                let (size, free) = p.drive_buffer.map_or((-1, -1), |b| (i64::from(b.length), i64::from(b.free)));
                let (written, total) = (p.written as u32, p.total as u32);
                // SAFETY: the caller's promise.
                if !unsafe { f(written, total, size, free, user.get()) } {
                    cancel.cancel();
                }
            }
        };
        let name = r.name.to_string_lossy().into_owned();
        let outcome = job.run(vec![(name, drive)], &sink, &cancel).pop().expect("one outcome for one recorder");
        r.drive = outcome.recorder;
        outcome.result.map(|_| ()).map_err(|f| {
            let (name, hr) = rb::Imapi::imapi(&f.error);
            Fail(name, hr, f.to_string())
        })
    })
}

/// One track's verdict from `rb_verify_*`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_track_verdict {
    /// Track number.
    pub number: u32,
    /// Its first sector (index 1).
    pub start_lba: i32,
    /// Sectors to the next track or the lead-out.
    pub sectors: u32,
    /// CRC-32 of the disc's audio of the track.
    pub crc32: u32,
    /// AccurateRip v1 checksum.
    pub accuraterip_v1: u32,
    /// AccurateRip v2 checksum.
    pub accuraterip_v2: u32,
    /// Whether the disc holds exactly the source's audio.
    pub matches: bool,
    /// The first stereo frame that differs, from the track's start (−1 when it matches).
    pub first_difference: i64,
}

/// Called with each track's verdict as it is made, on the calling thread.
pub type rb_verdict_fn = Option<unsafe extern "C" fn(verdict: *const rb_track_verdict, user: *mut c_void)>;

fn verify(
    r: &mut rb_recorder,
    expected: rb::Expected<'static>,
    on_track: rb_verdict_fn,
    user: *mut c_void,
    differing: *mut u32,
) -> Result<(), Fail> {
    let verdicts = rb::verify_disc(r.drive()?, expected, &mut |v| {
        if let Some(f) = on_track {
            let c = rb_track_verdict {
                number: u32::from(v.number),
                start_lba: v.start.0,
                sectors: v.sectors,
                crc32: v.checksums.crc32,
                accuraterip_v1: v.checksums.accuraterip_v1,
                accuraterip_v2: v.checksums.accuraterip_v2,
                matches: v.first_difference.is_none(),
                first_difference: v.first_difference.map_or(-1, |f| f as i64),
            };
            // SAFETY: the caller's promise.
            unsafe { f(&c, user) };
        }
    })?;
    let bad = verdicts.iter().filter(|v| v.first_difference.is_some()).count() as u32;
    if !differing.is_null() {
        // SAFETY: the caller's promise.
        unsafe { differing.write(bad) };
    }
    Ok(())
}

/// Reads the disc in `r` back and compares it with the sheet it was burned from:
/// `*differing` (may be NULL) gets the number of tracks that differ — a difference is not an
/// error; the call fails only when the disc or the sheet cannot be read.
///
/// # Safety
/// `r` from `rb_recorder_open`; `sheet` NUL-terminated; `on_track`/`user` valid until this
/// returns; `differing` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_verify_sheet(
    r: *mut rb_recorder,
    sheet: *const c_char,
    on_track: rb_verdict_fn,
    user: *mut c_void,
    differing: *mut u32,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (r, sheet) = unsafe { (object(r, "recorder")?, path(sheet, "sheet")?) };
        // The disc is what it is: whatever the sheet asks beyond the Red Book.
        let how =
            rb::sheet::SheetOptions { lenient: true, short_tracks: true, four_channel: true, ..Default::default() };
        let expected = rb::sheet::expected_from_sheet(&sheet, &how, &mut |_| {})?;
        verify(r, expected, on_track, user, differing)
    })
}

/// As `rb_verify_sheet` for a track-at-once disc of `count` audio files, one a track.
///
/// # Safety
/// `paths` holds `count` NUL-terminated strings; as `rb_verify_sheet` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_verify_files(
    r: *mut rb_recorder,
    paths: *const *const c_char,
    count: usize,
    on_track: rb_verdict_fn,
    user: *mut c_void,
    differing: *mut u32,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let r = unsafe { object(r, "recorder") }?;
        if paths.is_null() && count > 0 {
            return Err(null("paths"));
        }
        let files = (0..count)
            // SAFETY: the caller's promise: `count` pointers.
            .map(|i| unsafe { path(*paths.add(i), "a path") })
            .collect::<Result<Vec<_>, _>>()?;
        verify(r, rb::sheet::expected_from_files(files, false), on_track, user, differing)
    })
}

// ---------------------------------------------------------------------------------------
// The burn job: redburn's whole policy of a burn, as `redburn burn` runs it

/// `rb_job_options.route`: redburn chooses (track-at-once for files, disc-at-once for a
/// sheet, raw where the drive needs it).
pub const RB_ROUTE_AUTO: i32 = 0;
/// Track-at-once.
pub const RB_ROUTE_TRACK_AT_ONCE: i32 = 1;
/// Disc-at-once, session-at-once.
pub const RB_ROUTE_SESSION_AT_ONCE: i32 = 2;
/// Disc-at-once written raw (RAW96R).
pub const RB_ROUTE_RAW: i32 = 3;

/// `rb_job_options.normalize`: the audio as it is.
pub const RB_NORMALIZE_OFF: i32 = 0;
/// Each track to the target loudness.
pub const RB_NORMALIZE_TRACK: i32 = 1;
/// One gain for the disc: the album to the target loudness.
pub const RB_NORMALIZE_ALBUM: i32 = 2;

/// `rb_job_event.kind`: a phase begins (`phase`).
pub const RB_EVENT_PHASE: i32 = 1;
/// Where the write is (`written`, `burned`, `total`, the buffers, `track`).
pub const RB_EVENT_PROGRESS: i32 = 2;
/// The speed the drive took (`speed`, `speed_exact`); track-at-once.
pub const RB_EVENT_SPEED: i32 = 3;
/// The route changed before anything was written (`route`, `reason`).
pub const RB_EVENT_ROUTE: i32 = 4;
/// Verifying: track `track` of `tracks` was read back and compared (`matches`).
pub const RB_EVENT_VERIFIED: i32 = 5;

/// `rb_job_event.phase`: preparing the medium (track-at-once).
pub const RB_PHASE_PREPARING: i32 = 1;
/// Writing (track-at-once: `track` of `tracks`).
pub const RB_PHASE_WRITING: i32 = 2;
/// The last sector is sent; the drive closes the session (and finalizes the disc).
pub const RB_PHASE_CLOSING: i32 = 3;
/// Reading the disc back to compare it with the sources.
pub const RB_PHASE_VERIFYING: i32 = 4;
/// Finished on this recorder.
pub const RB_PHASE_DONE: i32 = 5;

/// `reason` of a route: the options asked for it.
pub const RB_REASON_ASKED: i32 = 1;
/// Audio files, one track each.
pub const RB_REASON_FILES: i32 = 2;
/// Disc-at-once: a sheet, CD-TEXT, gapless tracks.
pub const RB_REASON_DISC_AT_ONCE: i32 = 3;
/// The drive has no session-at-once but writes raw.
pub const RB_REASON_NO_SESSION_AT_ONCE: i32 = 4;
/// R–W sub-channel data (CD+G …), which only raw keeps.
pub const RB_REASON_RW_DATA: i32 = 5;
/// The drive refused CD-TEXT in its cue sheet, before writing anything: raw instead.
pub const RB_REASON_CDTEXT_REFUSED: i32 = 6;

/// `rb_job_result.error_class`: none (the disc was written and, when asked, verified).
pub const RB_CLASS_NONE: i32 = 0;
/// An input is missing, unreadable or wrong; nothing was written.
pub const RB_CLASS_INPUT: i32 = 1;
/// The inputs make no disc on this medium; nothing was written.
pub const RB_CLASS_PLAN: i32 = 2;
/// The medium cannot be written; nothing was written.
pub const RB_CLASS_MEDIUM: i32 = 3;
/// The recorder cannot do it; nothing was written.
pub const RB_CLASS_DEVICE: i32 = 4;
/// Writing started and failed (`message` says what the disc holds now).
pub const RB_CLASS_WRITE: i32 = 5;
/// The disc read back differs from its sources.
pub const RB_CLASS_VERIFY: i32 = 6;
/// Cancelled.
pub const RB_CLASS_CANCELLED: i32 = 7;
/// Anything else.
pub const RB_CLASS_OTHER: i32 = 8;
/// A disc was read, but some sectors could not be read right: nothing was made of it.
pub const RB_CLASS_DAMAGED: i32 = 9;
/// A file written on the host (an image) could not be written; nothing partial is left.
pub const RB_CLASS_FILE: i32 = 10;

/// A planned burn (`redburn::job::Job`): every input checked before any recorder is touched.
pub struct rb_job {
    job: rb::job::Job,
    cancel: rb::job::Cancel,
    /// The last run's messages, one a recorder (`rb_job_result.message`).
    messages: std::sync::Mutex<Vec<CString>>,
}

/// What a job burns and how (zeroed is not the default: use `rb_job_options_default`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_job_options {
    /// `RB_ROUTE_*`.
    pub route: i32,
    /// Disc-at-once of files without pauses between the tracks.
    pub gapless: bool,
    /// CD-TEXT and ISRCs from the files' tags (disc-at-once).
    pub cdtext_from_tags: bool,
    /// Burn no CD-TEXT, whatever the sheet or tags hold.
    pub no_cdtext: bool,
    /// CD-TEXT that ISO-8859-1 cannot hold in this single-byte code page (e.g.
    /// "windows-1251"), outside the CD-TEXT standard; NULL: such text in Latin letters.
    pub cdtext_charset: *const c_char,
    /// Raw PCM inputs are big-endian.
    pub big_endian: bool,
    /// An unknown word in a CUE sheet is a note, not an error.
    pub lenient: bool,
    /// Trust WAV/AIFF/FLAC/CAF header lengths instead of decoding every file first.
    pub skip_decode_check: bool,
    /// A sheet's tracks under 4 seconds are burned as they are (cdrdao's --force).
    pub allow_short_tracks: bool,
    /// A sheet's four-channel flags are burned (as cdrdao burns them).
    pub allow_four_channel: bool,
    /// Sectors per second (75 = 1×), −1 for the fastest.
    pub write_speed: i32,
    /// A test write: the drive records nothing.
    pub simulate: bool,
    /// Buffer-underrun protection off.
    pub bufe_disabled: bool,
    /// Leave the disc appendable.
    pub do_not_finalize: bool,
    /// Read the disc back afterwards and compare it with the sources.
    pub verify: bool,
    /// Open the tray when done.
    pub eject: bool,
    /// `RB_NORMALIZE_*`: burn every track at one loudness (EBU R128, the true peak kept at or
    /// under −1 dBTP).
    pub normalize: i32,
    /// The loudness normalising aims at, LUFS (−18, ReplayGain 2.0's, by default).
    pub target_lufs: f64,
    /// Normalise to the loudness the files' ReplayGain/R128 tags (or the sheet's REM
    /// REPLAYGAIN_*) give, where they give one.
    pub normalize_from_tags: bool,
}

/// The defaults, as `redburn burn`'s: the route chosen, CD-TEXT transliterated where needed,
/// every file decoded first, fastest, BUFE on, finalize, no verify.
#[unsafe(no_mangle)]
pub extern "C" fn rb_job_options_default() -> rb_job_options {
    rb_job_options {
        route: RB_ROUTE_AUTO,
        gapless: false,
        cdtext_from_tags: false,
        no_cdtext: false,
        cdtext_charset: std::ptr::null(),
        big_endian: false,
        lenient: false,
        skip_decode_check: false,
        allow_short_tracks: false,
        allow_four_channel: false,
        write_speed: -1,
        simulate: false,
        bufe_disabled: false,
        do_not_finalize: false,
        verify: false,
        eject: false,
        normalize: RB_NORMALIZE_OFF,
        target_lufs: rb::normalize::DEFAULT_TARGET_LUFS,
        normalize_from_tags: false,
    }
}

fn route_code(r: rb::job::Route) -> i32 {
    match r {
        rb::job::Route::TrackAtOnce => RB_ROUTE_TRACK_AT_ONCE,
        rb::job::Route::SessionAtOnce => RB_ROUTE_SESSION_AT_ONCE,
        rb::job::Route::Raw => RB_ROUTE_RAW,
    }
}

fn reason_code(r: rb::job::RouteReason) -> i32 {
    use rb::job::RouteReason as R;
    match r {
        R::Asked => RB_REASON_ASKED,
        R::Files => RB_REASON_FILES,
        R::DiscAtOnce => RB_REASON_DISC_AT_ONCE,
        R::NoSessionAtOnce => RB_REASON_NO_SESSION_AT_ONCE,
        R::RwData => RB_REASON_RW_DATA,
        R::CdTextRefused => RB_REASON_CDTEXT_REFUSED,
    }
}

fn class_code(c: rb::job::ErrorClass) -> i32 {
    use rb::job::ErrorClass as C;
    match c {
        C::Input => RB_CLASS_INPUT,
        C::Plan => RB_CLASS_PLAN,
        C::Medium => RB_CLASS_MEDIUM,
        C::Device => RB_CLASS_DEVICE,
        C::Write => RB_CLASS_WRITE,
        C::Verify => RB_CLASS_VERIFY,
        C::Cancelled => RB_CLASS_CANCELLED,
        C::Damaged => RB_CLASS_DAMAGED,
        C::File => RB_CLASS_FILE,
        _ => RB_CLASS_OTHER,
    }
}

/// The library's request from C options.
///
/// # Safety
/// `o.cdtext_charset` NULL or NUL-terminated.
unsafe fn request_of(inputs: Vec<PathBuf>, o: &rb_job_options) -> Result<rb::job::Request, Fail> {
    use rb::job::Route;
    let route = match o.route {
        RB_ROUTE_AUTO => None,
        RB_ROUTE_TRACK_AT_ONCE => Some(Route::TrackAtOnce),
        RB_ROUTE_SESSION_AT_ONCE => Some(Route::SessionAtOnce),
        RB_ROUTE_RAW => Some(Route::Raw),
        n => return Err(invalid(format!("route {n} is none of RB_ROUTE_*"))),
    };
    let cdtext = if o.no_cdtext {
        None
    } else if o.cdtext_charset.is_null() {
        Some(cd::cdtext::TextFit::Transliterate)
    } else {
        // SAFETY: the caller's promise.
        let label = unsafe { text(o.cdtext_charset, "cdtext_charset") }?;
        Some(cd::cdtext::TextFit::code_page(label).ok_or_else(|| {
            invalid(format!("{label:?} is not a single-byte code page (e.g. windows-1251, koi8-r, iso-8859-7)"))
        })?)
    };
    let normalize = match o.normalize {
        RB_NORMALIZE_OFF => None,
        RB_NORMALIZE_TRACK => Some(rb::normalize::Normalize::Track),
        RB_NORMALIZE_ALBUM => Some(rb::normalize::Normalize::Album),
        n => return Err(invalid(format!("normalize {n} is none of RB_NORMALIZE_*"))),
    };
    rb::normalize::check_target(o.target_lufs).map_err(|e| invalid(format!("target_lufs: {e}")))?;
    Ok(rb::job::Request {
        route,
        normalize,
        target_lufs: o.target_lufs,
        normalize_from_tags: o.normalize_from_tags,
        gapless: o.gapless,
        cdtext_from_tags: o.cdtext_from_tags,
        cdtext,
        big_endian: o.big_endian,
        lenient: o.lenient,
        skip_decode_check: o.skip_decode_check,
        allow_short_tracks: o.allow_short_tracks,
        allow_four_channel: o.allow_four_channel,
        write_speed: o.write_speed,
        simulate: o.simulate,
        bufe_disabled: o.bufe_disabled,
        do_not_finalize: o.do_not_finalize,
        verify: o.verify,
        eject: o.eject,
        ..rb::job::Request::new(inputs)
    })
}

/// Plans a burn of `inputs` (`count` audio files, one track each, or one CUE sheet / cdrdao
/// TOC file) into `*out`, to free with `rb_job_free`: every file decoded to its end (a
/// missing, damaged or unsupported file, a sheet's error with its file and line, more than 99
/// tracks fail here, before any recorder is touched). `options` may be NULL (the defaults);
/// `note` (may be NULL) hears notes about the inputs, on the calling thread.
///
/// # Safety
/// `inputs` holds `count` NUL-terminated strings; `options` NULL or valid; `out` valid for a
/// write; `note`/`user` valid until this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_new(
    inputs: *const *const c_char,
    count: usize,
    options: *const rb_job_options,
    note: rb_note_fn,
    user: *mut c_void,
    out: *mut *mut rb_job,
) -> i32 {
    guard(|| {
        // Before anything is read or decoded.
        if out.is_null() {
            return Err(null("out"));
        }
        if inputs.is_null() && count > 0 {
            return Err(null("inputs"));
        }
        let files = (0..count)
            // SAFETY: the caller's promise: `count` pointers.
            .map(|i| unsafe { path(*inputs.add(i), "an input") })
            .collect::<Result<Vec<_>, _>>()?;
        // SAFETY: the caller's promise.
        let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| rb_job_options_default());
        // SAFETY: the caller's promise.
        let request = unsafe { request_of(files, &o) }?;
        let mut on_note = |n: rb::job::Note| {
            if let Some(f) = note {
                let n = c_string(&n.to_string());
                // SAFETY: the caller's promise.
                unsafe { f(n.as_ptr(), user) };
            }
        };
        let job = rb::job::Job::plan(request, &mut on_note)?;
        let job = rb_job { job, cancel: rb::job::Cancel::new(), messages: std::sync::Mutex::default() };
        // SAFETY: the caller's promise.
        unsafe { put_new(out, job, "out") }
    })
}

/// Frees a job (NULL is ignored).
///
/// # Safety
/// `j` NULL or from `rb_job_new`, not running, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_free(j: *mut rb_job) {
    if !j.is_null() {
        // SAFETY: made by Box::into_raw in rb_job_new.
        drop(unsafe { Box::from_raw(j) });
    }
}

/// The job's tracks and the sectors it needs (track-at-once with its pauses; disc-at-once
/// from track 1's pause). Either pointer may be NULL.
///
/// # Safety
/// `j` from `rb_job_new`; `tracks`, `sectors` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_size(j: *const rb_job, tracks: *mut u32, sectors: *mut u64) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let j = unsafe { j.as_ref() }.ok_or_else(|| null("job"))?;
        // SAFETY: the caller's promise.
        unsafe {
            if let Some(t) = tracks.as_mut() {
                *t = j.job.track_count() as u32;
            }
            if let Some(s) = sectors.as_mut() {
                *s = j.job.sectors();
            }
        }
        Ok(())
    })
}

/// One track's loudness and gain, when the job normalises (`rb_job_track_gain`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_track_gain {
    /// Its integrated loudness as measured, LUFS; NaN when silent or under 400 ms.
    pub measured_lufs: f64,
    /// The loudness the gain was computed from (measured, or from a tag), LUFS; NaN if none.
    pub loudness_lufs: f64,
    /// `loudness_lufs` came from a tag (or the sheet).
    pub from_tag: bool,
    /// Its true peak, dBTP (−infinity for silence).
    pub true_peak_dbtp: f64,
    /// The gain burned, dB (rounded to 0.01).
    pub gain_db: f64,
    /// The true peak held the gain under what the target asked.
    pub limited: bool,
}

/// Track `index`'s (from 0) loudness and gain into `*out`. `RB_E_INVALID_ARGUMENT` when the
/// job does not normalise or there is no such track.
///
/// # Safety
/// `j` from `rb_job_new`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_track_gain(j: *const rb_job, index: u32, out: *mut rb_track_gain) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let j = unsafe { j.as_ref() }.ok_or_else(|| null("job"))?;
        let gains = j.job.gains().ok_or_else(|| invalid("the job does not normalise"))?;
        let t = gains.tracks.get(index as usize).ok_or_else(|| invalid(format!("no track {index}")))?;
        let value = rb_track_gain {
            measured_lufs: t.measured.unwrap_or(f64::NAN),
            loudness_lufs: t.loudness.unwrap_or(f64::NAN),
            from_tag: t.from_tag,
            true_peak_dbtp: t.true_peak,
            gain_db: t.gain,
            limited: t.limited,
        };
        // SAFETY: the caller's promise.
        *unsafe { out.as_mut() }.ok_or_else(|| null("out"))? = value;
        Ok(())
    })
}

/// Cancels the job's burns, from any thread at any time: a track-at-once track ends where it
/// is and the disc is closed so that it plays; a disc-at-once write is told to stop. Each
/// recorder's result then has `RB_CLASS_CANCELLED`. A cancelled job stays cancelled: a later
/// `rb_job_run` of it stops at once (make a new job to burn again).
///
/// # Safety
/// `j` from `rb_job_new`, not freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_cancel(j: *const rb_job) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        unsafe { j.as_ref() }.ok_or_else(|| null("job"))?.cancel.cancel();
        Ok(())
    })
}

/// The plan against one recorder, from `rb_job_check`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rb_job_plan {
    /// `RB_ROUTE_*` the recorder will burn by.
    pub route: i32,
    /// `RB_REASON_*`: why.
    pub reason: i32,
    /// Sectors the burn needs.
    pub needed: u64,
    /// Sectors free on the medium.
    pub free: u64,
}

/// Checks the job against the medium and drive in `r` without writing: the route and its
/// reason into `*out`; fails as the burn would before writing (no medium, a disc that is not
/// blank or is finalized, an album that does not fit — `*out` is filled then too).
///
/// # Safety
/// `j` from `rb_job_new`; `r` from `rb_recorder_open`; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_check(j: *const rb_job, r: *mut rb_recorder, out: *mut rb_job_plan) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (j, r) = unsafe { (j.as_ref().ok_or_else(|| null("job"))?, object(r, "recorder")?) };
        let name = r.name.to_string_lossy().into_owned();
        let check = j.job.check(&name, r.drive()?)?;
        let c = rb_job_plan {
            route: route_code(check.route),
            reason: reason_code(check.reason),
            needed: check.needed,
            free: check.free,
        };
        // SAFETY: the caller's promise.
        unsafe { put(out, c, "out") }?;
        Ok(check.fits()?)
    })
}

/// One event of a running job, from one of its recorders. Only the fields of its `kind`
/// mean anything; sizes are sectors (2352 bytes) or bytes, as named.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_job_event {
    /// Which recorder: its place in the array given to `rb_job_run`.
    pub recorder: u32,
    /// Its name, valid during the call.
    pub device: *const c_char,
    /// `RB_EVENT_*`.
    pub kind: i32,
    /// `RB_PHASE_*` (kind PHASE).
    pub phase: i32,
    /// `RB_ROUTE_*` (kinds PHASE and ROUTE).
    pub route: i32,
    /// `RB_REASON_*` (kind ROUTE).
    pub reason: i32,
    /// The track being written, 0 when unknown (kinds PHASE and PROGRESS).
    pub track: u32,
    /// Tracks in all (kind PHASE).
    pub tracks: u32,
    /// Sectors sent to the drive since the burn began (kind PROGRESS).
    pub written: u64,
    /// Sectors the drive has burned: sent less what its buffer holds.
    pub burned: u64,
    /// Sectors to send in all.
    pub total: u64,
    /// The drive's buffer in bytes, −1 when it does not say.
    pub drive_buffer_size: i64,
    /// Bytes free in it, −1 when it does not say.
    pub drive_buffer_free: i64,
    /// The host buffer between the decoder and the drive, bytes; −1 when none.
    pub host_buffer_size: i64,
    /// Bytes free in it; −1 when none.
    pub host_buffer_free: i64,
    /// Sectors per second (kinds SPEED and PHASE writing track-at-once); 0 when unknown.
    pub speed: u32,
    /// Whether the drive took the speed asked for (kind SPEED).
    pub speed_exact: bool,
    /// Closing: whether the disc is finalized (kind PHASE).
    pub finalizing: bool,
    /// Verified: whether the track matches its source (kind VERIFIED).
    pub matches: bool,
}

/// Hears a job's events. With several recorders it is called from each recorder's thread,
/// possibly at once: it must be thread-safe. It must not call into the job.
pub type rb_job_event_fn = Option<unsafe extern "C" fn(event: *const rb_job_event, user: *mut c_void)>;

/// One recorder's result from `rb_job_run`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_job_result {
    /// `RB_S_OK` when the disc was written (and verified, when asked); else the failure's
    /// IMAPI HRESULT.
    pub hresult: i32,
    /// `RB_CLASS_*`.
    pub error_class: i32,
    /// `RB_ROUTE_*` taken (0 when it failed before choosing).
    pub route: i32,
    /// `RB_REASON_*` of the route (0 when none).
    pub reason: i32,
    /// Tracks written.
    pub tracks: u32,
    /// Sectors of the plan.
    pub sectors: u64,
    /// Seconds it took.
    pub seconds: f64,
    /// Whether the disc was read back and compared.
    pub verified: bool,
    /// Tracks that differ from their sources (when verified).
    pub differing_tracks: u32,
    /// What happened, for people: "" when all went well, else the error and what the disc
    /// holds now. Owned by the job; valid until it runs again or is freed.
    pub message: *const c_char,
}

/// The C caller's pointer, handed to the callback from the job's threads.
#[derive(Clone, Copy)]
struct UserData(*mut c_void);
impl UserData {
    /// The pointer (a method, so that closures take the whole `UserData`, which is Sync).
    fn get(self) -> *mut c_void {
        self.0
    }
}

// SAFETY: redburn never dereferences it; the header tells the caller that the callback is
// called from the job's threads, so what it points to must be safe to use from them.
unsafe impl Send for UserData {}
// SAFETY: as for Send.
unsafe impl Sync for UserData {}

fn c_event(e: &rb::job::Event, device: &CString) -> rb_job_event {
    use rb::job::{EventKind, Phase};
    let mut c = rb_job_event {
        recorder: e.recorder as u32,
        device: device.as_ptr(),
        kind: 0,
        phase: 0,
        route: 0,
        reason: 0,
        track: 0,
        tracks: 0,
        written: 0,
        burned: 0,
        total: 0,
        drive_buffer_size: -1,
        drive_buffer_free: -1,
        host_buffer_size: -1,
        host_buffer_free: -1,
        speed: 0,
        speed_exact: false,
        finalizing: false,
        matches: false,
    };
    match &e.kind {
        EventKind::Phase(p) => {
            c.kind = RB_EVENT_PHASE;
            c.phase = match *p {
                Phase::Preparing => RB_PHASE_PREPARING,
                Phase::Writing { route, track, tracks, speed } => {
                    (c.route, c.track, c.tracks) =
                        (route_code(route), u32::from(track.unwrap_or(0)), u32::from(tracks));
                    c.speed = speed.unwrap_or(0);
                    RB_PHASE_WRITING
                }
                Phase::Closing { route, finalizing } => {
                    (c.route, c.finalizing) = (route_code(route), finalizing);
                    RB_PHASE_CLOSING
                }
                Phase::Verifying => RB_PHASE_VERIFYING,
                _ => RB_PHASE_DONE,
            };
        }
        EventKind::Progress(p) => {
            c.kind = RB_EVENT_PROGRESS;
            (c.track, c.written, c.burned, c.total) = (u32::from(p.track.unwrap_or(0)), p.written, p.burned, p.total);
            if let Some(b) = p.drive_buffer {
                (c.drive_buffer_size, c.drive_buffer_free) = (i64::from(b.length), i64::from(b.free));
            }
            if let Some(b) = p.host_buffer {
                (c.host_buffer_size, c.host_buffer_free) = (i64::from(b.length), i64::from(b.free));
            }
        }
        EventKind::Speed { sectors_per_second, exact } => {
            (c.kind, c.speed, c.speed_exact) = (RB_EVENT_SPEED, *sectors_per_second, *exact);
        }
        EventKind::Route { route, reason } => {
            (c.kind, c.route, c.reason) = (RB_EVENT_ROUTE, route_code(*route), reason_code(*reason));
        }
        EventKind::Verified { track, tracks, matches } => {
            (c.kind, c.track, c.tracks, c.matches) =
                (RB_EVENT_VERIFIED, u32::from(*track), u32::from(*tracks), *matches);
        }
        _ => {}
    }
    c
}

/// One recorder's result (its `message` pointer left NULL) and the words for it.
fn job_result(device: &str, result: &Result<rb::job::Burned, rb::job::Failed>) -> (rb_job_result, String) {
    let mut c = rb_job_result {
        hresult: RB_S_OK,
        error_class: RB_CLASS_NONE,
        route: 0,
        reason: 0,
        tracks: 0,
        sectors: 0,
        seconds: 0.0,
        verified: false,
        differing_tracks: 0,
        message: std::ptr::null(),
    };
    let burned = match result {
        Ok(b) => Some(b),
        Err(f) => f.burned.as_deref(),
    };
    if let Some(b) = burned {
        (c.route, c.reason, c.tracks, c.sectors, c.seconds) =
            (route_code(b.route), reason_code(b.reason), b.tracks as u32, b.sectors, b.seconds);
        if let Some(v) = &b.verdicts {
            c.verified = true;
            c.differing_tracks = v.iter().filter(|v| v.first_difference.is_some()).count() as u32;
        }
    }
    let message = match result {
        Ok(_) => String::new(),
        Err(f) => {
            c.hresult = rb::Imapi::imapi(&f.error).1 as i32;
            c.error_class = class_code(f.error.class());
            if let Some(route) = f.route.filter(|_| c.route == 0) {
                c.route = route_code(route);
            }
            format!("{device}: {f}")
        }
    };
    (c, message)
}

/// Burns the job onto `count` recorders at once (the audio decoded once), each checked
/// first; one that fails — at its check or midway — is left out and the others go on.
/// `results` (may be NULL) gets one `rb_job_result` a recorder. Returns `RB_S_OK` when every
/// recorder wrote its disc, else the first failure's HRESULT (its message as the thread's
/// last error). The recorders' drives are lent to the job for the call and are theirs again
/// afterwards. `on_event` may be NULL; it is called on this thread with one recorder, from
/// each recorder's thread with several.
///
/// # Safety
/// `j` from `rb_job_new`; `recorders` holds `count` pointers from `rb_recorder_open`, each
/// distinct and used by no other thread during the call; `results` NULL or valid for `count`
/// writes; `on_event`/`user` valid until this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_job_run(
    j: *const rb_job,
    recorders: *const *mut rb_recorder,
    count: usize,
    on_event: rb_job_event_fn,
    user: *mut c_void,
    results: *mut rb_job_result,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let j = unsafe { j.as_ref() }.ok_or_else(|| null("job"))?;
        if recorders.is_null() && count > 0 {
            return Err(null("recorders"));
        }
        let mut handles = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: the caller's promise: `count` distinct live recorders.
            handles.push(unsafe { object(*recorders.add(i), "a recorder") }?);
        }
        if let Some(lent) = handles.iter().find(|r| r.drive.is_none()) {
            return Err(Fail(
                "E_IMAPI_RECORDER_REQUIRED",
                RB_E_IMAPI_RECORDER_REQUIRED as u32,
                format!("{}: its drive is with a writer", lent.name.to_string_lossy()),
            ));
        }
        let names: Vec<CString> = handles.iter().map(|r| r.name.clone()).collect();
        let drives: Vec<_> = handles
            .iter_mut()
            .map(|r| (r.name.to_string_lossy().into_owned(), r.drive.take().expect("checked above")))
            .collect();
        let user = UserData(user);
        let sink = move |e: &rb::job::Event| {
            if let Some(f) = on_event {
                let c = c_event(e, &names[e.recorder]);
                // SAFETY: the caller's promise (a thread-safe callback).
                unsafe { f(&c, user.get()) };
            }
        };
        let outcomes = j.job.run(drives, &sink, &j.cancel);
        let mut messages = j.messages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        messages.clear();
        let mut first: Option<Fail> = None;
        for (i, (o, r)) in outcomes.into_iter().zip(handles).enumerate() {
            r.drive = o.recorder;
            let (mut c, message) = job_result(&o.device, &o.result);
            if let Err(f) = &o.result {
                let (name, hr) = rb::Imapi::imapi(&f.error);
                first.get_or_insert(Fail(name, hr, message.clone()));
            }
            messages.push(c_string(&message));
            c.message = messages[i].as_ptr();
            if !results.is_null() {
                // SAFETY: the caller's promise: room for `count` results.
                unsafe { results.add(i).write(c) };
            }
        }
        first.map_or(Ok(()), Err)
    })
}

// ---------------------------------------------------------------------------------------
// A disc copied disc to disc (redburn copy)

/// How `rb_copy_disc` reads and waits (zeroed is not the default: use
/// `rb_copy_options_default`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rb_copy_options {
    /// Copies to write on each target (at least 1).
    pub copies: u32,
    /// The source drive's read offset correction in samples (AccurateRip's sign).
    pub read_offset: i32,
    /// Times a sector failing its check is read again.
    pub retries: u32,
    /// Where the temporary image goes; NULL: the system's temporary directory.
    pub temp: *const c_char,
    /// Seconds to wait for a blank disc when one must be put in.
    pub wait_seconds: u32,
}

/// The defaults, as `redburn copy`'s: one copy, offset 0, 8 retries, the system's temporary
/// directory, ten minutes' wait for a blank disc.
#[unsafe(no_mangle)]
pub extern "C" fn rb_copy_options_default() -> rb_copy_options {
    rb_copy_options { copies: 1, read_offset: 0, retries: 8, temp: std::ptr::null(), wait_seconds: 600 }
}

/// A blank disc must be put into `device` (its disc was ejected); false cancels the copy.
pub type rb_copy_insert_fn = Option<unsafe extern "C" fn(user: *mut c_void, device: *const c_char) -> bool>;

thread_local! {
    /// The last `rb_copy_disc`'s result messages on this thread.
    static COPY_MESSAGES: RefCell<Vec<CString>> = const { RefCell::new(Vec::new()) };
}

/// Copies the audio CD in the drive named `from` onto the `to_count` recorders named in `to`
/// at once (none, or `from` itself: the disc is ejected and a blank one waited for),
/// `copy->copies` times, as `redburn copy` does: the disc read once into a temporary image
/// (removed afterwards, whatever happens), nothing burned when a sector cannot be read right
/// (`RB_E_FAIL`, the count in the message), each copy burned as `burn` says (its inputs are
/// the image). `on_read` hears the read (false cancels), `on_insert` each wait for a blank
/// disc (false cancels), `on_event` the burns' events (as `rb_job_run`'s, from the recorders'
/// threads). `results` (may be NULL) gets `results_count` results at most, copy by copy and
/// target by target; `*written` (may be NULL) how many. Returns `RB_S_OK` when every copy was
/// written on every target, else the first failure's HRESULT. A result's `message` stays
/// valid until this thread calls `rb_copy_disc` again. The drives are opened by name: none
/// may be open in an `rb_recorder` meanwhile.
///
/// # Safety
/// `from` a NUL-terminated string; `to` holds `to_count` of them (NULL when 0); `copy` and
/// `burn` NULL (the defaults) or valid; callbacks and `user` valid until this returns;
/// `results` NULL or valid for `results_count` writes; `written` NULL or valid.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rb_copy_disc(
    from: *const c_char,
    to: *const *const c_char,
    to_count: usize,
    copy: *const rb_copy_options,
    burn: *const rb_job_options,
    on_read: rb_read_progress_fn,
    on_insert: rb_copy_insert_fn,
    on_event: rb_job_event_fn,
    user: *mut c_void,
    results: *mut rb_job_result,
    results_count: usize,
    written: *mut usize,
) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let from = unsafe { text(from, "from") }?.to_owned();
        if to.is_null() && to_count > 0 {
            return Err(null("to"));
        }
        let mut targets = Vec::with_capacity(to_count);
        for i in 0..to_count {
            // SAFETY: the caller's promise: `to_count` strings.
            targets.push(unsafe { text(*to.add(i), "a target") }?.to_owned());
        }
        // SAFETY: the caller's promise.
        let c = unsafe { copy.as_ref() }.copied().unwrap_or_else(|| rb_copy_options_default());
        // SAFETY: the caller's promise.
        let b = unsafe { burn.as_ref() }.copied().unwrap_or_else(|| rb_job_options_default());
        let temp = if c.temp.is_null() {
            None
        } else {
            // SAFETY: the caller's promise.
            Some(unsafe { path(c.temp, "temp") }?)
        };
        let request = rb::copy::CopyRequest {
            copies: c.copies,
            read_offset: c.read_offset,
            retries: c.retries,
            temp,
            wait: std::time::Duration::from_secs(u64::from(c.wait_seconds)),
            // SAFETY: the caller's promise (its string fields).
            burn: unsafe { request_of(Vec::new(), &b) }?,
            ..rb::copy::CopyRequest::new(&from, targets)
        };
        let cancel = rb::job::Cancel::new();
        let user = UserData(user);
        let events = |e: rb::copy::CopyEvent<'_>| match e {
            rb::copy::CopyEvent::Reading(p) => {
                if let Some(f) = on_read {
                    // SAFETY: the caller's promise: `f` and `user` valid for the call.
                    let go_on = unsafe { f(user.get(), p.done, p.total) };
                    if !go_on {
                        cancel.cancel();
                    }
                }
            }
            rb::copy::CopyEvent::InsertBlank { device } => {
                let name = c_string(device);
                if let Some(f) = on_insert {
                    // SAFETY: the caller's promise: `f` and `user` valid for the call.
                    let go_on = unsafe { f(user.get(), name.as_ptr()) };
                    if !go_on {
                        cancel.cancel();
                    }
                }
            }
            rb::copy::CopyEvent::Burn(e) => {
                if let Some(f) = on_event {
                    let c = c_event(e, &c_string(&e.device));
                    // SAFETY: the caller's promise (a thread-safe callback).
                    unsafe { f(&c, user.get()) };
                }
            }
            _ => {}
        };
        let copies = rb::copy::copy_disc(request, &mut |_| {}, &events, &cancel).map_err(|e| {
            let (name, hr) = rb::Imapi::imapi(&e);
            Fail(name, hr, e.to_string())
        })?;
        let mut first: Option<Fail> = None;
        let mut n = 0;
        COPY_MESSAGES.with(|m| {
            let mut messages = m.borrow_mut();
            messages.clear();
            for o in copies.iter().flatten() {
                let (mut c, message) = job_result(&o.device, &o.result);
                if let Err(f) = &o.result {
                    let (name, hr) = rb::Imapi::imapi(&f.error);
                    first.get_or_insert(Fail(name, hr, message.clone()));
                }
                messages.push(c_string(&message));
                c.message = messages[messages.len() - 1].as_ptr();
                if !results.is_null() && n < results_count {
                    // SAFETY: the caller's promise: room for `results_count` results.
                    unsafe { results.add(n).write(c) };
                    n += 1;
                }
            }
        });
        // SAFETY: the caller's promise.
        if let Some(w) = unsafe { written.as_mut() } {
            *w = n;
        }
        first.map_or(Ok(()), Err)
    })
}

/// Puts a new blank medium (`"cdr74"`, `"cdr80"`, `"cdrw80"`) into the emulated recorder
/// `emu:NAME` (`name` without `emu:`), its old disc discarded — what a person does at a real
/// drive when `rb_copy_disc` waits for a blank disc, for programs and their tests.
/// `E_INVALIDARG` for an unknown medium or name; `E_IMAPI_RECORDER_LOCKED` while the drive is
/// open.
///
/// # Safety
/// `name` and `media` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rb_emulated_insert(name: *const c_char, media: *const c_char) -> i32 {
    guard(|| {
        // SAFETY: the caller's promise.
        let (name, media) = unsafe { (text(name, "name")?, text(media, "media")?) };
        device::named::insert_emulated(name, media).map_err(|e| {
            let (n, hr) = e.imapi();
            Fail(n, hr, e.to_string())
        })
    })
}
