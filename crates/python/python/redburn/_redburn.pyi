"""Type stubs of redburn's extension module (crates/python/src/lib.rs)."""

import os
from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

_Path = Union[str, "os.PathLike[str]"]

__version__: str

def devices() -> List[str]:
    """The recorders' names: the machine's (``/dev/sr0`` …), then the emulated ones (``emu:NAME``)."""

class MediaInfo:
    media_type: str
    """``IMAPI_MEDIA_PHYSICAL_TYPE`` name, e.g. ``IMAPI_MEDIA_TYPE_CDR``."""
    status: str
    """``blank``, ``appendable``, ``finalized`` or ``other``."""
    sessions: int
    tracks: int
    used_sectors: int
    free_sectors: int
    total_sectors: int

class Recorder:
    """A recorder (``IDiscRecorder2``) opened by name: ``emu:NAME`` or a device node."""

    name: str
    vendor_id: str
    product_id: str
    product_revision: str
    unique_id: str
    def __init__(self, name: str) -> None: ...
    def media_info(self) -> MediaInfo: ...
    def eject(self) -> None: ...
    def close_tray(self) -> None: ...

class Update:
    """``IDiscFormat2TrackAtOnceEventArgs`` with ``IWriteEngine2EventArgs``."""

    current_track_number: int
    current_action: str
    """``unknown``, ``preparing``, ``writing``, ``finishing`` or ``verifying``."""
    elapsed_time: int
    remaining_time: int
    start_lba: int
    sector_count: int
    last_read_lba: int
    last_written_lba: int
    total_system_buffer: int
    used_system_buffer: int
    free_system_buffer: int
    drive_buffer_size: Optional[int]
    drive_buffer_free: Optional[int]
    free_sectors_on_media: int
    used_sectors_on_media: int
    total_sectors_on_media: int
    number_of_existing_tracks: int
    current_write_speed: int
    buffer_underrun_free_disabled: bool
    do_not_finalize_media: bool
    fraction: float
    """Written share of the track, 0.0 to 1.0."""

class Writing(Iterator[Update]):
    """The Update events of ``TrackAtOnce.write``; raises what failed."""

    def __iter__(self) -> "Writing": ...
    def __next__(self) -> Update: ...
    def close(self) -> None:
        """Stops the burn after the track being written (as dropping the iterator does)."""

class TrackAtOnce:
    """``IDiscFormat2TrackAtOnce``: takes the recorder's drive until ``release_recorder()``."""

    on_update: Optional[Callable[[Update], Optional[bool]]]
    """Called about once a second and at each change of action, on the writer's thread;
    returning False (or raising) cancels the write."""
    client_name: str
    do_not_finalize_media: bool
    buffer_underrun_free_disabled: bool
    @property
    def number_of_existing_tracks(self) -> int: ...
    @property
    def free_sectors_on_media(self) -> int: ...
    def __init__(self, recorder: Recorder, client_name: Optional[str] = None) -> None: ...
    def set_simulate(self, on: bool) -> None: ...
    def set_write_speed(self, sectors_per_second: int, pure_cav: bool = False) -> int: ...
    def supported_write_speeds(self) -> List[int]: ...
    def supported_write_speed_descriptors(self) -> List[Tuple[int, bool, int]]: ...
    def burn_album(self, paths: Sequence[_Path], progress: Optional[object] = None) -> None: ...
    def prepare_media(self) -> None: ...
    def add_audio_track(self, path: _Path) -> None: ...
    def add_audio_stream(self, stream: BinaryIO, frames: int) -> None: ...
    def release_media(self) -> None: ...
    def release_recorder(self) -> None: ...
    def cancel(self) -> None:
        """``CancelAddTrack``, from any thread."""
    def write(self, paths: List[_Path]) -> Writing:
        """Prepare, one track per path, release: as an iterator of Update events."""

class TrackVerdict:
    number: int
    start_lba: int
    sectors: int
    crc32: int
    accuraterip_v1: int
    accuraterip_v2: int
    matches: bool
    first_difference: Optional[int]

