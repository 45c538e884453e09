"""What each written file read: the edit loop's dependency recorder (`hooks.Recorder`).

While a build of a `incremental.LiveSite` runs, the writer, the forum generator and the page parts
tell `Dependencies` what they write and read (as Lektor's `record_dependency`): for every output
path, the content records its rendering read, each as its text (`body`) or its fields (`meta`),
or the whole programme of a language. An update then writes again only the pages whose reads meet
a change.

Templates read model items through Jinja's attribute lookup, which is watched; Python code that
reads items for a template (the JSON-LD filters) is counted as reading the item it is given and its
neighbours (people, cases, session), or, given only the programme, everything; a body with a
timetable shortcode counts as reading every session of its language.

One wrapper remains, because neither Pelican nor Jinja offers a hook for it: templates read model
items through the environment's `getattr`/`getitem`, which Pelican's generators create themselves
(no class or factory can be given), so `_track_env` wraps those two methods of each generator's
environment, and the JSON-LD filters in it, while a build of the live site runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import model, schema

Key = tuple[str, str, str]  # (content type, slug, language)
Token = tuple[Any, str]  # (record key or ("*", language), "body" | "meta")

KIND: dict[type, str] = {getattr(model, ct.model_class): ct.name for ct in schema.MODEL_TYPES}
"""The content type of each model class, as the schema declares it (`ContentType.model_class`)."""
FORUM_TYPES = frozenset(KIND.values())
"""Content types whose pages the forum generator writes; other types (news) are Pelican's."""


def item_key(obj: model.Item) -> Key:
    """The record key of a model item."""
    return (KIND[type(obj)], obj.slug, obj.lang)


def _neighbours(obj: Any) -> list[model.Item]:
    """Items a Python function given `obj` may read as well: its people, cases or session."""
    if isinstance(obj, model.Session):
        return [*obj.hosts, *obj.speakers, *obj.cases]
    if isinstance(obj, model.Speaker):
        return list(obj.sessions)
    if isinstance(obj, model.CityCase):
        return [obj.session] if obj.session else []
    return []


class Dependencies:
    """The recorder of a live site: which output file read what, who wrote it, in which language.

    `root` is the folder the build writes into (relative paths are taken from it); while it is
    open it watches every Pelican build in this process (its generators' templates), so `close()` it
    when done.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.forum_gens: dict[str, Any] = {}  # language -> the forum generator of its site
        self.deps: dict[str, set[Token]] = {}  # output path -> what its rendering read
        self.owner: dict[str, str] = {}  # output path -> "forum", "export" or "pelican"
        self.lang_of: dict[str, str] = {}  # forum output path -> its language
        self.writer_class: dict[str, type] = {}  # language -> the writer class Pelican chose
        self.written: list[str] = []  # output paths written since the list was last emptied
        self.only: set[str] | None = None  # forum outputs to write in this update; None: all
        self.shortcode_items: set[Key] = set()  # records whose body shows a shortcode
        self._stack: list[set[Token]] = []
        self._forum_writing = ""  # the language of the forum page being written, if one is
        self._undo: list[Callable[[], None]] = []
        self._install()

    def clear(self, root: Path) -> None:
        """Forget every output before a full build into `root`."""
        self.forum_gens.clear()
        self.deps.clear()
        self.owner.clear()
        self.lang_of.clear()
        self.written = []
        self.root, self.only = root, None

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

    def _record(self, obj: Any, attribute: Any) -> None:
        if not self._stack:
            return
        kind = KIND.get(type(obj))
        if kind is None:
            return
        key = (kind, obj.slug, obj.lang)
        if attribute == "body":
            self._stack[-1].add((key, "body"))
            if key in self.shortcode_items:  # a timetable in the body shows every session
                self._stack[-1].add((("*", obj.lang), "meta"))
        else:
            self._stack[-1].add((key, "meta"))

    def _record_whole(self, obj: Any) -> None:
        """A Python function was given `obj`: count it, its neighbours, or the whole programme as read."""
        if not self._stack:
            return
        if isinstance(obj, model.Programme):
            self._stack[-1].add((("*", obj.lang), "meta"))
        elif type(obj) in KIND:
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
            items = [arg for arg in given if type(arg) in KIND]
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
        return self.only is None or self.rel(path) in self.only

    @contextmanager
    def forum_page(self, lang: str, path: str, writer: Any) -> Iterator[None]:
        """Around the forum's writing of one page: the page is the forum's, of language `lang`."""
        self.writer_class[lang] = type(writer)  # the one Pelican chose, for the updates
        self._forum_writing = lang
        try:
            yield
        finally:
            self._forum_writing = ""
        self.lang_of[self.rel(path)] = lang

    @contextmanager
    def writing(self, path: str) -> Iterator[None]:
        """Around the writing of any file: what its rendering reads becomes its dependencies."""
        tokens: set[Token] = set()
        self._stack.append(tokens)
        try:
            yield
        finally:
            self._stack.pop()
            rel = self.rel(path)
            self.deps[rel] = tokens
            self.owner[rel] = "forum" if self._forum_writing else "pelican"
            self.written.append(rel)

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

    def rel(self, path: Path | str) -> str:
        """An output path relative to the root the build writes into."""
        # Asked for every page of the language on every update (to skip those not written again):
        # by the text of the path, not by pathlib, which took a fifth of an update at scale.
        text, root = os.path.normpath(path), str(self.root)
        if text.startswith(root + os.sep) and os.sep == "/":
            return text[len(root) + 1 :]
        return Path(text).relative_to(self.root).as_posix()
