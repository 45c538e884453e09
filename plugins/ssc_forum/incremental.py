"""Incremental rebuilds for the edit loop: after an edit, rewrite only what the edit can change.

`LiveSite` is for a long-running process (`invoke livereload`, `bench/edit_loop.py`, the tests).
Its first build is a normal, complete Pelican build run in this process, during which it notes,
for every file written, which content records the page read (a dependency map from output path to
record keys, `livedeps`), and keeps the forum's generators, Markdown renderings and export pieces
(`liveexports`). After an edit, `update()`:

1. re-reads the content; only changed files are rendered again (the build is given this site's
   reader cache, which keeps readings by the hash of the file's bytes), every check runs as in a
   full build;
2. compares the records with the previous ones: which records changed, and whether in their text
   (the body) or their fields;
3. rebuilds the model of each language that changed (the forum generator's own
   `generate_context`) and writes again only the pages whose recorded reads meet a change, and
   that language's exports (each session's calendar and schedule entry is kept until its session,
   or a person or case of it, changes; files whose bytes did not change are not rewritten).

How: every build of a LiveSite is given its hooks (`hooks.BuildHooks`, in the settings): the reader
cache, the dependency recorder (`livedeps.Dependencies`: the writer, the forum generator and the
page parts tell it what each written file read), the store of export pieces
(`liveexports.ExportPieces`), and the rendered shortcodes. Nothing is swapped into another module.

Changes whose effects reach further than the recorded reads fall back: an added, removed or
renamed record, or a changed day, order, time, room, people or cases of a session, re-renders
every forum page of the language; an edit that reaches a page Pelican writes (news, feeds: they
show the menu's page titles), a new or removed page, any file other than sessions, speakers,
cases and pages (news, images, programme.toml), or the theme, plugins or settings, runs a full
build.

The post-build steps (search index, sitemap, `.gz` copies, font subset: every `finalized`
handler of the project's plugins) are not needed to see a change: `finish()` runs them
afterwards on the whole tree. A full build runs them as usual.

The result of any sequence of updates is byte-identical to a clean full build of the same
content with the same plugins (tests/test_incremental.py).
"""

from __future__ import annotations

import gc
import logging
import shutil
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import content as content_module
from . import hooks, model, schema, subsites
from .editloop import ErrorCollector, FileCache, LocalTrees, Snapshot, Trees, changed_fields, snapshot
from .livedeps import FORUM_TYPES, Dependencies, Key, Token, item_key
from .liveexports import ExportPieces
from .messages import tr
from .problems import ContentError

logger = logging.getLogger(__name__)

STRUCTURAL_FIELDS = {ct.name: frozenset(f.name for f in ct.fields if f.structural) for ct in schema.MODEL_TYPES}
"""Fields whose change moves a record within the programme (its place, its links to other records), as the
schema declares them: every forum page of the language is rendered again rather than tracked."""
PICTURE_FIELDS = frozenset(f.name for ct in schema.CONTENT_TYPES for f in ct.fields if f.picture)
"""Fields naming a picture: its derived files are written, and its source left unpublished, by a full build."""
# Plugins whose `finalized` handlers are part of Pelican's own machinery, not post-build steps.
_NOT_POST_BUILD = ("pelican.plugins.i18n_subsites", __name__)


@dataclass
class Update:
    """What one update did."""

    kind: str  # "incremental", "full", "unchanged" or "failed"
    seconds: float
    written: list[str] = field(default_factory=list)  # output paths, relative to the output root
    removed: list[str] = field(default_factory=list)
    reason: str = ""
    problems: list[str] = field(default_factory=list)


