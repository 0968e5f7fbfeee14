#!/usr/bin/python3
"""Serves one H.264 MP4 over RTSP with GStreamer's RTSP server, for ingest's tests.

Usage: rtsp_server.py PORT FILE -> rtsp://127.0.0.1:PORT/video. Each client gets the file from its
start, in real time, over TCP or UDP as it asks; RTCP sender reports carry the server's NTP time.
Prints "ready" once it listens.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

port, path = sys.argv[1], sys.argv[2]
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( filesrc location=\"%s\" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )"
    % path
)
factory.set_shared(False)
server.get_mount_points().add_factory("/video", factory)
if server.attach(None) == 0:
    print("could not listen on port %s" % port, flush=True)
    sys.exit(1)
print("ready", flush=True)
GLib.MainLoop().run()
