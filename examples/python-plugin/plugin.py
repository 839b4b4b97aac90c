#!/usr/bin/env python3
"""A Loom subprocess plugin in Python, standard library only (docs/protocol.md, protocol v1).

It provides one module, http.handlers.py_hello: it answers with a JSON body naming the request's
method and path, the module's `greeting` config, and the request body's size; a POST's answer
is instead the request body itself, byte for byte (content-type application/octet-stream).
Logs go to stderr as JSON lines, which the host re-emits under the plugin's logger.
"""
import json
import os
import struct
import sys
import threading
import time

COOKIE = "7d3f0c52b8e14a69a1c4e2f9b06d8e31"
NOT_HOSTED = ("This program is a Loom plugin. A Loom host starts it and talks to it over a private channel; "
              "it does nothing when run by hand. Add it to a host's plugins instead.")
PLUGIN = {"name": "python-hello", "version": "0.1.0"}
PROTOCOL_VERSIONS = [1]
MAX_IN = 16 * 1024 * 1024
MAX_DEPTH = 128
MODULE_ID = "http.handlers.py_hello"
LIFECYCLE = ("provision", "validate", "start", "stop", "cleanup")
DRAIN_S = 5.0

# Frame types (section 5).
HANDSHAKE, ERROR, SHUTDOWN, HEALTH, HEALTH_OK, CREATE, CREATED, DESTROY, CALL, RESULT, CANCEL = range(1, 12)


def log(level, msg, **fields):
    sys.stderr.write(json.dumps({"level": level, "msg": msg, **fields}) + "\n")
    sys.stderr.flush()


class ProtocolError(Exception):
    pass