class LiveSite:
    """A site kept in memory between builds, rebuilt incrementally after each edit.

    `settings_file` and `overrides` are those of a Pelican build; `output` is where the site is
    served from, and `trees` how a full build's tree is put there. While a LiveSite is open it
    watches every Pelican build in this process, so open one at a time and `close()` it when done.
    """

    def __init__(
        self,
        settings_file: Path,
        content: Path,
        output: Path,
        overrides: dict[str, Any] | None = None,
        *,
        trees: Trees | None = None,
    ) -> None:
        self.settings_file = Path(settings_file)
        self.trees: Trees = trees or LocalTrees()
        self.content = Path(content).absolute()
        self.output = Path(output).absolute()
        self.overrides = dict(overrides or {})
        self.records: dict[Key, Snapshot] = {}
        self.main_settings: dict[str, Any] | None = None
        self.files = FileCache()
        self.recorder = Dependencies(self.output)  # watches every Pelican build in this process until closed
        self.pieces = ExportPieces(self.recorder)
        self._shortcodes: dict[str, dict[tuple, str]] = {}  # language -> what each shortcode rendered
        # Given to every build through its settings: the reader cache, the recorder, the pieces, the shortcodes kept.
        self.hooks = hooks.BuildHooks(
            reader=self.files, recorder=self.recorder, exports=self.pieces, shortcodes=self._shortcodes
        )
        self._stale = True  # True until a full build succeeded

    def close(self) -> None:
        """Remove every hook: the process builds as usual again."""
        self.recorder.close()

    def __enter__(self) -> LiveSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- full build -------------------------------------------------------------------------------

    def _settings(self, output: Path) -> dict[str, Any]:
        from pelican.settings import read_settings

        return read_settings(
            str(self.settings_file),
            override={
                "PATH": str(self.content),
                "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(output.parent / ".ssc-cache"),
                **self.overrides,
                hooks.SETTING: self.hooks,
            },
        )

    def full_build(self, reason: str | None = None) -> Update:
        """Build everything into a fresh folder, swap it in for the output; keep what was read.

        `reason` is printed beside the build's line, in the editor's language (default: the first build).
        """
        reason = reason or str(tr("first build"))
        from pelican import Pelican

        started = time.perf_counter()
        staging = self.trees.staging_dir(self.output, "live")
        gc.unfreeze()  # what the last full build kept is to be replaced: let the collector see it again
        self.recorder.clear(staging)
        self._shortcodes.clear()
        self.pieces.clear()
        self._stale = True
        collector = ErrorCollector()
        logging.getLogger().addHandler(collector)
        try:
            settings = self._settings(staging)
            self.main_settings = settings
            self.recorder.shortcode_items = self._items_with_shortcodes(settings)
            Pelican(settings).run()
        except ContentError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            return Update(
                "failed", time.perf_counter() - started, reason=reason, problems=[str(p) for p in exc.problems]
            )
        except Exception as exc:  # a template or plugin error: say it, keep serving the last good build
            subsites.forget_unfinished()
            shutil.rmtree(staging, ignore_errors=True)
            return Update(
                "failed", time.perf_counter() - started, reason=reason, problems=[f"{exc.__class__.__name__}: {exc}"]
            )
        finally:
            logging.getLogger().removeHandler(collector)
        if collector.messages:
            shutil.rmtree(staging, ignore_errors=True)
            return Update("failed", time.perf_counter() - started, reason=reason, problems=collector.messages)
        self.trees.install_tree(staging, self.output, keep_previous=False)
        # The generators wrote into the staging folder, which is now the output.
        for gen in self.recorder.forum_gens.values():
            gen.output_path = str(self.output / Path(gen.output_path).relative_to(staging))
        self.recorder.root = self.output
        self.records = snapshot(content_module.read_content(settings))
        self._stale = False
        # The site just built stays in memory for the edits to come: hundreds of thousands of objects that
        # every full collection would walk again (at 1,600 sessions about 120 ms, in nearly every update).
        # Frozen, they are out of its way; what an edit replaces is freed as ever, unless in a cycle, and
        # those wait for the next full build.
        gc.collect()
        gc.freeze()
        return Update("full", time.perf_counter() - started, written=sorted(self.recorder.deps), reason=reason)

    def _items_with_shortcodes(self, settings: dict[str, Any]) -> set[Key]:
        data = content_module.read_content(settings)
        return {(r.ctype.name, r.slug, r.lang) for r in data.records if getattr(r, "shortcodes", ())}

    # --- incremental update -----------------------------------------------------------------------

    def _full_reason(self, changed: Iterable[Path]) -> str:
        folders = {t.folder for t in schema.CONTENT_TYPES if t.name in FORUM_TYPES}
        for path in changed:
            path = Path(path).absolute()
            try:
                rel = path.relative_to(self.content)
            except ValueError:
                return str(tr("{name} is not content (theme, plugin or settings)", name=path.name))
            if len(rel.parts) != 2 or rel.parts[0] not in folders or rel.suffix != ".md":
                return str(tr("{path} is not a session, speaker, case or page", path=rel.as_posix()))
        return ""

    def update(self, changed: Iterable[Path] | None = None) -> Update:
        """Bring the output up to date after `changed` files changed (None: look at everything)."""
        started = time.perf_counter()
        changed = list(changed) if changed is not None else []
        if self._stale or not self.recorder.forum_gens:
            return self.full_build(str(tr("no earlier build to start from")))
        reason = self._full_reason(changed)
        if reason:
            return self.full_build(reason)
        assert self.main_settings is not None
        content_module.forget()
        self.files.rendered = 0
        with self.files.one_look():  # the generators read what this update compared
            return self._update(started)

    def _update(self, started: float) -> Update:
        assert self.main_settings is not None
        data = content_module.read_content(self.main_settings)
        if data.problems:
            return Update("failed", time.perf_counter() - started, problems=[str(p) for p in data.problems])
        new = snapshot(data)
        old = self.records
        changes: dict[Key, set[str]] = defaultdict(set)
        structural_langs: set[str] = set()
        for key in old.keys() | new.keys():
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if a is None or b is None:
                either = next(s for s in (a, b) if s is not None)  # added or removed: the one there is
                if key[0] not in FORUM_TYPES or key[0] == "page" or {k for k, _ in either.values} & PICTURE_FIELDS:
                    return self.full_build(str(tr("{item} was added or removed", item=f"{key[0]} {key[1]} ({key[2]})")))
                structural_langs.add(key[2])
                changes[key] |= {"meta", "body"}
                continue
            fields = changed_fields(a, b)
            if key[0] not in FORUM_TYPES or fields & PICTURE_FIELDS:
                return self.full_build(str(tr("{item} changed", item=f"{key[0]} {key[1]} ({key[2]})")))
            if fields & STRUCTURAL_FIELDS.get(key[0], frozenset()) or a.has_shortcodes != b.has_shortcodes:
                structural_langs.add(key[2])
            if fields:
                changes[key].add("meta")
            if a.body != b.body:
                changes[key].add("body")
        if not changes:
            self.records = new
            return Update("unchanged", time.perf_counter() - started)
        fired: set[Token] = {(key, part) for key, parts in changes.items() for part in parts}
        fired |= {(("*", key[2]), "meta") for key, parts in changes.items() if "meta" in parts}
        # Pages Pelican writes (news, feeds) cannot be written one by one: a change they show needs a full build.
        recorder = self.recorder
        for rel, owner in recorder.owner.items():
            if owner == "pelican" and recorder.deps.get(rel, set()) & fired:
                return self.full_build(str(tr("{path} shows what changed", path=rel)))
        main_lang = self.main_settings["DEFAULT_LANG"] if self.main_settings else None
        langs = sorted({key[2] for key in changes}, key=lambda lang: (lang != main_lang, lang))
        recorder.shortcode_items = {
            (r.ctype.name, r.slug, r.lang) for r in data.records if getattr(r, "shortcodes", ())
        }
        recorder.written = []
        removed: list[str] = []
        try:
            for lang in langs:
                removed += self._update_language(lang, changes, fired, lang in structural_langs)
        except ContentError as exc:
            self._stale = True  # a language may be half updated: the next update builds everything
            return Update("failed", time.perf_counter() - started, problems=[str(p) for p in exc.problems])
        except Exception as exc:
            self._stale = True
            return Update("failed", time.perf_counter() - started, problems=[f"{exc.__class__.__name__}: {exc}"])
        finally:
            recorder.only, self.pieces.dirty = None, None
        self.records = new
        return Update(
            "incremental",
            time.perf_counter() - started,
            written=list(dict.fromkeys(recorder.written)),
            removed=removed,
            reason=str(
                tr(
                    "{count} record(s) changed, {read} file(s) read",
                    count=len(changes),
                    read=self.files.rendered,
                )
            ),
        )

    def _update_language(
        self, lang: str, changes: dict[Key, set[str]], fired: set[Token], structural: bool
    ) -> list[str]:
        from pelican.writers import Writer

        recorder = self.recorder
        gen = recorder.forum_gens[lang]
        writer_class = recorder.writer_class.get(lang, Writer)
        if structural or any("meta" in parts for key, parts in changes.items() if key[2] == lang):
            self._shortcodes.pop(lang, None)
        old_programme = gen.programme
        gen.generate_context()
        new_programme = gen.programme
        before = {
            rel
            for rel, owner in recorder.owner.items()
            if owner in ("forum", "export") and recorder.lang_of.get(rel) == lang
        }
        if structural:
            recorder.only = None
            self.pieces.forget_language(lang)  # every export piece is made again
        else:
            recorder.only = {
                rel for rel in before if recorder.owner[rel] == "forum" and recorder.deps.get(rel, set()) & fired
            }
            self.pieces.dirty = self._dirty_sessions(lang, changes, old_programme, new_programme)
        for rel in before:  # forget what is written again: what is not written again is gone
            if recorder.only is None or rel in recorder.only or recorder.owner.get(rel) == "export":
                recorder.owner.pop(rel, None)
                recorder.deps.pop(rel, None)
        writer = writer_class(gen.output_path, settings=gen.settings)
        # No picture changed (that is a full build): their derived files are on disk as they should be.
        self.hooks.write_pictures = False
        try:
            gen.generate_output(writer)
        finally:
            self.hooks.write_pictures = True
        # What was written before and not now is gone (a removed or renamed record): delete it.
        now = {
            rel
            for rel, owner in recorder.owner.items()
            if owner in ("forum", "export") and recorder.lang_of.get(rel) == lang
        }
        removed = sorted(before - now)
        for rel in removed:
            for path in (self.output / rel, self.output / (rel + ".gz")):
                path.unlink(missing_ok=True)
            self.pieces.last_export.pop(rel, None)
            recorder.lang_of.pop(rel, None)
        return removed

    def _dirty_sessions(
        self, lang: str, changes: dict[Key, set[str]], *programmes: model.Programme
    ) -> set[tuple[str, str]]:
        """Sessions whose calendar or schedule entry may change: changed ones, and those of a changed person or case."""
        dirty: set[tuple[str, str]] = set()
        changed = {key for key in changes if key[2] == lang}
        for programme in programmes:
            for session in programme.sessions:
                related = [session, *session.hosts, *session.speakers, *session.cases]
                if any(item_key(item) in changed for item in related):
                    dirty.add((lang, session.slug))
        return dirty

    # --- after the pages --------------------------------------------------------------------------

    def finish(self) -> float:
        """Run the post-build steps (every `finalized` handler of the project's plugins) on the whole tree.

        Returns the seconds it took. Search index, sitemap, `.gz` copies and font subset are not
        needed to see a change in the preview, so the edit loop runs them after the pages.
        """
        from pelican import signals

        started = time.perf_counter()
        if self.main_settings is None:
            return 0.0
        stand_in = _Finished(self.main_settings, self.output)
        for receiver in list(signals.finalized.receivers_for(stand_in)):
            module = getattr(receiver, "__module__", "") or ""
            if module.startswith(_NOT_POST_BUILD):
                continue
            receiver(stand_in)
        return time.perf_counter() - started


class _Finished:
    """What a post-build step reads of the finished Pelican run: the main site's settings and output."""

    def __init__(self, settings: dict[str, Any], output: Path) -> None:
        self.settings = {**settings, "OUTPUT_PATH": str(output)}
        self.output_path = str(output)
