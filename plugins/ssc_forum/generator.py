"""The forum's Pelican generator: reads and checks the content, builds the model, writes the pages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican.generators import Generator

from . import exports, model, shortcodes, timetable
from .content import ContentError, Problem, read_content
from .settings import forum_settings
from .streams import parse_media

logger = logging.getLogger(__name__)


def _forget_unfinished_subsites() -> None:
    """Let the next build in this process start afresh after a failed one.

    i18n-subsites keeps its queue of sub-sites in module globals and clears them only when
    the last sub-site has been written; a build stopped by bad content never gets there,
    so `invoke regenerate`, livereload and the tests would inherit a stale queue.
    """
    try:
        from pelican.plugins.i18n_subsites import i18n_subsites
    except ImportError:
        return
    i18n_subsites._MAIN_SETTINGS = None


class ForumGenerator(Generator):
    """Builds the programme for the site's language and writes every forum page."""

    def generate_context(self) -> None:
        """Read and validate all content (both languages); stop the build on any problem."""
        forum = forum_settings(self.settings)
        problems: list[Problem] = []
        if forum["phase"] not in (None, *model.PHASES):
            problems.append(Problem("pelicanconf.py", "FORUM.phase",
                                    f"{forum['phase']!r} is not one of {', '.join(model.PHASES)}"))
        try:
            tz = ZoneInfo(forum["time_zone"])
        except (KeyError, ValueError):
            problems.append(Problem("pelicanconf.py", "FORUM.time_zone", f"{forum['time_zone']!r} is not an IANA zone"))
            tz = ZoneInfo("Asia/Seoul")
        content = read_content(self.settings)
        problems.extend(content.problems)
        if problems:
            _forget_unfinished_subsites()
            # Raised, not logged one by one: with --fatal errors the first logged error would
            # stop the build and hide the others.
            raise ContentError(problems)
        now = forum["now"] or datetime.now(UTC)
        lang = self.settings["DEFAULT_LANG"]
        programme = model.build(content, lang, tz, now=now, forced_phase=forum["phase"])
        self.programme = programme
        self.context["programme"] = programme
        # The page's language from the start of every render: macros imported "with context" at
        # the top of a page template see the context before base.html's own `set lang` runs.
        self.context["lang"] = lang
        self.context["timetable_grids"] = timetable.grids

    # --- output -------------------------------------------------------------------------------

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

    def _expand(self, items: list) -> None:
        for item in items:
            item.body = shortcodes.expand(item.body, self._render_shortcode)

    def _write(self, writer, save_as: str, template: str, rel_url: str, **extra) -> None:
        writer.write_file(
            save_as, self.get_template(template), self.context, relative_urls=False,
            url=rel_url, rel_url=rel_url, template_name=template, **extra,
        )

    def generate_output(self, writer) -> None:
        """Write home, timetable, index pages, one page per item, search, 404 and the exports."""
        p = self.programme
        self._expand(p.sessions + p.pages + p.cases + p.speakers)
        # Markdown output is trusted: it comes from our own files through the Markdown reader.
        for item in p.sessions + p.pages + p.cases + p.speakers:
            item.body = Markup(item.body)
        self._write(writer, "index.html", "home", "", page_kind="home")
        self._write(writer, "timetable/index.html", "timetable", "timetable/", page_kind="timetable")
        self._write(writer, "sessions/index.html", "sessions", "sessions/", page_kind="sessions")
        self._write(writer, "speakers/index.html", "speakers", "speakers/", page_kind="speakers")
        self._write(writer, "cases/index.html", "cases", "cases/", page_kind="cases")
        self._write(writer, "search/index.html", "search", "search/", page_kind="search")
        self._write(writer, "404.html", "404", "404.html", page_kind="404")
        for kind, items in (("session", p.sessions), ("speaker", p.speakers), ("case", p.cases), ("page", p.pages)):
            for item in items:
                self._write(writer, item.url + "index.html", kind, item.url, page_kind=kind, item=item)
        exports.write_all(p, self)
        # Pelican's own summary counts only its articles and pages; say what the forum wrote.
        logger.info("ssc_forum (%s): %d sessions, %d speakers, %d city cases, %d pages, timetable and exports",
                    p.lang, len(p.sessions), len(p.speakers), len(p.cases), len(p.pages))
