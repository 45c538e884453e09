"""Write the editor into `admin/` of a preview build (the published build carries none of it).

Decap CMS's prebuilt bundle comes from the pinned npm package (`node_modules/decap-cms/dist`)
and is served from the site itself; `config.yml` and `schema.js` are generated from the schema.
Runs after ssc_publish has finished the tree, so nothing of it is fingerprinted, compressed or
referred to by a public page.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from pelican import signals

from ssc_forum.settings import finishes_tree

from .config import config_yaml, editor_settings, schema_js

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parent / "static"
BUNDLE = PROJECT / "node_modules" / "decap-cms" / "dist"
"""Decap CMS as npm ships it: `decap-cms.js`, the chunks it loads by name, and their WebAssembly."""

INDEX_HTML = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>콘텐츠 편집 · 2020 서울 스마트시티 리더스 포럼</title>
</head>
<body>
<script src="manual-init.js"></script>
<script src="decap-cms.js"></script>
<script src="schema.js"></script>
<script src="pelican-format.js"></script>
<script src="init.js"></script>
</body>
</html>
"""


def bundle_files(bundle: Path = BUNDLE) -> list[Path]:
    """The files of Decap's bundle the editor loads: the entry script, its chunks and WebAssembly."""
    names = sorted(bundle.glob("*decap-cms.js")) + sorted(bundle.glob("*.wasm"))
    return [p for p in names if p.is_file()]


def write_admin(root: Path, settings: dict[str, Any], bundle: Path = BUNDLE) -> Path:
    """Write the editor into `root/admin/` and return that folder."""
    admin = root / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    (admin / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (admin / "config.yml").write_text(config_yaml(settings), encoding="utf-8")
    (admin / "schema.js").write_text(schema_js(), encoding="utf-8")
    for name in ("manual-init.js", "pelican-format.js", "init.js"):
        shutil.copyfile(STATIC / name, admin / name)
    files = bundle_files(bundle)
    if not files:
        log.warning(
            "ssc_editor: %s holds no Decap CMS bundle (run npm ci): /admin/ will not start",
            bundle.relative_to(PROJECT) if bundle.is_relative_to(PROJECT) else bundle,
        )
    for src in files:
        shutil.copyfile(src, admin / src.name)
    return admin


def add_editor(pelican_obj: Any) -> None:
    """On the main site's last signal: write `admin/` when the EDITOR setting turns the editor on."""
    settings = pelican_obj.settings
    if not finishes_tree(settings, __name__) or not editor_settings(settings)["enabled"]:
        return
    write_admin(Path(pelican_obj.output_path), settings)


def register() -> None:
    """Connect the plugin to Pelican."""
    signals.finalized.connect(add_editor)
