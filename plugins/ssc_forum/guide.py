"""The editors' field reference and example files, written from the content-type declarations.

`python -m ssc_forum.guide DOCS_DIR` (or `invoke docs`) rewrites `content-types.<lang>.md` and
`examples/<type>.<lang>.md`; a test fails when the committed files differ from what the
declarations say, so the guide cannot fall behind the schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import limits, markup, schema, statics

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
        "errors_intro": "The build checks every file and lists every problem at once, one line each: the file and "
                        "the line in it (`content/sessions/keynote.en.md:5:`), the field, what is wrong. Nothing is "
                        "published until all are fixed. `python3 make.py check` runs the same checks in a second.",
        "message": "The message says", "fix": "What to do",
        "shared": "The same in both languages.",
        "text": "What the text may contain",
        "text_intro": "The site loads nothing from another host and runs only its own scripts; the build refuses, "
                      "with the file and line, whatever would break that. It never removes anything silently.",
        "html": "Inline HTML: only {tags}; with the attributes `title`, `lang`, `dir`, `href` on `a`, and `src`, "
                "`alt`, `width`, `height` on `img`. Everything else written as HTML (`script`, `style`, `iframe`, "
                "`object`, `embed`, `form`, `div`, SVG …), `on…` handlers, `style` and `data-…` attributes, and "
                "addresses starting `javascript:`, `data:` or `vbscript:` are refused, and so are HTML comments "
                "(`<!-- … -->`): browsers end some of them earlier than they seem to. The page gets the HTML as a "
                "browser reads it.",
        "resources": "Images only from the site itself: put them in `content/images/` ({types}) and write "
                     "`![description](/images/name.png)`. A link to another site (`[text](https://…)`) is fine; an "
                     "image from another site (`https://…` or `//…`) is not.",
        "characters": "Invisible characters pasted from other programs are refused: control characters (all but "
                      "tab and line ends), the Unicode line and paragraph separators, the bidirectional overrides "
                      "and isolates (U+202A–U+202E, U+2066–U+2069) and a byte-order mark inside the text. Text is "
                      "kept in Unicode NFC, so Korean typed on any system matches in search. One-line fields "
                      "(titles, names) stay on one line.",
        "static": "`content/images/` holds plain image files only: no symbolic links, no hidden files (`.env`, "
                  "`.git`…), no SVG or HTML (they can run scripts).",
        "shortcodes": "Shortcodes stand on a line of their own, written exactly `[[timetable]]`, "
                      "`[[timetable day=YYYY-MM-DD]]` or `[[stream youtube:ID]]` (lower case); a page shows each "
                      "day of the timetable once.",
        "twins": "Fields marked “the same in both languages” must say the same in the Korean and the English file.",
        "addresses": "A page's `Slug` cannot be an address the site uses itself (`en`, `search`, `news`, "
                     "`sessions`, `theme` …; the message lists them all).",
    },
    "ko": {
        "title": "콘텐츠 종류: 항목 설명",
        "intro": "콘텐츠 종류 선언(`plugins/ssc_forum/schema.py`)에서 자동으로 만든 문서이니 직접 고치지 마세요. 항목 하나는 "
                 "언어마다 마크다운 파일 하나이며, `content/<폴더>/<슬러그>.<언어>.md` 형식으로 한국어(`ko`)와 영어(`en`) "
                 "파일을 같은 `Slug`로 모두 만듭니다. 파일은 `항목: 값` 줄로 시작하고, 빈 줄 다음에 마크다운 본문이 옵니다.",
        "folder": "폴더", "page": "주소", "fields": "항목", "body": "본문(항목 다음)",
        "example": "예시", "name": "항목", "kind": "값", "required": "필수", "help": "설명",
        "yes": "예", "no": "아니요", "choices": "다음 중 하나",
        "programme": "프로그램 파일: `content/programme.toml`",
        "programme_intro": "포럼의 날짜와 방을 TOML 형식으로 적습니다. 날마다 `[[days]]` 표 하나, 방마다 `[[rooms]]` 표 하나를 씁니다.",
        "days": "각 `[[days]]`", "rooms": "각 `[[rooms]]`",
        "errors": "빌드가 멈췄을 때: 메시지의 뜻",
        "errors_intro": "빌드는 모든 파일을 검사하고 문제를 한 줄에 하나씩, 한꺼번에 보여 줍니다: 파일과 그 안의 줄 번호"
                        "(`content/sessions/keynote.en.md:5:`), 항목, 무엇이 잘못되었는지. 모두 고칠 때까지 아무것도 게시되지 "
                        "않습니다. `python3 make.py check`는 같은 검사를 1초 안에 합니다.",
        "message": "메시지", "fix": "고치는 방법",
        "shared": "두 언어에서 같아야 함.",
        "text": "본문에 쓸 수 있는 것",
        "text_intro": "사이트는 다른 호스트에서 아무것도 불러오지 않고 자체 스크립트만 실행합니다. 이를 깨뜨리는 내용은 빌드가 파일과 "
                      "줄 번호를 밝혀 거부합니다. 내용을 임의로 지우지 않습니다.",
        "html": "본문 속 HTML은 {tags}만 쓸 수 있고, 속성은 `title`, `lang`, `dir`, `a`의 `href`, `img`의 `src`, `alt`, "
                "`width`, `height`만 쓸 수 있습니다. 그 밖의 HTML(`script`, `style`, `iframe`, `object`, `embed`, `form`, `div`, "
                "SVG 등), `on…` 처리기, `style`·`data-…` 속성, `javascript:`·`data:`·`vbscript:`로 시작하는 주소는 "
                "거부됩니다. HTML 주석(`<!-- … -->`)도 거부됩니다. 브라우저는 일부 주석을 보기보다 일찍 끝냅니다. "
                "페이지에는 브라우저가 읽는 그대로의 HTML이 들어갑니다.",
        "resources": "이미지는 사이트 안의 것만 씁니다. `content/images/`에 넣고({types}) "
                     "`![설명](/images/name.png)`처럼 씁니다. 다른 사이트로 가는 링크(`[글](https://…)`)는 괜찮지만 다른 "
                     "사이트의 이미지(`https://…`, `//…`)는 안 됩니다.",
        "characters": "다른 프로그램에서 붙여 넣은 보이지 않는 문자는 거부됩니다: 제어 문자(탭과 줄바꿈 제외), 유니코드 줄·문단 "
                      "구분자, 양방향 재정의·격리 문자(U+202A–U+202E, U+2066–U+2069), 본문 중간의 BOM. 글은 유니코드 "
                      "NFC로 저장되므로 어느 시스템에서 입력한 한글이든 똑같이 검색됩니다. 한 줄 항목(제목, 이름)은 한 "
                      "줄로 씁니다.",
        "static": "`content/images/`에는 보통 이미지 파일만 둡니다: 심볼릭 링크, 숨김 파일(`.env`, `.git`…), SVG·HTML"
                  "(스크립트를 실행할 수 있음)은 안 됩니다.",
        "shortcodes": "단축 코드는 한 줄에 하나만, 정확히 `[[timetable]]`, `[[timetable day=YYYY-MM-DD]]`, "
                      "`[[stream youtube:ID]]`(소문자)로 씁니다. 한 페이지에서 일정표의 각 날짜는 한 번만 보일 수 있습니다.",
        "twins": "“두 언어에서 같아야 함” 표시가 있는 항목은 한국어 파일과 영어 파일에서 같은 값이어야 합니다.",
        "addresses": "페이지의 `Slug`는 사이트가 스스로 쓰는 주소(`en`, `search`, `news`, `sessions`, `theme` 등, "
                     "메시지에 모두 나옵니다)일 수 없습니다.",
    },
}

# The validation messages editors meet, with what to do; the wording matches content.py.
ERRORS = [
    ("is required but missing", "Add the field; see the table of its content type.",
     "그 항목을 추가하세요. 콘텐츠 종류별 표를 보세요."),
    ("is not a field of this content type", "Remove it, or fix its spelling (the message lists the allowed fields).",
     "지우거나 철자를 고치세요. 메시지에 쓸 수 있는 항목이 나옵니다."),
    ("is given more than once", "Keep one line for the field.", "그 항목은 한 줄만 남기세요."),
    ("… is not a field: its colon is … / a space stands before the colon / is not a field name",
     "Write each field as `Name: value`: the English name, then the ASCII colon `:` right after it; leave a blank "
     "line after the fields (the message names the field meant).",
     "항목은 영어 이름 바로 뒤에 반각 콜론 `:`을 붙여 `Name: value`로 쓰고, 항목들 뒤에는 빈 줄을 두세요"
     "(메시지에 뜻한 항목이 나옵니다)."),
    ("is a date and time … / is a table … / is a list … (programme.toml)",
     "In `programme.toml`, write a date alone (`2020-09-22`) and text in quotes (`\"…\"`).",
     "`programme.toml`에서 날짜는 날짜만(`2020-09-22`), 글은 따옴표 안에(`\"…\"`) 쓰세요."),
    ("is not a slug", "Use lower-case ASCII letters, digits and single hyphens, e.g. `session-1`.",
     "영문 소문자, 숫자, 하이픈만 쓰세요(예: `session-1`)."),
    ("refers to … which does not exist", "Fix the slug, or add the missing file (in the same language).",
     "슬러그를 고치거나, 빠진 파일을 같은 언어로 추가하세요."),
    ("is already used by …", "Two files share a slug in one language: rename one (slugs never change once published).",
     "한 언어에서 두 파일이 같은 슬러그를 씁니다. 하나를 바꾸세요. 이미 공개된 슬러그는 바꾸지 않습니다."),
    ("has no translation twin", "Add the file in the other language with the same `Slug`.",
     "다른 언어로 같은 `Slug`의 파일을 추가하세요."),
    ("is not a date written YYYY-MM-DD / is not a real date", "Write dates like `2020-09-23`.",
     "날짜는 `2020-09-23`처럼 쓰세요."),
    ("is not a day of the programme (…)", "Use a date listed in `content/programme.toml` (the message lists them), "
     "or add the day there.",
     "`content/programme.toml`에 있는 날짜를 쓰거나 그 날짜를 추가하세요."),
    ("is not a time written HH:MM", "Write times in Korea Standard Time, 24-hour, like `16:00`.",
     "시각은 한국 표준시, 24시간제로 `16:00`처럼 쓰세요."),
    ("start and end go together", "Give both `Start` and `End`, or neither (when they were not published).",
     "`Start`와 `End`를 함께 쓰거나, 공개되지 않았다면 둘 다 쓰지 마세요."),
    ("is outside its day", "The session must fit inside its day's hours in `content/programme.toml`.",
     "세션 시간이 `content/programme.toml`에 적힌 그날의 진행 시간 안에 들어가야 합니다."),
    ("overlaps … in room …", "Two sessions in the same room at the same time: fix a time or a room.",
     "같은 방, 같은 시간에 세션이 둘입니다. 시간이나 방을 고치세요."),
    ("is already used on … by …", "Two sessions of a day have the same `Order`: renumber them.",
     "같은 날 두 세션의 `Order`가 같습니다. 순서를 다시 매기세요."),
    ("unknown provider / is not a YouTube video id / is not an https:// address",
     "Write streams as `youtube:` and the 11-character id, or `link:https://…`.",
     "생중계는 `youtube:` 다음에 11자 영상 아이디, 또는 `link:https://…`로 쓰세요."),
    ("holds a backslash / holds a user name before '@'",
     "Write the address as a browser shows it: `https://host/path`, with `/` and nothing before the host.",
     "주소는 브라우저에 보이는 그대로 `https://호스트/경로`로 쓰세요. `/`를 쓰고, 호스트 앞에는 아무것도 쓰지 마세요."),
    ("unknown shortcode / no such day in the programme",
     "Shortcodes are `[[timetable]]`, `[[timetable day=YYYY-MM-DD]]` and `[[stream youtube:ID]]`.",
     "단축 코드는 `[[timetable]]`, `[[timetable day=YYYY-MM-DD]]`, `[[stream youtube:ID]]`입니다."),
    ("is not a content folder / is not a Markdown file ending in .md / is not in a content folder",
     "Move the file into the right folder (sessions, speakers, cases, pages, news) and name it `<slug>.<lang>.md`.",
     "파일을 알맞은 폴더(sessions, speakers, cases, pages, news)로 옮기고 `<슬러그>.<언어>.md`로 이름을 붙이세요."),
    ("cannot be read", "Save the file as UTF-8 text; the first lines must be `Field: value`.",
     "파일을 UTF-8 텍스트로 저장하세요. 첫 줄들은 `항목: 값` 형식이어야 합니다."),
    ("contains the invisible character U+…", "Delete the character (it was pasted along with the text); the "
     "message names it.", "글과 함께 붙여 넣은 보이지 않는 문자를 지우세요. 메시지에 문자 이름이 나옵니다."),
    ("runs onto a second line", "Write the whole value on one line.", "값 전체를 한 줄에 쓰세요."),
    ("is … here but … in its twin …", "The field does not depend on the language: make both files say the same.",
     "언어와 상관없는 항목입니다. 두 파일의 값을 같게 하세요."),
    ("<…> is not allowed in the text / event handler / style attributes / the attribute … is not allowed",
     "Write it in Markdown, or use only the inline HTML listed above.",
     "마크다운으로 쓰거나, 위에 적은 HTML만 쓰세요."),
    ("an HTML comment / a CDATA section / a processing instruction … is not allowed",
     "Remove it: notes for editors belong outside the published text.",
     "지우세요. 편집자 메모는 공개되는 본문 밖에 두세요."),
    ("would be read differently by a browser once written out",
     "Close inline HTML elements in the reverse order of opening them, each inside the paragraph it starts in.",
     "인라인 HTML 요소는 연 순서의 반대로, 시작한 문단 안에서 닫으세요."),
    ("loads … from another host / uses a javascript: address", "Put the image in `content/images/`; link to other "
     "sites only with `https://`.", "이미지는 `content/images/`에 넣고, 다른 사이트는 `https://` 링크로만 연결하세요."),
    ("is a symbolic link / hidden file / is not an image the site publishes",
     "Put the image file itself (PNG, JPEG, GIF, WebP, AVIF) in `content/images/`; remove links and hidden files.",
     "이미지 파일 자체(PNG, JPEG, GIF, WebP, AVIF)를 `content/images/`에 두고, 링크와 숨김 파일은 지우세요."),
    ("is an address the site itself uses", "Choose another `Slug` (in both languages).",
     "두 언어 모두 다른 `Slug`를 고르세요."),
    ("a shortcode must be on a line of its own / two shortcodes on one line / is not closed / names are lower-case",
     "Write each shortcode alone on its line, exactly as shown above.",
     "단축 코드는 위와 똑같이, 한 줄에 하나만 쓰세요."),
    ("a page can show each day once / the id … twice", "Remove the second timetable, or rename the heading.",
     "두 번째 일정표를 지우거나 제목을 바꾸세요."),
    ("start offset …", "Write it like `1h02m03s` or `3723` (seconds), minutes and seconds up to 59, at most 24 hours.",
     "`1h02m03s` 또는 `3723`(초)처럼 쓰세요. 분과 초는 59까지, 최대 24시간입니다."),
    ("would write …, which … writes too", "Two files would be published at one address: change one `Slug`.",
     "두 파일이 같은 주소에 게시됩니다. `Slug` 하나를 바꾸세요."),
    ("is … bytes long / this line is … characters long / nested … deep / footnotes … past / abbreviations … past",
     f"A file may have {limits.MAX_FILE_BYTES // 1024} KiB, a line {limits.MAX_LINE_CHARS:,} characters, lists and "
     f"quotes {limits.MAX_NESTING} levels, {limits.MAX_FOOTNOTES} footnotes and {limits.MAX_ABBREVIATIONS} "
     "abbreviations (`plugins/ssc_forum/limits.py`): split the page, break the line into paragraphs, nest less.",
     f"파일은 {limits.MAX_FILE_BYTES // 1024} KiB, 한 줄은 {limits.MAX_LINE_CHARS:,}자, 목록과 인용은 {limits.MAX_NESTING}"
     f"단계, 각주는 {limits.MAX_FOOTNOTES}개, 약어는 {limits.MAX_ABBREVIATIONS}개까지입니다 "
     "(`plugins/ssc_forum/limits.py`). 페이지를 나누거나, 줄을 문단으로 나누거나, 덜 겹치게 쓰세요."),
    ("so much inline markup", "Close each `[`, `(` after `]` and `<`; write `\\[` or `&lt;` for one meant "
     "as text, or split the paragraph.",
     "`[`, `]` 뒤의 `(`, `<`를 모두 닫으세요. 글자로 쓰려면 `\\[`나 `&lt;`로 쓰거나, 문단을 나누세요."),
    ("a reference to the invisible character U+…", "Delete the `&#…;` reference: it names a character a page "
     "cannot show.", "`&#…;` 참조를 지우세요. 페이지에 보일 수 없는 문자를 가리킵니다."),
    (f"is not a year from {limits.EARLIEST_YEAR} to {limits.LATEST_YEAR}", "Check the year of the date.",
     "날짜의 연도를 확인하세요."),
]


def _field_rows(fields: tuple[schema.Field, ...], lang: str, toml: bool = False) -> list[str]:
    t = TEXT[lang]
    rows = [f"| {t['name']} | {t['kind']} | {t['required']} | {t['help']} |", "|---|---|---|---|"]
    for f in fields:
        kind = f.kind.help_ko if lang == "ko" else f.kind.help_en
        if f.choices:
            kind = f"{t['choices']}: " + ", ".join(f"`{c}`" for c in f.choices)
        text = f.help_ko if lang == "ko" else f.help_en
        if f.shared:
            text += " " + t["shared"]
        # Front matter reads `Field:` in any case; TOML keys are case-sensitive and written in lower case.
        name = f.name if toml else f.name.capitalize()
        rows.append(f"| `{name}` | {kind} | {t['yes'] if f.required else t['no']} | {text} |")
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
        sep = "" if lang == "ko" else " "  # Korean puts no space before a parenthesis
        out += [f"## {label}{sep}(`{ct.name}`)", "",
                f"- {t['folder']}: `content/{ct.folder}/`",
                f"- {t['page']}: `/{ct.url.format(slug='<slug>')}`" + (" · `/en/…`" if lang == "en" else ""),
                f"- {t['body']}: {ct.body_help_ko if lang == 'ko' else ct.body_help_en}",
                "", f"### {t['fields']}", "", *_field_rows(ct.fields, lang), "",
                f"### {t['example']}", "", "```markdown", example(ct, lang).rstrip("\n"), "```", ""]
    out += [f"## {t['programme']}", "", t["programme_intro"], "",
            f"### {t['days']}", "", *_field_rows(schema.DAY_FIELDS, lang, toml=True), "",
            f"### {t['rooms']}", "", *_field_rows(schema.ROOM_FIELDS, lang, toml=True), "",
            f"## {t['text']}", "", t["text_intro"], "",
            "- " + t["html"].format(tags=", ".join(f"`{tag}`" for tag in sorted(markup.RAW_ALLOWED))),
            "- " + t["resources"].format(types=", ".join(statics.IMAGE_TYPES)),
            "- " + t["characters"], "- " + t["static"], "- " + t["shortcodes"], "- " + t["twins"],
            "- " + t["addresses"], "",
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
