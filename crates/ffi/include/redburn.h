/*
 * redburn.h: burn audio CDs on Linux through redburn (https://example.invalid/redburn), with
 * the shape of Microsoft's IMAPI2: recorders (IDiscRecorder2), track-at-once
 * (IDiscFormat2TrackAtOnce) with its Update event and cancel, disc-at-once from a CUE sheet or
 * a cdrdao TOC file, verification, and the burn job (rb_job_*: redburn's whole burn — every
 * input checked first, the route chosen, several recorders at once, verify — as `redburn burn`).
 *
 * Generated from crates/ffi/src/lib.rs by cbindgen; do not edit.
 *
 * Conventions:
 *  - Functions return an HRESULT (int32_t): RB_S_OK (0) on success, a negative IMAPI or
 *    COM code on failure; rb_last_error_message() and rb_last_error_name() then say what
 *    failed, on the thread that called.
 *  - Objects (rb_recorder, rb_tao, rb_cancel, rb_device_list, rb_job) are made by their *_open /
 *    *_new functions and freed by their *_free functions; strings returned as
 *    `const char *` belong to the object (or the thread, for errors) and stay valid as said.
 *  - An object may be used from any thread, but from one thread at a time, except where a
 *    function says otherwise (rb_cancel_request and rb_job_cancel may be called from any thread, any time).
 *  - No Rust panic crosses into C: one becomes RB_E_UNEXPECTED (E_UNEXPECTED).
 */

#ifndef REDBURN_H
#define REDBURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// `S_OK`.
#define RB_S_OK 0

// `E_POINTER`: a pointer that must not be NULL was.
#define RB_E_POINTER (int32_t)2147500035u

// `E_INVALIDARG`: an argument out of range or a string that is not UTF-8.
#define RB_E_INVALIDARG (int32_t)2147942487u

// `E_UNEXPECTED`: redburn failed inside (a bug); the message says where.
#define RB_E_UNEXPECTED (int32_t)2147549183u

// `E_IMAPI_REQUEST_CANCELLED`.
#define RB_E_IMAPI_REQUEST_CANCELLED (int32_t)3232366594u

// `E_IMAPI_RECORDER_REQUIRED`: the recorder handle is empty (its drive was given to a
// writer with `rb_tao_set_recorder`).
#define RB_E_IMAPI_RECORDER_REQUIRED (int32_t)3232366595u

// `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS`: `rb_cancel_request` with nothing being written.
#define RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS (int32_t)3232367873u

// `rb_recorder_identity`: the name it was opened by (`emu:default`, `/dev/sr0`).
#define RB_IDENTITY_NAME 0

// `VendorId`.
#define RB_IDENTITY_VENDOR_ID 1

// `ProductId`.
#define RB_IDENTITY_PRODUCT_ID 2

// `ProductRevision`.
#define RB_IDENTITY_PRODUCT_REVISION 3

// `ActiveDiscRecorder`: the unique id.
#define RB_IDENTITY_UNIQUE_ID 4

// `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE`: P and Q only (16 bytes a sector).
#define RB_RAW_PQ_ONLY 1

// R–W only, deinterleaved (96 bytes a sector).
#define RB_RAW_COOKED 2

// Raw P–W, interleaved (96 bytes a sector): the image's default.
#define RB_RAW_RAW 3

// `rb_job_options.route`: redburn chooses (track-at-once for files, disc-at-once for a
// sheet, raw where the drive needs it).
#define RB_ROUTE_AUTO 0

// Track-at-once.
#define RB_ROUTE_TRACK_AT_ONCE 1

// Disc-at-once, session-at-once.
#define RB_ROUTE_SESSION_AT_ONCE 2

// Disc-at-once written raw (RAW96R).
#define RB_ROUTE_RAW 3

// `rb_job_options.normalize`: the audio as it is.
#define RB_NORMALIZE_OFF 0

// Each track to the target loudness.
#define RB_NORMALIZE_TRACK 1

// One gain for the disc: the album to the target loudness.
#define RB_NORMALIZE_ALBUM 2

// `rb_job_event.kind`: a phase begins (`phase`).
#define RB_EVENT_PHASE 1

// Where the write is (`written`, `burned`, `total`, the buffers, `track`).
#define RB_EVENT_PROGRESS 2

// The speed the drive took (`speed`, `speed_exact`); track-at-once.
#define RB_EVENT_SPEED 3

// The route changed before anything was written (`route`, `reason`).
#define RB_EVENT_ROUTE 4

// Verifying: track `track` of `tracks` was read back and compared (`matches`).
#define RB_EVENT_VERIFIED 5

// `rb_job_event.phase`: preparing the medium (track-at-once).
#define RB_PHASE_PREPARING 1

// Writing (track-at-once: `track` of `tracks`).
#define RB_PHASE_WRITING 2

// The last sector is sent; the drive closes the session (and finalizes the disc).
#define RB_PHASE_CLOSING 3

// Reading the disc back to compare it with the sources.
#define RB_PHASE_VERIFYING 4

// Finished on this recorder.
#define RB_PHASE_DONE 5

// `reason` of a route: the options asked for it.
#define RB_REASON_ASKED 1

// Audio files, one track each.
#define RB_REASON_FILES 2

// Disc-at-once: a sheet, CD-TEXT, gapless tracks.
#define RB_REASON_DISC_AT_ONCE 3

// The drive has no session-at-once but writes raw.
#define RB_REASON_NO_SESSION_AT_ONCE 4

// R–W sub-channel data (CD+G …), which only raw keeps.
#define RB_REASON_RW_DATA 5

// The drive refused CD-TEXT in its cue sheet, before writing anything: raw instead.
#define RB_REASON_CDTEXT_REFUSED 6

// `rb_job_result.error_class`: none (the disc was written and, when asked, verified).
#define RB_CLASS_NONE 0

// An input is missing, unreadable or wrong; nothing was written.
#define RB_CLASS_INPUT 1

// The inputs make no disc on this medium; nothing was written.
#define RB_CLASS_PLAN 2

// The medium cannot be written; nothing was written.
#define RB_CLASS_MEDIUM 3