def burn_sheet(
    recorder: Recorder,
    path: _Path,
    *,
    progress: Optional[Callable[[int, int], Optional[bool]]] = None,
    on_note: Optional[Callable[[str], None]] = None,
    write_speed: int = -1,
    simulate: bool = False,
    bufe_disabled: bool = False,
    do_not_finalize: bool = False,
    lenient: bool = False,
    cdtext: bool = True,
    cdtext_charset: Optional[str] = None,
) -> None:
    """Burns a CUE sheet or cdrdao TOC file disc-at-once (a Job on one recorder)."""

def insert_emulated(name: str, media: str = "cdr80") -> None:
    """Puts a new blank medium into the emulated recorder ``emu:NAME``, as ``redburn emu insert`` does."""

def create_emulated(
    name: str, *, personality: str = "redburn", quirks: List[str] = ..., media: str = "cdr80", real_time: bool = False
) -> None:
    """Makes the emulated recorder ``emu:NAME`` (a personality, quirk switches, a blank medium)."""

class Event:
    """One event of a running Job, from one recorder; fields of other kinds are None."""
    recorder: int
    device: str
    kind: str  # "phase", "progress", "speed", "route" or "verified"
    phase: Optional[str]  # "preparing", "writing", "closing", "verifying", "done"
    route: Optional[str]  # "tao", "dao", "raw"
    reason: Optional[str]
    track: Optional[int]
    tracks: Optional[int]
    written: Optional[int]  # sectors sent since the burn began
    burned: Optional[int]  # sectors the drive has burned (sent less its buffer)
    total: Optional[int]
    drive_buffer_size: Optional[int]  # bytes
    drive_buffer_free: Optional[int]
    host_buffer_size: Optional[int]  # bytes
    host_buffer_free: Optional[int]
    speed: Optional[int]  # sectors per second
    speed_exact: Optional[bool]
    finalizing: Optional[bool]
    matches: Optional[bool]  # "verified": the track matches its source

class Check:
    route: str
    reason: str
    needed: int
    free: int
    fits: bool

class Outcome:
    device: str
    ok: bool
    route: Optional[str]
    reason: Optional[str]
    tracks: int
    sectors: int
    seconds: float
    verdicts: Optional[List[TrackVerdict]]
    error_class: Optional[str]  # "input", "plan", "medium", "device", "write", "verify", "cancelled", "damaged", "file", "other"
    error: Optional[Exception]  # an ImapiError, not raised
    message: str

class Job:
    """A planned burn: every input checked when it is made (ImapiError otherwise)."""
    def __init__(
        self,
        inputs: List[_Path],
        *,
        mode: Optional[str] = None,
        gapless: bool = False,
        cdtext_from_tags: bool = False,
        cdtext: bool = True,
        cdtext_charset: Optional[str] = None,
        big_endian: bool = False,
        lenient: bool = False,
        skip_decode_check: bool = False,
        allow_short_tracks: bool = False,
        allow_four_channel: bool = False,
        write_speed: int = -1,
        simulate: bool = False,
        bufe_disabled: bool = False,
        do_not_finalize: bool = False,
        verify: bool = False,
        eject: bool = False,
        normalize: Optional[str] = None,  # "track" or "album"
        target_lufs: float = -18.0,
        normalize_from_tags: bool = False,
        on_note: Optional[Callable[[str], None]] = None,
    ) -> None: ...
    @property
    def loudness(self) -> Optional[List[Dict[str, Any]]]:
        """Each track's measured_lufs, loudness_lufs, from_tag, true_peak_dbtp, gain_db, limited."""
    @property
    def tracks(self) -> int: ...
    @property
    def sectors(self) -> int: ...
    def check(self, recorder: Recorder) -> Check: ...
    def run(
        self, recorders: List[Recorder], on_event: Optional[Callable[[Event], Optional[bool]]] = None
    ) -> List[Outcome]: ...
    def cancel(self) -> None:
        """From any thread."""

def verify(
    recorder: Recorder, *, files: Optional[List[_Path]] = None, sheet: Optional[_Path] = None
) -> List[TrackVerdict]:
    """Reads the disc back and compares it with its sources, a verdict per track."""

