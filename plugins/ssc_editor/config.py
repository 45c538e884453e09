"""The editor's configuration (`admin/config.yml`), generated from `ssc_forum.schema`.

One collection per content type, every field with the widget its kind asks for, its required
flag and its help in Korean and English. Both languages are twin files (`sessions/keynote.ko.md`
and `sessions/keynote.en.md`): Decap's `i18n: structure: multiple_files`. Fields the twins
share (`Field.shared`) are entered once and copied into both files (`i18n: duplicate`); the
others are written per language. Files are read and written in Pelican's `Field: value` header
format by `static/pelican-format.js`, which gets the field list from `schema.js`, written here too.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ssc_forum import languages, schema

FORMAT = "pelican"
"""The name the custom file format is registered under (`static/pelican-format.js`)."""

LOCAL_BACKEND_HOST = "127.0.0.1"
LOCAL_BACKEND_PORT = 8081
"""Where `make.py edit` runs the local backend (decap-server's own default port; EDITOR's
`local_backend_port` changes it)."""

LANG_WIDGET = "ssc-lang"
"""The widget that fills a file's `Lang:` with the language of its side of the editor."""

DEFAULT_EDITOR: dict[str, Any] = {
    "enabled": True,
    # A Git host the editor commits to: see README, "Editing in the browser". Without a repository
    # only the local backend (`make.py edit`) works.
    "backend": {"name": "gitlab", "repo": "", "branch": "main", "auth_type": "pkce", "app_id": ""},
    "local_backend": True,
    "local_backend_port": 8081,
    # Each change becomes a merge (pull) request that the pipeline checks and previews; merging
    # publishes it. The local backend writes files directly instead (decap-server's fs mode).
    "publish_mode": "editorial_workflow",
}
"""The `EDITOR` setting's defaults (pelicanconf.py); publishconf.py turns the editor off."""


def editor_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The EDITOR setting with every default filled in (a boolean only switches it on or off)."""
    raw = settings.get("EDITOR", DEFAULT_EDITOR)
    if isinstance(raw, bool):
        return {**DEFAULT_EDITOR, "enabled": raw}
    return {**DEFAULT_EDITOR, **raw}


def collection_name(ct: schema.ContentType) -> str:
    """The collection of a content type: its folder's name (`sessions`, `speakers`, …)."""
    return ct.folder


def hint(help_ko: str, help_en: str) -> str:
    """The help shown under a field: Korean first (the interface's language), then English."""
    return f"{help_ko} · {help_en}"


def field_config(ct: schema.ContentType, f: schema.Field) -> dict[str, Any]:
    """One field of a collection: widget from the field's kind, required flag, help, languages."""
    out: dict[str, Any] = {
        "name": f.name,
        "label": f.name.capitalize(),
        "required": f.required,
        "hint": hint(f.help_ko, f.help_en),
        # The slug names both twin files: one value for both languages.
        "i18n": "duplicate" if f.shared or f.kind is schema.SLUG and f.name == "slug" else True,
    }
    kind = f.kind
    if f.choices:
        out.update(widget="select", options=list(f.choices))
        if len(f.choices) == 1:
            out["default"] = f.choices[0]
    elif kind is schema.LANG:
        out.update(widget=LANG_WIDGET)
    elif kind is schema.DATE:
        out.update(widget="datetime", format="YYYY-MM-DD", date_format="YYYY-MM-DD", time_format=False)
    elif kind is schema.TIME:
        out.update(widget="datetime", format="HH:mm", date_format=False, time_format="HH:mm")
    elif kind is schema.INT:
        out.update(widget="number", value_type="int", min=1, max=9999, step=1)
    elif kind is schema.IMAGE:
        out.update(widget="image", choose_url=False, allow_multiple=False)
    elif kind in (schema.SLUG, schema.SLUGS) and f.refers_to in schema.BY_NAME:
        target = schema.BY_NAME[f.refers_to]
        out.update(
            widget="relation",
            collection=collection_name(target),
            value_field="slug",
            search_fields=["title", "slug"],
            display_fields=["title"],
            multiple=kind is schema.SLUGS,
        )
    elif kind in (schema.SLUG, schema.SLUGS):
        out.update(widget="string", pattern=[schema.SLUG_RE.pattern, f"{kind.help_ko} (예: {kind.example})"])
    else:
        out.update(widget="string")
    return out