// The recorder cannot do it; nothing was written.
#define RB_CLASS_DEVICE 4

// Writing started and failed (`message` says what the disc holds now).
#define RB_CLASS_WRITE 5

// The disc read back differs from its sources.
#define RB_CLASS_VERIFY 6

// Cancelled.
#define RB_CLASS_CANCELLED 7

// Anything else.
#define RB_CLASS_OTHER 8

// A disc was read, but some sectors could not be read right: nothing was made of it.
#define RB_CLASS_DAMAGED 9

// A file written on the host (an image) could not be written; nothing partial is left.
#define RB_CLASS_FILE 10

// A handle that stops a write from any thread (`CancelAddTrack`).
typedef struct rb_cancel rb_cancel;

// The recorders' names: the machine's (`/dev/sr0` …) and the emulated ones (`emu:NAME`).
typedef struct rb_device_list rb_device_list;

// A planned burn (`redburn::job::Job`): every input checked before any recorder is touched.
typedef struct rb_job rb_job;

// A raw image being built: IMAPI's `IRawCDImageCreator`.
typedef struct rb_raw_image rb_raw_image;

// An open recorder (IMAPI's `IDiscRecorder2`).
typedef struct rb_recorder rb_recorder;

// An `IDiscFormat2TrackAtOnce` writer.
typedef struct rb_tao rb_tao;

// The medium in a recorder.
typedef struct rb_media_info {
  // `IMAPI_MEDIA_PHYSICAL_TYPE`: 0 none or unknown, 1 CD-ROM, 2 CD-R, 3 CD-RW …
  int32_t media_type;
  // Disc status (READ DISC INFORMATION): 0 blank, 1 appendable, 2 finalized, 3 other.
  int32_t status;
  // Sessions, an open or empty last one included.
  uint32_t sessions;
  // Tracks recorded.
  uint32_t tracks;
  // Sectors used.
  uint64_t used_sectors;
  // Sectors free.
  uint64_t free_sectors;
  // Used plus free.
  uint64_t total_sectors;
} rb_media_info;

// One of `SupportedWriteSpeedDescriptors` (`IWriteSpeedDescriptor`).
typedef struct rb_write_speed_descriptor {
  // `MediaType` (`IMAPI_MEDIA_PHYSICAL_TYPE`: 2 CD-R, 3 CD-RW …).
  int32_t media_type;
  // `RotationTypeIsPureCAV`.
  bool rotation_type_is_pure_cav;
  // `WriteSpeed`, sectors per second (75 = 1×).
  uint32_t write_speed;
} rb_write_speed_descriptor;

// IMAPI v1's `IDiscMasterProgressEvents`, each member optional (NULL: not told), `user`
// passed back to each.
typedef struct rb_disc_master_progress {
  // Passed back untouched.
  void *user;
  // `QueryCancel`: true stops the burn.
  bool (*query_cancel)(void *user);
  // `NotifyPreparingBurn(estimated seconds)`.
  void (*notify_preparing_burn)(void *user, int32_t estimated_seconds);
  // `NotifyTrackProgress(completed, total)`: 0 of N as track 1 begins, N of N at the end.
  void (*notify_track_progress)(void *user, int32_t completed, int32_t total);
  // `NotifyBlockProgress(completed, total)` for the whole disc.
  void (*notify_block_progress)(void *user, int32_t completed, int32_t total);
  // `NotifyClosingDisc(estimated seconds)`.
  void (*notify_closing_disc)(void *user, int32_t estimated_seconds);
  // `NotifyBurnComplete(status)`: 0, or IMAPI v1's HRESULT (`IMAPI_E_USERABORT` …).
  void (*notify_burn_complete)(void *user, uint32_t status);
  // `NotifyPnPActivity`: the recorder stopped answering.
  void (*notify_pnp_activity)(void *user);
  // `NotifyAddProgress(completed, total)` while the album is staged.
  void (*notify_add_progress)(void *user, int32_t completed, int32_t total);
} rb_disc_master_progress;

// IMAPI's `IDiscFormat2TrackAtOnceEventArgs` with its `IWriteEngine2EventArgs`, and the
// writer's properties as the event's sender shows them.
typedef struct rb_tao_update {
  // `CurrentTrackNumber`.
  int32_t current_track_number;
  // `CurrentAction`: 0 unknown, 1 preparing, 2 writing, 3 finishing, 4 verifying.
  int32_t current_action;
  // `ElapsedTime`, seconds.
  int32_t elapsed_time;
  // `RemainingTime`, seconds.
  int32_t remaining_time;
  // `StartLba`.
  int32_t start_lba;
  // `SectorCount`.
  int32_t sector_count;
  // `LastReadLba`.
  int32_t last_read_lba;
  // `LastWrittenLba`.
  int32_t last_written_lba;
  // `TotalSystemBuffer`, bytes.
  int32_t total_system_buffer;
  // `UsedSystemBuffer`.
  int32_t used_system_buffer;
  // `FreeSystemBuffer`.
  int32_t free_system_buffer;
  // The drive's buffer in bytes, −1 when the drive does not say.
  int64_t drive_buffer_size;
  // Bytes free in it, −1 when the drive does not say.
  int64_t drive_buffer_free;
  // `FreeSectorsOnMedia` when the track began.
  uint64_t free_sectors_on_media;
  // `UsedSectorsOnMedia` when the track began.
  uint64_t used_sectors_on_media;
  // `TotalSectorsOnMedia`.
  uint64_t total_sectors_on_media;
  // `NumberOfExistingTracks`.
  uint32_t number_of_existing_tracks;
  // `CurrentWriteSpeed`, sectors per second.
  uint32_t current_write_speed;
  // `BufferUnderrunFreeDisabled`.
  bool buffer_underrun_free_disabled;
  // `DoNotFinalizeMedia`.
  bool do_not_finalize_media;
} rb_tao_update;

