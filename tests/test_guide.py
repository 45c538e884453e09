"""The editors' guide and example files follow the content-type declarations."""

from __future__ import annotations

import re
import shutil

from conftest import ROOT, build
from ssc_forum import guide, messages, schema

SITE_LANGS = ("ko", "en")  # the real site's (pelicanconf.py's LANGUAGES)


def test_committed_guide_matches_the_declarations():
    for rel, text in guide.outputs(SITE_LANGS).items():
        path = ROOT / "docs" / rel
        assert path.is_file(), f"docs/{rel} missing: run `invoke docs`"
        assert path.read_text(encoding="utf-8") == text, f"docs/{rel} is stale: run `invoke docs`"


def test_every_declared_field_is_in_the_guide_in_both_languages():
    for lang in messages.LANGUAGES:
        text = guide.render(lang, SITE_LANGS)
        for ct in schema.CONTENT_TYPES:
            for field in ct.fields:
                assert f"| `{field.name.capitalize()}` |" in text


def test_the_example_files_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for ct in schema.CONTENT_TYPES:
        for lang in messages.LANGUAGES:
            text = guide.example(ct, lang)
            if ct is schema.SESSION:
                text = text.replace("Order: 1", "Order: 9")  # the real day already has orders 1 to 3
            (content / ct.folder / f"example-{ct.name}.{lang}.md").write_text(text, encoding="utf-8")
    for lang in messages.LANGUAGES:  # the example case names the keynote, which must list it back
        keynote = content / "sessions" / f"keynote.{lang}.md"
        keynote.write_text(
            keynote.read_text(encoding="utf-8").replace("\nKind:", "\nCases: example-case\nKind:", 1), encoding="utf-8"
        )
    out = build(tmp_path / "out", PATH=str(content))
    for ct in schema.CONTENT_TYPES:
        assert (out / "en" / ct.url.format(slug=f"example-{ct.name}") / "index.html").is_file()


def test_every_message_has_its_row_in_both_guides():
    """The message tables are the editors' catalogue itself: a new message gets its row in both languages."""
    from babel.messages.pofile import read_po

    from ssc_forum import messages

    with (messages.LOCALE_DIR / f"{messages.DOMAIN}.pot").open("rb") as pot:
        ids = [str(m.id) for m in read_po(pot) if m.id]
    assert len(ids) > 100
    korean = dict(guide.catalogue())
    for lang in messages.LANGUAGES:
        rows = [
            line
            for line in (ROOT / "docs" / f"content-types.{lang}.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")
        ]
        for msgid in ids:
            english, translated = guide._shown(msgid), guide._shown(korean[msgid])
            row = f"| {translated} | {english} |" if lang == "ko" else f"| {english} | {translated} |"
            assert row in rows, (lang, msgid)
    dots = "| `…은(는) 날짜 형식이 아닙니다. 2020-09-23처럼 연-월-일로 쓰세요` | `… is not a date written YYYY-MM-DD` |"
    assert dots in (ROOT / "docs" / "content-types.ko.md").read_text(encoding="utf-8")


# --- every example in the guides is real ------------------------------------------------------

DOCS = sorted((ROOT / "docs").glob("*.md"))
_FENCED_RE = re.compile(r"(?ms)^(?P<indent> *)```(?P<info>[\w-]*)\n(?P<body>.*?)^(?P=indent)```")
_INDENTED_RE = re.compile(r"(?m)(?:^\n)((?:^    \S.*\n)+)")
_FIELD_LINE_RE = re.compile(r"^(?P<name>[A-Z][a-z_]*): ?(?P<value>.*)$")
_CHECK_LINE_RE = re.compile(r"^(?P<path>content/\S+\.md):\d+: (?:field|항목) '\w+': ")
_COMMAND_RE = re.compile(r"python3 make\.py [^`\n]*")


def _code_blocks(text: str) -> list[str]:
    """The fenced and the indented code blocks of a Markdown guide."""
    fenced = [m.group("body") for m in _FENCED_RE.finditer(text)]
    outside = _FENCED_RE.sub("", text)
    indented = ["".join(line[4:] + "\n" for line in m.group(1).splitlines()) for m in _INDENTED_RE.finditer(outside)]
    return fenced + indented


def _doc_lang(path) -> str:
    return path.name.split(".")[-2]


def _ctype_of(names: set[str]):
    """The content type a complete example file is of: all its required fields there, no other field."""
    fitting = [ct for ct in schema.CONTENT_TYPES if set(ct.required) <= names <= {f.name for f in ct.fields}]
    return max(fitting, key=lambda ct: len(ct.required))


