#!/usr/bin/python3
"""Burns an M3U playlist through redburnd, with progress: what a music player's "burn this
playlist" plug-in needs. The files go to the service as descriptors this program opened, so
it burns what the player may read and nothing else.

    examples/dbus/burn-playlist.py PLAYLIST.m3u [RECORDER]

Gio comes from python3-gi (Debian: /usr/bin/python3 sees it).
"""
import os
import sys

from gi.repository import Gio, GLib

playlist = sys.argv[1]
recorder = sys.argv[2] if len(sys.argv) > 2 else "emu:default"
here = os.path.dirname(os.path.abspath(playlist))
with open(playlist, encoding="utf-8") as m3u:
    paths = [os.path.join(here, l.strip()) for l in m3u if l.strip() and not l.startswith("#")]

bus = Gio.bus_get_sync(Gio.BusType.SESSION)
fds = Gio.UnixFDList()
files = [(os.path.basename(p), fds.append(os.open(p, os.O_RDONLY))) for p in paths]
reply, _ = bus.call_with_unix_fd_list_sync(
    "org.redburn.Redburn1", "/org/redburn/Redburn1", "org.redburn.Redburn1.Manager", "BurnFiles",
    GLib.Variant("(asa(sh)a{sv})", ([recorder], files, {"verify": GLib.Variant("b", True)})),
    GLib.VariantType("(o)"), Gio.DBusCallFlags.NONE, -1, fds, None)
job = reply.unpack()[0]

loop, outcome = GLib.MainLoop(), {}


def on_signal(_conn, _sender, _path, _iface, name, params):
    args = params.unpack()
    if name == "Phase":
        print(f"{args[0]}: {args[1]}" + (f" track {args[3]} of {args[4]}" if args[3] else ""), flush=True)
    elif name == "Update" and "written" in args[1]:
        print(f"{args[0]}: {100 * args[1]['written'] // max(args[1]['total'], 1)}%", flush=True)
    elif name == "Finished":
        outcome["ok"] = args[0]
        for device, ok, error, message, _hresult in args[1]:
            print(f"{device}: {'burned' if ok else message}")
        loop.quit()


# Subscribed before Start: no signal is missed.
bus.signal_subscribe("org.redburn.Redburn1", "org.redburn.Redburn1.Job", None, job, None,
                     Gio.DBusSignalFlags.NONE, on_signal)
bus.call_sync("org.redburn.Redburn1", job, "org.redburn.Redburn1.Job", "Start", None, None,
              Gio.DBusCallFlags.NONE, -1, None)
loop.run()
sys.exit(0 if outcome.get("ok") else 1)
