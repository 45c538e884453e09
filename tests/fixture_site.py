"""A small, complete forum for tests: what the real archive lacks (exact times, parallel rooms, videos).

`write_fixture_site(root)` writes `root/content` and returns it. The programme:

- two days (2020-09-22 16:00-18:00, 2020-09-23 16:00-19:00) and two rooms, `main` and `side`
  (`side` has a room stream, `youtube:CCCCCCCCCCC`);
- eight sessions, both languages; day 1 has `opening` (own stream `youtube:AAAAAAAAAAA`),
  `city-cases` and `smart-seoul-lab` (parallel, in `side`) and `talk-concert` (recording
  `youtube:BBBBBBBBBBB@1h02m03s`); day 2 has `keynote` (a title with `<`, `&` and quotes),
  `data-panel` and `participation-lab` (parallel, in `side`) and `closing`, the only session
  without its own times;
- six speakers (one host), two city cases, one page (`about`, in the menu), one news item.

The facts tests assert on are in `SESSIONS`, `SPEAKERS`, `CASES` and `DAYS`, so a test never
repeats them by hand.

`write_fixture_site(root, langs=("ko", "en", "ja"))` writes a Japanese twin of every file as well
(the texts of `JA`; names and what `JA` lacks stay as in English) and names the days and rooms in Japanese.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

DAYS = [
    {"date": "2020-09-22", "start": "16:00", "end": "18:00", "name_ko": "리더스 세미나", "name_en": "Leaders Seminar"},
    {
        "date": "2020-09-23",
        "start": "16:00",
        "end": "19:00",
        "name_ko": "리더스 컨퍼런스",
        "name_en": "Leaders Conference",
    },
]

ROOMS = [
    {"slug": "main", "name_ko": "본 무대", "name_en": "Main stage"},
    {"slug": "side", "name_ko": "소회의실", "name_en": "Side room", "streams": "youtube:CCCCCCCCCCC"},
]

TRICKY_TITLE_EN = 'Cities <for> all & "everyone"'
TRICKY_TITLE_KO = '모두를 <위한> 도시 & "모든 사람"'

# Each session: slug, day, order, kind, room, start, end (None: not published), and per-language text.
SESSIONS = [
    {
        "slug": "opening",
        "day": "2020-09-22",
        "order": 1,
        "kind": "session",
        "room": "main",
        "start": "16:00",
        "end": "16:20",
        "part": ("개회", "Opening"),
        "hosts": "kim-haneul",
        "streams": "youtube:AAAAAAAAAAA",
        "title": ("개회식", "Opening ceremony"),
        "summary": ("포럼의 문을 여는 인사.", "Welcome words that opened the forum."),
    },
    {
        "slug": "city-cases",
        "day": "2020-09-22",
        "order": 2,
        "kind": "case-presentations",
        "room": "main",
        "start": "16:20",
        "end": "17:10",
        "part": ("1부", "Part 1"),
        "hosts": "kim-haneul",
        "speakers": "anna-virtanen, pieter-de-vries",
        "cases": "helsinki, the-hague",
        "title": ("도시 사례 발표", "City case presentations"),
        "summary": (
            "두 도시가 포용적 스마트시티 사례를 발표했습니다.",
            "Two cities presented their inclusive smart-city cases.",
        ),
    },
    {
        "slug": "smart-seoul-lab",
        "day": "2020-09-22",
        "order": 3,
        "kind": "session",
        "room": "side",
        "start": "16:30",
        "end": "17:00",
        "speakers": "lee-doyun",
        "title": ("스마트 서울 실험실", "Smart Seoul lab"),
        "summary": ("같은 시간 소회의실에서 열린 실험실.", "A lab held at the same time in the side room."),
    },
    {
        "slug": "talk-concert",
        "day": "2020-09-22",
        "order": 4,
        "kind": "talk-concert",
        "room": "main",
        "start": "17:10",
        "end": "18:00",
        "part": ("2부", "Part 2"),
        "hosts": "kim-haneul",
        "speakers": "maria-santos, lee-doyun",
        "recording": "youtube:BBBBBBBBBBB@1h02m03s",
        "title": ("스마트 시민 토크 콘서트", "Smart citizen talk concert"),
        "summary": ("시민과 전문가가 함께한 토크 콘서트.", "A talk concert with citizens and experts."),
    },
    {
        "slug": "keynote",
        "day": "2020-09-23",
        "order": 1,
        "kind": "keynote",
        "room": "main",
        "start": "16:00",
        "end": "16:40",
        "part": ("기조연설", "Keynote"),
        "speakers": "chen-wei",
        "title": (TRICKY_TITLE_KO, TRICKY_TITLE_EN),
        "summary": ("포용적 스마트시티의 개념과 전망.", "The concept and prospects of the inclusive smart city."),
    },
    {
        "slug": "data-panel",
        "day": "2020-09-23",
        "order": 2,
        "kind": "session",
        "room": "main",
        "start": "16:50",
        "end": "17:50",
        "part": ("세션 1", "Session 1"),
        "hosts": "kim-haneul",
        "speakers": "anna-virtanen, chen-wei",
        "title": ("빅데이터와 도시", "Big data and the city"),
        "summary": ("데이터로 도시 문제를 푸는 방법.", "How data helps solve city problems."),
    },
    {
        "slug": "participation-lab",
        "day": "2020-09-23",
        "order": 3,
        "kind": "session",
        "room": "side",
        "start": "16:50",
        "end": "17:50",
        "part": ("세션 2", "Session 2"),
        "speakers": "maria-santos",
        "title": ("시민 참여 실험실", "Citizen participation lab"),
        "summary": ("시민 참여를 넓히는 도구.", "Tools that widen citizen participation."),
    },
    {
        "slug": "closing",
        "day": "2020-09-23",
        "order": 4,
        "kind": "session",
        "room": "main",
        "start": None,
        "end": None,
        "hosts": "kim-haneul",
        "title": ("폐회", "Closing"),
        "summary": ("포럼을 마무리하는 인사.", "Closing words of the forum."),
    },
]

SPEAKERS = [
    {
        "slug": "kim-haneul",
        "name": ("김하늘", "Kim Ha-neul"),
        "sort": ("김하늘", "Kim Ha-neul"),
        "affiliation": ("서울디지털재단", "Seoul Digital Foundation"),
        "position": ("사회자", "Moderator"),
    },
    {
        "slug": "anna-virtanen",
        "name": ("안나 비르타넨", "Anna Virtanen"),
        "sort": ("비르타넨 안나", "Virtanen, Anna"),
        "affiliation": ("헬싱키시", "City of Helsinki"),
        "position": ("디지털 책임자", "Chief Digital Officer"),
    },
    {
        "slug": "pieter-de-vries",
        "name": ("피터 더프리스", "Pieter de Vries"),
        "sort": ("더프리스 피터", "Vries, Pieter de"),
        "affiliation": ("헤이그시", "City of The Hague"),
        "position": None,
    },
    {
        "slug": "maria-santos",
        "name": ("마리아 산토스", "Maria Santos"),
        "sort": ("산토스 마리아", "Santos, Maria"),
        "affiliation": ("데이터 & 사회 연구소", "Data & Society Lab"),
        "position": ("연구원", "Researcher"),
    },
    {
        "slug": "lee-doyun",
        "name": ("이도윤", "Lee Do-yun"),
        "sort": ("이도윤", "Lee Do-yun"),
        "affiliation": ("시민", "Citizen"),
        "position": None,
    },
    {
        "slug": "chen-wei",
        "name": ("천웨이", "Chen Wei"),
        "sort": ("천웨이", "Chen, Wei"),
        "affiliation": ("스마트시티 연구원", "Smart City Institute"),
        "position": ("원장", "Director"),
        "talk": ("포용적 스마트시티", "The inclusive smart city"),
    },
]

CASES = [
    {
        "slug": "helsinki",
        "session": "city-cases",
        "title": ("헬싱키의 포용적 디지털 서비스", "Inclusive digital services in Helsinki"),
        "city": ("헬싱키", "Helsinki"),
        "country": ("핀란드", "Finland"),
    },
    {
        "slug": "the-hague",
        "session": "city-cases",
        "title": ("헤이그의 데이터 협력", "Data partnerships in The Hague"),
        "city": ("헤이그", "The Hague"),
        "country": ("네덜란드", "Netherlands"),
    },
]

LANGS = ("ko", "en")
"""The fixture's own languages: each text is a (ko, en) pair. A third language reads `JA`."""

