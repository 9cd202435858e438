"""redburn: burn audio CDs on Linux, with the shape of Microsoft's IMAPI2.

    import redburn
    rec = redburn.Recorder("emu:default")          # or "/dev/sr0"
    tao = redburn.TrackAtOnce(rec, client_name="my player")
    for update in tao.write(["01.flac", "02.flac"]):
        print(update.current_track_number, update.current_action, f"{update.fraction:.0%}")
    tao.release_recorder()
    assert all(v.matches for v in redburn.verify(rec, files=["01.flac", "02.flac"]))

The whole burn as ``redburn burn`` runs it — every input checked first, the route chosen,
several recorders at once, verify — is a ``Job``::

    job = redburn.Job(["album.cue"], verify=True)
    for outcome in job.run([redburn.Recorder("emu:a"), redburn.Recorder("emu:b")], on_event=print):
        print(outcome.device, outcome.ok, outcome.route, outcome.message)

Errors are ``ImapiError`` with IMAPI's ``name`` and ``hresult``.
"""



class ImapiError(Exception):
    """An IMAPI error: ``name`` (e.g. ``E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK``) and ``hresult``
    (its unsigned 32-bit value, e.g. ``0xC0AA0506``), with redburn's message."""

    def __init__(self, message: str, name: str, hresult: int) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.hresult = hresult

    def __str__(self) -> str:
        return f"{self.message} ({self.name}, 0x{self.hresult:08X})"


from ._redburn import (  # noqa: E402  (ImapiError must exist first: the module raises it)
    Check,
    Event,
    ImageRead,
    Job,
    MediaInfo,
    Outcome,
    RawCdImage,
    RawTrackInfo,
    RawUpdate,
    Recorder,
    TrackAtOnce,
    TrackRead,
    TrackVerdict,
    Update,
    Writing,
    __version__,
    burn_sheet,
    copy_disc,
    create_emulated,
    devices,
    insert_emulated,
    read_image,
    verify,
    write_raw_image,
)

__all__ = [
    "Check",
    "Event",
    "ImageRead",
    "ImapiError",
    "Job",
    "MediaInfo",
    "Outcome",
    "RawCdImage",
    "RawTrackInfo",
    "RawUpdate",
    "Recorder",
    "TrackAtOnce",
    "TrackRead",
    "TrackVerdict",
    "Update",
    "Writing",
    "__version__",
    "burn_sheet",
    "copy_disc",
    "create_emulated",
    "devices",
    "insert_emulated",
    "read_image",
    "verify",
    "write_raw_image",
]

