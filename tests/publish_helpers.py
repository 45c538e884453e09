"""Builds shared by the publishing tests: each is made once per test run, through the tasks.

The builds are cached in this module (imported once per process), not in pytest fixtures,
so every test module that needs one reuses it whichever module asks first.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from invoke import Context

import tasks

REPO = Path(__file__).resolve().parents[1]

SITE_URL = "https://forum.seoul.go.kr/ssc2020"
SUBPATH = "/ssc2020"
STALE = "stale-from-an-earlier-build.txt"


@functools.cache
def workdir() -> Path:
    """A private temporary folder for this test run, removed at exit."""
    path = Path(tempfile.mkdtemp(prefix="ssc-publish-tests-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path) with its bytes; symlinks as their target."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[rel] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


def copy_content(name: str) -> Path:
    """A private copy of the real content folder, for tests that break or add files."""
    target = workdir() / name / "content"
    shutil.copytree(REPO / "content", target)
    return target


def make_old_tree(path: Path) -> dict[str, bytes]:
    """Put a small stand-in for an earlier published site at `path` (with its manifest); return its snapshot."""
    from ssc_deploy import deploy

    (path / "sessions").mkdir(parents=True)
    (path / "index.html").write_text("<!DOCTYPE html><title>old</title>", encoding="utf-8")
    (path / "sessions" / "index.html").write_text("<!DOCTYPE html><title>old sessions</title>", encoding="utf-8")
    (path / STALE).write_text("only in the old tree", encoding="utf-8")
    deploy.write_manifest(path)
    return snapshot(path)


@functools.cache
def subpath_output() -> Path:
    """`invoke build --subpath` into a fresh output folder that held an earlier build.

    The folder starts with a stale file: after the build it must be gone (the tree was replaced,
    not written over).
    """
    output = workdir() / "subpath" / "output"
    output.mkdir(parents=True)
    (output / STALE).write_text("earlier build", encoding="utf-8")
    tasks.build(Context(), subpath=True, output=str(output))
    return output


@dataclass(frozen=True)
class Published:
    """The result of one `invoke publish --target DIR` over an earlier site."""

    live: Path
    old: dict[str, bytes]


@functools.cache
def published() -> Published:
    """Publish the real content with publishconf.py into a served folder that held an older site."""
    live = workdir() / "published" / "ssc2020"
    old = make_old_tree(live)
    tasks.publish_site(target=live, rsync=None, content=REPO / "content")
    return Published(live=live, old=old)


def build_with_environment(output: Path, content: Path, env: dict[str, str]) -> None:
    """One published build (publishconf.py) in a child process with extra environment variables."""
    cmd = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(REPO / "publishconf.py"),
        "-o",
        str(output),
        "--fatal",
        "errors",
    ]
    done = subprocess.run(cmd, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def html_pages(root: Path) -> list[Path]:
    """Every page of a built tree except the 404 pages (which have no address of their own)."""
    return [p for p in sorted(root.rglob("*.html")) if p.name != "404.html"]


def own_url(root: Path, page: Path, site_url: str = SITE_URL) -> str:
    """The address a page of the tree is served at."""
    rel = page.relative_to(root).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return f"{site_url}/{rel}"


# --- publishes run in child processes, as two people or two CI jobs would start them -----------

MARKER = "published-by.txt"
"""A file each test publish adds to its copy of the site, naming that publish."""


def copy_build(tree: Path, marker: str, hold: float = 0.0):
    """A `build` for `deploy.publish`: copy the built `tree`, mark the copy, then take `hold` seconds.

    The hold stands for the build's own time, so a second publish starts while the first one
    still holds the lock.
    """

    def build(staging: Path) -> None:
        shutil.copytree(tree, staging, dirs_exist_ok=True)
        (staging / MARKER).write_text(marker, encoding="utf-8")
        time.sleep(hold)

    return build


_CHILD_PUBLISH = """
import shutil, sys, time
from pathlib import Path

plugins, tree, target, marker, hold, site_url, mode = sys.argv[1:]
sys.path.insert(0, plugins)
from ssc_deploy import deploy, sanity

def build(staging):
    shutil.copytree(tree, staging, dirs_exist_ok=True)
    (staging / "published-by.txt").write_text(marker, encoding="utf-8")
    if hold.startswith("/"):  # a file the test makes once the build may end (at most a minute)
        deadline = time.monotonic() + 60
        while not Path(hold).exists() and time.monotonic() < deadline:
            time.sleep(0.005)
    else:
        time.sleep(float(hold))

