"""redburn from Python, on the emulated recorder (each test in its own REDBURN_HOME).

Run by `cargo test -p redburn-python` against the extension just built, and by .ci/run
against the package `pip install ./crates/python` installs.
"""

import io
import struct
import threading
import wave

import pytest

import redburn


def make_wav(path, seconds, step=7):
    """A 44.1 kHz 16-bit stereo WAV of a ramp."""
    frames = int(seconds * 44100)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes((i * step) % 251 for i in range(frames * 4)))
    return str(path)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDBURN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("REDBURN_DEVICE", raising=False)
    return tmp_path


def test_a_recorder_says_who_it_is_and_what_it_holds(home):
    rec = redburn.Recorder("emu:default")
    assert "emu:default" in redburn.devices()
    assert (rec.vendor_id, rec.product_id, rec.product_revision) == ("REDBURN", "EMULATED CD-RW", "1.00")
    m = rec.media_info()
    assert (m.media_type, m.status, m.tracks) == ("IMAPI_MEDIA_TYPE_CDR", "blank", 0)
    assert m.free_sectors == m.total_sectors == 360000


def test_track_at_once_with_update_events_then_verify(home):
    files = [make_wav(home / "a.wav", 5), make_wav(home / "b.wav", 6.5, step=3)]
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec, client_name="pytest")
    assert tao.client_name == "pytest"
    assert tao.do_not_finalize_media is False
    seen = []
    tao.on_update = lambda u: seen.append((u.current_track_number, u.current_action, u.fraction))
    tao.prepare_media()
    for f in files:
        tao.add_audio_track(f)
    assert tao.number_of_existing_tracks == 2
    tao.release_media()
    tao.release_recorder()
    actions = [(t, a) for t, a, _ in seen]
    for wanted in [(1, "preparing"), (1, "writing"), (2, "writing"), (2, "finishing")]:
        assert wanted in actions, actions
    assert max(f for t, a, f in seen if t == 1 and a == "writing") == pytest.approx(1.0)
    m = rec.media_info()
    assert (m.status, m.tracks) == ("finalized", 2)
    verdicts = redburn.verify(rec, files=files)
    assert [(v.number, v.matches, v.first_difference) for v in verdicts] == [(1, True, None), (2, True, None)]
    # The same disc again: IMAPI's code for a finalized disc.
    tao = redburn.TrackAtOnce(rec)
    with pytest.raises(redburn.ImapiError) as e:
        tao.prepare_media()
    assert (e.value.name, e.value.hresult) == ("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK", 0xC0AA0506)


def test_write_is_an_iterator_of_typed_events(home):
    files = [make_wav(home / "a.wav", 4), make_wav(home / "b.wav", 4, step=5)]
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    events = list(tao.write(files))
    assert all(isinstance(e, redburn.Update) for e in events)
    assert {e.current_track_number for e in events} == {1, 2}
    assert events[-1].current_action == "finishing"
    # The writer's properties as the event's sender shows them, every one C's rb_tao_update has.
    e = events[0]
    assert (e.total_sectors_on_media, e.used_sectors_on_media) == (360000, 0), e
    assert (e.do_not_finalize_media, e.buffer_underrun_free_disabled) == (False, False)
    tao.release_recorder()
    assert all(v.matches for v in redburn.verify(rec, files=files))


class SlowStream(io.RawIOBase):
    """PCM that stops after `first` bytes until `go` is set."""

    def __init__(self, frames, first, go, reached):
        self.left, self.first, self.go, self.reached = frames * 4, first, go, reached

    def read(self, n):
        if self.first <= 0:
            self.reached.set()
            self.go.wait(30)
        n = min(n, self.left, max(self.first, 0) or n)
        self.first -= n
        self.left -= n
        return b"\x01\x02" * (n // 2)


def test_cancel_from_another_thread_while_the_gil_is_released(home):
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    tao.prepare_media()
    go, reached = threading.Event(), threading.Event()
    frames = 44100 * 30

    def canceller():
        # Runs while the main thread is inside add_audio_stream: the GIL is released.
        assert reached.wait(30)
        tao.cancel()
        go.set()

    t = threading.Thread(target=canceller)
    t.start()
    with pytest.raises(redburn.ImapiError) as e:
        tao.add_audio_stream(SlowStream(frames, 2352 * 2000, go, reached), frames)
    t.join()
    assert (e.value.name, e.value.hresult) == ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA0002)
    assert "E_IMAPI_REQUEST_CANCELLED" in str(e.value)
    # Nothing is being written now.
    with pytest.raises(redburn.ImapiError) as e:
        tao.cancel()
    assert e.value.name == "E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS"


