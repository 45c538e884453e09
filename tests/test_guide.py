"""The editors' guide and example files follow the content-type declarations."""

from __future__ import annotations

import shutil

from conftest import ROOT, build
from ssc_forum import guide, schema


def test_committed_guide_matches_the_declarations():
    for rel, text in guide.outputs().items():
        path = ROOT / "docs" / rel
        assert path.is_file(), f"docs/{rel} missing: run `invoke docs`"
        assert path.read_text(encoding="utf-8") == text, f"docs/{rel} is stale: run `invoke docs`"


def test_every_declared_field_is_in_the_guide_in_both_languages():
    for lang in schema.LANGS:
        text = guide.render(lang)
        for ct in schema.CONTENT_TYPES:
            for field in ct.fields:
                assert f"| `{field.name.capitalize()}` |" in text


def test_the_example_files_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for ct in schema.CONTENT_TYPES:
        for lang in schema.LANGS:
            text = guide.example(ct, lang)
            if ct is schema.SESSION:
                text = text.replace("Order: 1", "Order: 9")  # the real day already has orders 1 to 3
            (content / ct.folder / f"example-{ct.name}.{lang}.md").write_text(text, encoding="utf-8")
    for lang in schema.LANGS:  # the example case names the keynote, which must list it back
        keynote = content / "sessions" / f"keynote.{lang}.md"
        keynote.write_text(keynote.read_text(encoding="utf-8").replace("\nKind:", "\nCases: example-case\nKind:", 1),
                           encoding="utf-8")
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
    for lang in schema.LANGS:
        rows = [line for line in (ROOT / "docs" / f"content-types.{lang}.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("| `")]
        for msgid in ids:
            english, translated = guide._shown(msgid), guide._shown(korean[msgid])
            row = f"| {translated} | {english} |" if lang == "ko" else f"| {english} | {translated} |"
            assert row in rows, (lang, msgid)
    dots = "| `…은(는) 날짜 형식이 아닙니다. 2020-09-23처럼 연-월-일로 쓰세요` | `… is not a date written YYYY-MM-DD` |"
    assert dots in (ROOT / "docs" / "content-types.ko.md").read_text(encoding="utf-8")