// The Update event: called on the thread that called `rb_tao_add_*` (IMAPI sends none from
// `ReleaseMedia`: closing the session is the last track's `finishing` action), about once a
// second and at each change of action. Return false to
// cancel the write (`CancelAddTrack`); the call then fails with
// `RB_E_IMAPI_REQUEST_CANCELLED`. `update` is valid during the call only.
typedef bool (*rb_tao_update_fn)(const struct rb_tao_update *update, void *user);

// A source of PCM for `rb_tao_add_audio_callback`: fills `buffer` with up to `length` bytes
// of 44.1 kHz 16-bit stereo little-endian PCM and returns how many (0 at the end, negative
// on an error, which fails the track). Called on a thread of redburn's own (the host
// buffer's reader), one call at a time, while `rb_tao_add_audio_callback` runs.
typedef ptrdiff_t (*rb_read_fn)(void *user, uint8_t *buffer, size_t length);

// One track of an image as `IRawCDImageTrackInfo` shows it.
typedef struct rb_raw_track_info {
  // `TrackNumber`.
  uint8_t track_number;
  // `StartingLba`.
  int32_t starting_lba;
  // `SectorCount`.
  uint32_t sector_count;
  // `DigitalAudioCopySetting` is `IMAPI_CD_TRACK_DIGITAL_COPY_PERMITTED`.
  bool copy_permitted;
  // `AudioHasPreemphasis`.
  bool audio_has_preemphasis;
  // `TrackIndexes`' count (index 1 at 0 included).
  uint32_t index_count;
} rb_raw_track_info;

// `IDiscFormat2RawCDEventArgs` with its `IWriteEngine2EventArgs` (buffers in bytes).
typedef struct rb_raw_update {
  // `CurrentAction`: 1 preparing, 2 writing, 3 finishing (`IMAPI_FORMAT2_RAW_CD_WRITE_ACTION`).
  int32_t current_action;
  // `ElapsedTime`, seconds.
  int32_t elapsed_time;
  // `RemainingTime`, seconds.
  int32_t remaining_time;
  // `StartLba`.
  int32_t start_lba;
  // `SectorCount`.
  int32_t sector_count;
  // `LastReadLba`.
  int32_t last_read_lba;
  // `LastWrittenLba`.
  int32_t last_written_lba;
  // `TotalSystemBuffer`, bytes.
  int32_t total_system_buffer;
  // `UsedSystemBuffer`, bytes.
  int32_t used_system_buffer;
  // `FreeSystemBuffer`, bytes.
  int32_t free_system_buffer;
} rb_raw_update;

// The raw writer's Update handler: false cancels the write (`CancelWrite`).
typedef bool (*rb_raw_update_fn)(void *user, const struct rb_raw_update *update);

// How `rb_read_image` reads and writes.
typedef struct rb_read_options {
  // One file per track (WAV, or FLAC with `flac`); otherwise one file of the disc.
  bool split;
  // FLAC instead of raw audio, tagged from the disc.
  bool flac;
  // The raw P–W sub-channel too (NAME.sub).
  bool subchannel;
  // A cdrdao TOC file too (NAME.toc; a .bin image only).
  bool toc;
  // The drive's read offset correction in samples (AccurateRip's sign).
  int32_t read_offset;
  // Times a sector failing its check is read again.
  uint32_t retries;
} rb_read_options;

// Progress of a read: sectors done of all; false stops it (nothing of the image is left).
typedef bool (*rb_read_progress_fn)(void *user, uint64_t done, uint64_t total);

// What `rb_read_image` read.
typedef struct rb_read_result {
  // Every sector read right: the image is the disc's.
  bool exact;
  // Sectors in the image.
  uint64_t sectors;
  // Tracks.
  uint32_t tracks;
  // Sectors that read right only on a later try.
  uint64_t reread_sectors;
  // Sectors never read right.
  uint64_t damaged_sectors;
} rb_read_result;

// How `rb_burn_sheet` writes (zeroed is not the default: use `rb_dao_options_default`).
typedef struct rb_dao_options {
  // Sectors per second (75 = 1×), −1 for the fastest.
  int32_t write_speed;
  // Test write: the drive records nothing.
  bool simulate;
  // Buffer-underrun protection off.
  bool bufe_disabled;
  // Leave the disc open for another session.
  bool do_not_finalize;
  // An unknown word in a CUE sheet is a note, not an error.
  bool lenient;
} rb_dao_options;

// A disc-at-once write's progress: `written` of `total` sectors sent, and the drive's
// buffer (`drive_buffer_size`, `drive_buffer_free`; −1 when the drive does not say); after
// the last sector the drive writes the lead-in and lead-out and closes the session. Return
// false to stop. Called on the thread that called `rb_burn_sheet`.
typedef bool (*rb_dao_progress_fn)(uint32_t written,
                                   uint32_t total,
                                   int64_t drive_buffer_size,
                                   int64_t drive_buffer_free,
                                   void *user);

// A note about the inputs (a warning in the sheet, CD-TEXT transliterated …): one line of
// UTF-8, valid during the call. Called on the thread that called.
typedef void (*rb_note_fn)(const char *note, void *user);

// One track's verdict from `rb_verify_*`.
typedef struct rb_track_verdict {
  // Track number.
  uint32_t number;
  // Its first sector (index 1).
  int32_t start_lba;
  // Sectors to the next track or the lead-out.
  uint32_t sectors;
  // CRC-32 of the disc's audio of the track.
  uint32_t crc32;
  // AccurateRip v1 checksum.
  uint32_t accuraterip_v1;
  // AccurateRip v2 checksum.
  uint32_t accuraterip_v2;
  // Whether the disc holds exactly the source's audio.
  bool matches;
  // The first stereo frame that differs, from the track's start (−1 when it matches).
  int64_t first_difference;
} rb_track_verdict;

// Called with each track's verdict as it is made, on the calling thread.
typedef void (*rb_verdict_fn)(const struct rb_track_verdict *verdict, void *user);

