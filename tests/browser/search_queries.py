"""The search query set: what a reader types, and the page that must come among the first five.

Shared by the Chromium test (tests/browser/test_search.py) and the benchmark (bench/search.py).
Each entry is (query, the expected page's path within its language site, what it checks).
"""

from __future__ import annotations

from playwright.sync_api import Frame, Page

S1 = "/sessions/session-1-big-data/"
S2 = "/sessions/session-2-citizen-participation/"
KEYNOTE = "/sessions/keynote/"
CASES_SESSION = "/sessions/seminar-part-1-city-cases/"
CONCERT = "/sessions/seminar-part-2-talk-concert/"

KO: list[tuple[str, str, str]] = [
    # a word inside a compound
    ("데이터", S1, "compound part"),
    ("연설", KEYNOTE, "compound part"),
    ("콘서트", CONCERT, "compound part"),
    ("쉼터", "/cases/seongdong-gu/", "compound part"),
    ("대학원", "/speakers/in-kwon-park/", "compound part"),
    ("테스트베드", "/cases/helsinki/", "whole word"),
    ("스튜디오", "/venue/", "whole word"),
    ("리빙랩", "/speakers/fernando-vilarino/", "whole word"),
    # with particles
    ("데이터를", S1, "particle"),
    ("빅데이터의", S1, "particle"),
    ("빅데이터를", S1, "particle"),
    ("시민참여를", S2, "particle"),
    ("헬싱키의", "/cases/helsinki/", "particle"),
    ("성동구에서", "/cases/seongdong-gu/", "particle"),
    ("토크콘서트에서", CONCERT, "particle"),
    ("기조연설을", KEYNOTE, "particle"),
    ("헤이그에서", "/cases/the-hague/", "particle"),
    ("연세대학교에", "/speakers/jung-hoon-lee/", "particle"),
    # spacing variants
    ("시민 참여", S2, "spacing"),
    ("시민참여", S2, "spacing"),
    ("빅 데이터", S1, "spacing"),
    ("토크 콘서트", CONCERT, "spacing"),
    ("기조 연설", KEYNOTE, "spacing"),
    ("스마트 시티즌", CONCERT, "spacing"),
    ("댓글 이벤트", "/comment-event/", "spacing"),
    ("댓글이벤트", "/comment-event/", "spacing"),
    # names, in Hangul and romanised
    ("이정훈", "/speakers/jung-hoon-lee/", "name"),
    ("이석우", "/speakers/sokwoo-rhee/", "name"),
    ("잉롱", "/speakers/ying-long/", "name"),
    ("박인권", "/speakers/in-kwon-park/", "name"),
    ("조원희", "/speakers/jo-won-hee/", "name"),
    ("정철규", "/speakers/jeong-cheol-gyu/", "name"),
    ("빌라리뇨", "/speakers/fernando-vilarino/", "name"),
    ("Sokwoo Rhee", "/speakers/sokwoo-rhee/", "romanised name"),
    ("Ying Long", "/speakers/ying-long/", "romanised name"),
    ("Jung-Hoon Lee", "/speakers/jung-hoon-lee/", "romanised name"),
    ("Park In-kwon", "/speakers/in-kwon-park/", "romanised name"),
    ("Iwan Rudiarto", "/speakers/iwan-rudiarto/", "romanised name"),
    ("Helsinki", "/cases/helsinki/", "romanised place"),
    ("Seongdong-gu", "/cases/seongdong-gu/", "romanised place"),
    # one-letter typos
    ("데이타", S1, "typo"),
    ("헬싱기", "/cases/helsinki/", "typo"),
    ("이정혼", "/speakers/jung-hoon-lee/", "typo"),
    ("토크콘서티", CONCERT, "typo"),
    ("헤이크", "/cases/the-hague/", "typo"),
]

