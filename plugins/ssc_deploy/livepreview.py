"""The live preview behind `python3 make.py livereload`: save a file, and the open page shows it.

1. The content, the theme, the plugins and the settings are watched with the operating system's
   file events (`watchfiles`: inotify on Linux), not by looking at every file in turn: a batch of
   changes is taken as soon as no file changed for `STEP_MS`.
2. `LiveSite.update` (ssc_forum.incremental) writes only the pages an edit changes.
3. Then, once the pages are on disk, the open pages are told (`devserver.LiveChannel`, a
   Server-Sent-Events stream): they reload, or show the problems of a saved mistake in a dialog
   over the last good page, until the file is fixed.
4. The post-build steps (search index, sitemap, `.gz` copies, font subset) take about a second
   and are not needed to see a change: they run once nothing was saved for a while (`FINISH_AFTER_S`,
   or twice as long as they took last time: a save made while they run waits for them).

Changed plugin code cannot be loaded into a running process: `watch` returns `"restart"` and
the task starts itself again (the open pages reconnect, and reload after its first build).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from watchfiles import Change, DefaultFilter, watch

from .devserver import LiveChannel, make_server

STEP_MS = 5
"""How long no file may change before a batch of changes is taken (watchfiles' `step`; its default is 50).

An editor writes a file in one go, well within this. From a save to its batch took 10 ms (median of
20 saves) with 5 ms, 82 ms with the default. A stream of changes (a `git checkout`) is gathered
while files keep changing, for at most `DEBOUNCE_MS`; if it comes in several batches, each is
applied in turn and the last leaves the site as the files are.
"""

DEBOUNCE_MS = 300
"""The longest a stream of changes is gathered into one batch (watchfiles' `debounce`; its default is 1600)."""

FINISH_AFTER_S = 1.5
"""Least quiet time after the last save before the post-build steps run (they hold up a save made meanwhile)."""

BUILD_PRODUCTS = frozenset({".mo"})
"""Suffixes of files a build writes among the watched ones (compiled catalogues): never an edit."""


class EditFilter(DefaultFilter):
    """watchfiles' default filter (version control, caches, editors' swap and backup files), build products,
    and Emacs's auto-save files (`#keynote.ko.md#`), which would otherwise rebuild everything every few seconds.
    """

    def __call__(self, change: Change, path: str) -> bool:
        name = Path(path).name
        if Path(path).suffix in BUILD_PRODUCTS or (name.startswith("#") and name.endswith("#")):
            return False
        return super().__call__(change, path)


def edited_paths(changes: Iterable[tuple[Change, str]]) -> list[Path]:
    """The files a batch of changes touched, without those made and deleted within it (an editor's temporary file)."""
    seen: dict[str, set[Change]] = {}
    for change, path in changes:
        seen.setdefault(path, set()).add(change)
    return sorted(
        Path(path)
        for path, kinds in seen.items()
        if not ({Change.added, Change.deleted} <= kinds and not Path(path).exists())
    )


def saved_files(roots: list[Path], *, ignore: list[Path], stop: threading.Event) -> Iterator[list[Path]]:
    """Batches of files saved under `roots` (folders, recursively, and single files) until `stop` is set.

    A single file is watched by its inode: saved by writing a new file and renaming it over the old
    one (as many editors save), it is gone from the watch, which is then set up again.
    """
    while not stop.is_set():
        files = {path for path in roots if path.is_file()}
        for changes in watch(
            *[path for path in roots if path.exists()],
            watch_filter=EditFilter(ignore_paths=ignore),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
        ):
            paths = edited_paths(changes)
            if paths:
                yield paths
            if any(change == Change.deleted and Path(path) in files for change, path in changes):
                break
        else:
            return


class Preview:
    """A live site served on `host:port` with its event stream; `watch()` keeps it up to date.

    `report` receives a line for the terminal for everything that happened (print by default);
    `overrides` are settings given to every build (`make.py edit` names its local backend's port).
    """

    def __init__(
        self,
        settings_file: Path,
        content: Path,
        output: Path,
        *,
        watched: list[Path],
        plugins: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        report: Callable[[str], None] | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        from ssc_forum.incremental import LiveSite

        from . import deploy

        self.output = Path(output).absolute()
        self.content = Path(content).absolute()
        self.watched = [Path(path).absolute() for path in watched]
        self.plugins = Path(plugins).absolute()
        self.report = report or (lambda line: print(line, flush=True))
        self.channel = LiveChannel()
        self.site = LiveSite(Path(settings_file), Path(content), self.output, overrides, trees=deploy)
        self.server = make_server(self.output, host=host, port=port, live=self.channel)
        self._lock = threading.Lock()  # one update or post-build run at a time
        self._edits = 0  # counts updates, so that a post-build run waiting for a quiet moment sees a newer save
        self._finish_timer: threading.Timer | None = None
        self._serving: threading.Thread | None = None
        self._stop = threading.Event()
        self.first: Any = None  # the first build's Update, once it is done
        self._after_full = False  # the last build was a full one (see `apply`)
        self._finish_seconds = 0.0  # how long the post-build steps took last time
        self._finishing = False

    @property
    def url(self) -> str:
        """The address of the site."""
        host, port = cast(tuple[str, int], self.server.server_address[:2])
        return f"http://{host}:{port}/"

    def start(self) -> None:
        """Serve at once (the last build on disk, if any) and make the first build beside the watching.

        Files saved while the first build runs are seen by `watch()` and applied after it.
        """
        self._serving = threading.Thread(target=self.server.serve_forever, name="preview-server", daemon=True)
        self._serving.start()
        threading.Thread(target=self._build_first, name="preview-first-build", daemon=True).start()

    def _build_first(self) -> None:
        with self._lock:
            update = self.site.full_build()
            self._after_full = update.kind == "full"
            self._announce(update)
            self.first = update
        if self.nothing_to_serve:
            self._stop.set()

    @property
    def nothing_to_serve(self) -> bool:
        """True when the first build failed and no earlier build is on disk: `watch()` then returns."""
        return self.first is not None and self.first.kind == "failed" and not (self.output / "index.html").is_file()

    def apply(self, paths: list[Path]) -> Any:
        """Bring the site up to date after `paths` changed, then tell the open pages; returns the `Update`."""
        if self._finish_timer is not None:
            self._finish_timer.cancel()
        if self._finishing:
            self.report(
                f"Saved while the search index, sitemap and .gz copies are updated (about "
                f"{self._finish_seconds:.0f} s): shown as soon as that is done."
            )
        with self._lock:
            self._edits += 1
            update = self.site.update(paths)
            if (
                update.kind == "unchanged"
                and self._after_full
                and any(path.is_relative_to(self.content) for path in paths)
            ):
                # A full build notes the content as it is when the build ends, so a file saved while it
                # ran looks built already: "unchanged" right after one may be such a save. Build again.
                update = self.site.full_build("a file was saved while the site was being built")
            self._after_full = update.kind == "full"
            self._announce(update)
            if update.kind == "incremental":
                self._finish_later(self._edits)
        return update

    def _announce(self, update: Any) -> None:
        # The pages are written when update() returns: tell the browsers first, then the terminal.
        if update.kind in ("incremental", "full"):
            self.channel.built(update.kind, update.seconds)
            reason = f" ({update.reason})" if update.reason else ""
            self.report(
                f"{update.kind.capitalize()} build in {update.seconds:.2f} s: "
                f"{len(update.written)} file(s) written{reason}."
            )
        elif update.kind == "failed":
            self.channel.failed(update.problems, update.seconds)
            self.report(
                "\n".join(update.problems) + f"\nNot rebuilt: {len(update.problems)} problem(s); "
                "the last good build is served, and the browser shows the problems."
            )
        else:
            self.channel.fixed()

    def _finish_later(self, edits: int) -> None:
        timer = threading.Timer(max(FINISH_AFTER_S, 2 * self._finish_seconds), self._finish, args=(edits,))
        timer.daemon = True
        self._finish_timer = timer
        timer.start()

    def _finish(self, edits: int) -> None:
        with self._lock:
            if edits != self._edits:  # saved again meanwhile: that save's update plans its own run
                return
            self._finishing = True
            self.report("Updating the search index, sitemap and .gz copies ...")
            try:
                seconds = self.site.finish()
            except Exception as exc:  # the pages are served all the same; the next run tries again
                self.report(f"Search index, sitemap and .gz copies not updated: {exc.__class__.__name__}: {exc}")
                return
            finally:
                self._finishing = False
            self._finish_seconds = seconds
            self.report(f"Search index, sitemap and .gz copies updated in {seconds:.1f} s.")

    def watch(self) -> str:
        """Apply every batch of saved changes; returns "restart" when plugin code changed.

        Returns "stopped" after `stop()`, or when the first build left nothing to serve.
        """
        ignored = [self.output, self.output.parent / ".ssc-cache"]
        for paths in saved_files(self.watched, ignore=ignored, stop=self._stop):
            if any(path.suffix == ".py" and path.is_relative_to(self.plugins) for path in paths):
                return "restart"
            self.apply(paths)
        return "stopped"

    def stop(self) -> None:
        """Make `watch()` return (from another thread)."""
        self._stop.set()

    def close(self) -> None:
        """Stop serving and watching; end every open page's event stream."""
        self._stop.set()
        if self._finish_timer is not None:
            self._finish_timer.cancel()
        self.channel.close()
        if self._serving is not None:
            self.server.shutdown()
        self.server.server_close()
        # A build still running (Ctrl+C during the first one) is left to end with the process.
        if self._lock.acquire(timeout=1.0):
            try:
                self.site.close()
            finally:
                self._lock.release()