def test_the_update_handler_cancels_by_returning_false_or_raising(home):
    f = make_wav(home / "a.wav", 8)
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    tao.on_update = lambda u: u.current_action != "writing"
    tao.prepare_media()
    with pytest.raises(redburn.ImapiError) as e:
        tao.add_audio_track(f)
    assert e.value.name == "E_IMAPI_REQUEST_CANCELLED"

    class Stop(Exception):
        pass

    def handler(u):
        raise Stop("from the handler")

    tao.on_update = handler
    with pytest.raises(Stop):
        tao.add_audio_track(f)


def test_bad_inputs_raise_imapi_errors_before_anything_is_written(home):
    with pytest.raises(redburn.ImapiError) as e:
        redburn.Recorder("emu:../x")
    assert (e.value.name, e.value.hresult) == ("E_INVALIDARG", 0x80070057)
    with pytest.raises(redburn.ImapiError) as e:
        redburn.Recorder("emu:nothing-here")
    assert "create it with `redburn emu create nothing-here`" in e.value.message
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    # The drive is with the writer now.
    with pytest.raises(redburn.ImapiError) as e:
        rec.media_info()
    assert e.value.name == "E_IMAPI_RECORDER_REQUIRED"
    tao.prepare_media()
    with pytest.raises(redburn.ImapiError) as e:
        tao.add_audio_track(home / "missing.flac")
    assert (e.value.name, e.value.hresult) == ("E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED", 0xC0AA050D)
    assert "missing.flac" in e.value.message
    assert tao.number_of_existing_tracks == 0


def test_a_sheet_burns_disc_at_once_and_verifies(home):
    a, b = make_wav(home / "a.wav", 5), make_wav(home / "b.wav", 5, step=11)
    sheet = home / "album.cue"
    sheet.write_text(
        'TITLE "Py Album"\nPERFORMER "Py"\n'
        'FILE "a.wav" WAVE\n  TRACK 01 AUDIO\n    TITLE "One"\n    ISRC USRC17607839\n    INDEX 01 00:00:00\n'
        'FILE "b.wav" WAVE\n  TRACK 02 AUDIO\n    TITLE "Two"\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n'
    )
    rec = redburn.Recorder("emu:default")
    seen = []
    redburn.burn_sheet(rec, sheet, progress=lambda w, t: seen.append((w, t)) or True)
    assert seen and seen[-1][0] == seen[-1][1]
    m = rec.media_info()
    assert (m.status, m.tracks) == ("finalized", 2)
    assert all(v.matches for v in redburn.verify(rec, sheet=sheet))
    # A sheet naming a file that is not there: its line, nothing written.
    bad = home / "bad.cue"
    bad.write_text('FILE "gone.wav" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n')
    del rec  # (closes the drive: one process, one user of an emulated drive)
    rec2 = redburn.Recorder("emu:default")
    with pytest.raises(redburn.ImapiError) as e:
        redburn.burn_sheet(rec2, bad)
    assert e.value.name == "E_INVALIDARG" and "bad.cue:1:" in e.value.message
    with pytest.raises(ValueError):
        redburn.verify(rec2)


def test_pcm_from_a_stream_of_known_length(home):
    frames = 44100 * 5
    pcm = struct.pack("<h", 1000) * (frames * 2)
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    tao.prepare_media()
    tao.add_audio_stream(io.BytesIO(pcm), frames)
    tao.release_media()
    tao.release_recorder()
    assert rec.media_info().tracks == 1


def test_a_cdrdao_toc_file_burns_too(home):
    a, b = make_wav(home / "a.wav", 4), make_wav(home / "b.wav", 4, step=9)
    toc = home / "album.toc"
    toc.write_text('CD_DA\nTRACK AUDIO\nFILE "a.wav" 0\nTRACK AUDIO\nPREGAP 0:2:0\nFILE "b.wav" 0\n')
    rec = redburn.Recorder("emu:default")
    notes = []
    redburn.burn_sheet(rec, toc, on_note=notes.append)
    assert rec.media_info().tracks == 2
    assert [v.matches for v in redburn.verify(rec, sheet=toc)] == [True, True]