// What a job burns and how (zeroed is not the default: use `rb_job_options_default`).
typedef struct rb_job_options {
  // `RB_ROUTE_*`.
  int32_t route;
  // Disc-at-once of files without pauses between the tracks.
  bool gapless;
  // CD-TEXT and ISRCs from the files' tags (disc-at-once).
  bool cdtext_from_tags;
  // Burn no CD-TEXT, whatever the sheet or tags hold.
  bool no_cdtext;
  // CD-TEXT that ISO-8859-1 cannot hold in this single-byte code page (e.g.
  // "windows-1251"), outside the CD-TEXT standard; NULL: such text in Latin letters.
  const char *cdtext_charset;
  // Raw PCM inputs are big-endian.
  bool big_endian;
  // An unknown word in a CUE sheet is a note, not an error.
  bool lenient;
  // Trust WAV/AIFF/FLAC/CAF header lengths instead of decoding every file first.
  bool skip_decode_check;
  // A sheet's tracks under 4 seconds are burned as they are (cdrdao's --force).
  bool allow_short_tracks;
  // A sheet's four-channel flags are burned (as cdrdao burns them).
  bool allow_four_channel;
  // Sectors per second (75 = 1×), −1 for the fastest.
  int32_t write_speed;
  // A test write: the drive records nothing.
  bool simulate;
  // Buffer-underrun protection off.
  bool bufe_disabled;
  // Leave the disc appendable.
  bool do_not_finalize;
  // Read the disc back afterwards and compare it with the sources.
  bool verify;
  // Open the tray when done.
  bool eject;
  // `RB_NORMALIZE_*`: burn every track at one loudness (EBU R128, the true peak kept at or
  // under −1 dBTP).
  int32_t normalize;
  // The loudness normalising aims at, LUFS (−18, ReplayGain 2.0's, by default).
  double target_lufs;
  // Normalise to the loudness the files' ReplayGain/R128 tags (or the sheet's REM
  // REPLAYGAIN_*) give, where they give one.
  bool normalize_from_tags;
} rb_job_options;

// One track's loudness and gain, when the job normalises (`rb_job_track_gain`).
typedef struct rb_track_gain {
  // Its integrated loudness as measured, LUFS; NaN when silent or under 400 ms.
  double measured_lufs;
  // The loudness the gain was computed from (measured, or from a tag), LUFS; NaN if none.
  double loudness_lufs;
  // `loudness_lufs` came from a tag (or the sheet).
  bool from_tag;
  // Its true peak, dBTP (−infinity for silence).
  double true_peak_dbtp;
  // The gain burned, dB (rounded to 0.01).
  double gain_db;
  // The true peak held the gain under what the target asked.
  bool limited;
} rb_track_gain;

// The plan against one recorder, from `rb_job_check`.
typedef struct rb_job_plan {
  // `RB_ROUTE_*` the recorder will burn by.
  int32_t route;
  // `RB_REASON_*`: why.
  int32_t reason;
  // Sectors the burn needs.
  uint64_t needed;
  // Sectors free on the medium.
  uint64_t free;
} rb_job_plan;

// One event of a running job, from one of its recorders. Only the fields of its `kind`
// mean anything; sizes are sectors (2352 bytes) or bytes, as named.
typedef struct rb_job_event {
  // Which recorder: its place in the array given to `rb_job_run`.
  uint32_t recorder;
  // Its name, valid during the call.
  const char *device;
  // `RB_EVENT_*`.
  int32_t kind;
  // `RB_PHASE_*` (kind PHASE).
  int32_t phase;
  // `RB_ROUTE_*` (kinds PHASE and ROUTE).
  int32_t route;
  // `RB_REASON_*` (kind ROUTE).
  int32_t reason;
  // The track being written, 0 when unknown (kinds PHASE and PROGRESS).
  uint32_t track;
  // Tracks in all (kind PHASE).
  uint32_t tracks;
  // Sectors sent to the drive since the burn began (kind PROGRESS).
  uint64_t written;
  // Sectors the drive has burned: sent less what its buffer holds.
  uint64_t burned;
  // Sectors to send in all.
  uint64_t total;
  // The drive's buffer in bytes, −1 when it does not say.
  int64_t drive_buffer_size;
  // Bytes free in it, −1 when it does not say.
  int64_t drive_buffer_free;
  // The host buffer between the decoder and the drive, bytes; −1 when none.
  int64_t host_buffer_size;
  // Bytes free in it; −1 when none.
  int64_t host_buffer_free;
  // Sectors per second (kinds SPEED and PHASE writing track-at-once); 0 when unknown.
  uint32_t speed;
  // Whether the drive took the speed asked for (kind SPEED).
  bool speed_exact;
  // Closing: whether the disc is finalized (kind PHASE).
  bool finalizing;
  // Verified: whether the track matches its source (kind VERIFIED).
  bool matches;
} rb_job_event;

// Hears a job's events. With several recorders it is called from each recorder's thread,
// possibly at once: it must be thread-safe. It must not call into the job.
typedef void (*rb_job_event_fn)(const struct rb_job_event *event, void *user);

// One recorder's result from `rb_job_run`.
typedef struct rb_job_result {
  // `RB_S_OK` when the disc was written (and verified, when asked); else the failure's
  // IMAPI HRESULT.
  int32_t hresult;
  // `RB_CLASS_*`.
  int32_t error_class;
  // `RB_ROUTE_*` taken (0 when it failed before choosing).
  int32_t route;
  // `RB_REASON_*` of the route (0 when none).
  int32_t reason;
  // Tracks written.
  uint32_t tracks;
  // Sectors of the plan.
  uint64_t sectors;
  // Seconds it took.
  double seconds;
  // Whether the disc was read back and compared.
  bool verified;
  // Tracks that differ from their sources (when verified).
  uint32_t differing_tracks;
  // What happened, for people: "" when all went well, else the error and what the disc
  // holds now. Owned by the job; valid until it runs again or is freed.
  const char *message;
} rb_job_result;

// How `rb_copy_disc` reads and waits (zeroed is not the default: use
// `rb_copy_options_default`).
typedef struct rb_copy_options {
  // Copies to write on each target (at least 1).
  uint32_t copies;
  // The source drive's read offset correction in samples (AccurateRip's sign).
  int32_t read_offset;
  // Times a sector failing its check is read again.
  uint32_t retries;
  // Where the temporary image goes; NULL: the system's temporary directory.
  const char *temp;
  // Seconds to wait for a blank disc when one must be put in.
  uint32_t wait_seconds;
} rb_copy_options;

