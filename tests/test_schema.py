"""The schema is the one declaration: every field says what it fills, and the rest of the plugin derives from it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import read_settings

from conftest import ROOT
from fixture_site import write_fixture_site
from ssc_forum import content, incremental, livedeps, model, schema


def unfilled(types: tuple[schema.ContentType, ...]) -> list[str]:
    """Declared fields that reach neither an attribute of their model class nor the guide-only list."""
    missing = []
    for ctype in types:
        attributes = {f.name for f in dataclasses.fields(getattr(model, ctype.model_class))}
        for fdecl in ctype.fields:
            if (ctype.name, fdecl.name) in schema.GUIDE_ONLY:
                continue
            if fdecl.model is None or fdecl.model not in attributes:
                missing.append(f"{ctype.name}.{fdecl.name} -> {fdecl.model}")
    return missing


def test_every_declared_field_fills_a_model_attribute_or_is_guide_only() -> None:
    assert schema.MODEL_TYPES == (schema.SESSION, schema.SPEAKER, schema.CITY_CASE, schema.PAGE)
    assert unfilled(schema.MODEL_TYPES) == []
    declared = {(ct.name, f.name) for ct in schema.MODEL_TYPES for f in ct.fields}
    assert declared >= schema.GUIDE_ONLY, "the guide-only list names a field no type declares"


def test_a_new_field_without_its_attribute_is_caught() -> None:
    """The check above fails for a field added to the schema that nothing builds into the model."""
    extra = (
        schema.Field("venue", schema.TEXT, False, "Venue.", "장소."),
        schema.Field("moderator", schema.TEXT, False, "Moderator.", "좌장.", model="moderator"),
    )
    grown = dataclasses.replace(schema.SESSION, fields=schema.SESSION.fields + extra)
    assert unfilled((grown,)) == ["session.venue -> None", "session.moderator -> moderator"]


def test_the_edit_loop_derives_its_field_sets_from_the_schema() -> None:
    # What the edit loop treated as structural before the schema said it: nothing lost.
    assert {
        "session": {"slug", "lang", "day", "order", "start", "end", "room", "speakers", "hosts", "cases"},
        "case": {"slug", "lang", "session"},
        "speaker": {"slug", "lang"},
        "page": {"slug", "lang", "order"},
    } == incremental.STRUCTURAL_FIELDS
    assert {"photo", "image"} == incremental.PICTURE_FIELDS
    assert set(livedeps.KIND.values()) == {"session", "speaker", "case", "page"}
    # A reference to another record links the two: a change to it must re-render the language.
    for ctype in schema.MODEL_TYPES:
        for fdecl in ctype.fields:
            if fdecl.refers_to:
                assert fdecl.structural, f"{ctype.name}.{fdecl.name}"


def test_the_model_holds_every_field_the_content_gives(tmp_path: Path) -> None:
    content_path = write_fixture_site(tmp_path)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content_path)})
    data = content.read_content(settings)
    assert data.problems == []
    programme = model.build(data, "en", ZoneInfo("Asia/Seoul"), now=datetime(2030, 1, 1, tzinfo=UTC), forced_phase=None)
    items = {
        (kind, item.slug): item
        for kind, items in (
            ("session", programme.sessions),
            ("speaker", programme.speakers),
            ("case", programme.cases),
            ("page", programme.pages),
        )
        for item in items
    }
    checked = 0
    for rec in data.records:
        if not rec.ctype.model_class or rec.lang != "en":
            continue
        item = items[(rec.ctype.name, rec.slug)]
        for fdecl in rec.ctype.fields:
            given = rec.media.get(fdecl.name) if fdecl.kind is schema.MEDIA else rec.values.get(fdecl.name)
            if given in (None, ()) or fdecl.picture or fdecl.model in ("photo", "image"):
                continue  # pictures: tests/test_images.py
            assert getattr(item, fdecl.model) not in (None, (), []), f"{rec.path}: {fdecl.name}"
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("kind", schema.SESSION_KINDS)
def test_session_kinds_have_labels_the_catalogue_translates(kind: str) -> None:
    catalogue = (ROOT / "theme/translations/ko/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert f'msgid "{schema.SESSION_KIND_LABELS[kind]}"' in catalogue
    assert schema.SESSION.field("kind").choices == tuple(schema.SESSION_KIND_LABELS)


def test_theme_labels_session_kinds_from_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cards' kind_label reads the schema's labels: a kind added there is named by its own label on
    # the page (before, every kind the template did not list showed as "Thematic session").
    import gettext

    from jinja2 import Environment, FileSystemLoader

    from ssc_forum import translations

    localedir = ROOT / "theme" / "translations"
    translations.compile_catalogues(str(localedir), "messages")
    labels = {**schema.SESSION_KIND_LABELS, "workshop": "Workshop"}
    for lang, expected in (
        ("ko", {"keynote": "기조연설", "workshop": "Workshop"}),
        ("en", {"keynote": "Keynote", "workshop": "Workshop"}),
    ):
        env = Environment(loader=FileSystemLoader(ROOT / "theme" / "templates"), extensions=["jinja2.ext.i18n"])
        env.install_gettext_translations(  # type: ignore[attr-defined]
            gettext.translation("messages", localedir, languages=[lang], fallback=True), newstyle=True
        )
        env.globals["SESSION_KIND_LABELS"] = labels
        macros = env.get_template("partials/cards.html").make_module({"lang": lang, "SITEURL": ""})
        for kind, label in expected.items():
            assert str(macros.kind_label(kind)) == label  # type: ignore[attr-defined]
