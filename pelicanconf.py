"""Pelican settings for the local build of the forum archive (Korean main site, English at /en/)."""

import logging
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _not_the_local_feed_warning(record: logging.LogRecord) -> bool:
    # The local build has no SITEURL on purpose (its feeds use site-relative addresses); the
    # published build sets SITEURL and FEED_DOMAIN. Pelican's warning about it needs no action.
    return not record.getMessage().startswith("Feeds generated without SITEURL")


if _not_the_local_feed_warning.__name__ not in {
    getattr(f, "__name__", "") for f in logging.getLogger("pelican.settings").filters
}:
    logging.getLogger("pelican.settings").addFilter(_not_the_local_feed_warning)

SITENAME = "2020 서울 스마트시티 리더스 포럼"
SITESUBTITLE = "포용적 스마트도시"
AUTHOR = "서울특별시 · 서울디지털재단"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"  # only a fallback: templates format dates with Babel
DELETE_OUTPUT_DIRECTORY = False  # builds go to a fresh directory; tasks.py swaps it in
OUTPUT_SOURCES = False

# PLUGINS must be explicit: with it unset Pelican loads every installed plugin.
PLUGIN_PATHS = ["plugins"]
# ssc_theme writes the font subsets from the finished pages; ssc_publish last: it gzips what the others wrote.
PLUGINS = ["pelican.plugins.i18n_subsites", "ssc_forum", "ssc_search", "ssc_theme", "ssc_publish", "ssc_editor"]
# The tag the search page asks Pagefind's entry file under, and the web archive records it at (the same as
# ssc_search.indexing.ENTRY_TAG, tested). A setting rather than only the plugin's: a page reads the same
# whether or not the search plugin is loaded into the build's process.
SEARCH_ENTRY_TAG = "ssc2020"

# Who held the forum, named by the KRDS identifier in the header and the footer: as text by default. A logo is
# optional: "logo" names an image under theme/static/ (SVG, PNG or WebP, e.g. "img/organisers/seoul.svg"), published
# with the site and never fetched from another host; the name is its text alternative.
ORGANISERS = [{"name": "서울특별시", "logo": None}, {"name": "서울디지털재단", "logo": None}]
# The licence of the site's works, for the footer's copyright line: a Korea Open Government License (공공누리)
# type, 1 to 4, which the city sets. None until then: the footer names only the copyright holders.
KOGL_TYPE = None

# The site's languages, the main one first: the code (of the content files and of I18N_SUBSITES below), the
# name in the language itself (the language switch), the Babel locale (dates, og:locale), the sub-site's folder
# and the writing direction. A third language is a row here, a sub-site below, a catalogue and its content.
LANGUAGES = [
    {"code": "ko", "name": "한국어", "locale": "ko_KR", "prefix": "", "dir": "ltr"},
    {"code": "en", "name": "English", "locale": "en_GB", "prefix": "en", "dir": "ltr"},
]

I18N_SUBSITES = {
    "en": {
        "SITENAME": "Seoul Smart City Leaders Forum 2020",
        "SITESUBTITLE": "Inclusive Smart Cities for Sustainable Growth",
        "AUTHOR": "Seoul Metropolitan Government · Seoul Digital Foundation",
        "ORGANISERS": [
            {"name": "Seoul Metropolitan Government", "logo": None},
            {"name": "Seoul Digital Foundation", "logo": None},
        ],
    },
}
# i18n-subsites turns untranslated articles into drafts, which trips Pelican 4.12's
# draft-without-category bug; every news item has its twin, so nothing is lost.
I18N_UNTRANSLATED_ARTICLES = "remove"
I18N_UNTRANSLATED_PAGES = "remove"
I18N_GETTEXT_LOCALEDIR = str(_HERE / "theme" / "translations")
I18N_GETTEXT_DOMAIN = "messages"
I18N_TEMPLATES_LANG = "en"  # template strings are written in English and translated to Korean

JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "autoescape": True,  # Pelican leaves it off; only rendered Markdown is marked |safe
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Every build (livereload's too) makes new environments: a template never changes under one,
    # and checking its file's time at each include cost a stat per partial per page.
    "auto_reload": False,
}

# Only news are Pelican articles; sessions, speakers, city cases and pages belong to the forum plugin.
ARTICLE_PATHS = ["news"]
PAGE_PATHS: list[str] = []
STATIC_PATHS = ["images"]
ARTICLE_URL = "news/{slug}/"
ARTICLE_SAVE_AS = "news/{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
INDEX_URL = "news/"
INDEX_SAVE_AS = "news/index.html"
DEFAULT_PAGINATION = False
DEFAULT_CATEGORY = "news"

# Listing pages a conference archive does not need: they would cost more than the pages themselves.
for _kind in (
    "TAG",
    "TAGS",
    "CATEGORY",
    "CATEGORIES",
    "AUTHOR",
    "AUTHORS",
    "ARCHIVES",
    "YEAR_ARCHIVE",
    "MONTH_ARCHIVE",
    "DAY_ARCHIVE",
    "DRAFT",
    "DRAFT_PAGE",
    "PAGE",
):
    globals()[f"{_kind}_SAVE_AS"] = ""
    globals()[f"{_kind}_URL"] = ""
ARTICLE_LANG_SAVE_AS = ""
ARTICLE_LANG_URL = ""

# One news feed per language. FEED_ALL_ATOM would also carry each article's translations,
# mixing the languages; every news item is in the category "news", so its category feed is it.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
NEWS_FEED_ATOM = "feeds/news.atom.xml"
FEED_ALL_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

FORMATTED_FIELDS: list[str] = []  # summaries are plain text, escaped by the templates

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# The forum plugin: programme data file, event phase and the public address of the site.
FORUM = {
    "programme": "programme.toml",
    "time_zone": "Asia/Seoul",
    "phase": None,  # None: decided from the programme's times; "before", "during" or "after" forces it
    "home_url": "https://forum.seoul.go.kr/ssc2020",
}

# The web editor at /admin/ (plugins/ssc_editor): on in local and preview builds. "backend" names the
# Git host it commits to (README, "Editing in the browser"); publishconf.py turns it off.
EDITOR = {
    "enabled": True,
    "backend": {"name": "gitlab", "repo": "", "branch": "main", "auth_type": "pkce", "app_id": ""},
    "local_backend": True,  # `make.py edit`: decap-server on 127.0.0.1, at this port
    "local_backend_port": 8081,
    "publish_mode": "editorial_workflow",  # each change a merge request; "simple": straight onto the branch
}
