"""A pre-imported fork server for ``pxl10n`` children: each run a real, separate process, without the imports.

A fresh ``pxl10n`` spends most of a short run importing (click, httpx, GitPython,
lxml, the validator: about 0.1-0.35 CPU-s). The zygote is one fresh interpreter that
imports all that once and then forks one process per run. What a run gets is what a
fresh process gets: its own pid, the caller's stdin/stdout/stderr (the descriptors
themselves, passed over a Unix socket), its cwd, its environment (the import-time
additions of the modules replayed, as a fresh import would make them), its argv, the
default signal dispositions of a fresh interpreter, a reseeded ``random``, and a normal
interpreter exit (atexit, flushing, the exit code; death by a signal stays death by
that signal). The run is started by a small client script (``python -S``: no
site-packages, about 10 ms) that stands where the console script stands, forwards
SIGINT/SIGTERM/SIGHUP/SIGQUIT to the run and exits as the run did.

A SIGKILL cannot be forwarded: sent to the client, it would leave the run alive.
A test that kills a run starts it with ``Zygote.start``, which learns the run's own
pid from the client (through a pipe named by ``PID_FD_VARIABLE``, which the run
never sees) and kills that process through a pidfd (never another that took its pid).

Not for tests about the interpreter itself (``python -m pxl10n``, the console script,
a PATH without git, missing modules): those keep fresh interpreters.
``tests/test_zygote.py`` proves a forked run answers as a fresh one does.

Run as a script: ``python zygote.py SOCKET``; it prints ``ready`` once it listens and
ends when its parent does.
"""

from __future__ import annotations

import ast
import os
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: What every run would import anyway; imported once, in the zygote.
PRELOAD = ("pxl10n.cli", "pxl10n.sync.pull", "pxl10n.sync.push", "pxl10n.sync.status", "pxl10n.sync.validation",
           "pxl10n.validate.engine", "pxl10n.doctor")
#: The signals a shell or a runner sends to stop a command; the client passes them on.
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
#: A descriptor of the client's to which it writes the run's pid (one line), then closes; not passed to the run.
PID_FD_VARIABLE = "PXL10N_ZYGOTE_PID_FD"

CLIENT = """#!{python} -S
# pxl10n, run by the test zygote (tests/helpers/zygote.py): a real process forked from a pre-imported interpreter.
# Built-in modules only (no json, socket.py, signal.py: their imports were two thirds of the client's 20 ms).
import _signal, _socket, array, os, sys
conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
conn.connect({socket!r})
pid_fd = os.environ.pop({pid_fd_variable!r}, None)
data = repr({{"argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
message = len(data).to_bytes(4, "big") + data
sent = conn.sendmsg([message], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, array.array("i", [0, 1, 2]))])
while sent < len(message):
    sent += conn.send(message[sent:])
answers = b""
def answer():
    global answers
    while b"\\n" not in answers:
        more = conn.recv(256)
        if not more:
            return ""
        answers += more
    line, _, answers = answers.partition(b"\\n")
    return line.decode()
pid = int(answer().split()[1])
def forward(signum, frame):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
for sig in {signals}:
    _signal.signal(sig, forward)
if pid_fd is not None:
    os.write(int(pid_fd), b"%d\\n" % pid)
    os.close(int(pid_fd))
line = answer()
code = int(line.split()[1]) if line.startswith("exit ") else 1
if code < 0:
    if -code != _signal.SIGKILL:  # SIGKILL has no handler to reset (signal.signal refuses it)
        _signal.signal(-code, _signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def _recv_request(conn: socket.socket) -> tuple[dict[str, object], list[int]]:
    first, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    (size,) = struct.unpack("!I", first[:4])
    data = first[4:]
    while len(data) < size:
        more = conn.recv(size - len(data))
        if not more:
            raise EOFError("the client went away")
        data += more
    return ast.literal_eval(data.decode()), fds  # the client's repr() of plain strings, lists and dicts


def _become_the_run(request: dict[str, object], fds: list[int], import_env: dict[str, str]) -> list[str]:
    """In the forked run: the caller's descriptors, cwd and environment; the argv to run."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(str(request["cwd"]))
    env = dict(request["env"])  # type: ignore[call-overload]
    os.environ.clear()
    os.environ.update(env)
    for key, value in import_env.items():  # what the imports set (e.g. GIT_PYTHON_REFRESH), as a fresh import would
        os.environ.setdefault(key, value)
    import random

    random.seed()
    argv = [str(a) for a in request["argv"]]  # type: ignore[attr-defined]
    sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))
    return argv


