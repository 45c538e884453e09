"""The synthetic programme of the benchmarks: days x rooms x slots of sessions, speakers, city cases and
pages in Korean and English, written as the content folder an editor would keep.

`scale.py` builds it at 1,600 sessions, `edit_loop.py` and `search.py` edit and index it, and
`tests/test_caching.py` builds a small one with and without caching.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FOLDERS = ("sessions", "speakers", "cases", "pages")
LANGS = ("ko", "en")


@dataclass(frozen=True)
class Size:
    """How big a synthetic programme is."""

    days: int
    rooms: int
    slots: int  # sessions per room and day
    speakers: int
    cases: int
    pages: int
    sessions: int | None = None  # fewer than days x rooms x slots: the last day is partly filled

    @property
    def n_sessions(self) -> int:
        """Number of sessions actually written."""
        full = self.days * self.rooms * self.slots
        return full if self.sessions is None else min(full, self.sessions)


@dataclass
class Item:
    """One content file: its folder, slug, language, metadata (lower-case names) and Markdown body."""

    folder: str
    slug: str
    lang: str
    fields: dict[str, str]
    body: str = ""


@dataclass
class Programme:
    """The synthetic programme: days and rooms (programme.toml) and every content file."""

    days: list[dict[str, str]]
    rooms: list[dict[str, str]]
    items: list[Item] = field(default_factory=list)


# Paired (Korean, English) vocabulary, so both language files say the same thing.
_FAMILY = [
    ("김", "Kim"),
    ("이", "Lee"),
    ("박", "Park"),
    ("최", "Choi"),
    ("정", "Jung"),
    ("강", "Kang"),
    ("조", "Cho"),
    ("윤", "Yoon"),
    ("장", "Jang"),
    ("임", "Lim"),
    ("한", "Han"),
    ("오", "Oh"),
]
_GIVEN_1 = [
    ("민", "Min"),
    ("서", "Seo"),
    ("지", "Ji"),
    ("하", "Ha"),
    ("도", "Do"),
    ("유", "Yu"),
    ("준", "Jun"),
    ("수", "Su"),
    ("예", "Ye"),
]
_GIVEN_2 = [
    ("준", "jun"),
    ("연", "yeon"),
    ("우", "woo"),
    ("윤", "yun"),
    ("아", "a"),
    ("호", "ho"),
    ("린", "rin"),
    ("진", "jin"),
    ("희", "hee"),
]
_ORGS = [
    ("서울디지털재단", "Seoul Digital Foundation"),
    ("헬싱키시", "City of Helsinki"),
    ("스마트시티 연구원", "Smart City Institute"),
    ("데이터 & 사회 연구소", "Data & Society Lab"),
    ("바르셀로나시", "Barcelona City Council"),
    ("유럽 리빙랩 네트워크", "European Network of Living Labs"),
    ("서울연구원", "The Seoul Institute"),
    ("국토연구원", "Korea Research Institute for Human Settlements"),
    ("암스테르담시", "City of Amsterdam"),
    ("시민", "Citizen"),
    ("자카르타시", "Jakarta Smart City"),
    ("세계은행", "World Bank"),
]
_POSITIONS = [
    ("원장", "Director"),
    ("연구원", "Researcher"),
    ("디지털 책임자", "Chief Digital Officer"),
    ("교수", "Professor"),
    ("시장", "Mayor"),
    ("팀장", "Team leader"),
]
_TOPICS = [
    ("데이터 거버넌스", "Data governance"),
    ("디지털 포용", "Digital inclusion"),
    ("시민 참여", "Citizen participation"),
    ("스마트 교통", "Smart mobility"),
    ("도시 안전", "Urban safety"),
    ("기후 위기 대응", "Climate action"),
    ("공공 와이파이", "Public Wi-Fi"),
    ("고령자 돌봄", "Care for older people"),
    ("리빙랩", "Living labs"),
    ("디지털 트윈", "Digital twins"),
    ("열린 데이터", "Open data"),
    ("스마트 행정", "Smart administration"),
]
_ANGLES = [
    ("현황과 과제", "where we stand"),
    ("도시 사례", "city cases"),
    ("정책 방향", "policy directions"),
    ("시민의 시각", "the citizens' view"),
    ("기술과 윤리", "technology and ethics"),
    ("다음 10년", "the next ten years"),
]
_SENTENCES = {
    "ko": [
        "발표자들은 {topic}이 모든 시민에게 닿아야 한다고 강조했습니다.",
        "세션은 서울과 해외 도시의 경험을 나란히 놓고 비교했습니다.",
        "디지털 격차는 기술의 문제이기 전에 도시 행정의 문제라는 의견이 나왔습니다.",
        "참석자들은 작은 실험을 빠르게 되풀이하는 방식의 장점을 이야기했습니다.",
        "데이터를 공개하는 것만으로는 부족하며 쓰는 사람을 함께 키워야 한다는 지적이 있었습니다.",
        "질의응답에서는 예산과 인력의 한계를 어떻게 넘을지에 대한 질문이 이어졌습니다.",
        "좌장은 논의를 정리하며 다음 포럼에서 이어 갈 주제를 제안했습니다.",
    ],
    "en": [
        "The speakers stressed that {topic} has to reach every citizen.",
        "The session set the experience of Seoul beside that of cities abroad.",
        "One view was that the digital divide is a question of city government before it is one of technology.",
        "Participants discussed the benefits of running small experiments and repeating them quickly.",
        "It was pointed out that publishing data is not enough: the people who use it must be trained too.",
        "In the questions, people asked how to get past limits of budget and staff.",
        "The moderator summed up and suggested topics to carry on at the next forum.",
    ],
}
_HEADINGS = {"ko": ("## 내용", "## 주요 논점"), "en": ("## About", "## Key points")}


def _pair(pairs: list[tuple[str, str]], i: int, lang: str) -> str:
    return pairs[i % len(pairs)][LANGS.index(lang)]


def _paragraph(lang: str, start: int, count: int, topic: str) -> str:
    sentences = _SENTENCES[lang]
    return " ".join(sentences[(start + j) % len(sentences)].format(topic=topic) for j in range(count))


def _session_body(k: int, lang: str, topic: str) -> str:
    about, points = _HEADINGS[lang]
    bullets = "\n".join(f"- {_paragraph(lang, k + j, 1, topic)}" for j in range(3))
    return (
        f"{about}\n\n{_paragraph(lang, k, 3, topic)}\n\n{_paragraph(lang, k + 3, 2, topic)}\n\n"
        f"{points}\n\n{bullets}\n\n{_paragraph(lang, k + 1, 2, topic)}"
    )


def day_layout(slots: int) -> tuple[int, int]:
    """Slot length and session length in minutes, so that every day fits between 08:00 and 23:50."""
    slot = min(30, (940 // slots) // 5 * 5)
    if slot < 5:
        raise SystemExit(f"--slots {slots}: at most 188 five-minute slots fit in a day")
    return slot, slot - 5 if slot > 5 else 5


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_programme(size: Size) -> Programme:
    """The synthetic programme of that size, both languages; deterministic.

    Rooms start their slots 0, 5 or 10 minutes apart, so the timetable has rows that
    sessions span (rowspan), as with real parallel tracks; the last session of each full
    day has no published time, so the untimed block row is exercised too.
    """
    slot_len, duration = day_layout(size.slots)
    day_start = 8 * 60
    day_end = day_start + size.slots * slot_len + 10
    first = date(2020, 9, 14)
    n = size.n_sessions
    days_used = max(1, math.ceil(n / (size.rooms * size.slots)))
    days = [
        {
            "date": (first + timedelta(days=d)).isoformat(),
            "start": _hm(day_start),
            "end": _hm(day_end),
            "name_ko": f"{d + 1}일차 프로그램",
            "name_en": f"Day {d + 1} programme",
        }
        for d in range(days_used)
    ]
    rooms = [
        {
            "slug": f"room-{r + 1}",
            "name_ko": f"제{r + 1}회의실",
            "name_en": f"Room {r + 1}",
            "streams": f"youtube:room{r + 1:07d}",
        }
        for r in range(size.rooms)
    ]
    prog = Programme(days, rooms)
    per_day = size.rooms * size.slots

    # Cases go to evenly spread sessions; those sessions become case presentations.
    cases_of: dict[int, list[int]] = defaultdict(list)
    for c in range(size.cases):
        cases_of[(c * n) // max(size.cases, 1)].append(c)

    for k in range(n):
        d, j = divmod(k, per_day)
        slot, room = divmod(j, size.rooms)
        start = day_start + slot * slot_len + (room % 3) * 5
        timed = j != per_day - 1
        topic = (k * 5) % len(_TOPICS)
        angle = k % len(_ANGLES)
        kind = (
            "case-presentations"
            if k in cases_of
            else "keynote"
            if j == 0
            else "talk-concert"
            if k % 17 == 5
            else "session"
        )
        people: dict[str, str] = {}
        if size.speakers:
            people["speakers"] = ", ".join(
                dict.fromkeys(f"speaker-{(2 * k + i) % size.speakers + 1:04d}" for i in range(2))
            )
            if k % 4 == 0:
                people["hosts"] = f"speaker-{(7 * k + 3) % size.speakers + 1:04d}"
        for lang in LANGS:
            topic_text = _pair(_TOPICS, topic, lang)
            fields = {
                "title": f"{topic_text}: {_pair(_ANGLES, angle, lang)}",
                "slug": f"session-{k + 1:04d}",
                "lang": lang,
                "summary": _paragraph(lang, k, 1, topic_text),
                "day": days[d]["date"],
                "order": str(j + 1),
                "kind": kind,
                "part": f"세션 {slot + 1}" if lang == "ko" else f"Session {slot + 1}",
                "room": f"room-{room + 1}",
                **people,
            }
            if timed:
                fields["start"], fields["end"] = _hm(start), _hm(start + duration)
            if k in cases_of:
                fields["cases"] = ", ".join(f"case-{c + 1:03d}" for c in cases_of[k])
            if k % 10 == 3:
                fields["recording"] = f"youtube:rec{k:08d}@{k % 50}m{k % 60}s"
            prog.items.append(Item("sessions", fields["slug"], lang, fields, _session_body(k, lang, topic_text)))

    for p in range(size.speakers):
        family, g1, g2 = p % len(_FAMILY), (p // len(_FAMILY)) % len(_GIVEN_1), (p // 7) % len(_GIVEN_2)
        for lang in LANGS:
            if lang == "ko":
                name = _FAMILY[family][0] + _GIVEN_1[g1][0] + _GIVEN_2[g2][0]
                sort = name
            else:
                given = _GIVEN_1[g1][1] + "-" + _GIVEN_2[g2][1]
                name, sort = f"{_FAMILY[family][1]} {given}", f"{_FAMILY[family][1]}, {given}"
            fields = {
                "title": name,
                "slug": f"speaker-{p + 1:04d}",
                "lang": lang,
                "affiliation": _pair(_ORGS, p, lang),
                "sort": sort,
                "summary": _paragraph(lang, p, 1, _pair(_TOPICS, p, lang)),
            }
            if p % 2 == 0:
                fields["position"] = _pair(_POSITIONS, p, lang)
            if p % 5 == 0:
                fields["talk"] = _pair(_TOPICS, p + 1, lang)
            body = f"{_paragraph(lang, p, 2, _pair(_TOPICS, p, lang))}\n\n{_paragraph(lang, p + 4, 2, name)}"
            prog.items.append(Item("speakers", fields["slug"], lang, fields, body))

    for k, listed in cases_of.items():
        for c in listed:
            for lang in LANGS:
                city = _pair(_ORGS, c, lang)
                fields = {
                    "title": f"{city}: {_pair(_TOPICS, c, lang)}",
                    "slug": f"case-{c + 1:03d}",
                    "lang": lang,
                    "city": city,
                    "country": "대한민국" if lang == "ko" else "Korea",
                    "session": f"session-{k + 1:04d}",
                }
                prog.items.append(
                    Item("cases", fields["slug"], lang, fields, _paragraph(lang, c, 4, _pair(_TOPICS, c, lang)))
                )

    for g in range(size.pages):
        for lang in LANGS:
            body = _paragraph(lang, g, 3, _pair(_TOPICS, g, lang))
            # Like the real about page: the whole timetable, and one day of it on another page.
            if g == 0:
                body += "\n\n[[timetable]]\n\n" + _paragraph(lang, g + 2, 2, "")
            elif g == 1:
                body += f"\n\n[[timetable day={days[0]['date']}]]"
            fields = {
                "title": f"페이지 {g + 1}" if lang == "ko" else f"Page {g + 1}",
                "slug": f"page-{g + 1}",
                "lang": lang,
                "summary": _paragraph(lang, g, 1, ""),
                "order": str(g + 1),
            }
            prog.items.append(Item("pages", fields["slug"], lang, fields, body))
    return prog


def _toml_value(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_content(prog: Programme, content: Path) -> int:
    """Write programme.toml and every Markdown file under `content`; return the number of Markdown files."""
    lines = ["# Synthetic programme for the scale benchmark; times are in Seoul.", ""]
    for table, rows in (("days", prog.days), ("rooms", prog.rooms)):
        for row in rows:
            lines.append(f"[[{table}]]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in row.items())
            lines.append("")
    content.mkdir(parents=True, exist_ok=True)
    (content / "programme.toml").write_text("\n".join(lines), encoding="utf-8")
    for folder in FOLDERS:
        (content / folder).mkdir(exist_ok=True)
    for item in prog.items:
        meta = "\n".join(f"{name.capitalize()}: {value}" for name, value in item.fields.items())
        (content / item.folder / f"{item.slug}.{item.lang}.md").write_text(f"{meta}\n\n{item.body}\n", encoding="utf-8")
    return len(prog.items)