def collection_config(ct: schema.ContentType) -> dict[str, Any]:
    """The collection of one content type, its fields in the schema's order, then the body."""
    fields = [field_config(ct, f) for f in ct.fields]
    fields.append(
        {
            "name": "body",
            "label": "Body",
            "widget": "markdown",
            "required": False,
            "hint": hint(ct.body_help_ko, ct.body_help_en),
            "i18n": True,
        }
    )
    return {
        "name": collection_name(ct),
        "label": ct.label_ko,
        "label_singular": ct.label_ko,
        "description": ct.label_en,
        "folder": f"content/{ct.folder}",
        "format": FORMAT,
        "extension": "md",
        "create": True,
        # The file name is the slug field as typed; the content check refuses one that is no slug.
        "slug": "{{fields.slug}}",
        "identifier_field": "title",
        # In a summary `{{slug}}` is Decap's identifier (the title again); the field is `{{fields.slug}}`.
        "summary": "{{title}} ({{fields.slug}})",
        "i18n": True,
        "fields": fields,
    }


def editor_config(settings: dict[str, Any]) -> dict[str, Any]:
    """The whole configuration Decap reads from `admin/config.yml`."""
    editor = editor_settings(settings)
    codes = [row.code for row in languages.from_settings(settings)]
    backend = {k: v for k, v in editor["backend"].items() if v not in ("", None)}
    config: dict[str, Any] = {
        "locale": "ko",
        "backend": backend,
        "publish_mode": editor["publish_mode"],
        "media_folder": "content/images",
        "public_folder": "images",
        # The site's languages (the settings' table), each a file; the interface stays Korean ("locale").
        "i18n": {"structure": "multiple_files", "locales": codes, "default_locale": codes[0]},
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": [collection_config(ct) for ct in schema.CONTENT_TYPES],
    }
    if editor["local_backend"]:
        # Used only when the editor is opened from 127.0.0.1 or localhost (`make.py edit`).
        config["local_backend"] = {"url": f"http://{LOCAL_BACKEND_HOST}:{editor['local_backend_port']}/api/v1"}
    return config


def config_yaml(settings: dict[str, Any]) -> str:
    """`admin/config.yml`: the configuration as YAML, keys in the order written."""
    return (
        "# Written by the build from plugins/ssc_forum/schema.py: change the schema, not this file.\n"
        + yaml.safe_dump(editor_config(settings), allow_unicode=True, sort_keys=False, width=120)
    )


def format_schema() -> dict[str, Any]:
    """What the file format needs to know: each field's header name, in order, and its value's shape."""
    order: list[str] = []
    lists: set[str] = set()
    ints: set[str] = set()
    for ct in schema.CONTENT_TYPES:
        for f in ct.fields:
            if f.name not in order:
                order.append(f.name)
            if f.kind is schema.SLUGS:
                lists.add(f.name)
            if f.kind is schema.INT:
                ints.add(f.name)
    return {
        "order": order,
        "lists": sorted(lists),
        "ints": sorted(ints),
        "types": {ct.folder: [f.name for f in ct.fields] for ct in schema.CONTENT_TYPES},
    }


def schema_js() -> str:
    """`admin/schema.js`: the format's field list as a script (the editor's CSP allows no inline script)."""
    return (
        "// Written by the build from plugins/ssc_forum/schema.py.\n"
        f"globalThis.SSC_SCHEMA = {json.dumps(format_schema(), ensure_ascii=False, sort_keys=True)};\n"
    )