// A blank disc must be put into `device` (its disc was ejected); false cancels the copy.
typedef bool (*rb_copy_insert_fn)(void *user, const char *device);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The message of the last error on the calling thread (UTF-8; "" when none). Valid until
// the next failing call on this thread. Any thread.
const char *rb_last_error_message(void);

// The IMAPI name of the last error on the calling thread (e.g.
// "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK"; "" when none). Valid until the next failing call on
// this thread. Any thread.
const char *rb_last_error_name(void);

// libredburn's version, e.g. "0.1.0". Static. Any thread.
const char *rb_version(void);

// Lists the recorders (IMAPI's `IDiscMaster2`) into `*out`, to free with
// `rb_device_list_free`. `emu:default` is listed once it exists (it is made on first open).
//
// # Safety
// `out` is valid for a write.
int32_t rb_devices(struct rb_device_list **out);

// How many names `list` holds (0 for NULL).
//
// # Safety
// `list` is NULL or from `rb_devices`.
size_t rb_device_list_count(const struct rb_device_list *list);

// The `index`th name, valid until the list is freed; NULL past the end.
//
// # Safety
// `list` is NULL or from `rb_devices`.
const char *rb_device_list_name(const struct rb_device_list *list, size_t index);

// Frees a list (NULL is ignored).
//
// # Safety
// `list` is NULL or from `rb_devices`, not freed before.
void rb_device_list_free(struct rb_device_list *list);

// Opens the recorder `name` — `emu:NAME` for an emulated one (`emu:default` is made with a
// blank 80-minute CD-R on first use), or a device node such as `/dev/sr0` — into `*out`, to
// free with `rb_recorder_free`. An emulated drive is held by one process at a time.
//
// # Safety
// `name` is a NUL-terminated string; `out` is valid for a write.
int32_t rb_recorder_open(const char *name, struct rb_recorder **out);

// Closes a recorder and frees it (NULL is ignored).
//
// # Safety
// `r` is NULL or from `rb_recorder_open`, not freed before.
void rb_recorder_free(struct rb_recorder *r);

// One of the recorder's identity strings (`which`: an `RB_IDENTITY_*`), valid until it is
// freed; NULL for a NULL recorder, and for a `which` that is none of them (the thread's last
// error then says so, E_INVALIDARG).
//
// # Safety
// `r` is NULL or from `rb_recorder_open`.
const char *rb_recorder_identity(const struct rb_recorder *r, int32_t which);

// What medium is in the recorder, into `*out`. Fails with the drive's code when there is
// none (`E_IMAPI_RECORDER_MEDIA_NO_MEDIA`) or the tray is open.
//
// # Safety
// `r` is from `rb_recorder_open`; `out` is valid for a write.
int32_t rb_recorder_media_info(struct rb_recorder *r, struct rb_media_info *out);

// `EjectMedia`.
//
// # Safety
// `r` is from `rb_recorder_open`.
int32_t rb_recorder_eject(struct rb_recorder *r);

// `CloseTray`.
//
// # Safety
// `r` is from `rb_recorder_open`.
int32_t rb_recorder_close_tray(struct rb_recorder *r);

// A new writer with IMAPI's defaults (no recorder, BUFE on, finalize, client name
// "redburn"), into `*out`, to free with `rb_tao_free`.
//
// # Safety
// `out` is valid for a write.
int32_t rb_tao_new(struct rb_tao **out);

// Frees a writer and the recorder it holds (NULL is ignored). A prepared medium is released
// first (the session closed), as IMAPI does when the object goes.
//
// # Safety
// `t` is NULL or from `rb_tao_new`, not freed before.
void rb_tao_free(struct rb_tao *t);

// `put_Recorder`: the recorder's drive moves into the writer; `r` stays the caller's to
// free, empty (its functions fail with `RB_E_IMAPI_RECORDER_REQUIRED`) until
// `rb_tao_release_recorder` gives the drive back. A recorder that is not a CD writer
// (`E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED`) stays with `r`; one refused because the writer
// is busy (`..._MEDIA_IS_PREPARED`, `..._WRITE_IN_PROGRESS`) is closed.
//
// # Safety
// `t` from `rb_tao_new`, `r` from `rb_recorder_open`.
int32_t rb_tao_set_recorder(struct rb_tao *t, struct rb_recorder *r);

// Gives the writer's recorder back to `r` (an empty handle), when no write is in progress.
//
// # Safety
// `t` from `rb_tao_new`, `r` from `rb_recorder_open`.
int32_t rb_tao_release_recorder(struct rb_tao *t, struct rb_recorder *r);

// `put_ClientName`: 1–64 printable ASCII characters.
//
// # Safety
// `t` from `rb_tao_new`; `name` a NUL-terminated string.
int32_t rb_tao_set_client_name(struct rb_tao *t, const char *name);

// `get_ClientName`: valid until the next call of this function or `rb_tao_free`.
//
// # Safety
// `t` from `rb_tao_new`.
const char *rb_tao_client_name(struct rb_tao *t);

// `get_DoNotFinalizeMedia` into `*out`.
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for a write.
int32_t rb_tao_do_not_finalize_media(const struct rb_tao *t, bool *out);

// `get_BufferUnderrunFreeDisabled` into `*out`.
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for a write.
int32_t rb_tao_buffer_underrun_free_disabled(const struct rb_tao *t, bool *out);

// `put_DoNotFinalizeMedia`.
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_set_do_not_finalize_media(struct rb_tao *t, bool on);

// `put_BufferUnderrunFreeDisabled`.
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_set_buffer_underrun_free_disabled(struct rb_tao *t, bool on);

// redburn's extension: a test write (the drive records nothing).
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_set_simulate(struct rb_tao *t, bool on);

// `SetWriteSpeed`: sectors per second (75 = 1×), −1 for the fastest. Returns `S_OK` or the
// success code saying the drive adjusted it (`S_IMAPI_SPEEDADJUSTED` 0x00AA0004 …).
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_set_write_speed(struct rb_tao *t, int32_t sectors_per_second, bool pure_cav);

