"""The editors' field reference and example files, written from the content-type declarations.

`python -m ssc_forum.guide DOCS_DIR` (or `invoke docs`) rewrites `content-types.<lang>.md` and
`examples/<type>.<lang>.md`; a test fails when the committed files differ from what the
declarations say, so the guide cannot fall behind the schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import schema

TEXT = {
    "en": {
        "title": "Content types: the field reference",
        "intro": "Generated from the content-type declarations (`plugins/ssc_forum/schema.py`); do not edit by "
                 "hand. Every item is one Markdown file per language, `content/<folder>/<slug>.<lang>.md`, in "
                 "both Korean (`ko`) and English (`en`), with the same `Slug`. The file starts with `Field: value` "
                 "lines, then an empty line, then the text in Markdown.",
        "folder": "Folder", "page": "Address", "fields": "Fields", "body": "Text (after the fields)",
        "example": "Example", "name": "Field", "kind": "Value", "required": "Required", "help": "What it is",
        "yes": "yes", "no": "no", "choices": "one of",
        "programme": "The programme file: `content/programme.toml`",
        "programme_intro": "Days and rooms of the forum, in TOML. One `[[days]]` table per day and one `[[rooms]]` "
                           "table per room.",
        "days": "Each `[[days]]`", "rooms": "Each `[[rooms]]`",
        "errors": "When the build stops: what the messages mean",
        "errors_intro": "The build checks every file and lists every problem at once, one line each: the file, the "
                        "field, what is wrong. Nothing is published until all are fixed. `invoke check` runs the same "
                        "checks in a second.",
        "message": "The message says", "fix": "What to do",
    },
    "ko": {
        "title": "콘텐츠 종류: 항목 설명",
        "intro": "콘텐츠 종류 선언(`plugins/ssc_forum/schema.py`)에서 자동으로 만든 문서이니 직접 고치지 마세요. 항목 하나는 "
                 "언어마다 마크다운 파일 하나이며, `content/<폴더>/<슬러그>.<언어>.md` 형식으로 한국어(`ko`)와 영어(`en`) "
                 "파일을 같은 `Slug`로 모두 만듭니다. 파일은 `항목: 값` 줄로 시작하고, 빈 줄 다음에 마크다운 본문이 옵니다.",
        "folder": "폴더", "page": "주소", "fields": "항목", "body": "본문 (항목 다음)",
        "example": "예시", "name": "항목", "kind": "값", "required": "필수", "help": "설명",
        "yes": "예", "no": "아니요", "choices": "다음 중 하나",
        "programme": "프로그램 파일: `content/programme.toml`",
        "programme_intro": "포럼의 날짜와 방을 TOML 형식으로 적습니다. 날마다 `[[days]]` 표 하나, 방마다 `[[rooms]]` 표 하나를 씁니다.",
        "days": "각 `[[days]]`", "rooms": "각 `[[rooms]]`",
        "errors": "빌드가 멈췄을 때: 메시지의 뜻",
        "errors_intro": "빌드는 모든 파일을 검사하고 문제를 한 줄에 하나씩, 한꺼번에 보여 줍니다: 파일, 항목, 무엇이 잘못되었는지. "
                        "모두 고칠 때까지 아무것도 게시되지 않습니다. `invoke check` 는 같은 검사를 1초 안에 합니다.",
        "message": "메시지", "fix": "고치는 방법",
    },
}

# The validation messages editors meet, with what to do; the wording matches content.py.
ERRORS = [
    ("is required but missing", "Add the field; see the table of its content type.",
     "그 항목을 추가하세요. 콘텐츠 종류별 표를 보세요."),
    ("is not a field of this content type", "Remove it, or fix its spelling (the message lists the allowed fields).",
     "지우거나 철자를 고치세요 (메시지에 쓸 수 있는 항목이 나옵니다)."),
    ("is given more than once", "Keep one line for the field.", "그 항목은 한 줄만 남기세요."),
    ("is not a slug", "Use lower-case ASCII letters, digits and single hyphens, e.g. `session-1`.",
     "영문 소문자, 숫자, 하이픈만 쓰세요 (예: `session-1`)."),
    ("refers to … which does not exist", "Fix the slug, or add the missing file (in the same language).",
     "슬러그를 고치거나, 빠진 파일을 같은 언어로 추가하세요."),
    ("is already used by …", "Two files share a slug in one language: rename one (slugs never change once published).",
     "한 언어에서 두 파일이 같은 슬러그를 씁니다. 하나를 바꾸세요 (공개된 슬러그는 바꾸지 않습니다)."),
    ("has no translation twin", "Add the file in the other language with the same `Slug`.",
     "다른 언어로 같은 `Slug`의 파일을 추가하세요."),
    ("is not a date written YYYY-MM-DD / is not a real date", "Write dates like `2020-09-23`.",
     "날짜는 `2020-09-23` 처럼 쓰세요."),
    ("is not a day of the programme", "Use a date listed in `content/programme.toml`, or add the day there.",
     "`content/programme.toml` 에 있는 날짜를 쓰거나 그 날을 추가하세요."),
    ("is not a time written HH:MM", "Write times in Seoul time, 24-hour, like `16:00`.",
     "시간은 서울 시각, 24시간제로 `16:00` 처럼 쓰세요."),
    ("start and end go together", "Give both `Start` and `End`, or neither (when they were not published).",
     "`Start`와 `End`를 함께 쓰거나, 공개되지 않았다면 둘 다 쓰지 마세요."),
    ("is outside its day", "The session must fit inside its day's hours in `content/programme.toml`.",
     "세션 시간이 `content/programme.toml` 의 그날 시간 안에 들어가야 합니다."),
    ("overlaps … in room …", "Two sessions in the same room at the same time: fix a time or a room.",
     "같은 방, 같은 시간에 세션이 둘입니다. 시간이나 방을 고치세요."),
    ("is already used on … by …", "Two sessions of a day have the same `Order`: renumber them.",
     "같은 날 두 세션의 `Order` 가 같습니다. 순서를 다시 매기세요."),
    ("unknown provider / is not a YouTube video id / is not an https:// address",
     "Write streams as `youtube:` and the 11-character id, or `link:https://…`.",
     "생중계는 `youtube:` 다음에 11자 영상 아이디, 또는 `link:https://…` 로 쓰세요."),
    ("unknown shortcode / no such day in the programme",
     "Shortcodes are `[[timetable]]`, `[[timetable day=YYYY-MM-DD]]` and `[[stream youtube:ID]]`.",
     "단축 코드는 `[[timetable]]`, `[[timetable day=YYYY-MM-DD]]`, `[[stream youtube:ID]]` 입니다."),
    ("is not a content folder / is not a Markdown file ending in .md / is not in a content folder",
     "Move the file into the right folder (sessions, speakers, cases, pages, news) and name it `<slug>.<lang>.md`.",
     "파일을 알맞은 폴더(sessions, speakers, cases, pages, news)로 옮기고 `<슬러그>.<언어>.md` 로 이름을 붙이세요."),
    ("cannot be read", "Save the file as UTF-8 text; the first lines must be `Field: value`.",
     "파일을 UTF-8 텍스트로 저장하세요. 첫 줄들은 `항목: 값` 형식이어야 합니다."),
]


def _field_rows(fields: tuple[schema.Field, ...], lang: str) -> list[str]:
    t = TEXT[lang]
    rows = [f"| {t['name']} | {t['kind']} | {t['required']} | {t['help']} |", "|---|---|---|---|"]
    for f in fields:
        kind = f.kind.help_ko if lang == "ko" else f.kind.help_en
        if f.choices:
            kind = f"{t['choices']}: " + ", ".join(f"`{c}`" for c in f.choices)
        text = f.help_ko if lang == "ko" else f.help_en
        rows.append(f"| `{f.name.capitalize()}` | {kind} | {t['yes'] if f.required else t['no']} | {text} |")
    return rows


def example(ctype: schema.ContentType, lang: str) -> str:
    """A minimal valid file of that type: every required field with its kind's example value."""
    lines = []
    for f in ctype.fields:
        if not f.required:
            continue
        if f.name == "lang":
            value = lang
        elif f.name == "slug":
            value = f"example-{ctype.name}"
        elif f.choices:
            value = f.choices[0]
        elif f.refers_to:
            value = {"session": "keynote", "speaker": "sokwoo-rhee", "case": "helsinki"}.get(f.refers_to, "example")
        elif f.kind is schema.TEXT:
            value = {"ko": f"{ctype.label_ko} 예시", "en": f"Example {ctype.label_en.lower()}"}[lang]
        else:
            value = f.kind.example
        lines.append(f"{f.name.capitalize()}: {value}")
    body = ctype.body_help_ko if lang == "ko" else ctype.body_help_en
    return "\n".join(lines) + "\n\n" + body + "\n"


