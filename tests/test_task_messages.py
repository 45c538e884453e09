"""The tasks speak the editor's language: Korean by default, English with `--lang en` or an English locale.

Each task runs as an editor types it (its own process, the environment of a terminal without the
suite's `SSC_LANG=en`), and the test reads the line it ends with: a failed build, a rollback with
nothing to roll back to, a failed web archive, a failed check of the live site, a refused option,
and a wrong identity setting in pelicanconf.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_with_dotted_day, run_pelican

BASE_ENV = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "COLUMNS": "400"}
ENGLISH = [(("--lang", "en"), {}), ((), {"LANG": "en_GB.UTF-8"})]
"""The two ways an editor asks for English: the option, or the locale."""


def _task(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m invoke ARGS` in an editor's terminal (`env`: its locale; none set means Korean)."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**BASE_ENV, "SSC_REVISION": os.environ["SSC_REVISION"], **env},
        check=False,
    )


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return lines[-1]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content with the Korean keynote's day written with dots."""
    return copy_with_dotted_day(tmp_path_factory.mktemp("broken"))


KOREAN_PROBLEM = "항목 'day': '2020.09.23'은(는) 날짜 형식이 아닙니다"
ENGLISH_PROBLEM = "field 'day': '2020.09.23' is not a date written YYYY-MM-DD"


# --- a build that fails ----------------------------------------------------------------------


def test_a_failed_build_says_so_in_korean(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    done = _task("build", "--content", str(broken), "--output", str(out), LANG="C.UTF-8")
    assert done.returncode == 1
    assert KOREAN_PROBLEM in done.stdout + done.stderr  # the build's own process speaks Korean too
    assert _last_line(done) == f"사이트를 만들지 못했습니다. 폴더 {out}의 내용은 그대로 두었습니다."
    assert not out.exists()


@pytest.mark.parametrize(("args", "env"), ENGLISH)
def test_a_failed_build_says_so_in_english_when_asked(
    broken: Path, tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    out = tmp_path / "output"
    done = _task("build", *args, "--content", str(broken), "--output", str(out), **env)
    assert done.returncode == 1
    # --lang reaches the build's own process: its content errors are English as well.
    assert ENGLISH_PROBLEM in done.stdout + done.stderr and KOREAN_PROBLEM not in done.stdout + done.stderr
    assert _last_line(done) == f"Build failed: {out} was left as it was."


def test_the_archive_of_a_broken_site_is_refused_in_either_language(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    korean = _task("archive", "--content", str(broken), "--output", str(out))
    assert korean.returncode == 1
    assert _last_line(korean) == f"사이트를 만들지 못했습니다. 폴더 {out}의 내용은 그대로 두었습니다."
    english = _task("archive", "--lang", "en", "--content", str(broken), "--output", str(out))
    assert english.returncode == 1
    assert _last_line(english) == f"Build failed: {out} was left as it was."
    assert not out.exists() or not any(out.iterdir())


# --- rollback, smoke, options ----------------------------------------------------------------


def test_rollback_with_nothing_to_roll_back_to(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    previous = tmp_path / "site.previous"
    korean = _task("rollback", "--target", str(site))
    assert korean.returncode == 1
    assert _last_line(korean) == f"되돌릴 버전이 없습니다: 폴더 {previous}이(가) 없습니다"
    for args, env in ENGLISH:
        english = _task("rollback", *args, "--target", str(site), **env)
        assert english.returncode == 1
        assert _last_line(english) == f"nothing to roll back to: {previous} does not exist"
    assert (site / "index.html").is_file()


def test_a_failed_smoke_check_lists_its_problems_in_either_language() -> None:
    url = "http://127.0.0.1:9/ssc2020/"  # the discard port: nothing answers
    korean = _task("smoke", "--url", url, "--revision", "abc1234")
    assert korean.returncode == 1
    assert korean.stdout.splitlines()[0].startswith(f"{url}: 응답 없음(")
    assert korean.stdout.splitlines()[0].endswith("). 200 text/html 응답이어야 합니다")
    assert _last_line(korean) == f"공개 사이트 점검에서 문제가 3건 나왔습니다: {url}"
    english = _task("smoke", "--lang", "en", "--url", url, "--revision", "abc1234")
    assert english.returncode == 1
    assert english.stdout.splitlines()[0].startswith(f"{url}: answered nothing (")
    assert _last_line(english) == f"Smoke check failed: 3 problem(s) at {url}."


def test_a_misspelt_choice_is_refused_in_either_language() -> None:
    korean = _task("shots", "--kind", "sesion")
    assert korean.returncode == 2
    assert _last_line(korean).startswith("화면을 캡처하지 않았습니다: 알 수 없는 페이지 종류 'sesion': home, ")
    assert _last_line(korean).endswith(" 중 하나로 쓰세요")
    english = _task("shots", "--kind", "sesion", LANG="en_GB.UTF-8")
    assert _last_line(english).startswith("No screenshots: unknown page kind 'sesion' (one of: home, ")
    publish = _task("publish")
    assert publish.returncode == 2
    assert _last_line(publish).startswith("게시할 곳을 하나만 정하세요: --target 폴더")


# --- a setting of pelicanconf.py ------------------------------------------------------------


def _pelican(tmp_path: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    return run_pelican(ROOT / "content", tmp_path / "output", *extra, lang=None, **env)


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"LANG": "C.UTF-8"},
            "pelicanconf.py: 항목 'KOGL_TYPE': 값 7: 공공누리 유형은 1~4 중 하나 또는 None으로 쓰세요",
        ),
        (
            {"LANG": "en_GB.UTF-8"},
            "pelicanconf.py: field 'KOGL_TYPE': 7 is not a Korea Open Government License type (1 to 4) or None",
        ),
    ],
)
def test_a_wrong_identity_setting_is_one_line_in_the_editors_language(
    tmp_path: Path, env: dict[str, str], line: str
) -> None:
    done = _pelican(tmp_path, "-e", "KOGL_TYPE=7", **env)
    log = done.stdout + done.stderr
    assert done.returncode != 0 and line in log and "Traceback" not in log, log
    assert not (tmp_path / "output" / "index.html").exists()


def test_a_wrong_languages_table_is_named_in_korean(tmp_path: Path) -> None:
    done = _pelican(tmp_path, "-e", 'LANGUAGES=[{"code": "ko"}]')
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "pelicanconf.py: 항목 'LANGUAGES[0]': 칸 'name'을(를) 글자로 채우세요" in log, log


# --- refusals raised as exceptions, put into words when printed ------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [("ko", "{folder}: 편집할 content/ 폴더가 없습니다"), ("en", "{folder} has no content/ folder to edit")],
)
def test_the_editors_local_backend_refuses_in_the_editors_language(tmp_path: Path, lang: str, said: str) -> None:
    from ssc_editor.local import LocalBackend, LocalBackendError
    from ssc_forum import messages

    messages.use_language(lang)
    try:
        with pytest.raises(LocalBackendError) as caught:
            LocalBackend(tmp_path, port=1).start()
        assert str(caught.value) == said.format(folder=tmp_path)
    finally:
        messages.use_language(None)


