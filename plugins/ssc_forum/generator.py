"""The forum's Pelican generator: reads and checks the content, builds the model, writes the pages."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from markdown.extensions.toc import slugify
from pelican.generators import Generator
from pelican.writers import FileOverwriteFailedError

from . import (
    addresses,
    batches,
    exports,
    groups,
    hooks,
    images,
    markup,
    model,
    shortcodes,
    staticimages,
    subsites,
    timetable,
    translations,
)
from .content import read_content
from .fragments import Fragments
from .messages import tr
from .problems import ContentError, Problem
from .settings import forum_settings, is_main_site
from .streams import parse_media
from .writer import page_ids

logger = logging.getLogger(__name__)

_TEMPLATE_ID_RE = re.compile(r'\bid="([A-Za-z][\w:.-]*)"')


class ForumGenerator(Generator):
    """Builds the programme for the site's language and writes every forum page."""

    exports_written_elsewhere: frozenset[str] = frozenset()
    """Names of export writers that another process runs for this site (the two-core build, `parallel`)."""

    def generate_context(self) -> None:
        """Read and validate all content (both languages); stop the build on any problem."""
        forum = forum_settings(self.settings)
        problems: list[Problem] = []
        if forum["phase"] not in (None, *model.PHASES):
            problems.append(
                Problem("pelicanconf.py", "FORUM.phase", f"{forum['phase']!r} is not one of {', '.join(model.PHASES)}")
            )
        try:
            tz = ZoneInfo(forum["time_zone"])
        except (KeyError, ValueError):
            problems.append(Problem("pelicanconf.py", "FORUM.time_zone", f"{forum['time_zone']!r} is not an IANA zone"))
            tz = ZoneInfo("Asia/Seoul")
        content = read_content(self.settings)
        problems.extend(content.problems)
        if problems:
            subsites.forget_unfinished()
            # Raised, not logged one by one: with --fatal errors the first logged error would
            # stop the build and hide the others.
            raise ContentError(problems)
        now = forum["now"] or datetime.now(UTC)
        lang = self.settings["DEFAULT_LANG"]
        programme = model.build(content, lang, tz, now=now, forced_phase=forum["phase"])
        model.attach_pictures(programme, content, Path(self.settings["PATH"]))
        self.programme = programme
        self.context["programme"] = programme
        # The page's language from the start of every render: macros imported "with context" at
        # the top of a page template see the context before base.html's own `set lang` runs.
        self.context["lang"] = lang
        self.context["timetable_grids"] = timetable.grids
        self.context["speaker_groups"] = groups.speaker_groups
        self.context["speakers_in_order"] = groups.speakers_in_order
        self.context["fragment"] = Fragments(lang, keep=forum["cache"], recorder=hooks.of(self.settings).recorder)
        # Before anything is written: a page that would repeat an id or write where another
        # source writes stops the build here, naming its files, never halfway through writing.
        problems = self._expand_all(content) + self._claim_outputs()
        if problems:
            subsites.forget_unfinished()
            raise ContentError(problems)

    # --- output -------------------------------------------------------------------------------

    def _shortcode(self, code: shortcodes.Shortcode) -> str:
        """A shortcode's HTML; kept by language where the build keeps them (the edit loop, `hooks.BuildHooks`).

        It shows the programme's fields, never a body: the edit loop forgets the language's when a field changes.
        """
        kept = hooks.of(self.settings).shortcodes if forum_settings(self.settings)["cache"] else None
        if kept is None:
            return self._render_shortcode(code)
        store = kept.setdefault(self.settings["DEFAULT_LANG"], {})
        key = (code.name, tuple(code.args))
        if key not in store:
            store[key] = self._render_shortcode(code)
        return store[key]

    def _render_shortcode(self, code: shortcodes.Shortcode) -> str:
        programme = self.programme
        if code.name == "timetable":
            days = programme.days
            for arg in code.args:  # checked when the content was read: the day exists
                on = arg.partition("=")[2]
                days = [d for d in programme.days if d.date.isoformat() == on]
            module = self.env.get_template("partials/timetable.html").make_module(vars=self.context)
            return module.timetable(programme, days, heading_level=2)  # type: ignore[attr-defined]
        module = self.env.get_template("partials/media.html").make_module(vars=self.context)
        return module.stream_player(parse_media(code.args[0]), "")  # type: ignore[attr-defined]

    def _expand_all(self, content) -> list[Problem]:
        """Put the rendered shortcodes into every body; an id the page would use twice is a problem.

        The page's own ids are the literal ones of the theme's templates (`id="main"` …); a
        heading `## Main` in the text would take the same one. Checked here, before anything is
        written, with the line of the heading.
        """
        p = self.programme
        codes = {rec.path: rec.shortcodes for rec in content.records}
        if any(codes.values()):
            subsites.install_translations(self)  # i18n-subsites would do it only after every generator has read
        template_ids = self._template_ids()
        problems = []
        for item in p.sessions + p.pages + p.cases + p.speakers:
            own = codes.get(item.source, ())
            rendered = {code.placeholder: self._shortcode(code) for code in own}
            found = self._expanded_ids(item.body, own, rendered)
            item.body = shortcodes.expand(item.body, own, partial(_placed, rendered))
            for ident in markup.repeated(found):
                problems.append(
                    Problem(
                        item.source,
                        None,
                        tr(
                            "the id {ident!r} is used twice on the page (a "
                            "shortcode or a heading repeated): links to it would "
                            "break; remove or rename one",
                            ident=ident,
                        ),
                        self._id_line(item.source, ident),
                    )
                )
            for ident in sorted(set(found) & template_ids):
                problems.append(
                    Problem(
                        item.source,
                        None,
                        tr(
                            "the id {ident!r} is one the page itself uses: rename "
                            "the heading or give it another id with "
                            "{{: #other-id }}",
                            ident=ident,
                        ),
                        self._id_line(item.source, ident),
                    )
                )
        return problems

    def _ids(self, html: str) -> tuple[str, ...]:
        """The ids of rendered HTML, from the build's reader cache when it knows them (`hooks.ReaderCache`)."""
        reader = hooks.of(self.settings).reader
        known = reader.known_ids(html) if reader is not None else None
        return known if known is not None else markup.id_sequence(html)

    def _expanded_ids(self, body: str, codes: Iterable[shortcodes.Shortcode], rendered: dict[str, str]) -> list[str]:
        """The ids of a body once its shortcodes are expanded, in order.

        The editor's text is read by the parser (each body's parse is kept); what a shortcode
        rendered is the theme's own escaped HTML, whose ids are found as on a written page: a whole
        timetable is not parsed again for every page and language that shows it.
        """
        found: list[str] = []
        rest = str(body)
        for code in codes:
            before, paragraph, after = rest.partition(f"<p>{code.placeholder}</p>")
            if not paragraph:  # not a paragraph of its own (reported when read): nothing replaced
                continue
            found.extend(self._ids(before))
            found.extend(page_ids(rendered[code.placeholder]))
            rest = after
        found.extend(self._ids(rest))
        return found

    def _theme_templates(self) -> list[str]:
        """The theme's page templates; names starting with "!" are Pelican's prefixed copies, which no page uses."""
        return self.env.list_templates(filter_func=lambda n: n.endswith(".html") and not n.startswith("!"))

    def _template_ids(self) -> set[str]:
        """Every literal id in the theme's page templates."""
        ids: set[str] = set()
        for name in self._theme_templates():
            source = self.env.loader.get_source(self.env, name)[0]
            ids.update(_TEMPLATE_ID_RE.findall(source))
        return ids

    def _id_line(self, source: str, ident: str) -> int | None:
        """The line of the heading (or attribute list) that gives an id, for the message."""
        path = Path(self.settings["PATH"]).parent / source
        try:
            lines = path.read_text(encoding="utf-8-sig").split("\n")
        except (OSError, UnicodeDecodeError):
            return None
        for number, line in enumerate(lines, start=1):
            heading = (
                line.lstrip().startswith("#")
                and slugify(re.sub(r"\{:?[^}]*\}\s*$", "", line.lstrip("# ").strip()), "-") == ident
            )
            if heading or f"#{ident}" in line:
                return number
        return None

    def _claim_outputs(self) -> list[Problem]:
        """Every output path with its source; two sources for one path are named together."""
        p = self.programme
        claims = addresses.Claims()
        for article in self.context.get("articles", ()) + self.context.get("drafts", ()):
            if getattr(article, "save_as", ""):
                claims.claim(article.save_as, _source(article, self.settings))
        for page in addresses.FIXED_PAGES:
            claims.claim(page.save_as, f"the forum's {page.kind} page")
        for export in addresses.EXPORTS:
            claims.claim(export, "the forum's schedule exports")
        for session in p.sessions:
            claims.claim(exports.ical.session_path(session), f"{session.source} (its calendar file)")
        for item in p.sessions + p.pages + p.cases + p.speakers:
            claims.claim(item.url + "index.html", item.source)
        return [
            Problem(
                second,
                None,
                tr(
                    "would write {path}, which {first} writes too: two sources cannot share "
                    "one address; change one slug",
                    path=path,
                    first=first,
                ),
            )
            for path, first, second in claims.clashes
        ]

    def _write(self, writer, save_as: str, template: str, rel_url: str, source: str = "", **extra) -> None:
        recorder = hooks.of(self.settings).recorder
        if recorder is None:
            self._write_page(writer, save_as, template, rel_url, source, **extra)
            return
        path = os.path.join(writer.output_path, save_as)
        if recorder.wanted(path):
            with recorder.forum_page(self.settings["DEFAULT_LANG"], path, writer):
                self._write_page(writer, save_as, template, rel_url, source, **extra)

    def _write_page(self, writer, save_as: str, template: str, rel_url: str, source: str, **extra) -> None:
        try:
            writer.write_file(
                save_as,
                self.get_template(template),
                self.context,
                relative_urls=False,
                url=rel_url,
                rel_url=rel_url,
                template_name=template,
                **extra,
            )
        except FileOverwriteFailedError:
            # Claimed before writing began; should another writer still get there first, name it plainly.
            subsites.forget_unfinished()
            raise ContentError(
                [
                    Problem(
                        source or f"the forum's {template} page",
                        None,
                        tr(
                            "would write {path}, which another source has written already: two "
                            "sources cannot share one address; change one slug",
                            path=save_as,
                        ),
                    )
                ]
            ) from None

    def generate_output(self, writer) -> None:
        """Write home, timetable, index pages, one page per item, search, 404 and the exports."""
        p = self.programme
        translations.keep_messages(self.env)  # i18n-subsites has installed this language's messages
        # Bodies are the Markdown reader's checked output, marked safe where the templates print
        # them (`|safe`): a Markup copy of every body kept here would hold each body twice.
        jobs = [
            partial(self._write, writer, page.save_as, page.template, page.url, page_kind=page.kind)
            for page in addresses.FIXED_PAGES
        ]
        for kind, items in (("session", p.sessions), ("speaker", p.speakers), ("case", p.cases), ("page", p.pages)):
            jobs.extend(
                partial(
                    self._write, writer, item.url + "index.html", kind, item.url, item.source, page_kind=kind, item=item
                )
                for item in items
            )
        split = hooks.of(self.settings).split
        per_process = split.pages_per_process if split else None
        if batches.in_turns(len(jobs), per_process):
            # Compiled once here rather than again by every process that writes a turn of pages.
            for name in self._theme_templates():
                self.env.get_template(name)
        # The calendars and the schedules each in a process of their own (in turns): each holds
        # the whole programme in its own form, and together they were the largest process.
        batches.run(
            jobs,
            alone=[
                partial(write, p, self)
                for write in exports.writers()
                if write.__name__ not in self.exports_written_elsewhere
            ],
            per_process=per_process,
        )
        # Its parts are not shown again: a one-process build would keep them while it writes the other language.
        self.context["fragment"].clear()
        if is_main_site(self.settings):
            # The main site is the root of the whole tree; both languages show the same files.
            if hooks.of(self.settings).write_pictures:
                images.write_all(p, Path(self.settings["PATH"]), Path(self.output_path))
            # Images of the content's folders: only clean copies, the pictures' sources not at all.
            staticimages.publish_static_images(
                p, self.context.get("staticfiles", []), Path(self.settings["PATH"]), Path(self.output_path)
            )
        # Pelican's own summary counts only its articles and pages; say what the forum wrote.
        logger.info(
            "ssc_forum (%s): %d sessions, %d speakers, %d city cases, %d pages, timetable and exports",
            p.lang,
            len(p.sessions),
            len(p.speakers),
            len(p.cases),
            len(p.pages),
        )


def _source(content: object, settings: dict) -> str:
    """A Pelican content object's file, named from the project's root as editors see it."""
    path = getattr(content, "relative_source_path", None) or getattr(content, "source_path", "") or "?"
    return str(path) if str(path).startswith("/") else f"{Path(settings['PATH']).name}/{path}"


def _placed(rendered: dict[str, str], code: shortcodes.Shortcode) -> str:
    """A shortcode's HTML, rendered before its page's body was expanded."""
    return rendered[code.placeholder]
