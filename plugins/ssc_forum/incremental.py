"""Incremental rebuilds for the edit loop: after an edit, rewrite only what the edit can change.

`LiveSite` is for a long-running process (`invoke livereload`, `bench/edit_loop.py`, the tests).
Its first build is a normal, complete Pelican build run in this process, during which it notes,
for every file written, which content records the page read (a dependency map from output path to
record keys), and keeps the forum's generators, Markdown renderings and export pieces. After an
edit, `update()`:

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
cache, this site as the dependency recorder (`hooks.Recorder`: the writer, the forum generator and
the page parts tell it what each written file read) and as the store of export pieces
(`hooks.ExportCache`), and the rendered shortcodes. Nothing is swapped into another module.

One wrapper remains, because neither Pelican nor Jinja offers a hook for it: templates read model
items through the environment's `getattr`/`getitem`, which Pelican's generators create themselves
(no class or factory can be given), so `_track_env` wraps those two methods of each generator's
environment, and the JSON-LD filters in it, while a build of this site runs.

What is tracked: templates read model items through Jinja's attribute lookup, which is watched;
Python code that reads items for a template (the JSON-LD filters) is counted as reading the item
it is given and its neighbours (people, cases, session), or, given only the programme, everything; a body with a
timetable shortcode counts as reading every session of its language. Changes whose effects
reach further fall back: an added, removed or renamed record, or a changed day, order, time,
room, people or cases of a session, re-renders every forum page of the language; an edit that
reaches a page Pelican writes (news, feeds: they show the menu's page titles), a new or removed
page, any file other than sessions, speakers, cases and pages (news, images, programme.toml),
or the theme, plugins or settings, runs a full build.

The post-build steps (search index, sitemap, `.gz` copies, font subset: every `finalized`
handler of the project's plugins) are not needed to see a change: `finish()` runs them
afterwards on the whole tree. A full build runs them as usual.

The result of any sequence of updates is byte-identical to a clean full build of the same
content with the same plugins (tests/test_incremental.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import content as content_module
from . import hooks, model, schema, subsites
from .editloop import (
    ErrorCollector,
    FileCache,
    LocalTrees,
    Snapshot,
    Trees,
    changed_fields,
    snapshot,
)
from .problems import ContentError

logger = logging.getLogger(__name__)

Key = tuple[str, str, str]  # (content type, slug, language)
Token = tuple[Any, str]  # (record key or ("*", language), "body" | "meta")

_KIND: dict[type, str] = {getattr(model, ct.model_class): ct.name for ct in schema.MODEL_TYPES}
"""The content type of each model class, as the schema declares it (`ContentType.model_class`)."""
FORUM_TYPES = frozenset(_KIND.values())
"""Content types whose pages the forum generator writes; other types (news) are Pelican's."""

STRUCTURAL_FIELDS = {ct.name: frozenset(f.name for f in ct.fields if f.structural) for ct in schema.MODEL_TYPES}
"""Fields whose change moves a record within the programme (its place, its links to other records), as the
schema declares them: every forum page of the language is rendered again rather than tracked."""
PICTURE_FIELDS = frozenset(f.name for ct in schema.CONTENT_TYPES for f in ct.fields if f.picture)
"""Fields naming a picture: its derived files are written, and its source left unpublished, by a full build."""
# Plugins whose `finalized` handlers are part of Pelican's own machinery, not post-build steps.
_NOT_POST_BUILD = ("pelican.plugins.i18n_subsites", __name__)


def item_key(obj: model.Item) -> Key:
    """The record key of a model item."""
    return (_KIND[type(obj)], obj.slug, obj.lang)