def _examples() -> dict[str, list[tuple[str, str]]]:
    """The guides' examples by what they are: content files, field lines, check lines, commands."""
    found: dict[str, list[tuple[str, str]]] = {"file": [], "fields": [], "check": [], "command": []}
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        where = f"docs/{path.name}"
        for block in _code_blocks(text):
            lines = [line for line in block.splitlines() if line.strip()]
            header = block.split("\n\n", 1)[0].splitlines()
            if lines and all(_FIELD_LINE_RE.match(line) for line in header):
                found["file" if any(line.startswith("Slug:") for line in header) else "fields"].append((where, block))
            for line in lines:
                if _CHECK_LINE_RE.match(line):
                    found["check"].append((where, line))
        found["command"] += [(where, command.strip()) for command in _COMMAND_RE.findall(text)]
    return found


EXAMPLES = _examples()


def test_the_guides_have_examples_of_each_sort():
    counts = {sort: len(found) for sort, found in EXAMPLES.items()}
    assert counts["file"] >= 2 * len(schema.CONTENT_TYPES) and counts["fields"] >= 2, counts
    assert counts["check"] >= 2 and counts["command"] >= 20, counts


def test_every_command_in_the_guides_is_a_task_with_its_options(tmp_path):
    """Each `python3 make.py …` the guides show parses as the task list does; `new` also writes what it says."""
    import shlex

    from invoke import Collection, Parser
    from invoke.exceptions import ParseError

    import tasks

    parser = Parser(contexts=Collection.from_module(tasks).to_contexts())
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    seen = set()
    for where, command in EXAMPLES["command"]:
        argv = shlex.split(command)[2:]
        if command in seen:  # the same command in the other language's guide
            continue
        seen.add(command)
        if argv in (["test"], ["--help"]) or argv[-1:] == ["--help"]:
            continue  # make.py's own
        try:
            (parsed,) = parser.parse_argv(argv)
        except (ParseError, ValueError) as exc:
            raise AssertionError(f"{where}: `{command}`: {exc}") from None
        if parsed.name == "new":
            args = {name: arg.value for name, arg in parsed.args.items()}
            values = dict(item.split("=", 1) for item in args["field"] or [])
            written = tasks.scaffold(args["kind"], args["slug"], values, content)
            assert len(written) == len(SITE_LANGS), (where, command)


def test_every_example_file_in_the_guides_passes_the_check(tmp_path):
    import tasks

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    written = []
    for where, block in EXAMPLES["file"]:
        header = dict(
            _FIELD_LINE_RE.match(line).group("name", "value") for line in block.split("\n\n", 1)[0].splitlines()
        )
        ctype = _ctype_of({name.lower() for name in header})
        text = block.replace("Order: 1\n", "Order: 9\n")  # the real day already has orders 1 to 3
        slug, lang = header["Slug"], header["Lang"]
        target = content / ctype.folder / f"{slug}.{lang}.md"
        assert not target.exists() or target.read_text(encoding="utf-8") == text, f"{where}: two examples of {slug}"
        target.write_text(text, encoding="utf-8")
        written.append(target)
        if ctype is schema.CITY_CASE:  # a case names its session, which lists it back
            session = content / "sessions" / f"{header['Session']}.{lang}.md"
            session.write_text(
                session.read_text(encoding="utf-8").replace("\nKind:", f"\nCases: {slug}\nKind:", 1), encoding="utf-8"
            )
    assert written
    assert tasks.content_problems(content) == []


def test_every_field_line_in_the_guides_is_a_field_of_its_kind():
    names = {f.name: f for ct in schema.CONTENT_TYPES for f in ct.fields}
    for where, block in EXAMPLES["fields"]:
        for line in block.splitlines():
            if not line.strip():
                continue
            name, value = _FIELD_LINE_RE.match(line).group("name", "value")
            assert name == name.capitalize() and name.lower() in names, f"{where}: {line!r}"
            names[name.lower()].kind.parse(value)  # raises FieldError for a value of the wrong form


def test_every_check_line_in_the_guides_is_what_the_check_prints(tmp_path):
    """A line the guides quote from the check is printed by it, in the guide's language, for the file it names."""
    import tasks
    from ssc_forum import messages

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for where, line in EXAMPLES["check"]:
        rel = _CHECK_LINE_RE.match(line).group("path")
        file = content / rel.removeprefix("content/")
        if not file.exists():  # the guides' example: a file `new` has just written
            folder = file.parent.name
            kind = next(ct.name for ct in schema.CONTENT_TYPES if ct.folder == folder)
            tasks.scaffold(kind, file.name.split(".")[0], {}, content)
        messages.use_language(_doc_lang(ROOT / where))
        assert line in tasks.content_problems(content), f"{where}: {line!r}"