def serve(path: str) -> list[str] | None:
    """Listen on ``path``; in a forked run, return its argv (the caller runs it); in the zygote, never return."""
    before = dict(os.environ)
    for name in PRELOAD:
        __import__(name)
    import_env = {k: v for k, v in os.environ.items() if before.get(k) != v}
    import gc
    import threading

    gc.collect()
    gc.freeze()  # the runs' collections never walk (and so never copy) what the zygote imported

    assert threading.active_count() == 1, "a zygote must not fork with threads alive"
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(2.0)
    print("ready", flush=True)
    while True:
        while True:  # reap the runs' keepers that ended
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return None  # the test session ended
            continue
        if os.fork() == 0:  # the run's keeper: starts it, waits for it, tells the client how it ended
            listener.close()
            conn.settimeout(None)
            request, fds = _recv_request(conn)
            run = os.fork()
            if run == 0:
                conn.close()
                return _become_the_run(request, fds, import_env)
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(f"pid {run}\n".encode())
                _, status = os.waitpid(run, 0)
                conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:  # the client was killed: nobody to tell
                pass
            os._exit(0)
        conn.close()


@dataclass
class Started:
    """A run started by ``Zygote.start``: the client's process, the run's own pid and a pidfd on it.

    The run is the keeper's child, not this process's: the moment it ends it is reaped and
    its pid is free for anyone's next process. A signal sent through the pidfd can only
    reach the run (once it has ended, it reaches nothing).
    """

    client: subprocess.Popen[Any]
    pid: int
    pidfd: int

    def kill(self) -> int:
        """A real SIGKILL to the run itself (a SIGKILL to the client would leave it running), if it still runs; the client's exit status."""
        if self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:  # it had ended
                pass
        return self.wait()

    def wait(self) -> int:
        """The client's exit status (the run's) once it ends."""
        code = self.client.wait()
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        return code


class Zygote:
    """A running zygote and the client script that starts runs in it."""

    def __init__(self, scratch: Path) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        self.socket = str(scratch / "zygote.sock")
        self.client = scratch / "pxl10n"
        self.client.write_text(CLIENT.format(python=sys.executable, socket=self.socket, signals=tuple(int(s) for s in FORWARDED),
                                             pid_fd_variable=PID_FD_VARIABLE))
        self.client.chmod(0o755)
        # an environment like a runner's: no PYTHON* settings of this test process (buffering, bytecode)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        self.process = subprocess.Popen([sys.executable, __file__, self.socket], env=env, cwd=scratch,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == "ready\n", f"the zygote did not start: {line!r}"

    def start(self, args: Sequence[str], *, env: Mapping[str, str] | None = None, **popen: Any) -> Started:
        """``pxl10n ARGS`` started through the client (``subprocess.Popen`` keywords), once the run has its pid."""
        read_end, write_end = os.pipe()
        try:
            client = subprocess.Popen([str(self.client), *args], env={**(os.environ if env is None else env), PID_FD_VARIABLE: str(write_end)},
                                      pass_fds=(write_end,), **popen)
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as answer:
            line = answer.readline()
        if not line:
            client.wait()
            raise RuntimeError(f"the zygote's client ended ({client.returncode}) before the run started")
        pid = int(line)
        try:  # the run takes tens of ms at least: it is alive (and its pid its own) when the client names it
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # ended already (a run that fast was never the one to kill)
            pidfd = -1
        return Started(client, pid, pidfd)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _exit_code(stop: SystemExit) -> int:
    """The exit status Python gives a ``SystemExit`` (a non-number is printed to stderr: status 1)."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code & 0xFF
    print(stop.code, file=sys.stderr)
    return 1


def _end(code: int) -> None:
    """End as the interpreter ends (threads joined, atexit run, streams flushed), without tearing the modules down.

    Freeing every inherited object would copy each page shared with the zygote:
    that teardown cost more than the imports it saves.
    """
    import atexit
    import threading

    threading._shutdown()  # type: ignore[attr-defined]  # what interpreter shutdown does first: join non-daemon threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120  # as Python: output it could not flush
    os._exit(code)


if __name__ == "__main__":
    argv = serve(sys.argv[1])
    if argv is not None:
        sys.argv = argv
        from pxl10n.cli import main

        try:
            main()
            status = 0
        except SystemExit as stop:
            status = _exit_code(stop)
        _end(status)