def _neighbours(obj: Any) -> list[model.Item]:
    """Items a Python function given `obj` may read as well: its people, cases or session."""
    if isinstance(obj, model.Session):
        return [*obj.hosts, *obj.speakers, *obj.cases]
    if isinstance(obj, model.Speaker):
        return list(obj.sessions)
    if isinstance(obj, model.CityCase):
        return [obj.session] if obj.session else []
    return []


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
        self.forum_gens: dict[str, Any] = {}  # language -> the forum generator of its site
        self.deps: dict[str, set[Token]] = {}  # output path -> what its rendering read
        self.owner: dict[str, str] = {}  # output path -> "forum", "export" or "pelican"
        self.lang_of: dict[str, str] = {}  # forum output path -> its language
        self.records: dict[Key, Snapshot] = {}
        self.main_settings: dict[str, Any] | None = None
        self.files = FileCache()
        self._shortcodes: dict[str, dict[tuple, str]] = {}  # language -> what each shortcode rendered
        # Given to every build through its settings: the reader cache, this recorder, the shortcodes kept.
        self.hooks = hooks.BuildHooks(reader=self.files, recorder=self, exports=self, shortcodes=self._shortcodes)
        self._stack: list[set[Token]] = []
        self._shortcode_items: set[Key] = set()
        self._root: Path = self.output
        self._only: set[str] | None = None  # forum outputs to write in this update; None: all
        self._written: list[str] = []
        self._forum_writing = ""  # the language of the forum page being written, if one is
        self._session_pieces: dict[str, dict[tuple[str, str], Any]] = {}  # kind -> (lang, slug) -> piece
        self._pieces: dict[tuple, Any] = {}
        self._by_object: dict[tuple, tuple[Any, Any]] = {}
        self._by_data: dict[tuple, tuple[Any, Any]] = {}
        self._prefixes: dict[tuple[str, str], str] = {}
        self._dirty: set[tuple[str, str]] | None = None  # (lang, session slug) whose exports must be made
        self._last_export: dict[str, bytes] = {}
        self._writer_class: dict[str, type] = {}
        self._stale = True  # True until a full build succeeded
        self._undo: list[Callable[[], None]] = []
        self._install()

    # --- watching the templates ----------------------------------------------------------------------------------

    def _install(self) -> None:
        from pelican import signals

        # The ids of every body are read again on each update: `markup` keeps each body's parse by its
        # text (with a limit on count and size), so only the changed bodies are parsed.
        signals.all_generators_finalized.connect(self._on_generators)
        self._undo.append(lambda: signals.all_generators_finalized.disconnect(self._on_generators))

    def close(self) -> None:
        """Remove every hook: the process builds as usual again."""
        while self._undo:
            self._undo.pop()()
        self.forum_gens.clear()

    def __enter__(self) -> LiveSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _record(self, obj: Any, attribute: Any) -> None:
        if not self._stack:
            return
        kind = _KIND.get(type(obj))
        if kind is None:
            return
        key = (kind, obj.slug, obj.lang)
        if attribute == "body":
            self._stack[-1].add((key, "body"))
            if key in self._shortcode_items:  # a timetable in the body shows every session
                self._stack[-1].add((("*", obj.lang), "meta"))
        else:
            self._stack[-1].add((key, "meta"))

    def _record_whole(self, obj: Any) -> None:
        """A Python function was given `obj`: count it, its neighbours, or the whole programme as read."""
        if not self._stack:
            return
        if isinstance(obj, model.Programme):
            self._stack[-1].add((("*", obj.lang), "meta"))
        elif type(obj) in _KIND:
            self._record(obj, "meta")
            for other in _neighbours(obj):
                self._record(other, "meta")

    def _track_env(self, env: Any) -> None:
        if getattr(env, "_ssc_tracked", None) is self:
            return
        get_attr, get_item = env.getattr, env.getitem

        def getattr_(obj: Any, attribute: str) -> Any:
            self._record(obj, attribute)
            return get_attr(obj, attribute)

        def getitem_(obj: Any, argument: Any) -> Any:
            self._record(obj, argument)
            return get_item(obj, argument)

        env.getattr, env.getitem = getattr_, getitem_
        for name, func in list(env.filters.items()):
            if getattr(func, "__module__", "").startswith("ssc_forum.exports"):
                env.filters[name] = self._tracked_filter(func)
        env._ssc_tracked = self

    def _tracked_filter(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def tracked(*args: Any, **kwargs: Any) -> Any:
            given = (*args, *kwargs.values())
            items = [arg for arg in given if type(arg) in _KIND]
            # Given an item, the programme is the item's setting (its language, dates, address),
            # as for the session page's JSON-LD; given the programme alone, the filter reads it all.
            for arg in items or given:
                self._record_whole(arg)
            return func(*args, **kwargs)

        for attr in ("jinja_pass_arg",):  # keep Jinja's context/environment markers
            if hasattr(func, attr):
                setattr(tracked, attr, getattr(func, attr))
        return tracked

    def _on_generators(self, generators: list[Any]) -> None:
        """Before any page is written: watch every generator's templates, keep the forum's generator."""
        from .generator import ForumGenerator

        for gen in generators:
            env = getattr(gen, "env", None)
            if env is not None:
                self._track_env(env)
            if isinstance(gen, ForumGenerator):
                self.forum_gens[gen.settings["DEFAULT_LANG"]] = gen

    # --- the recorder (`hooks.Recorder`): told by the writer, the generator and the page parts ------

    def wanted(self, path: str) -> bool:
        """Whether an update writes the forum page at `path` (a full build writes every page)."""
        return self._only is None or self._rel(path) in self._only

    @contextmanager
    def forum_page(self, lang: str, path: str, writer: Any) -> Iterator[None]:
        """Around the forum's writing of one page: the page is the forum's, of language `lang`."""
        self._writer_class[lang] = type(writer)  # the one Pelican chose, for the updates
        self._forum_writing = lang
        try:
            yield
        finally:
            self._forum_writing = ""
        self.lang_of[self._rel(path)] = lang

    @contextmanager
    def writing(self, path: str) -> Iterator[None]:
        """Around the writing of any file: what its rendering reads becomes its dependencies."""
        tokens: set[Token] = set()
        self._stack.append(tokens)
        try:
            yield
        finally:
            self._stack.pop()
            rel = self._rel(path)
            self.deps[rel] = tokens
            self.owner[rel] = "forum" if self._forum_writing else "pelican"
            self._written.append(rel)

    def read_programme(self, lang: str) -> None:
        """A part kept from another page hides what it reads: the page counts as reading the whole programme."""
        if self._stack and self._forum_writing:
            self._stack[-1].add((("*", lang), "meta"))

    @contextmanager
    def reading(self) -> Iterator[set[Token]]:
        """Collect the reads of a shared part while it renders."""
        tokens: set[Token] = set()
        self._stack.append(tokens)
        try:
            yield tokens
        finally:
            self._stack.pop()

    def read(self, reads: Iterable[Token]) -> None:
        """A shared part counts as reading what its rendering read, on every page that shows it."""
        if self._stack:
            self._stack[-1].update(reads)

    def _rel(self, path: Path | str) -> str:
        # Asked for every page of the language on every update (to skip those not written again):
        # by the text of the path, not by pathlib, which took a fifth of an update at scale.
        text, root = os.path.normpath(path), str(self._root)
        if text.startswith(root + os.sep) and os.sep == "/":
            return text[len(root) + 1 :]
        return Path(text).relative_to(self._root).as_posix()

    # --- the export pieces (`hooks.ExportCache`) ------------------------------------------------------

    def write(self, root: Path, relative: str, data: bytes, write: Callable[[], None]) -> None:
        """Record an export file as the language's; write it unless its bytes are on disk already."""
        # One language site's folder, relative to the output root, worked out once per build.
        where = (str(root), str(self._root))
        if where not in self._prefixes:
            self._prefixes[where] = self._rel(Path(root) / "x")[:-1]
        rel = self._prefixes[where] + relative
        self.owner[rel] = "export"
        # Each language site writes its exports into its own output folder.
        self.lang_of[rel] = next(
            (lang for lang, gen in self.forum_gens.items() if Path(gen.output_path) == Path(root)), ""
        )
        # Unchanged bytes are not written again: the file's time and the page cache stay.
        if self._last_export.get(rel) == data and (self._root / rel).is_file():
            return
        write()
        self._last_export[rel] = data
        self._written.append(rel)

    def _fresh(self, lang: str, slug: str) -> bool:
        return self._dirty is not None and (lang, slug) not in self._dirty

    def session_piece(self, kind: str, session: Any, make: Callable[[], Any]) -> Any:
        """A session's calendar event or schedule entry, made again only when it, or a person or case of it, changed."""
        key = (session.lang, session.slug)
        store = self._session_pieces.setdefault(kind, {})
        if self._fresh(*key) and key in store:
            return store[key]
        made = store[key] = make()
        return made

    def piece(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A piece made only of what its key names (a calendar's own lines)."""
        if key not in self._pieces:
            self._pieces[key] = make()
        return self._pieces[key]

    def same_object(self, key: tuple[Any, ...], source: Any, make: Callable[[], Any]) -> Any:
        """Kept while `source` is the same object (a schedule entry kept by `session_piece`)."""
        found = self._by_object.get(key)
        if found is None or found[0] is not source:
            found = self._by_object[key] = (source, make())
        return found[1]

    def same_data(self, key: tuple[Any, ...], data: Any, make: Callable[[], Any]) -> Any:
        """A schedule file made again only when its data changed (the data is made anew, never changed once made)."""
        old = self._by_data.get(key)
        if old is not None and old[0] == data:
            return old[1]
        made = make()
        self._by_data[key] = (data, made)
        return made

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

    def full_build(self, reason: str = "first build") -> Update:
        """Build everything into a fresh folder, swap it in for the output; keep what was read."""
        from pelican import Pelican

        started = time.perf_counter()
        staging = self.trees.staging_dir(self.output, "live")
        self.forum_gens.clear()
        self._shortcodes.clear()
        self.deps.clear()
        self.owner.clear()
        self.lang_of.clear()
        self._session_pieces.clear()
        self._prefixes.clear()
        self._last_export.clear()
        self._written = []
        self._root, self._only, self._dirty = staging, None, None
        self._stale = True
        collector = ErrorCollector()
        logging.getLogger().addHandler(collector)
        try:
            settings = self._settings(staging)
            self.main_settings = settings
            self._shortcode_items = self._items_with_shortcodes(settings)
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
        for gen in self.forum_gens.values():
            gen.output_path = str(self.output / Path(gen.output_path).relative_to(staging))
        self._root = self.output
        self.records = snapshot(content_module.read_content(settings))
        self._stale = False
        return Update("full", time.perf_counter() - started, written=sorted(self.deps), reason=reason)

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
                return f"{path.name} is not content (theme, plugin or settings)"
            if len(rel.parts) != 2 or rel.parts[0] not in folders or rel.suffix != ".md":
                return f"{rel.as_posix()} is not a session, speaker, case or page"
        return ""

    def update(self, changed: Iterable[Path] | None = None) -> Update:
        """Bring the output up to date after `changed` files changed (None: look at everything)."""
        started = time.perf_counter()
        changed = list(changed) if changed is not None else []
        if self._stale or not self.forum_gens:
            return self.full_build("no earlier build to start from")
        reason = self._full_reason(changed)
        if reason:
            return self.full_build(reason)
        assert self.main_settings is not None
        content_module._CACHE.clear()
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
                    return self.full_build(f"{key[0]} {key[1]} ({key[2]}) was added or removed")
                structural_langs.add(key[2])
                changes[key] |= {"meta", "body"}
                continue
            fields = changed_fields(a, b)
            if key[0] not in FORUM_TYPES or fields & PICTURE_FIELDS:
                return self.full_build(f"{key[0]} {key[1]} ({key[2]}) changed")
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
        for rel, owner in self.owner.items():
            if owner == "pelican" and self.deps.get(rel, set()) & fired:
                return self.full_build(f"{rel} shows what changed")
        main_lang = self.main_settings["DEFAULT_LANG"] if self.main_settings else None
        langs = sorted({key[2] for key in changes}, key=lambda lang: (lang != main_lang, lang))
        self._shortcode_items = {(r.ctype.name, r.slug, r.lang) for r in data.records if getattr(r, "shortcodes", ())}
        self._written = []
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
            self._only, self._dirty = None, None
        self.records = new
        return Update(
            "incremental",
            time.perf_counter() - started,
            written=list(dict.fromkeys(self._written)),
            removed=removed,
            reason=f"{len(changes)} record(s) changed, {self.files.rendered} file(s) read",
        )

    def _update_language(
        self, lang: str, changes: dict[Key, set[str]], fired: set[Token], structural: bool
    ) -> list[str]:
        from pelican.writers import Writer

        gen = self.forum_gens[lang]
        writer_class = self._writer_class.get(lang, Writer)
        if structural or any("meta" in parts for key, parts in changes.items() if key[2] == lang):
            self._shortcodes.pop(lang, None)
        old_programme = gen.programme
        gen.generate_context()
        new_programme = gen.programme
        before = {
            rel for rel, owner in self.owner.items() if owner in ("forum", "export") and self.lang_of.get(rel) == lang
        }
        if structural:
            self._only = None
            self._dirty = None  # every export piece is made again
            for store in self._session_pieces.values():
                for key in [k for k in store if k[0] == lang]:
                    del store[key]
        else:
            self._only = {rel for rel in before if self.owner[rel] == "forum" and self.deps.get(rel, set()) & fired}
            self._dirty = self._dirty_sessions(lang, changes, old_programme, new_programme)
        for rel in before:  # forget what is written again: what is not written again is gone
            if self._only is None or rel in self._only or self.owner.get(rel) == "export":
                self.owner.pop(rel, None)
                self.deps.pop(rel, None)
        writer = writer_class(gen.output_path, settings=gen.settings)
        # No picture changed (that is a full build): their derived files are on disk as they should be.
        self.hooks.write_pictures = False
        try:
            gen.generate_output(writer)
        finally:
            self.hooks.write_pictures = True
        # What was written before and not now is gone (a removed or renamed record): delete it.
        now = {
            rel for rel, owner in self.owner.items() if owner in ("forum", "export") and self.lang_of.get(rel) == lang
        }
        removed = sorted(before - now)
        for rel in removed:
            for path in (self.output / rel, self.output / (rel + ".gz")):
                path.unlink(missing_ok=True)
            self._last_export.pop(rel, None)
            self.lang_of.pop(rel, None)
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