// `SupportedWriteSpeedDescriptors` for the medium in the drive: up to `capacity` of them
// into `out` (which may be NULL when `capacity` is 0), and how many there are in `count`
// (so that a first call with 0 sizes the array).
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for `capacity` descriptors; `count` valid.
int32_t rb_tao_supported_write_speed_descriptors(struct rb_tao *t,
                                                 struct rb_write_speed_descriptor *out,
                                                 size_t capacity,
                                                 size_t *count);

// IMAPI v1's burn of an album (`IDiscMaster::RecordDisc`): the `count` files staged (each
// decoded to its end), then prepared, written track by track and released with the writer's
// options, `progress` told as IMAPI v1 tells its `IDiscMasterProgressEvents` (`progress` may
// be NULL).
//
// # Safety
// `t` from `rb_tao_new`; `paths` holds `count` NUL-terminated strings; `progress` NULL or
// valid, its functions and `user` valid for the call.
int32_t rb_tao_burn_album(struct rb_tao *t,
                          const char *const *paths,
                          size_t count,
                          const struct rb_disc_master_progress *progress);

// Sets the Update event's handler (NULL removes it). `user` is passed back untouched.
//
// # Safety
// `t` from `rb_tao_new`; `callback` and `user` stay valid while the writer may call them.
int32_t rb_tao_set_update_callback(struct rb_tao *t, rb_tao_update_fn callback, void *user);

// A handle to cancel this writer's write from any thread, to free with `rb_cancel_free`.
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for a write.
int32_t rb_tao_cancel_handle(struct rb_tao *t, struct rb_cancel **out);

// `CancelAddTrack`, from any thread at any time: the write in progress stops at its next
// chunk and its call fails with `RB_E_IMAPI_REQUEST_CANCELLED`.
// `RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS` when nothing is being written.
//
// # Safety
// `c` from `rb_tao_cancel_handle`.
int32_t rb_cancel_request(const struct rb_cancel *c);

// Frees a cancel handle (NULL is ignored); the writer may outlive it or not.
//
// # Safety
// `c` NULL or from `rb_tao_cancel_handle`, not freed before.
void rb_cancel_free(struct rb_cancel *c);

// `PrepareMedia`: locks the tray, checks the medium is blank CD-R/RW, sets up writing.
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_prepare_media(struct rb_tao *t);

// `AddAudioTrack` from an audio file in any format redburn decodes (WAV, FLAC, AIFF, MP3,
// Ogg, ALAC/AAC; APE, WavPack, Opus … with FFmpeg installed): decoded once for its length,
// then written. A file that cannot be decoded fails with
// `E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED` before anything is written.
//
// # Safety
// `t` from `rb_tao_new`; `path` a NUL-terminated string.
int32_t rb_tao_add_audio_file(struct rb_tao *t, const char *path);

// `AddAudioTrack` from a PCM callback (see `rb_read_fn`) giving `frames` stereo frames
// (4 bytes each); short tracks are padded to 4 seconds, the last sector with silence.
//
// # Safety
// `t` from `rb_tao_new`; `read` and `user` valid until this returns.
int32_t rb_tao_add_audio_callback(struct rb_tao *t, uint64_t frames, rb_read_fn read, void *user);

// `ReleaseMedia`: closes the session, finalizing the disc unless `DoNotFinalizeMedia`.
//
// # Safety
// `t` from `rb_tao_new`.
int32_t rb_tao_release_media(struct rb_tao *t);

// `NumberOfExistingTracks` into `*out`.
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for a write.
int32_t rb_tao_number_of_existing_tracks(struct rb_tao *t, uint32_t *out);

// `FreeSectorsOnMedia` into `*out`.
//
// # Safety
// `t` from `rb_tao_new`; `out` valid for a write.
int32_t rb_tao_free_sectors_on_media(struct rb_tao *t, uint64_t *out);

// A new, empty image (`CoCreateInstance(MsftRawCDImageCreator)`).
//
// # Safety
// `out` valid.
int32_t rb_raw_image_new(struct rb_raw_image **out);

// Frees an image (NULL is ignored).
//
// # Safety
// `i` is NULL or from `rb_raw_image_new`, not freed before.
void rb_raw_image_free(struct rb_raw_image *i);

// `AddTrack(IMAPI_CD_SECTOR_AUDIO, …)` from an audio file in any format redburn decodes;
// the track's number into `track` (which may be NULL).
//
// # Safety
// `i` from `rb_raw_image_new`; `path` a NUL-terminated string; `track` NULL or valid.
int32_t rb_raw_image_add_track(struct rb_raw_image *i, const char *path, uint8_t *track);

// `AddSpecialPregap`: audio before track 1 (hidden track-one audio), from a file.
//
// # Safety
// `i` from `rb_raw_image_new`; `path` a NUL-terminated string.
int32_t rb_raw_image_add_special_pregap(struct rb_raw_image *i, const char *path);

// `AddSubcodeRWGenerator`, from a file: R–W for every sector of the image, 96 bytes each
// (one 6-bit symbol a byte, its top two bits zero — CD+G graphics and the like). It
// replaces the CD-TEXT the lead-in would carry. `E_INVALIDARG` for a P–Q only image or a
// file that cannot be opened.
//
// # Safety
// `i` from `rb_raw_image_new`; `path` a NUL-terminated string.
int32_t rb_raw_image_add_subcode_rw_generator(struct rb_raw_image *i, const char *path);

// `put_ResultingImageType` (`RB_RAW_PQ_ONLY`, `RB_RAW_COOKED`, `RB_RAW_RAW`).
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_image_set_resulting_image_type(struct rb_raw_image *i, int32_t kind);

// `put_GaplessAudio` (`DisableGaplessAudio` = !on).
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_image_set_gapless_audio(struct rb_raw_image *i, bool on);

// `put_MediaCatalogNumber` (13 digits).
//
// # Safety
// `i` from `rb_raw_image_new`; `mcn` a NUL-terminated string.
int32_t rb_raw_image_set_media_catalog_number(struct rb_raw_image *i, const char *mcn);

