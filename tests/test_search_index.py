"""The search index's Korean analysis (Kiwi) and what the build writes for search, without a browser."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from ssc_search.indexing import BUNDLE_DIR, ENTRY_TAG, PagePreparer, build_index
from ssc_search.korean import AFTER, BEFORE, Analyser

PRIVATE = re.compile(f"[{AFTER}{BEFORE}]")


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser()


def _forms(annotated: str) -> list[str]:
    return [w[1:] for w in annotated.split() if w[0] in (AFTER, BEFORE)]


def _visible(annotated: str) -> str:
    return " ".join(w for w in annotated.split() if w[0] not in (AFTER, BEFORE))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("빅데이터를 활용한", {"빅데이터", "데이터", "활용"}),  # compound part, particle dropped
        ("스마트시티의 기조연설", {"스마트시티", "시티", "기조", "연설"}),  # compounds Kiwi holds whole
        ("서울디지털재단은", {"서울", "디지털", "재단"}),
        ("시민 참여를", {"시민참여", "참여"}),  # two nouns written apart joined
        ("포럼이 열렸다", {"포럼", "열리다"}),  # dictionary form of a verb
    ],
)
def test_analysis_adds_parts_stems_and_joins(analyser: Analyser, text: str, expected: set[str]) -> None:
    annotated = analyser.annotate(text)
    assert expected <= set(_forms(annotated)), annotated
    assert _visible(annotated) == text  # the words as written are all still there, in order


def test_names_and_loanwords_stay_whole(analyser: Analyser) -> None:
    """A split less likely than the whole word by more than the margin is not made."""
    for word in ("로스앤젤레스", "헬싱키", "와이파이", "컨퍼런스"):
        assert analyser.compound_parts(word) == (), word


def test_word_running_on_into_markup_gets_its_forms_before_it(analyser: Analyser) -> None:
    """<a>빅데이터</a>를: the forms cannot go after the word without splitting it from its particle."""
    annotated = analyser.annotate("포용적 빅데이터", tail_joins=True)
    assert annotated.endswith(f"{BEFORE}데이터 빅데이터"), annotated


def test_text_without_hangul_is_left_alone(analyser: Analyser) -> None:
    assert analyser.annotate("Big data, 2020") == "Big data, 2020"


def test_index_reads_analysis_but_pages_are_unchanged(site: Path) -> None:
    """The build's index knows compound parts (데이터 inside 빅데이터), the pages visitors get carry
    none of the index-only words, and indexing again leaves every page's bytes as they were."""
    pages = sorted(site.rglob("*.html"))
    assert not [p for p in pages if PRIVATE.search(p.read_text(encoding="utf-8"))]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in pages if BUNDLE_DIR not in p.parts}
    work = site.parent / "reindexed"
    shutil.copytree(site, work)
    preparer = PagePreparer(work)
    summary = build_index(work, preparer)
    assert re.search(r"Indexed \d+ pages", summary), summary
    assert {p: hashlib.sha256((work / p.relative_to(site)).read_bytes()).hexdigest() for p in before} == before
    assert {"데이터", "빅데이터", "참여", "시민참여", "연설"} <= preparer.terms["ko"]
    assert {"participation", "keynote"} <= preparer.terms["en"]


def test_terms_lists_and_entry(site: Path) -> None:
    """The build writes each language's word list for suggestions; Korean lists nouns, not eojeols."""
    ko = json.loads((site / BUNDLE_DIR / "terms.ko.json").read_text(encoding="utf-8"))
    en = json.loads((site / BUNDLE_DIR / "terms.en.json").read_text(encoding="utf-8"))
    assert ko == sorted(ko) and en == sorted(en)
    assert {"데이터", "헬싱키", "이정훈"} <= set(ko) and "빅데이터를" not in ko
    assert {"helsinki", "concert"} <= set(en)
    search_page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert f'data-index-tag="{ENTRY_TAG}"' in search_page
    assert "/pagefind/terms.ko.json" in search_page


def test_twin_title_is_indexed_with_the_page(site: Path) -> None:
    """A Korean page is indexed with its English twin's title (and the other way round)."""
    preparer = PagePreparer(site)
    rel = Path("speakers/jung-hoon-lee/index.html")
    html = preparer(rel, (site / rel).read_text(encoding="utf-8"))
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert f"{AFTER}Jung-Hoon" in h1 and f"{AFTER}Lee" in h1 and h1.startswith("이정훈")
    rel = Path("en/speakers/jung-hoon-lee/index.html")
    html = preparer(rel, (site / rel).read_text(encoding="utf-8"))
    assert f"{AFTER}이정훈" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_the_settings_tag_is_the_one_the_index_and_the_archive_use() -> None:
    from pelican.settings import read_settings

    root = Path(__file__).resolve().parent.parent
    assert read_settings(str(root / "pelicanconf.py"))["SEARCH_ENTRY_TAG"] == ENTRY_TAG