class RawUpdate:
    """``IDiscFormat2RawCDEventArgs`` with ``IWriteEngine2EventArgs`` (buffers in bytes)."""

    current_action: str
    """``preparing``, ``writing`` or ``finishing``."""
    elapsed_time: int
    remaining_time: int
    start_lba: int
    sector_count: int
    last_read_lba: int
    last_written_lba: int
    total_system_buffer: int
    used_system_buffer: int
    free_system_buffer: int

class RawTrackInfo:
    """One track of a ``RawCdImage`` (``IRawCDImageTrackInfo``)."""

    track_number: int
    starting_lba: int
    sector_count: int
    isrc: Optional[str]
    copy_permitted: bool
    audio_has_preemphasis: bool
    track_indexes: List[int]
    def add_track_index(self, offset: int) -> bool: ...
    def clear_track_index(self, offset: int) -> None: ...

class RawCdImage:
    """A raw disc-at-once image being built (``IRawCDImageCreator``)."""

    resulting_image_type: str
    """``raw`` (the default), ``pq_only`` or ``cooked``."""
    gapless_audio: bool
    media_catalog_number: Optional[str]
    starting_track_number: int
    start_of_leadout_limit: int
    start_of_leadout: int
    last_used_user_sector_in_image: int
    number_of_existing_tracks: int
    def __init__(self) -> None: ...
    def add_track(self, path: _Path) -> int: ...
    def add_special_pregap(self, path: _Path) -> None: ...
    def add_subcode_rw_generator(self, path: _Path) -> None: ...
    def expected_table_of_contents(self) -> bytes: ...
    def track_info(self, n: int) -> RawTrackInfo: ...
    def set_cd_text(
        self,
        title: Optional[str] = None,
        performer: Optional[str] = None,
        tracks: Sequence[Tuple[Optional[str], Optional[str]]] = (),
    ) -> None: ...
    def set_cd_text_packs(self, packs: bytes) -> None: ...

def write_raw_image(
    recorder: Recorder,
    image: RawCdImage,
    *,
    requested_sector_type: Optional[str] = None,
    on_update: Optional[Callable[[RawUpdate], Optional[bool]]] = None,
    client_name: Optional[str] = None,
    write_speed: int = -1,
) -> None:
    """``IDiscFormat2RawCD``: burns ``image`` (spent afterwards) onto the recorder's blank disc."""

class TrackRead:
    """One track as ``read_image`` read it."""

    number: int
    reread: List[int]
    """LBAs that read right only on a later try."""
    damaged: List[int]
    """LBAs never read right."""
    crc32: int
    accuraterip_v1: int
    accuraterip_v2: int

class ImageRead:
    """What ``read_image`` read and wrote."""

    exact: bool
    sectors: int
    check: str
    """``c2``, ``twice`` or ``once``."""
    tracks: List[TrackRead]
    files: List[str]

def read_image(
    recorder: Recorder,
    output: _Path,
    *,
    split: bool = False,
    flac: bool = False,
    sub: bool = False,
    toc: bool = False,
    read_offset: int = 0,
    retries: int = 8,
    check: str = "auto",
    progress: Optional[Callable[[int, int], Optional[bool]]] = None,
) -> ImageRead:
    """Reads the disc into an image (NAME.cue and its files), as ``redburn read`` does."""

def copy_disc(
    source: str,
    targets: Sequence[str] = ...,
    *,
    copies: int = 1,
    mode: Optional[str] = None,
    write_speed: int = -1,
    simulate: bool = False,
    verify: bool = False,
    read_offset: int = 0,
    retries: int = 8,
    temp: Optional[_Path] = None,
    wait: float = 600.0,
    on_read: Optional[Callable[[int, int], Optional[bool]]] = None,
    on_insert: Optional[Callable[[str], Optional[bool]]] = None,
    on_event: Optional[Callable[[Event], Optional[bool]]] = None,
) -> List[List[Outcome]]:
    """Copies the disc in ``source`` onto ``targets`` (or onto itself, waiting for a blank),
    ``copies`` times, as ``redburn copy`` does; a damaged read burns nothing (``ImapiError``
    with the read report as ``.read``)."""