if mode == "stop-while-deleting":
    def half_rmtree(path, *args, **kwargs):
        # Delete half of the tree, say which, then wait to be killed.
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for p in files[: len(files) // 2]:
            p.unlink()
        print("HALF " + str(path), flush=True)
        time.sleep(60)
    shutil.rmtree = half_rmtree

try:
    done = deploy.publish(target=Path(target), rsync=None, beside=Path(target), build=build,
                          check=lambda staged: sanity.check_tree(staged, site_url))
except deploy.PublishError as exc:
    print(f"Not published: {exc}", flush=True)
    sys.exit(1)
print(f"Published: {done.where}", flush=True)
"""


def start_child_publish(
    tree: Path, target: Path, marker: str, hold: float | Path, mode: str = "normal"
) -> subprocess.Popen[str]:
    """Publish a marked copy of `tree` into `target` with `deploy.publish`, in a new Python process.

    Its build ends `hold` seconds after the copy, or, when `hold` is a path, once that file exists.

    It imports only the publishing code (quick to start), prints 'Published: ...' or 'Not
    published: ...' like the task, and exits 0 or 1. `mode` "stop-while-deleting" makes it
    delete half of the old tree it removes, print `HALF <path>` and wait to be killed.
    """
    assert MARKER == "published-by.txt"
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            _CHILD_PUBLISH,
            str(REPO / "plugins"),
            str(tree),
            str(target),
            marker,
            str(hold),
            SITE_URL,
            mode,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


# --- a publish or rollback killed between any two changes it makes on disk ---------------------

_STEPS_SERVER = """
import os, shutil, sys, time, traceback
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from ssc_deploy import deploy, swap  # imported once: every run below is a fork of this process


def run(action, tree, target, marker, pause_after, atomic):
    done = 0

    def counted(func):
        def step(*args, **kwargs):
            nonlocal done
            result = func(*args, **kwargs)
            done += 1
            if done == pause_after:
                print(f"PAUSED {done} {os.getpid()}", flush=True)
                time.sleep(60)
            return result
        return step

    # Every call that changes something on disk is a step; the run stops after the chosen one.
    for name in ("rename", "replace", "unlink", "rmdir", "mkdir", "symlink"):
        setattr(os, name, counted(getattr(os, name)))
    exchange_call = swap._renameat2_exchange if atomic else (lambda a, b: False)
    swap._renameat2_exchange = counted(exchange_call)

    live = Path(target)
    if action == "publish":
        def build(staging):
            shutil.copytree(tree, staging, dirs_exist_ok=True)
            (staging / "published-by.txt").write_text(marker, encoding="utf-8")

        deploy.publish(target=live, rsync=None, beside=live, build=build, check=lambda staged: [])
    else:
        with deploy.publish_lock(deploy.lock_path(live)):
            deploy.rollback_tree(live)
    print(f"DONE {done} {os.getpid()}", flush=True)


for request in sys.stdin:
    action, tree, target, marker, pause_after, atomic = request.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        try:
            run(action, tree, target, marker, int(pause_after), atomic == "1")
        except BaseException:
            print("FAILED " + traceback.format_exc().replace("\\n", " | "), flush=True)
            os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)  # until it ends by itself or is killed
    print(f"ENDED {pid}", flush=True)
"""


class StepRuns:
    """Publishes (of a marked copy of a tree) or rollbacks of a target, each stopped after a chosen step.

    Every call that changes the disk (rename, replace, unlink, rmdir, mkdir, symlink, the exchange
    of two trees) is counted; after call number `pause_after` the run prints `PAUSED n` and waits
    to be killed; if it gets to the end first it prints `DONE n` (the number of such calls).
    `atomic=False` makes the exchange fall back to three renames. Each run is its own process,
    forked from one that imported the publishing code once (a new interpreter per run spent most
    of the tests' time importing); `run` kills a paused one with SIGKILL, as before, and returns
    once it is gone. Use as a context manager: the forking process ends with it.
    """

    def __init__(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-c", _STEPS_SERVER, str(REPO / "plugins")],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def __enter__(self) -> StepRuns:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server.stdin is not None
        self.server.kill()
        self.server.wait()
        self.server.stdin.close()
        if self.server.stdout is not None:
            self.server.stdout.close()

    def run(self, action: str, tree: Path, target: Path, marker: str, pause_after: int, atomic: bool = True) -> str:
        """One run stopped after step `pause_after` (killed there) or finished; its line, `PAUSED n` or `DONE n`."""
        assert self.server.stdin is not None and self.server.stdout is not None
        fields = (action, str(tree), str(target), marker, str(pause_after), "1" if atomic else "0")
        self.server.stdin.write("\t".join(fields) + "\n")
        self.server.stdin.flush()
        line = self.server.stdout.readline()
        assert line, "the forking process ended"
        words = line.split()
        if line.startswith("PAUSED"):
            os.kill(int(words[2]), signal.SIGKILL)
        ended = self.server.stdout.readline()
        assert ended.startswith("ENDED"), (line, ended)
        return " ".join(words[:2]) if line.startswith(("PAUSED", "DONE")) else line
