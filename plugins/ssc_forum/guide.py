"""The editors' field reference and example files, written from the content-type declarations.

`python -m ssc_forum.guide DOCS_DIR` (or `invoke docs`) rewrites `content-types.<lang>.md` and
`examples/<type>.<lang>.md`; a test fails when the committed files differ from what the
declarations say, so the guide cannot fall behind the schema.
"""

from __future__ import annotations

import string
from pathlib import Path

from . import htmlrules, languages, messages, schema, statics

TEXT = {
    "en": {
        "title": "Content types: the field reference",
        "intro": "Generated from the content-type declarations (`plugins/ssc_forum/schema.py`); do not edit by "
        "hand. Every item is one Markdown file per language, `content/<folder>/<slug>.<lang>.md`, in "
        "both Korean (`ko`) and English (`en`), with the same `Slug`. The file starts with `Field: value` "
        "lines, then an empty line, then the text in Markdown.",
        "folder": "Folder",
        "page": "Address",
        "fields": "Fields",
        "body": "Text (after the fields)",
        "example": "Example",
        "name": "Field",
        "kind": "Value",
        "required": "Required",
        "help": "What it is",
        "yes": "yes",
        "no": "no",
        "choices": "one of",
        "programme": "The programme file: `content/programme.toml`",
        "programme_intro": "Days and rooms of the forum, in TOML. One `[[days]]` table per day and one `[[rooms]]` "
        "table per room.",
        "days": "Each `[[days]]`",
        "rooms": "Each `[[rooms]]`",
        "errors": "When the build stops: every message",
        "errors_intro": "The build checks every file and lists every problem at once, one line each: the file and "
        "the line in it (`content/sessions/keynote.en.md:5:`), the field, what is wrong and how to "
        "fix it. Nothing is published until all are fixed. `python3 make.py check` runs the same "
        "checks in a second. The messages are in Korean unless `LANG` (or `LC_ALL`, `LC_MESSAGES`) "
        "starts with `en` or the check is given `--lang en`. The table lists every message of the "
        "catalogue (`plugins/ssc_forum/locale/`) in both languages; `…` stands for the values a "
        "message quotes.",
        "message": "The message (with --lang en or an English LANG)",
        "other": "In Korean (the default)",
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
        "folder": "폴더",
        "page": "주소",
        "fields": "항목",
        "body": "본문(항목 다음)",
        "example": "예시",
        "name": "항목",
        "kind": "값",
        "required": "필수",
        "help": "설명",
        "yes": "예",
        "no": "아니요",
        "choices": "다음 중 하나",
        "programme": "프로그램 파일: `content/programme.toml`",
        "programme_intro": "포럼의 날짜와 방을 TOML 형식으로 적습니다. 날마다 `[[days]]` 표 하나, 방마다 `[[rooms]]` 표 하나를 씁니다.",
        "days": "각 `[[days]]`",
        "rooms": "각 `[[rooms]]`",
        "errors": "빌드가 멈췄을 때: 모든 메시지",
        "errors_intro": "빌드는 모든 파일을 검사하고 문제를 한 줄에 하나씩, 한꺼번에 보여 줍니다: 파일과 그 안의 줄 번호"
        "(`content/sessions/keynote.ko.md:5:`), 항목, 무엇이 잘못되었고 어떻게 고치는지. 모두 고칠 때까지 "
        "아무것도 게시되지 않습니다. `python3 make.py check`는 같은 검사를 1초 안에 합니다. 메시지는 "
        "한국어로 나오며, 영어로 보려면 `python3 make.py check --lang en`을 실행하세요. 아래 표는 메시지 "
        "목록(`plugins/ssc_forum/locale/`)의 모든 메시지를 두 언어로 보여 줍니다. `…`에는 메시지가 "
        "인용하는 값이 들어갑니다.",
        "message": "메시지(기본)",
        "other": "영어 메시지(--lang en 또는 영어 LANG)",
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


def catalogue() -> list[tuple[str, str]]:
    """Every message editors can meet, `(English, Korean)`, from the editors' catalogue (`editor.po`).

    The check's messages are written once, as `tr("…")`; the catalogue holds each with its Korean
    (a test fails while one lacks it), so the table below has a row for every message.
    """
    from babel.messages.pofile import read_po

    po_path = messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.DOMAIN}.po"
    with po_path.open("rb") as po_file:
        found = [(str(m.id), str(m.string)) for m in read_po(po_file, locale="ko") if m.id]
    # Whole messages first; the parts some messages add (" (did you mean …?)") after them.
    return sorted(found, key=lambda pair: (pair[0].startswith(" "), pair[0].lower()))


def _shown(message: str) -> str:
    """A message as a table cell: its values as `…`, in a code span (it quotes `<tags>` and Markdown)."""
    text = "".join(
        literal + ("…" if name is not None else "") for literal, name, _, _ in string.Formatter().parse(message)
    )
    text = text.strip().replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""  # CommonMark: only then is a space needed
    return f"{fence}{pad}{text}{pad}{fence}"


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


def render(lang: str, site_langs: tuple[str, ...]) -> str:
    """The field reference in one of the editors' languages, as Markdown.

    `site_langs` are the site's languages (the settings' LANGUAGES): the programme file names its days
    and rooms in each.
    """
    t = TEXT[lang]
    out = [f"# {t['title']}", "", t["intro"], ""]
    for ct in schema.CONTENT_TYPES:
        label = ct.label_ko if lang == "ko" else ct.label_en
        sep = "" if lang == "ko" else " "  # Korean puts no space before a parenthesis
        out += [
            f"## {label}{sep}(`{ct.name}`)",
            "",
            f"- {t['folder']}: `content/{ct.folder}/`",
            f"- {t['page']}: `/{ct.url.format(slug='<slug>')}`" + (" · `/en/…`" if lang == "en" else ""),
            f"- {t['body']}: {ct.body_help_ko if lang == 'ko' else ct.body_help_en}",
            "",
            f"### {t['fields']}",
            "",
            *_field_rows(ct.fields, lang),
            "",
            f"### {t['example']}",
            "",
            "```markdown",
            example(ct, lang).rstrip("\n"),
            "```",
            "",
        ]
    out += [
        f"## {t['programme']}",
        "",
        t["programme_intro"],
        "",
        f"### {t['days']}",
        "",
        *_field_rows(languages.day_fields(site_langs), lang, toml=True),
        "",
        f"### {t['rooms']}",
        "",
        *_field_rows(languages.room_fields(site_langs), lang, toml=True),
        "",
        f"## {t['text']}",
        "",
        t["text_intro"],
        "",
        "- " + t["html"].format(tags=", ".join(f"`{tag}`" for tag in sorted(htmlrules.RAW_ALLOWED))),
        "- " + t["resources"].format(types=", ".join(statics.IMAGE_TYPES)),
        "- " + t["characters"],
        "- " + t["static"],
        "- " + t["shortcodes"],
        "- " + t["twins"],
        "- " + t["addresses"],
        "",
        f"## {t['errors']}",
        "",
        t["errors_intro"],
        "",
        f"| {t['message']} | {t['other']} |",
        "|---|---|",
    ]
    out += [
        f"| {_shown(ko)} | {_shown(en)} |" if lang == "ko" else f"| {_shown(en)} | {_shown(ko)} |"
        for en, ko in catalogue()
    ]
    return "\n".join(out) + "\n"


def outputs(site_langs: tuple[str, ...]) -> dict[str, str]:
    """Every generated file, relative to the docs folder, with its text, for a site in `site_langs`."""
    # The guide and its examples exist in the editors' languages, whatever languages the site is in.
    files = {f"content-types.{lang}.md": render(lang, site_langs) for lang in messages.LANGUAGES}
    for ct in schema.CONTENT_TYPES:
        for lang in messages.LANGUAGES:
            files[f"examples/{ct.folder}/example-{ct.name}.{lang}.md"] = example(ct, lang)
    return files


def write(docs: Path, site_langs: tuple[str, ...]) -> list[Path]:
    """Write the generated files under `docs` for a site in `site_langs`; return their paths."""
    written = []
    for rel, text in outputs(site_langs).items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