# Japanese for the Japanese twins, by the English text; a text not here (a person's name) stays as in English.
JA = {
    "Leaders Seminar": "リーダーズ・セミナー",
    "Leaders Conference": "リーダーズ・カンファレンス",
    "Main stage": "メインステージ",
    "Side room": "サブルーム",
    "Opening": "開会",
    "Opening ceremony": "開会式",
    "Welcome words that opened the forum.": "フォーラムの開会のあいさつ。",
    "Part 1": "第1部",
    "Part 2": "第2部",
    "City case presentations": "都市事例発表",
    "Two cities presented their inclusive smart-city cases.": "二つの都市が包摂的スマートシティの事例を発表しました。",
    "Smart Seoul lab": "スマートソウル・ラボ",
    "A lab held at the same time in the side room.": "同じ時間にサブルームで開かれたラボ。",
    "Smart citizen talk concert": "スマート市民トークコンサート",
    "A talk concert with citizens and experts.": "市民と専門家によるトークコンサート。",
    "Keynote": "基調講演",
    TRICKY_TITLE_EN: '誰もが<暮らせる>都市 & "すべての人"',
    "The concept and prospects of the inclusive smart city.": "包摂的スマートシティの概念と展望。",
    "Session 1": "セッション1",
    "Session 2": "セッション2",
    "Big data and the city": "ビッグデータと都市",
    "How data helps solve city problems.": "データで都市の課題を解く方法。",
    "Citizen participation lab": "市民参加ラボ",
    "Tools that widen citizen participation.": "市民参加を広げる道具。",
    "Closing": "閉会",
    "Closing words of the forum.": "フォーラムの閉会のあいさつ。",
    "Moderator": "司会",
    "Researcher": "研究員",
    "Director": "所長",
    "Citizen": "市民",
    "The inclusive smart city": "包摂的スマートシティ",
    "Inclusive digital services in Helsinki": "ヘルシンキの包摂的デジタルサービス",
    "Data partnerships in The Hague": "ハーグのデータ連携",
    "Helsinki": "ヘルシンキ",
    "The Hague": "ハーグ",
    "Finland": "フィンランド",
    "Netherlands": "オランダ",
    "About the forum": "フォーラムについて",
    "About the test forum.": "テスト用フォーラムの紹介。",
    "Forum held": "フォーラム開催",
    "The forum took place.": "フォーラムが開かれました。",
}