EN: list[tuple[str, str, str]] = [
    # words and stems
    ("big data", S1, "words"),
    ("citizen participation", S2, "words"),
    ("participating citizens", S2, "stemming"),
    ("keynote", KEYNOTE, "word"),
    ("talk concert", CONCERT, "words"),
    ("concerts", CONCERT, "stemming"),
    ("test-beds", "/cases/helsinki/", "hyphenated"),
    ("testbeds", "/cases/helsinki/", "hyphen left out"),
    ("digital divide", "/cases/seoul/", "words"),
    ("healthy long life", "/cases/the-hague/", "words"),
    ("living lab", "/speakers/fernando-vilarino/", "words"),
    ("studio", "/venue/", "word"),
    ("comment event", "/comment-event/", "words"),
    ("past editions", "/history/", "words"),
    ("viewers", "/news/viewers-reported/", "word"),
    ("broadcast", "/broadcast/", "word"),
    ("organisers", "/organisers/", "word"),
    ("exemplary cases", CASES_SESSION, "words"),
    # names, romanised and in Hangul
    ("Sokwoo Rhee", "/speakers/sokwoo-rhee/", "name"),
    ("Rhee", "/speakers/sokwoo-rhee/", "family name"),
    ("Ying Long", "/speakers/ying-long/", "name"),
    ("Jung-Hoon Lee", "/speakers/jung-hoon-lee/", "name"),
    ("Park In-kwon", "/speakers/in-kwon-park/", "name"),
    ("Jo Won-hee", "/speakers/jo-won-hee/", "name"),
    ("Jeong Cheol-gyu", "/speakers/jeong-cheol-gyu/", "name"),
    ("Iwan Rudiarto", "/speakers/iwan-rudiarto/", "name"),
    ("Vilariño", "/speakers/fernando-vilarino/", "name with a diacritic"),
    ("Vilarino", "/speakers/fernando-vilarino/", "name without its diacritic"),
    ("이정훈", "/speakers/jung-hoon-lee/", "name in Hangul"),
    ("이석우", "/speakers/sokwoo-rhee/", "name in Hangul"),
    ("박인권", "/speakers/in-kwon-park/", "name in Hangul"),
    ("헬싱키", "/cases/helsinki/", "place in Hangul"),
    ("Seongdong-gu", "/cases/seongdong-gu/", "place"),
    ("Seongdong", "/cases/seongdong-gu/", "place without its suffix"),
    ("The Hague", "/cases/the-hague/", "place"),
    ("Los Angeles", "/cases/los-angeles/", "place"),
    ("SH Corporation", "/cases/sh-corporation/", "organisation"),
    # one-letter typos
    ("Helsinky", "/cases/helsinki/", "typo"),
    ("Rudiarta", "/speakers/iwan-rudiarto/", "typo"),
    ("keynot", KEYNOTE, "typo (prefix)"),
    ("Sokwo", "/speakers/sokwoo-rhee/", "typo (prefix)"),
    ("consert", CONCERT, "typo"),
    ("Seongdogn-gu", "/cases/seongdong-gu/", "typo"),
    ("vieweres", "/news/viewers-reported/", "typo"),
]

QUERIES: dict[str, list[tuple[str, str, str]]] = {"ko": KO, "en": EN}

TOP = 5


def top_results(page: Page | Frame, query: str) -> list[str]:
    """Search `query` on the open search page (or the frame that shows it), as a reader does
    (type, Enter), and return the paths of the first results, in order, once it has answered."""
    page.fill("input[name='q']", query)
    page.press("input[name='q']", "Enter")
    page.wait_for_function("q => document.getElementById('search-results').dataset.query === q", arg=query)
    return page.locator("#search-results li h2 a").evaluate_all(f"links => links.slice(0, {TOP}).map(a => a.pathname)")


def run_queries(page: Page, prefix: str, lang: str) -> list[tuple[str, str, list[str]]]:
    """Every query of `lang` on the open search page: (query, expected path, paths found).

    `prefix` is where the language site lives on the server ("", "/en", "/ssc2020/en", …).
    """
    return [(query, prefix + path, top_results(page, query)) for query, path, _why in QUERIES[lang]]
