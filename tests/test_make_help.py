"""`python3 make.py --help`, a task's `--help` and a mistyped command line speak the editor's language.

Korean by default, English with `--lang en` or an English locale. The task list is read before
.venv exists (the standard library only), so it is also run without any installed package; a
task's help is run in-process, task by task, in a terminal's environment without the suite's
`SSC_LANG=en`.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from invoke import Collection

import tasks
from conftest import ROOT
from ssc_deploy import catalogues
from ssc_forum import messages

BASE_ENV = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "COLUMNS": "100"}
HANGUL = re.compile(r"[가-힣]")
TASK_NAMES = sorted(Collection.from_module(tasks).task_names)


def _make(*args: str, python: tuple[str, ...] = (sys.executable,), script: Path = ROOT / "make.py", **env: str):
    """`python3 make.py ARGS` in a terminal without the suite's language (`env`: its locale)."""
    return subprocess.run(
        [*python, str(script), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=script.parent,
        env={**BASE_ENV, "SSC_REVISION": os.environ["SSC_REVISION"], **env},
        timeout=120,
        check=False,
    )


def _make_help(*args: str, python: tuple[str, ...] = (sys.executable,), **env: str) -> str:
    done = _make("--help", *args, python=python, **env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def _listed(text: str, heading: str) -> dict[str, str]:
    """The task list under `heading`: {name: summary}, continued lines joined."""
    found: dict[str, str] = {}
    name = ""
    for line in text.split(heading + "\n", 1)[1].split("\n\n", 1)[0].splitlines():
        if re.match(r"  \S", line):
            name, _, summary = line.strip().partition(" ")
            found[name] = summary.strip()
        else:
            found[name] += " " + line.strip()
    return found


@pytest.fixture(scope="module")
def make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_under_test", ROOT / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def korean_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A terminal with no language chosen (Korean), 100 columns; tasks.py is read again in it."""
    for name in ("SSC_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    # A locale that is not English; not none at all: reading the settings sets Pelican's locale
    # from it for the whole process, and the C locale would leave the next tests ASCII.
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setitem(sys.modules, "tasks", tasks)  # make.py loads its own copy under this name
    messages.use_language(None)
    yield


def test_the_task_list_is_korean_by_default_and_english_when_asked() -> None:
    korean = _make_help()
    listed = _listed(korean, "작업 목록:")
    assert sorted(listed) == TASK_NAMES
    for name, summary in listed.items():
        assert HANGUL.search(summary), (name, summary)
    assert korean.startswith("Python 3.11 이상만 설치된 컴퓨터에서")
    assert "작업별 옵션 보기: python3 make.py 작업 --help" in korean
    assert "영어로 보려면 --lang en을 붙이거나" in korean
    for english in (_make_help("--lang", "en"), _make_help(LANG="en_GB.UTF-8")):
        listed = _listed(english, "Tasks:")
        assert sorted(listed) == TASK_NAMES
        assert listed["build"].startswith("Build the site into output/, all at once")
        assert not HANGUL.search(english), english


def test_the_task_list_needs_no_installed_package() -> None:
    # -S: no site-packages at all (so no Babel, no invoke), as on a machine before .venv exists.
    text = _make_help(python=(sys.executable, "-S"))
    assert sorted(_listed(text, "작업 목록:")) == TASK_NAMES
    # A summary is looked up by the docstring's first paragraph, wrapping undone.
    shots = inspect.getdoc(tasks.shots)
    assert shots and "\n" in shots.split("\n\n")[0]
    assert _listed(text, "작업 목록:")["shots"].startswith("모든 종류의 페이지를 두 언어로")


def test_lines_are_wrapped_by_the_columns_korean_takes() -> None:
    for line in _make_help().splitlines():
        if line.startswith("  "):  # the task list; the paragraphs above it are the terminal's to wrap
            assert messages.display_width(line) <= 100, line


@pytest.mark.parametrize("name", TASK_NAMES)
def test_every_tasks_help_is_korean(
    name: str, make: ModuleType, korean_terminal: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make.run_task(["--help", name]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"사용법: python3 make.py {name}"), text
    assert "inv[oke]" not in text and "Docstring" not in text
    described, _, options = text.partition("\n옵션:\n")
    paragraphs = described.split("하는 일:\n", 1)[1].strip().split("\n\n")
    assert len(paragraphs) == len(messages.paragraphs(inspect.getdoc(getattr(tasks, name.replace("-", "_")))))
    for paragraph in paragraphs:
        assert HANGUL.search(paragraph), paragraph
        for line in paragraph.splitlines():
            assert messages.display_width(line) <= 100, line
    option_lines = [line for line in options.splitlines() if re.match(r"  -", line)]
    assert option_lines or options.strip() == "없음", options
    for line in option_lines:
        assert HANGUL.search(line), line
        assert "STRING" not in line and "INT" not in line, line


def test_a_tasks_help_is_english_when_asked(make: ModuleType, korean_terminal: None, capsys) -> None:
    os.environ["SSC_LANG"] = "en"  # what make.py sets from `--lang en` for the task's process
    assert make.run_task(["--help", "build"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Usage: python3 make.py build [options]\n\nWhat it does:\n  Build the site into output/")
    assert "-o STRING, --output=STRING" in text and not HANGUL.search(text)


def test_lang_en_reaches_the_tasks_help_through_make() -> None:
    done = _make("check", "--help", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python3 make.py check [options]"), done.stdout


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["new"], "new 작업에는 --kind, --slug 옵션이 꼭 필요합니다. 설명은 `python3 make.py new --help`로"),
        (["new", "--kind"], "--kind 뒤에 값을 써야 합니다."),
        (["build", "--ouput", "x"], "build: --ouput 옵션은 없습니다 ('--output'을(를) 뜻했나요?)."),
        (["nginx", "--port", "abc"], "'abc'은(는) 숫자가 아닙니다. 숫자만 쓰세요."),
        (["check", "extra"], "check: 'extra'은(는) 알 수 없는 값입니다."),
    ],
)
def test_a_mistyped_command_line_is_one_korean_line(
    argv: list[str], said: str, make: ModuleType, korean_terminal: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make.run_task(argv) == 1
    err = capsys.readouterr().err
    assert said in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_an_unknown_task_is_refused_before_anything_is_installed(tmp_path) -> None:
    # Run from a copy of make.py alone: had it gone on to install, a .venv would appear beside it.
    copy = tmp_path / "make.py"
    copy.write_text((ROOT / "make.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "plugins" / "ssc_forum").mkdir(parents=True)
    (tmp_path / "plugins" / "ssc_forum" / "messages.py").symlink_to(ROOT / "plugins" / "ssc_forum" / "messages.py")
    (tmp_path / "tasks.py").symlink_to(ROOT / "tasks.py")
    for args, env, said in [
        ((), {}, "make.py: 'buidl': 그런 작업이 없습니다 ('build'을(를) 뜻했나요?)."),
        (("--lang", "en"), {}, "make.py: there is no task 'buidl' (did you mean 'build'?)."),
        ((), {"LANG": "en_GB.UTF-8"}, "make.py: there is no task 'buidl' (did you mean 'build'?)."),
    ]:
        done = _make("buidl", *args, python=(sys.executable, "-S"), script=copy, **env)
        assert done.returncode == 1 and said in done.stderr, done.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_small_catalogue_reader_reads_as_babel_does() -> None:
    po = messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.DOMAIN}.po"
    with po.open("rb") as handle:
        babel = {str(m.id): str(m.string) for m in read_po(handle, locale="ko") if m.id and m.string and not m.fuzzy}
    assert len(babel) > 300
    assert messages.read_catalogue(po) == babel


def test_the_small_catalogue_reader_skips_fuzzy_and_untranslated(tmp_path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        '#, fuzzy\nmsgid "guessed"\nmsgstr "추측"\n\n'
        'msgid "empty"\nmsgstr ""\n\n'
        '#, python-brace-format\nmsgid ""\n"a long {name} "\n"line with \\"quotes\\""\nmsgstr ""\n"긴 {name} "\n"줄"\n',
        encoding="utf-8",
    )
    assert messages.read_catalogue(po) == {'a long {name} line with "quotes"': "긴 {name} 줄"}


def _help_ids() -> set[str]:
    """The help catalogue's ids: `tr_help("…")` of tasks.py and make.py, and the tasks' docstrings' paragraphs."""
    found = catalogues.docstring_ids(catalogues.task_docstrings(tasks))
    assert len(found) >= len(TASK_NAMES)
    for source in catalogues.HELP_SOURCES:
        found |= {str(m) for _, m, _, _ in extract_from_file("python", str(source), keywords={"tr_help": None})}
    return found


def test_every_line_of_the_help_has_its_korean_and_the_template_is_current() -> None:
    ids = _help_ids()
    korean = messages.read_catalogue(messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.HELP_DOMAIN}.po")
    assert not sorted(ids - set(korean)), "run python3 make.py translations, then translate"
    for msgid in ids:
        assert _fields(korean[msgid]) == _fields(msgid), (msgid, korean[msgid])
        assert "\n" not in korean[msgid]
    with (messages.LOCALE_DIR / f"{messages.HELP_DOMAIN}.pot").open("rb") as pot:
        assert {str(m.id) for m in read_po(pot) if m.id} == ids, "run python3 make.py translations"
    # The help is not among the messages the guides list: those are what the tools say while working.
    editor = messages.read_catalogue(messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.DOMAIN}.po")
    assert not ids & set(editor)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_wrapping_counts_two_columns_for_a_korean_syllable() -> None:
    assert messages.display_width("가a") == 3
    assert messages.wrap("가나 다라 마", 5) == ["가나", "다라", "마"]
    assert messages.wrap("ab cd", 5) == ["ab cd"]
    assert messages.wrap("아주긴낱말하나 a", 4) == ["아주긴낱말하나", "a"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ko", "make.py: Python 99.0 이상이 필요합니다. 지금 쓰는 것은 Python "),
        ("en", "make.py: Python 99.0 or newer is needed; this is Python "),
    ],
)
def test_a_python_too_old_is_told_in_the_editors_language(
    lang: str, said: str, make: ModuleType, korean_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSC_LANG", lang)
    monkeypatch.setattr(make, "MIN_PYTHON", (99, 0))
    with pytest.raises(SystemExit) as stop:
        make.main(["check"])
    assert str(stop.value.code).startswith(said), stop.value.code