def cdtext_sheet(home):
    make_wav(home / "a.wav", 5)
    sheet = home / "a.cue"
    sheet.write_text(
        'TITLE "Album"\nPERFORMER "Band"\nFILE "a.wav" WAVE\n  TRACK 01 AUDIO\n    TITLE "Song"\n'
        "    INDEX 01 00:00:00\n"
    )
    return str(sheet)


def test_write_checks_every_file_before_the_first_write(home):
    good = make_wav(home / "a.wav", 4)
    bad = make_wav(home / "b.wav", 4, step=3)
    with open(bad, "r+b") as f:
        f.truncate(len(f.read()) // 2)
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    with pytest.raises(redburn.ImapiError) as e:
        list(tao.write([good, bad]))
    assert e.value.name == "E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED", e.value
    assert "b.wav" in e.value.message
    tao.release_recorder()
    # The damaged last file was found while the disc was still blank.
    assert rec.media_info().status == "blank"


def test_a_job_burns_two_recorders_and_falls_back_to_raw_where_the_drive_needs_it(home):
    sheet = cdtext_sheet(home)
    redburn.create_emulated("rawtext", quirks=["no_sao_cdtext"])
    job = redburn.Job([sheet], verify=True)
    assert (job.tracks, job.sectors) == (1, 150 + 375)
    a, b = redburn.Recorder("emu:rawtext"), redburn.Recorder("emu:default")
    check = job.check(a)
    assert (check.route, check.reason, check.fits) == ("dao", "disc_at_once", True)
    events = []
    outcomes = job.run([a, b], on_event=events.append)
    assert [(o.device, o.ok) for o in outcomes] == [("emu:rawtext", True), ("emu:default", True)]
    assert (outcomes[0].route, outcomes[0].reason) == ("raw", "cdtext_refused")
    assert outcomes[1].route == "dao"
    assert all(v.matches for o in outcomes for v in o.verdicts)
    assert any(e.kind == "route" and e.device == "emu:rawtext" and e.route == "raw" for e in events)
    phases = [e.phase for e in events if e.kind == "phase" and e.recorder == 1]
    assert phases == ["writing", "closing", "verifying", "done"], phases
    progress = [e for e in events if e.kind == "progress" and e.recorder == 1]
    assert progress and all(e.burned <= e.written <= e.total for e in progress)
    # The same discs again: an outcome that says why, not an exception.
    again = job.run([a])
    assert (again[0].ok, again[0].error_class) == (False, "medium")
    assert isinstance(again[0].error, redburn.ImapiError) and "blank disc" in again[0].message


def test_burn_sheet_on_a_drive_that_refuses_cdtext_in_its_cue_sheet(home):
    sheet = cdtext_sheet(home)
    redburn.create_emulated("rawtext", quirks=["no_sao_cdtext"])
    rec = redburn.Recorder("emu:rawtext")
    redburn.burn_sheet(rec, sheet, cdtext_charset="windows-1251")
    assert [v.matches for v in redburn.verify(rec, sheet=sheet)] == [True]
    with pytest.raises(ValueError):
        redburn.Job([sheet], cdtext_charset="utf-8")
    with pytest.raises(redburn.ImapiError) as e:
        redburn.create_emulated("x", quirks=["no_such_quirk"])
    assert e.value.name == "E_INVALIDARG"


def test_a_job_is_cancelled_from_its_event_callback_and_the_disc_plays(home):
    files = [make_wav(home / f"{i}.wav", 6, step=i + 2) for i in range(3)]
    job = redburn.Job(files)
    rec = redburn.Recorder("emu:default")

    def on_event(e):
        return not (e.kind == "phase" and e.phase == "writing" and e.track == 2)

    [outcome] = job.run([rec], on_event=on_event)
    assert (outcome.ok, outcome.error_class) == (False, "cancelled")
    m = rec.media_info()
    assert m.status == "finalized" and 1 <= m.tracks <= 2


def test_ordinary_mistakes_are_caught_where_they_are_made(home):
    rec = redburn.Recorder("emu:default")
    # Callbacks are checked when given, before anything is burned.
    wav = make_wav(home / "x.wav", 4)
    with pytest.raises(TypeError):
        redburn.Job([wav], on_note="not a function")
    with pytest.raises(TypeError):
        redburn.Job([wav]).run([rec], on_event=5)
    assert rec.media_info().status == "blank"
    tao = redburn.TrackAtOnce(rec)
    with pytest.raises(TypeError):
        tao.on_update = 5
    # A writer that is dropped without release_recorder() gives the drive back.
    del tao
    import gc

    gc.collect()
    deadline = __import__("time").time() + 10
    while True:
        try:
            assert rec.media_info().status == "blank"
            break
        except redburn.ImapiError:
            assert __import__("time").time() < deadline, "the drive never came back"


def test_breaking_out_of_write_cancels_the_burn(home):
    # A drive that writes in real time (about 0.8 s a track at 52x), so that the loop keeps
    # up with the burn.
    files = [make_wav(home / f"{i}.wav", 40, step=i + 3) for i in range(3)]
    redburn.create_emulated("slow", real_time=True)
    rec = redburn.Recorder("emu:slow")
    tao = redburn.TrackAtOnce(rec)
    it = tao.write(files)
    for u in it:
        # Once part of track 1 is on the disc.
        if u.current_track_number == 1 and u.current_action == "writing" and u.fraction > 0.3:
            break
    it.close()  # as a generator's close(); dropping the iterator does the same
    tao.release_recorder()
    m = rec.media_info()
    # Track 1 (cut where it was, or whole) and no other; the disc closed and playable.
    assert m.status == "finalized" and m.tracks == 1, m


def test_a_sheet_beyond_the_red_book_burns_only_when_asked(home):
    wav = make_wav(home / "short.wav", 6)
    sheet = home / "short.cue"
    sheet.write_text(
        'FILE "short.wav" WAVE\n  TRACK 01 AUDIO\n    FLAGS 4CH\n    INDEX 01 00:00:00\n'
        "  TRACK 02 AUDIO\n    INDEX 01 00:05:00\n"
    )
    assert wav.endswith("short.wav")
    with pytest.raises(redburn.ImapiError) as e:
        redburn.Job([sheet])
    assert "--allow-four-channel" in str(e.value)
    with pytest.raises(redburn.ImapiError) as e:
        redburn.Job([sheet], allow_four_channel=True)
    assert "track 2 is 75 sectors long" in str(e.value)
    notes = []
    job = redburn.Job([sheet], allow_four_channel=True, allow_short_tracks=True, on_note=notes.append)
    assert (job.tracks, job.sectors) == (2, 150 + 375 + 75)
    assert any("four-channel flag" in n for n in notes) and any("75 sectors" in n for n in notes)
    [outcome] = job.run([redburn.Recorder("emu:default")])
    assert outcome.ok


def test_imapi_v1_album_burn_and_speed_descriptors(home):
    files = [make_wav(home / f"{i}.wav", 5, step=i + 3) for i in range(2)]
    rec = redburn.Recorder("emu:default")
    tao = redburn.TrackAtOnce(rec)
    speeds = tao.supported_write_speeds()
    descriptors = tao.supported_write_speed_descriptors()
    assert speeds[0] == 3900 and [d[2] for d in descriptors] == speeds
    assert descriptors[0] == (2, False, 3900)  # CD-R, not pure CAV, 52x

    class Events:
        def __init__(self):
            self.calls = []

        def notify_add_progress(self, done, total):
            self.calls.append(("add", done, total))

        def notify_track_progress(self, done, total):
            self.calls.append(("track", done, total))

        def notify_burn_complete(self, status):
            self.calls.append(("complete", status))

    events = Events()
    tao.burn_album(files, events)
    assert events.calls == [
        ("add", 0, 2), ("add", 1, 2), ("add", 2, 2),
        ("track", 0, 2), ("track", 1, 2), ("track", 2, 2),
        ("complete", 0),
    ]

    class Stop:
        def notify_add_progress(self, done, total):
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError):
        tao.burn_album(files, Stop())


