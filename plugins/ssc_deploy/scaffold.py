"""Starting a new item: the files `new` writes in every language, from the content types' declarations."""

from __future__ import annotations

from pathlib import Path

from ssc_forum import languages, schema
from ssc_forum.messages import render, tr

from .project import CONFIG, read_settings


def scaffold(kind: str, slug: str, values: dict[str, str], content: Path) -> list[Path]:
    """Write a new record of content type `kind` in every language; return the files written.

    Fields come from the schema: the slug and language are filled in, so are the fields given
    in `values` (checked against their kind), and every other required field is written with
    an empty value. The build and `invoke check` refuse empty required fields and name each one,
    so a half-filled file can never be published by mistake. Optional fields are left out.
    """
    ctype = schema.BY_NAME.get(kind)
    if ctype is None:
        raise ValueError(
            tr("unknown content type {kind!r} (one of: {kinds})", kind=kind, kinds=", ".join(schema.BY_NAME))
        )
    try:
        schema.SLUG.parse(slug)  # type: ignore[operator]
        for name, value in values.items():
            declared = ctype.field(name)
            if declared is None or name in ("slug", "lang"):
                raise ValueError(
                    tr(
                        "{name!r} is not a field you can set for a {kind} (fields: {fields})",
                        name=name,
                        kind=kind,
                        fields=", ".join(f.name for f in ctype.fields if f.name not in ("slug", "lang")),
                    )
                )
            declared.kind.parse(value)  # type: ignore[operator]
            if declared.choices and value not in declared.choices:
                raise ValueError(
                    tr(
                        "{name}: {value!r} is not one of: {choices}",
                        name=name,
                        value=value,
                        choices=", ".join(declared.choices),
                    )
                )
    except schema.FieldError as exc:
        raise ValueError(exc.message) from None
    langs = site_languages()
    paths = [content / ctype.folder / f"{slug}.{lang}.md" for lang in langs]
    existing = [p for p in paths if p.exists()]
    if existing:
        raise FileExistsError(tr("already there: {paths}", paths=", ".join(str(p) for p in existing)))
    for lang, path in zip(langs, paths, strict=True):
        lines = []
        for f in ctype.fields:
            if f.name == "slug":
                value = slug
            elif f.name == "lang":
                value = lang
            elif f.name in values:
                value = values[f.name]
            elif f.required:
                value = ""
            else:
                continue
            lines.append(f"{f.name.capitalize()}: {value}".rstrip())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return paths


def site_languages() -> tuple[str, ...]:
    """The codes of the site's languages, the main one first: the local settings' LANGUAGES table."""
    settings = read_settings(CONFIG["settings_base"], CONFIG["content"])
    return tuple(row.code for row in languages.from_settings(settings))


def choice_fields() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every field with fixed choices, `(content type, field, choices)`; the language is one of them."""
    found = [("*", "lang", site_languages())]
    found += [(ct.name, f.name, f.choices) for ct in schema.CONTENT_TYPES for f in ct.fields if f.choices]
    return found


def field_hint(f: schema.Field, lang: str) -> str:
    """What goes into a field, in the editor's language: its choices, or its kind and an example."""
    if f.choices:
        return render(tr("one of: {choices}", choices=", ".join(f.choices)), lang)
    text, kind = (f.help_ko, f.kind.help_ko) if lang == "ko" else (f.help_en, f.kind.help_en)
    if f.kind.example != "…":  # a kind with a form to follow shows it
        kind += (", 예: " if lang == "ko" else ", e.g. ") + f.kind.example
    return f"{text} ({kind})"
