"""Run a build as a process group that stops with the process that started it.

    python -m ssc_deploy.guard COMMAND [ARGS ...]

A publish runs Pelican in a process group of its own (so that a Ctrl+C meant for the publish
does not reach it mid-import), and Pelican forks workers into that group. If the publish
itself is killed (SIGKILL, the OOM killer), nothing would stop that group: it would go on
writing into a staging folder nobody will use. This small process sits between the two: the
kernel sends it SIGTERM when its parent dies (Linux's parent-death signal), and it then stops
the whole group of the command; any process of the group still running when the command has
ended is stopped too. Its exit status is the command's (128 + N for a command ended by signal N).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1
_STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def set_parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send `signum` to this process when its parent ends; False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def run(cmd: list[str]) -> int:
    """Run `cmd` in a new process group and wait; stop the group when this process is told to stop."""
    parent = os.getppid()
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        return 128 + signal.SIGTERM
    child: subprocess.Popen[bytes] | None = None
    stopped: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopped.append(signum)
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)

    for sig in _STOPS:
        signal.signal(sig, stop)
    child = subprocess.Popen(cmd, start_new_session=True)
    if stopped:  # a stop that came while the command was starting
        stop(stopped[0], None)
    code = child.wait()
    # The command's own workers, forked into its group, never outlive it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    return 128 - code if code < 0 else code


def main(argv: list[str]) -> int:
    """Entry point: `python -m ssc_deploy.guard COMMAND [ARGS ...]`."""
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m ssc_deploy.guard COMMAND [ARGS ...]", file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