class CallError(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


# ---- framing (section 3) ------------------------------------------------------------------------

class Channel:
    def __init__(self, rfd, wfd, max_out):
        self.rfd, self.wfd, self.max_out = rfd, wfd, max_out
        self.lock = threading.Lock()
        self.closed = False

    def read_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = os.read(self.rfd, n - len(buf))
            if not chunk:
                if buf:
                    raise ProtocolError("the stream ended in the middle of a frame")
                raise EOFError
            buf += chunk
        return bytes(buf)

    def read_frame(self):
        (length,) = struct.unpack(">I", self.read_exact(4))
        if length > MAX_IN:
            raise CallError("FRAME_TOO_LARGE", f"frame of {length} bytes exceeds the maximum {MAX_IN}")
        if length < 9:
            raise ProtocolError(f"frame length {length} is below 9")
        body = self.read_exact(length)
        ftype, fid, json_len = struct.unpack(">BII", body[:9])
        if json_len > length - 9:
            raise ProtocolError("jsonLength is larger than the frame")
        raw = body[9:9 + json_len]
        if raw.startswith(b"\xef\xbb\xbf"):
            raise ProtocolError("the JSON section starts with a byte-order mark")
        try:
            fields = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError) as error:
            raise ProtocolError(f"invalid JSON section: {error}") from None
        if not isinstance(fields, dict):
            raise ProtocolError("the JSON section is not an object")
        return ftype, fid, resolve_bytes(fields, body[9 + json_len:], 1)

    def write_frame(self, ftype, fid, fields):
        parts = []
        size = [0]

        def refs(value):
            if isinstance(value, (bytes, bytearray, memoryview)):
                data = bytes(value)
                ref = {"$bytes": [size[0], len(data)]}
                parts.append(data)
                size[0] += len(data)
                return ref
            if isinstance(value, (list, tuple)):
                return [refs(v) for v in value]
            if isinstance(value, dict):
                if "$bytes" in value:
                    raise ValueError("an object key $bytes is reserved")
                return {k: refs(v) for k, v in value.items()}
            return value

        data = json.dumps(refs(fields), separators=(",", ":"), allow_nan=False).encode("utf-8")
        length = 9 + len(data) + size[0]
        if length > self.max_out:
            raise CallError("FRAME_TOO_LARGE", f"the reply of {length} bytes exceeds the host's maximum {self.max_out}")
        frame = struct.pack(">IBII", length, ftype, fid, len(data)) + data + b"".join(parts)
        with self.lock:
            if self.closed:
                return
            view = memoryview(frame)
            while view:
                view = view[os.write(self.wfd, view):]

    def error(self, fid, code, message, data=None):
        fields = {"code": code, "message": message}
        if data is not None:
            fields["data"] = data
        self.write_frame(ERROR, fid, fields)


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def resolve_bytes(value, binary, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError("JSON nested more than 128 levels")
    if isinstance(value, list):
        return [resolve_bytes(v, binary, depth + 1) for v in value]
    if isinstance(value, dict):
        if "$bytes" in value:
            span = value["$bytes"]
            if (len(value) != 1 or not isinstance(span, list) or len(span) != 2
                    or not all(type(n) is int and n >= 0 for n in span) or span[0] + span[1] > len(binary)):
                raise ProtocolError("broken $bytes reference")
            return binary[span[0]:span[0] + span[1]]
        return {k: resolve_bytes(v, binary, depth + 1) for k, v in value.items()}
    return value


# ---- the module ---------------------------------------------------------------------------------

class PyHello:
    """http.handlers.py_hello: config {"greeting"?: string}."""

    def __init__(self, config, path):
        problems = []
        if not isinstance(config, dict):
            problems.append({"code": "CONFIG_INVALID", "message": "expected an object", "path": path or "(root)"})
            config = {}
        for key in config:
            if key != "greeting":
                problems.append({"code": "CONFIG_INVALID", "message": f'unknown key "{key}"',
                                 "path": f"{path}.{key}" if path else key, "hint": "the only key is greeting"})
        greeting = config.get("greeting", "hello from python")
        if not isinstance(greeting, str):
            problems.append({"code": "CONFIG_INVALID", "message": "expected a string",
                             "path": f"{path}.greeting" if path else "greeting"})
        if problems:
            raise CallError("CONFIG_INVALID", f"invalid config for {MODULE_ID}", {"diagnostics": problems})
        self.greeting = greeting

    def handle(self, request, cancelled):
        if cancelled.is_set():
            raise CallError("CALL_CANCELLED", "the call was cancelled")
        url = request.get("url", "/")
        method = request.get("method", "GET")
        body = request.get("body", b"")
        if method == "POST":
            return {"status": 200, "headers": {"content-type": "application/octet-stream", "x-plugin": "python"}, "body": body}
        payload = {"greeting": self.greeting, "method": method, "path": url.split("?", 1)[0], "url": url,
                   "bodyBytes": len(body), "pid": os.getpid()}
        return {"status": 200, "headers": {"content-type": "application/json", "x-plugin": "python"},
                "body": json.dumps(payload).encode("utf-8")}


# ---- the connection (sections 4 to 9) ------------------------------------------------------------

class Plugin:
    def __init__(self, channel):
        self.ch = channel
        self.instances = {}
        self.next_instance = 1
        self.inflight = {}          # call id -> cancel Event
        self.state_lock = threading.Lock()
        self.stopping = False
        self.done = threading.Event()

    def reply_error(self, fid, error):
        self.ch.error(fid, error.code, error.message, error.data)

    def serve(self):
        while True:
            try:
                ftype, fid, fields = self.ch.read_frame()
            except EOFError:
                log("info", "the host closed the channel; exiting")
                self.drain_and_exit(0)
            except CallError as error:                     # FRAME_TOO_LARGE: connection-level
                self.fail(error.code, error.message)
            except ProtocolError as error:
                self.fail("PROTOCOL_ERROR", str(error))
            self.dispatch(ftype, fid, fields)

    def fail(self, code, message):
        try:
            self.ch.error(0, code, message)
        except OSError:
            pass
        log("error", "protocol error", code=code, error=message)
        os._exit(1)

    def dispatch(self, ftype, fid, fields):
        if ftype == HEALTH:
            self.ch.write_frame(HEALTH_OK, fid, {"inFlight": len(self.inflight)})
        elif ftype == CANCEL:
            event = self.inflight.get(fid)
            if event is not None:
                event.set()
        elif ftype == SHUTDOWN:
            with self.state_lock:
                self.stopping = True
            deadline = fields.get("deadlineMs", 5000) if isinstance(fields.get("deadlineMs"), int) else 5000
            log("info", "shutdown requested", deadlineMs=deadline)
            threading.Thread(target=self.drain_and_exit, args=(0, min(deadline / 1000, DRAIN_S)), daemon=True).start()
        elif ftype in (CREATE, DESTROY, CALL):
            if fid == 0:
                self.fail("PROTOCOL_ERROR", f"frame type {ftype} needs a request id")
            if self.stopping and ftype != DESTROY:
                self.ch.error(fid, "PLUGIN_STOPPING", "the plugin is shutting down")
                return
            if ftype == CREATE:
                self.create(fid, fields)
            elif ftype == DESTROY:
                self.destroy(fid, fields)
            else:
                event = threading.Event()
                self.inflight[fid] = event
                threading.Thread(target=self.call, args=(fid, fields, event), daemon=True).start()
        else:
            self.fail("PROTOCOL_ERROR", f"unexpected frame type {ftype} from the host")

    def create(self, fid, fields):
        module = fields.get("module")
        if module != MODULE_ID:
            self.ch.error(fid, "MODULE_UNKNOWN", f"this plugin provides no module {module}")
            return
        try:
            instance = PyHello(fields.get("config", {}), fields.get("path", ""))
        except CallError as error:
            self.reply_error(fid, error)
            return
        except Exception as error:  # noqa: BLE001 - reported to the host
            self.ch.error(fid, "MODULE_LIFECYCLE_FAILED", f"creating {module} failed: {error}")
            return
        name = f"i{self.next_instance}"
        self.next_instance += 1
        self.instances[name] = instance
        self.ch.write_frame(CREATED, fid, {"instance": name})

    def destroy(self, fid, fields):
        self.instances.pop(fields.get("instance"), None)
        self.ch.write_frame(RESULT, fid, {})

    def call(self, fid, fields, cancelled):
        try:
            instance = self.instances.get(fields.get("instance"))
            method = fields.get("method")
            if instance is None:
                raise CallError("PLUGIN_TARGET_UNKNOWN", f"no instance {fields.get('instance')}")
            if method in LIFECYCLE:
                self.ch.write_frame(RESULT, fid, {})
                return
            if method != "handle":
                raise CallError("PLUGIN_TARGET_UNKNOWN", f"{MODULE_ID} has no method {method}")
            args = fields.get("args")
            if not isinstance(args, list) or not args or not isinstance(args[0], dict):
                raise CallError("PLUGIN_CALL_FAILED", "handle expects one request object")
            value = instance.handle(args[0], cancelled)
            if cancelled.is_set():
                raise CallError("CALL_CANCELLED", "the call was cancelled")
            self.ch.write_frame(RESULT, fid, {"value": value})
        except CallError as error:
            self.reply_error(fid, error)
        except Exception as error:  # noqa: BLE001 - reported to the host
            self.ch.error(fid, "PLUGIN_CALL_FAILED", str(error))
        finally:
            self.inflight.pop(fid, None)

    def drain_and_exit(self, status, timeout_s=DRAIN_S):
        deadline = time.monotonic() + timeout_s
        while self.inflight and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.ch.lock:
            self.ch.closed = True
            try:
                os.close(self.ch.wfd)
            except OSError:
                pass
        os._exit(status)


def watch_lifeline(plugin):
    """End-of-file on stdin means the host is gone (section 9.3)."""
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    log("info", "the host is gone (stdin closed); exiting")
    plugin.drain_and_exit(0)


def main():
    if os.environ.get("LOOM_PLUGIN_MAGIC_COOKIE") != COOKIE:
        sys.stderr.write(NOT_HOSTED + "\n")
        sys.exit(1)
    env = os.environ
    try:
        host_versions = [int(v) for v in env["LOOM_PLUGIN_PROTOCOL_VERSIONS"].split(",")]
    except (KeyError, ValueError):
        sys.stderr.write("LOOM_PLUGIN_PROTOCOL_VERSIONS is missing or malformed\n")
        sys.exit(1)
    nonce = env.get("LOOM_PLUGIN_NONCE", "")
    if not (16 <= len(nonce) <= 128) or not all(c.isascii() and (c.isalnum() or c in "-_") for c in nonce):
        sys.stderr.write("LOOM_PLUGIN_NONCE is missing or malformed\n")
        sys.exit(1)
    channel = env.get("LOOM_PLUGIN_CHANNEL", "")
    try:
        rfd, wfd = (int(n) for n in channel.removeprefix("fds:").split(","))
        if not channel.startswith("fds:"):
            raise ValueError
    except ValueError:
        sys.stderr.write("LOOM_PLUGIN_CHANNEL is missing or malformed\n")
        sys.exit(1)
    max_out = int(env.get("LOOM_PLUGIN_MAX_FRAME_BYTES", str(MAX_IN)) or MAX_IN)
    for fd in (rfd, wfd):
        os.set_inheritable(fd, False)
    for name in [k for k in env if k.startswith("LOOM_PLUGIN_")]:
        del os.environ[name]            # children of this plugin do not see the launch variables

    ch = Channel(rfd, wfd, max_out)
    common = [v for v in PROTOCOL_VERSIONS if v in host_versions]
    if not common:
        ch.error(0, "PROTOCOL_VERSION_MISMATCH",
                 f"no common protocol version: the host speaks {', '.join(map(str, host_versions))}, "
                 f"the plugin speaks {', '.join(map(str, PROTOCOL_VERSIONS))}",
                 {"host": host_versions, "plugin": PROTOCOL_VERSIONS})
        sys.exit(1)
    ch.write_frame(HANDSHAKE, 0, {
        "protocolVersions": PROTOCOL_VERSIONS,
        "protocolVersion": max(common),
        "nonce": nonce,
        "plugin": PLUGIN,
        "capabilities": ["cancel"],
        "maxFrameBytes": MAX_IN,
        "modules": [{"id": MODULE_ID, "methods": ["handle"], "description": "Says hello in JSON; echoes a POST body."}],
    })
    log("info", "python plugin ready", pid=os.getpid(), protocolVersion=max(common))
    plugin = Plugin(ch)
    threading.Thread(target=watch_lifeline, args=(plugin,), daemon=True).start()
    plugin.serve()


if __name__ == "__main__":
    main()