// `put_StartingTrackNumber`.
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_image_set_starting_track_number(struct rb_raw_image *i, uint8_t n);

// `put_StartOfLeadoutLimit` (an LBA; the lead-out may start there at the latest).
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_image_set_start_of_leadout_limit(struct rb_raw_image *i, int32_t lba);

// CD-TEXT for the image as a disc's packs (a `.cdt` file, READ TOC format 5 with or without
// its 4-byte header): every block, as it was (redburn's addition; IMAPI has no typed API).
// `length` 0 removes it.
//
// # Safety
// `i` from `rb_raw_image_new`; `packs` valid for `length` bytes.
int32_t rb_raw_image_set_cd_text_packs(struct rb_raw_image *i, const uint8_t *packs, size_t length);

// `get_ExpectedTableOfContents`: READ TOC's bytes (format 0) of the disc the image makes, up
// to `capacity` into `out` (NULL when `capacity` is 0), their number into `length`.
//
// # Safety
// `i` from `rb_raw_image_new`; `out` valid for `capacity` bytes; `length` valid.
int32_t rb_raw_image_expected_toc(struct rb_raw_image *i,
                                  uint8_t *out,
                                  size_t capacity,
                                  size_t *length);

// `TrackInfo` of track `track` (its number).
//
// # Safety
// `i` from `rb_raw_image_new`; `out` valid.
int32_t rb_raw_image_track_info(struct rb_raw_image *i,
                                uint8_t track,
                                struct rb_raw_track_info *out);

// `put_ISRC` of track `track`.
//
// # Safety
// `i` from `rb_raw_image_new`; `isrc` a NUL-terminated string.
int32_t rb_raw_track_set_isrc(struct rb_raw_image *i, uint8_t track, const char *isrc);

// `put_DigitalAudioCopySetting` (permitted or prohibited) and `put_AudioHasPreemphasis` of
// track `track`.
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_track_set_flags(struct rb_raw_image *i,
                               uint8_t track,
                               bool copy_permitted,
                               bool preemphasis);

// `AddTrackIndex(offset)` of track `track`: `S_OK`, or
// `S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS` (0x00AA0A03) when it was there.
//
// # Safety
// `i` from `rb_raw_image_new`.
int32_t rb_raw_track_add_index(struct rb_raw_image *i, uint8_t track, uint32_t offset);

// `IDiscFormat2RawCD`: `PrepareMedia`, `WriteMedia(CreateResultImage())`, `ReleaseMedia` of
// `image` onto `r`'s blank disc, as `requested_type` (0: the image's own form), `on_update`
// (may be NULL) called on this thread as it goes. The image is spent (read-only) after.
//
// # Safety
// `r` from `rb_recorder_open`; `i` from `rb_raw_image_new`; `on_update` and `user` valid for
// the call.
int32_t rb_raw_write_image(struct rb_recorder *r,
                           struct rb_raw_image *i,
                           int32_t requested_type,
                           rb_raw_update_fn on_update,
                           void *user);

// The defaults, as `redburn read`'s: one .bin, no sub-channel, offset 0, 8 retries, the
// check chosen by the drive (C2 pointers, else reading twice).
struct rb_read_options rb_read_options_default(void);

// Reads the disc in `r` into the image `output` (NAME.cue) names, as `redburn read` does,
// `progress` (may be NULL) called on this thread, and what was read into `result` (may be
// NULL). Fails with `E_IMAPI_REQUEST_CANCELLED` when `progress` stops it.
//
// # Safety
// `r` from `rb_recorder_open`; `output` a NUL-terminated string; `options` NULL (the
// defaults) or valid; `progress` and `user` valid for the call; `result` NULL or valid.
int32_t rb_read_image(struct rb_recorder *r,
                      const char *output,
                      const struct rb_read_options *options,
                      rb_read_progress_fn progress,
                      void *user,
                      struct rb_read_result *result);

// The defaults: fastest, real write, BUFE on, finalize, strict sheets.
struct rb_dao_options rb_dao_options_default(void);

// Burns a CUE sheet or cdrdao TOC file disc-at-once onto the blank disc in `r`, as
// `redburn burn album.cue` does (the burn job, as `rb_job_run` with one recorder): every
// file measured first (a sheet or file problem fails with `E_INVALIDARG` and the sheet's file
// and line, before anything is written), CD-TEXT, ISRCs, MCN, indexes, pre-emphasis and copy
// bits as the sheet says; written raw when the drive refuses CD-TEXT in its cue sheet (before
// anything is written) or the sheet carries R–W sub-channel data. `options` may be NULL
// (the defaults); `progress` and `note` may be NULL.
//
// # Safety
// `r` from `rb_recorder_open`; `sheet` NUL-terminated; callbacks and `user` valid until
// this returns.
int32_t rb_burn_sheet(struct rb_recorder *r,
                      const char *sheet,
                      const struct rb_dao_options *options,
                      rb_dao_progress_fn progress,
                      rb_note_fn note,
                      void *user);

// Reads the disc in `r` back and compares it with the sheet it was burned from:
// `*differing` (may be NULL) gets the number of tracks that differ — a difference is not an
// error; the call fails only when the disc or the sheet cannot be read.
//
// # Safety
// `r` from `rb_recorder_open`; `sheet` NUL-terminated; `on_track`/`user` valid until this
// returns; `differing` NULL or valid for a write.
int32_t rb_verify_sheet(struct rb_recorder *r,
                        const char *sheet,
                        rb_verdict_fn on_track,
                        void *user,
                        uint32_t *differing);

// As `rb_verify_sheet` for a track-at-once disc of `count` audio files, one a track.
//
// # Safety
// `paths` holds `count` NUL-terminated strings; as `rb_verify_sheet` otherwise.
int32_t rb_verify_files(struct rb_recorder *r,
                        const char *const *paths,
                        size_t count,
                        rb_verdict_fn on_track,
                        void *user,
                        uint32_t *differing);

