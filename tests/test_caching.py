"""Every reuse within and between builds can be turned off (FORUM["cache"] = False), and changes nothing.

Page parts are kept by keys written in the templates (`fragment`), the content's reading is shared by
the two languages, readings are kept by the edit loop and prepared by the two-core build: a key that
misses an input would show one page's HTML on another. These tests build the same content with and
without every cache and compare the two trees byte for byte.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import ROOT, build

SKIPPED_PLUGINS = ("ssc_search",)  # Pagefind's index is not the forum's output and takes most of the time


def _plugins() -> list[str]:
    from pelican.settings import read_settings

    return [p for p in read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"] if p not in SKIPPED_PLUGINS]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _compare(content: Path, tmp_path: Path) -> int:
    cached = build(tmp_path / "cached", PATH=str(content), PLUGINS=_plugins())
    plain = build(tmp_path / "plain", PATH=str(content), PLUGINS=_plugins(), FORUM={"cache": False})
    a, b = _tree(cached), _tree(plain)
    assert sorted(set(a) ^ set(b)) == [], "the two builds wrote different files"
    assert [name for name in a if a[name] != b[name]] == [], "cached and uncached pages differ"
    return len(a)


def _scale_module():
    """bench/synthetic.py, the benchmarks' programme (scale.py's), loaded by path."""
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_synthetic"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_real_site_is_the_same_with_and_without_caching(tmp_path: Path) -> None:
    assert _compare(ROOT / "content", tmp_path) > 100


def test_a_scale_programme_is_the_same_with_and_without_caching(tmp_path: Path) -> None:
    scale = _scale_module()
    size = scale.Size(days=2, rooms=3, slots=6, speakers=40, cases=4, pages=3)
    content = tmp_path / "content"
    scale.write_content(scale.make_programme(size), content)
    assert _compare(content, tmp_path) > 36 * 2


def test_caching_off_really_renders_every_part_again() -> None:
    """The setting reaches the page parts: with it off, a part is rendered on every call."""
    from ssc_forum.fragments import Fragments

    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return "<p>day</p>"

    for keep, expected in ((True, 1), (False, 3)):
        parts = Fragments("en", keep=keep)
        calls.clear()
        for _ in range(3):
            assert parts("day", 1, caller=render) == "<p>day</p>"
        assert len(calls) == expected


@pytest.fixture(autouse=True)
def _revision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSC_REVISION", "0" * 40)


def test_the_languages_share_one_reading_of_the_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sub-sites reuse the main site's reading: each file is read and checked once a build, not once a language."""
    from ssc_forum import content

    readings: list[str] = []
    real = content._read_content

    def counted(settings: dict) -> object:
        readings.append(str(settings.get("DEFAULT_LANG")))
        return real(settings)

    monkeypatch.setattr(content, "_read_content", counted)
    content.forget()
    build(tmp_path / "out", PLUGINS=_plugins())
    assert readings == ["ko"], readings