def _pick(value: object, lang: str) -> object:
    """A (ko, en) pair gives the value of one language (another language: `JA`'s, else the English)."""
    if isinstance(value, tuple):
        if lang in LANGS:
            return value[LANGS.index(lang)]
        return JA.get(value[1], value[1])
    return value


def _write_md(folder: Path, slug: str, lang: str, fields: dict[str, object], body: str) -> None:
    lines = []
    for name, value in fields.items():
        value = _pick(value, lang)
        if value is not None:
            lines.append(f"{name.capitalize()}: {value}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.{lang}.md").write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")


def _toml_value(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _programme_toml(langs: tuple[str, ...]) -> str:
    out = ["# Fixture programme: times are in Seoul.", ""]
    for table, rows in (("days", DAYS), ("rooms", ROOMS)):
        for row in rows:
            out.append(f"[[{table}]]")
            named = dict(row)
            for lang in langs:  # a name in each language of the site, after the fixture's own
                named.setdefault(f"name_{lang}", JA.get(row["name_en"], row["name_en"]))
            out.extend(f"{key} = {_toml_value(value)}" for key, value in named.items())
            out.append("")
    return "\n".join(out)


_BODY = {
    "ko": "## 내용\n\n{title} 세션의 내용입니다. 연사들이 *포용적* 스마트시티를 이야기했습니다.",
    "en": "## About\n\nWhat the {title} session was about. The speakers discussed the *inclusive* smart city.",
    "ja": "## 概要\n\n{title}セッションの内容です。登壇者が*包摂的*スマートシティについて語りました。",
}


def write_fixture_site(root: Path, langs: tuple[str, ...] = LANGS) -> Path:
    """Write the fixture forum's content folder under `root` in `langs` and return it (`root/content`)."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "programme.toml").write_text(_programme_toml(langs), encoding="utf-8")
    for lang in langs:
        for s in SESSIONS:
            fields = {
                "title": s["title"],
                "slug": s["slug"],
                "lang": lang,
                "summary": s["summary"],
                "day": s["day"],
                "order": s["order"],
                "kind": s["kind"],
                "part": s.get("part"),
                "start": s["start"],
                "end": s["end"],
                "room": s["room"],
                "speakers": s.get("speakers"),
                "hosts": s.get("hosts"),
                "cases": s.get("cases"),
                "streams": s.get("streams"),
                "recording": s.get("recording"),
            }
            # Titles go into the body through a Markdown code span, so that `<` and `&` stay text.
            title = _pick(s["title"], lang)
            _write_md(content / "sessions", s["slug"], lang, fields, _BODY[lang].format(title=f"`{title}`"))
        for p in SPEAKERS:
            fields = {
                "title": p["name"],
                "slug": p["slug"],
                "lang": lang,
                "affiliation": p["affiliation"],
                "position": p.get("position"),
                "talk": p.get("talk"),
                "sort": p["sort"],
            }
            bio = {"ko": "{name}의 짧은 소개.", "en": "A short biography of {name}.", "ja": "{name}の略歴。"}[lang]
            _write_md(content / "speakers", p["slug"], lang, fields, bio.format(name=_pick(p["name"], lang)))
        for c in CASES:
            fields = {
                "title": c["title"],
                "slug": c["slug"],
                "lang": lang,
                "city": c["city"],
                "country": c["country"],
                "session": c["session"],
            }
            text = {"ko": "{city}의 사례.", "en": "The case of {city}.", "ja": "{city}の事例。"}[lang]
            _write_md(content / "cases", c["slug"], lang, fields, text.format(city=_pick(c["city"], lang)))
        _write_md(
            content / "pages",
            "about",
            lang,
            {
                "title": ("포럼 소개", "About the forum"),
                "slug": "about",
                "lang": lang,
                "summary": ("시험용 포럼 소개.", "About the test forum."),
                "order": 1,
            },
            {
                "ko": "이틀 동안 두 방에서 열린 포럼입니다.",
                "en": "A forum held over two days in two rooms.",
                "ja": "二日間、二つの部屋で開かれたフォーラムです。",
            }[lang],
        )
        _write_md(
            content / "news",
            "fixture-news",
            lang,
            {
                "title": ("포럼 개최", "Forum held"),
                "slug": "fixture-news",
                "lang": lang,
                "date": "2020-09-22",
                "category": "news",
                "summary": ("포럼이 열렸습니다.", "The forum took place."),
            },
            {
                "ko": "포럼이 온라인으로 열렸습니다.",
                "en": "The forum took place online.",
                "ja": "フォーラムはオンラインで開かれました。",
            }[lang],
        )
    return content


# --- a third language --------------------------------------------------------------------------------------

JA_LANGUAGE = {"code": "ja", "name": "日本語", "locale": "ja_JP", "prefix": "ja", "dir": "ltr"}
JA_CATALOGUE = ROOT / "tests" / "fixtures" / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
JA_SUBSITE = {
    "SITENAME": "ソウル・スマートシティ・リーダーズ・フォーラム2020",
    "SITESUBTITLE": "包摂的スマートシティ",
    "AUTHOR": "ソウル特別市 · ソウルデジタル財団",
    "ORGANISERS": [{"name": "ソウル特別市", "logo": None}, {"name": "ソウルデジタル財団", "logo": None}],
}
THREE = ("ko", "en", "ja")


def three_languages(base: Path) -> dict[str, Any]:
    """The settings that add Japanese to the site: a row, a sub-site, the theme's catalogues with ja's (under `base`).

    With `write_fixture_site(root, THREE)`, what a third language takes: settings, a catalogue and content.
    """
    from pelican.settings import read_settings

    localedir = base / "translations"
    shutil.copytree(ROOT / "theme" / "translations", localedir, ignore=shutil.ignore_patterns("*.mo"))
    (localedir / "ja" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(JA_CATALOGUE, localedir / "ja" / "LC_MESSAGES" / "messages.po")
    real = read_settings(str(ROOT / "pelicanconf.py"))
    return {
        "LANGUAGES": [*real["LANGUAGES"], JA_LANGUAGE],
        # A copy: i18n-subsites writes each sub-site's OUTPUT_PATH into its overrides and keeps it, so a
        # second build in the same process would write Japanese into the first build's folder.
        "I18N_SUBSITES": {**real["I18N_SUBSITES"], "ja": copy.deepcopy(JA_SUBSITE)},
        "I18N_GETTEXT_LOCALEDIR": str(localedir),
    }
