"""Editors' messages: Korean by default, English on request, every message in the catalogue.

The rest of the suite reads the English texts (`SSC_LANG=en`, see conftest.py); these tests take
the language away again and read what a Korean editor reads.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from conftest import ROOT, copy_content, copy_with_dotted_day, run_pelican
from ssc_deploy import catalogues
from ssc_forum import messages
from ssc_forum.content import find_problems
from ssc_forum.problems import ContentError, Problem

PLUGIN = ROOT / "plugins" / "ssc_forum"
PO = messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.DOMAIN}.po"
KEYWORDS = {"tr": None}


def _ids_in_code() -> set[str]:
    """Every `tr("…")` id of the editors' sources, as `python3 make.py translations` reads them."""
    found: set[str] = set()
    for source in catalogues.EDITOR_SOURCES:
        if source.is_dir():
            found |= {str(msg) for _, _, msg, _, _ in extract_from_dir(str(source), keywords=KEYWORDS)}
        else:
            found |= {str(msg) for _, msg, _, _ in extract_from_file("python", str(source), keywords=KEYWORDS)}
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_its_korean_with_the_same_fields() -> None:
    ids = _ids_in_code()
    assert len(ids) > 100, "the extraction found the messages"
    with PO.open("rb") as po:
        catalogue = {m.id: m for m in read_po(po, locale="ko") if m.id}
    missing = sorted(i for i in ids if i not in catalogue or not catalogue[i].string or catalogue[i].fuzzy)
    assert not missing, f"messages without Korean (run python3 make.py translations, then translate): {missing}"
    for msgid in ids:
        korean = catalogue[msgid].string
        assert _fields(korean) == _fields(msgid), (msgid, korean)
        assert "\n" not in korean, korean  # one line each


def test_the_catalogue_template_is_current() -> None:
    with (messages.LOCALE_DIR / f"{messages.DOMAIN}.pot").open("rb") as pot:
        committed = {m.id for m in read_po(pot) if m.id}
    assert committed == _ids_in_code(), "run python3 make.py translations"


def test_a_problem_reads_in_either_language() -> None:
    from ssc_forum.messages import tr

    problem = Problem(
        "content/sessions/keynote.ko.md", "day", tr("{value!r} is not a date written YYYY-MM-DD", value="2020.09.23"), 5
    )
    assert problem.line_text("ko") == (
        "content/sessions/keynote.ko.md:5: 항목 'day': '2020.09.23'은(는) 날짜 형식이 "
        "아닙니다. 2020-09-23처럼 연-월-일로 쓰세요"
    )
    assert problem.line_text("en") == (
        "content/sessions/keynote.ko.md:5: field 'day': '2020.09.23' is not a date written YYYY-MM-DD"
    )
    error = ContentError([problem])
    assert error.render("ko").startswith("오류: 콘텐츠에 문제가 1건 있어 아무것도 만들지 않았습니다.\n  content/")
    assert error.render("en").startswith("ERROR: 1 problem(s) in the content; nothing was written:\n  content/")


def test_a_long_quoted_value_is_cut_in_korean_too() -> None:
    from ssc_forum.messages import tr

    problem = Problem(
        "content/pages/x.ko.md", "title", tr("{value!r} is not a whole number from 1 to 9999", value="9" * 5000)
    )
    assert "(5,000 characters)" in problem.line_text("ko") and len(problem.line_text("ko")) < 300


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "ko"),
        ({"LANG": "C.UTF-8"}, "ko"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LC_MESSAGES": "en", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"SSC_LANG": "ko", "LANG": "en_US.UTF-8"}, "ko"),
        ({"SSC_LANG": "en"}, "en"),
    ],
)
def test_the_language_comes_from_the_environment(env: dict[str, str], lang: str) -> None:
    assert messages.language_from_environment(env) == lang


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="'fr'"):
        messages.use_language("fr")


# --- python3 make.py check, as an editor types it ---------------------------------------------