def test_a_raw_image_is_built_and_burned_as_imapi_does(home):
    files = [make_wav(home / f"{i}.wav", 5, step=i + 5) for i in range(2)]
    img = redburn.RawCdImage()
    assert img.resulting_image_type == "raw" and not img.gapless_audio
    assert [img.add_track(f) for f in files] == [1, 2]
    img.media_catalog_number = "0724385525728"
    one = img.track_info(1)
    one.isrc = "USK7Y9812345"
    one.audio_has_preemphasis = True
    assert one.add_track_index(100) and not one.add_track_index(100)
    assert (one.track_number, one.starting_lba, one.sector_count, one.track_indexes) == (1, 0, 375, [0, 100])
    assert img.track_info(2).starting_lba == 375 + 150
    with pytest.raises(redburn.ImapiError) as e:
        img.track_info(3)
    img.set_cd_text(title="Été", performer="Band", tracks=[("One", None), ("Two", "Guest")])
    toc = img.expected_table_of_contents()
    # READ TOC format 0: header, then ADR 1 / CONTROL (pre-emphasis for track 1) per track.
    assert toc[2:4] == bytes([1, 2]) and toc[5] == 0x11 and toc[13] == 0x10
    updates = []
    rec = redburn.Recorder("emu:default")
    redburn.write_raw_image(rec, img, on_update=updates.append, client_name="raw from python")
    actions = [u.current_action for u in updates]
    assert actions[0] == "preparing" and actions[-1] == "finishing" and "writing" in actions
    assert all(u.used_system_buffer + u.free_system_buffer == u.total_system_buffer for u in updates)
    m = rec.media_info()
    assert (m.status, m.tracks) == ("finalized", 2)
    assert [v.matches for v in redburn.verify(rec, files=files)] == [True, True]
    # The CD-TEXT is on the disc: read back into an image, its packs make a second image's.
    read = redburn.read_image(rec, home / "back.cue")
    assert read.exact and (home / "back.cdt").exists()
    again = redburn.RawCdImage()
    again.add_track(files[0])
    again.set_cd_text_packs((home / "back.cdt").read_bytes())
    with pytest.raises(ValueError):
        again.set_cd_text_packs(b"not packs")
    # The creator is read-only once its image is made, as IMAPI's.
    with pytest.raises(redburn.ImapiError):
        img.add_track(files[0])
    with pytest.raises(ValueError):
        img.resulting_image_type = "cd"