def render(lang: str) -> str:
    """The field reference in one language, as Markdown."""
    t = TEXT[lang]
    out = [f"# {t['title']}", "", t["intro"], ""]
    for ct in schema.CONTENT_TYPES:
        label = ct.label_ko if lang == "ko" else ct.label_en
        out += [f"## {label} (`{ct.name}`)", "",
                f"- {t['folder']}: `content/{ct.folder}/`",
                f"- {t['page']}: `/{ct.url.format(slug='<slug>')}`" + (" · `/en/…`" if lang == "en" else ""),
                f"- {t['body']}: {ct.body_help_ko if lang == 'ko' else ct.body_help_en}",
                "", f"### {t['fields']}", "", *_field_rows(ct.fields, lang), "",
                f"### {t['example']}", "", "```markdown", example(ct, lang).rstrip("\n"), "```", ""]
    out += [f"## {t['programme']}", "", t["programme_intro"], "",
            f"### {t['days']}", "", *_field_rows(schema.DAY_FIELDS, lang), "",
            f"### {t['rooms']}", "", *_field_rows(schema.ROOM_FIELDS, lang), "",
            f"## {t['errors']}", "", t["errors_intro"], "",
            f"| {t['message']} | {t['fix']} |", "|---|---|"]
    out += [f"| {msg} | {ko if lang == 'ko' else en} |" for msg, en, ko in ERRORS]
    return "\n".join(out) + "\n"


def outputs() -> dict[str, str]:
    """Every generated file, relative to the docs folder, with its text."""
    files = {f"content-types.{lang}.md": render(lang) for lang in schema.LANGS}
    for ct in schema.CONTENT_TYPES:
        for lang in schema.LANGS:
            files[f"examples/{ct.folder}/example-{ct.name}.{lang}.md"] = example(ct, lang)
    return files


def write(docs: Path) -> list[Path]:
    """Write the generated files under `docs`; return their paths."""
    written = []
    for rel, text in outputs().items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(written_path)