def _check(content: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # The editor's environment: no SSC_LANG (the suite's), the locale given or none at all.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(
        [sys.executable, str(ROOT / "make.py"), "check", "--content", str(content), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**base, **env},
        check=False,
    )


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content with the Korean keynote's day written with dots, as the issue's editor wrote it."""
    return copy_with_dotted_day(tmp_path_factory.mktemp("broken"))


KOREAN_LINE = (
    "content/sessions/keynote.ko.md:5: 항목 'day': '2020.09.23'은(는) 날짜 형식이 아닙니다. "
    "2020-09-23처럼 연-월-일로 쓰세요"
)
ENGLISH_LINE = "content/sessions/keynote.ko.md:5: field 'day': '2020.09.23' is not a date written YYYY-MM-DD"


def test_check_speaks_korean_by_default(broken: Path) -> None:
    done = _check(broken, LANG="C.UTF-8")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [KOREAN_LINE], done.stdout
    assert done.stderr.strip() == "콘텐츠에 문제가 1건 있습니다."


@pytest.mark.parametrize(("args", "env"), [(("--lang", "en"), {"LANG": "C.UTF-8"}), ((), {"LANG": "en_US.UTF-8"})])
def test_check_speaks_english_when_asked(broken: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
    done = _check(broken, *args, **env)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [ENGLISH_LINE], done.stdout
    assert done.stderr.strip() == "1 problem(s) in the content."


def test_check_says_the_content_is_fine_in_korean() -> None:
    done = _check(ROOT / "content")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"콘텐츠에 문제가 없습니다\(\d+\.\d초 동안 검사\)\.", done.stdout.strip()), done.stdout


def test_check_refuses_another_language_in_one_line(broken: Path) -> None:
    done = _check(broken, "--lang", "fr")
    assert done.returncode == 2
    assert done.stderr.strip() == "--lang 'fr': 쓸 수 없는 값입니다. ko, en 중 하나로 쓰세요", done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    done = _check(broken, "--lang", "fr", LANG="en_GB.UTF-8")
    assert (done.returncode, done.stderr.strip()) == (2, "--lang 'fr': one of ko, en")


def test_ci_annotations_show_the_korean_text(broken: Path, tmp_path: Path) -> None:
    done = _check(broken, "--format", "github")
    assert done.stdout.splitlines() == [
        "::error file=content/sessions/keynote.ko.md,line=5,title=항목 'day'::" + KOREAN_LINE.split(": ", 1)[1]
    ], done.stdout
    report = tmp_path / "report.json"
    done = _check(broken, "--format", "gitlab", "--output", str(report))
    assert "날짜 형식이 아닙니다" in report.read_text(encoding="utf-8")
    assert done.stdout.splitlines() == ["report.json 파일을 만들었습니다(문제 1건).", KOREAN_LINE]


def test_a_build_stopped_by_a_mistake_says_so_in_korean(broken: Path, tmp_path: Path) -> None:
    done = run_pelican(broken, tmp_path / "o", lang=None)
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert "오류: 콘텐츠에 문제가 1건 있어 아무것도 만들지 않았습니다." in log and KOREAN_LINE in log, log
    assert not (tmp_path / "o" / "index.html").exists()


# --- what the check suggests and whom it names ------------------------------------------------


def _problems(content: Path) -> list[str]:
    settings_module = __import__("tasks")
    return [
        str(p) for p in find_problems(settings_module._read_settings(settings_module.CONFIG["settings_base"], content))
    ]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_misspelt_names_get_the_close_one(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    sessions = content / "sessions"
    _edit(sessions / "keynote.en.md", "Kind: keynote", "Kind: keynot")
    _edit(sessions / "keynote.ko.md", "Kind: keynote", "Kind: keynot")
    _edit(sessions / "keynote.en.md", "Speakers: sokwoo-rhee", "Speakers: sokwoo-rhe")
    _edit(sessions / "keynote.en.md", "Order: 1", "Order: 1\nSpeekers: x")
    found = "\n".join(_problems(content))
    assert (
        "field 'kind': 'keynot' is not one of: keynote, session, case-presentations, talk-concert "
        "(did you mean 'keynote'?)" in found
    ), found
    assert (
        "field 'speakers': refers to speaker 'sokwoo-rhe', which does not exist (did you mean 'sokwoo-rhee'?)" in found
    ), found
    assert "field 'speekers': is not a field of this content type (did you mean 'speakers'?)" in found, found


def test_a_twin_disagreement_is_told_on_the_file_changed_last(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    ko, en = content / "sessions" / "keynote.ko.md", content / "sessions" / "keynote.en.md"
    _edit(ko, "Order: 1", "Order: 2")  # the editor changes the Korean file
    now = time.time()
    os.utime(en, (now - 60, now - 60))
    os.utime(ko, (now, now))
    (line,) = [p for p in _problems(content) if "twin" in p]
    assert line.startswith(
        "content/sessions/keynote.ko.md:6: field 'order': is 2 here but 1 in its twin content/sessions/keynote.en.md"
    ), line
    os.utime(en, (now + 60, now + 60))  # now the English one was saved last
    (line,) = [p for p in _problems(content) if "twin" in p]
    assert line.startswith(
        "content/sessions/keynote.en.md:6: field 'order': is 1 here but 2 in its twin content/sessions/keynote.ko.md"
    ), line


@pytest.mark.parametrize(("size", "ok"), [((200, 200), False), ((639, 900), False), ((640, 640), True)])
def test_a_portrait_below_the_guides_minimum_is_refused_with_its_size(
    tmp_path: Path, size: tuple[int, int], ok: bool
) -> None:
    from PIL import Image

    content = copy_content(tmp_path)
    (content / "images" / "people").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "gray").save(content / "images" / "people" / "p.jpg")
    for lang in ("ko", "en"):
        speaker = content / "speakers" / f"fernando-vilarino.{lang}.md"
        _edit(speaker, "Sort:", "Photo: images/people/p.jpg\nPhoto_alt: portrait\nSort:")
    found = [p for p in _problems(content) if "photo" in p]
    if ok:
        assert found == []
    else:
        assert len(found) == 2 and all(
            f"field 'photo': images/people/p.jpg: the portrait is {size[0]}×{size[1]} pixels; its shorter side must "
            "be at least 640 pixels" in p
            for p in found
        ), found


def test_one_function_makes_a_line_printable_for_the_terminal_and_for_ci() -> None:
    from ssc_deploy.ci_reports import escape_data
    from ssc_forum.problems import printable

    raw = "a\x1b[31mb\u202ec\r\nd%"
    assert printable(raw) == "a\\x1b[31mb\\u202ec\\r\\nd%"  # the check's line: one line, escapes shown
    assert printable(raw, keep="\r\n") == "a\\x1b[31mb\\u202ec\r\nd%"
    assert escape_data(raw) == "a\\x1b[31mb\\u202ec%0D%0Ad%25"  # GitHub's own encoding of CR, LF and %