def test_a_raw_image_carries_r_w_from_a_generator(home):
    files = [make_wav(home / "a.wav", 5)]
    # Every R-W symbol 0x15, 96 bytes a sector, for all the image holds from the lead-in on (what
    # is left over is not read).
    (home / "rw.bin").write_bytes(bytes([0x15]) * 96 * 40000)
    img = redburn.RawCdImage()
    img.add_track(files[0])
    img.add_subcode_rw_generator(home / "rw.bin")
    rec = redburn.Recorder("emu:default")
    redburn.write_raw_image(rec, img)
    read = redburn.read_image(rec, home / "back.cue", sub=True)
    assert read.exact
    sub = (home / "back.sub").read_bytes()
    middle = sub[96 * 300 : 96 * 301]  # a sector inside the track: R-W as given, P and Q the drive's
    assert len(middle) == 96 and {b & 0x3F for b in middle} == {0x15}
    # A P-Q only image has no R-W; a file that is not there says so.
    pq = redburn.RawCdImage()
    pq.resulting_image_type = "pq_only"
    with pytest.raises(redburn.ImapiError) as e:
        pq.add_subcode_rw_generator(home / "rw.bin")
    assert e.value.name == "E_INVALIDARG"
    with pytest.raises(ValueError):
        redburn.RawCdImage().add_subcode_rw_generator(home / "missing.bin")


def test_a_disc_is_read_into_an_image_that_burns_back(home):
    files = [make_wav(home / f"{i}.wav", 5, step=i + 2) for i in range(2)]
    rec = redburn.Recorder("emu:default")
    [outcome] = redburn.Job(files).run([rec])
    assert outcome.ok
    seen = []
    read = redburn.read_image(rec, home / "copy.cue", split=True, progress=lambda d, t: seen.append((d, t)))
    assert read.exact and [t.number for t in read.tracks] == [1, 2]
    assert [p.name for p in map(__import__("pathlib").Path, read.files)] == ["copy-01.wav", "copy-02.wav", "copy.cue"]
    assert seen and seen[-1][0] == seen[-1][1] == read.sectors
    assert all(t.damaged == [] and t.crc32 for t in read.tracks)
    # Stopped from the callback: an error, and no file of the image is left.
    with pytest.raises(redburn.ImapiError) as e:
        redburn.read_image(rec, home / "stopped.cue", progress=lambda d, t: False)
    assert e.value.name == "E_IMAPI_REQUEST_CANCELLED"
    assert not [p for p in home.iterdir() if p.name.startswith("stopped")]
    # The image burns back: the same audio, track for track.
    redburn.create_emulated("copy")
    target = redburn.Recorder("emu:copy")
    [again] = redburn.Job([str(home / "copy.cue")]).run([target])
    assert again.ok
    assert [v.matches for v in redburn.verify(target, files=files)] == [True, True]