def test_an_archive_of_a_folder_without_git_is_refused_in_korean(tmp_path: Path) -> None:
    from ssc_archive import provenance
    from ssc_forum import messages

    messages.use_language("ko")
    try:
        with pytest.raises(provenance.ProvenanceError) as caught:
            provenance.read_provenance(tmp_path, environ={})
        assert str(caught.value) == (
            f"{tmp_path}: git 저장소가 아닙니다. 보존 파일의 날짜를 정하려면 SOURCE_DATE_EPOCH를 설정하세요"
        )
    finally:
        messages.use_language(None)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ko", "만든 사이트: 페이지 ko 2개, en 1개 / 언어별 세션 1개, 연사 0명, 도시 사례 0개, 소식 0개."),
        ("en", "Built: 2 pages in ko, 1 in en; 1 sessions, 0 speakers, 0 city cases, 0 news items (each language)."),
    ],
)
def test_the_line_a_build_ends_with_is_in_the_editors_language(tmp_path: Path, lang: str, line: str) -> None:
    from ssc_forum import messages
    from ssc_publish.summary import summary_line

    for page in ("index.html", "sessions/keynote/index.html", "en/index.html"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<!DOCTYPE html>", encoding="utf-8")
    messages.use_language(lang)
    try:
        assert summary_line(tmp_path, ("ko", "en")) == line
    finally:
        messages.use_language(None)