// The defaults, as `redburn burn`'s: the route chosen, CD-TEXT transliterated where needed,
// every file decoded first, fastest, BUFE on, finalize, no verify.
struct rb_job_options rb_job_options_default(void);

// Plans a burn of `inputs` (`count` audio files, one track each, or one CUE sheet / cdrdao
// TOC file) into `*out`, to free with `rb_job_free`: every file decoded to its end (a
// missing, damaged or unsupported file, a sheet's error with its file and line, more than 99
// tracks fail here, before any recorder is touched). `options` may be NULL (the defaults);
// `note` (may be NULL) hears notes about the inputs, on the calling thread.
//
// # Safety
// `inputs` holds `count` NUL-terminated strings; `options` NULL or valid; `out` valid for a
// write; `note`/`user` valid until this returns.
int32_t rb_job_new(const char *const *inputs,
                   size_t count,
                   const struct rb_job_options *options,
                   rb_note_fn note,
                   void *user,
                   struct rb_job **out);

// Frees a job (NULL is ignored).
//
// # Safety
// `j` NULL or from `rb_job_new`, not running, not freed before.
void rb_job_free(struct rb_job *j);

// The job's tracks and the sectors it needs (track-at-once with its pauses; disc-at-once
// from track 1's pause). Either pointer may be NULL.
//
// # Safety
// `j` from `rb_job_new`; `tracks`, `sectors` NULL or valid for a write.
int32_t rb_job_size(const struct rb_job *j, uint32_t *tracks, uint64_t *sectors);

// Track `index`'s (from 0) loudness and gain into `*out`. `RB_E_INVALID_ARGUMENT` when the
// job does not normalise or there is no such track.
//
// # Safety
// `j` from `rb_job_new`; `out` valid for a write.
int32_t rb_job_track_gain(const struct rb_job *j, uint32_t index, struct rb_track_gain *out);

// Cancels the job's burns, from any thread at any time: a track-at-once track ends where it
// is and the disc is closed so that it plays; a disc-at-once write is told to stop. Each
// recorder's result then has `RB_CLASS_CANCELLED`. A cancelled job stays cancelled: a later
// `rb_job_run` of it stops at once (make a new job to burn again).
//
// # Safety
// `j` from `rb_job_new`, not freed.
int32_t rb_job_cancel(const struct rb_job *j);

// Checks the job against the medium and drive in `r` without writing: the route and its
// reason into `*out`; fails as the burn would before writing (no medium, a disc that is not
// blank or is finalized, an album that does not fit — `*out` is filled then too).
//
// # Safety
// `j` from `rb_job_new`; `r` from `rb_recorder_open`; `out` valid for a write.
int32_t rb_job_check(const struct rb_job *j, struct rb_recorder *r, struct rb_job_plan *out);

// Burns the job onto `count` recorders at once (the audio decoded once), each checked
// first; one that fails — at its check or midway — is left out and the others go on.
// `results` (may be NULL) gets one `rb_job_result` a recorder. Returns `RB_S_OK` when every
// recorder wrote its disc, else the first failure's HRESULT (its message as the thread's
// last error). The recorders' drives are lent to the job for the call and are theirs again
// afterwards. `on_event` may be NULL; it is called on this thread with one recorder, from
// each recorder's thread with several.
//
// # Safety
// `j` from `rb_job_new`; `recorders` holds `count` pointers from `rb_recorder_open`, each
// distinct and used by no other thread during the call; `results` NULL or valid for `count`
// writes; `on_event`/`user` valid until this returns.
int32_t rb_job_run(const struct rb_job *j,
                   struct rb_recorder *const *recorders,
                   size_t count,
                   rb_job_event_fn on_event,
                   void *user,
                   struct rb_job_result *results);

// The defaults, as `redburn copy`'s: one copy, offset 0, 8 retries, the system's temporary
// directory, ten minutes' wait for a blank disc.
struct rb_copy_options rb_copy_options_default(void);

// Copies the audio CD in the drive named `from` onto the `to_count` recorders named in `to`
// at once (none, or `from` itself: the disc is ejected and a blank one waited for),
// `copy->copies` times, as `redburn copy` does: the disc read once into a temporary image
// (removed afterwards, whatever happens), nothing burned when a sector cannot be read right
// (`RB_E_FAIL`, the count in the message), each copy burned as `burn` says (its inputs are
// the image). `on_read` hears the read (false cancels), `on_insert` each wait for a blank
// disc (false cancels), `on_event` the burns' events (as `rb_job_run`'s, from the recorders'
// threads). `results` (may be NULL) gets `results_count` results at most, copy by copy and
// target by target; `*written` (may be NULL) how many. Returns `RB_S_OK` when every copy was
// written on every target, else the first failure's HRESULT. A result's `message` stays
// valid until this thread calls `rb_copy_disc` again. The drives are opened by name: none
// may be open in an `rb_recorder` meanwhile.
//
// # Safety
// `from` a NUL-terminated string; `to` holds `to_count` of them (NULL when 0); `copy` and
// `burn` NULL (the defaults) or valid; callbacks and `user` valid until this returns;
// `results` NULL or valid for `results_count` writes; `written` NULL or valid.
int32_t rb_copy_disc(const char *from,
                     const char *const *to,
                     size_t to_count,
                     const struct rb_copy_options *copy,
                     const struct rb_job_options *burn,
                     rb_read_progress_fn on_read,
                     rb_copy_insert_fn on_insert,
                     rb_job_event_fn on_event,
                     void *user,
                     struct rb_job_result *results,
                     size_t results_count,
                     size_t *written);

// Puts a new blank medium (`"cdr74"`, `"cdr80"`, `"cdrw80"`) into the emulated recorder
// `emu:NAME` (`name` without `emu:`), its old disc discarded — what a person does at a real
// drive when `rb_copy_disc` waits for a blank disc, for programs and their tests.
// `E_INVALIDARG` for an unknown medium or name; `E_IMAPI_RECORDER_LOCKED` while the drive is
// open.
//
// # Safety
// `name` and `media` NUL-terminated strings.
int32_t rb_emulated_insert(const char *name, const char *media);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* REDBURN_H */