def test_a_disc_is_copied_onto_two_recorders_then_onto_its_own_drive(home):
    files = [make_wav(home / f"{i}.wav", 5, step=i + 2) for i in range(2)]
    redburn.create_emulated("src")
    src = redburn.Recorder("emu:src")
    [outcome] = redburn.Job(files).run([src])
    assert outcome.ok
    del src  # the drive is let go: the copy opens it by name
    for name in ("a", "b"):
        redburn.create_emulated(name)
    reads, events = [], []
    copies = redburn.copy_disc(
        "emu:src", ["emu:a", "emu:b"], verify=True, temp=home, on_read=lambda d, t: reads.append((d, t)),
        on_event=events.append,
    )
    assert [[(o.device, o.ok) for o in c] for c in copies] == [[("emu:a", True), ("emu:b", True)]]
    assert all(v.matches for o in copies[0] for v in o.verdicts)
    assert reads and reads[-1][0] == reads[-1][1]
    assert {e.device for e in events} == {"emu:a", "emu:b"}
    assert [v.matches for v in redburn.verify(redburn.Recorder("emu:b"), files=files)] == [True, True]
    # Two copies on the source's own drive: its disc is ejected and a blank waited for, each time.
    inserted = []

    def insert(device):
        inserted.append(device)
        redburn.insert_emulated(device.removeprefix("emu:"))

    copies = redburn.copy_disc("emu:src", copies=2, temp=home, on_insert=insert)
    assert inserted == ["emu:src", "emu:src"]
    assert [[o.ok for o in c] for c in copies] == [[True], [True]]
    # The temporary image is gone.
    assert not [p for p in home.iterdir() if p.name.startswith("redburn-copy-")]
    # No blank disc within the wait.
    with pytest.raises(redburn.ImapiError) as e:
        redburn.copy_disc("emu:src", temp=home, wait=0.5)
    assert "emu:src: no blank disc was inserted within" in e.value.message
    # Mistakes, before anything is read.
    with pytest.raises(redburn.ImapiError) as e:
        redburn.copy_disc("emu:src", copies=0)
    assert e.value.name == "E_INVALIDARG"
    with pytest.raises(redburn.ImapiError) as e:
        redburn.copy_disc("emu:src", ["emu:a", "emu:src"])
    assert "cannot also be one of several targets" in e.value.message
    with pytest.raises(TypeError):
        redburn.copy_disc("emu:src", on_insert=5)
    assert not [p for p in home.iterdir() if p.name.startswith("redburn-copy-")]


def test_a_playlist_burns_at_one_loudness(home):
    quiet = make_wav(home / "quiet.wav", 5, step=3)
    loud = make_wav(home / "loud.wav", 5, step=11)
    (home / "mix.m3u").write_text("#EXTM3U\n#EXTINF:5,A - Quiet\nquiet.wav\nloud.wav\n")
    job = redburn.Job([str(home / "mix.m3u")], normalize="track", target_lufs=-20.0, verify=True)
    assert job.tracks == 2
    gains = job.loudness
    assert [set(g) for g in gains] == [
        {"measured_lufs", "loudness_lufs", "from_tag", "true_peak_dbtp", "gain_db", "limited"}
    ] * 2
    # Each gain brings its track to the target unless its true peak held it back.
    for g in gains:
        reached = g["measured_lufs"] + g["gain_db"]
        assert g["limited"] or abs(reached - -20.0) < 0.01, g
        assert g["true_peak_dbtp"] + g["gain_db"] <= -1.0 + 0.01, g
    events = []
    [outcome] = job.run([redburn.Recorder("emu:default")], on_event=events.append)
    assert outcome.ok and all(v.matches for v in outcome.verdicts)
    verified = [(e.track, e.tracks, e.matches) for e in events if e.kind == "verified"]
    assert verified == [(1, 2, True), (2, 2, True)], verified
    assert redburn.Job([quiet, loud]).loudness is None
    with pytest.raises(ValueError):
        redburn.Job([quiet], normalize="loudest")
    with pytest.raises(redburn.ImapiError) as e:
        (home / "bad.m3u").write_text("quiet.wav\nmissing.wav\n")
        redburn.Job([str(home / "bad.m3u")])
    assert "bad.m3u:2" in str(e.value)
