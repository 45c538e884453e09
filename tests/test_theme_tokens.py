"""The committed KRDS token file is what `invoke tokens` makes from the pinned krds-uiux package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ssc_theme import tokens

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "krds-uiux"
COMMITTED = ROOT / "theme" / "static" / "css" / "tokens.css"


@pytest.fixture(scope="module")
def package() -> Path:
    """The installed KRDS package; outside CI a missing node_modules skips (CI installs it)."""
    if not (PACKAGE / "package.json").is_file():
        if os.environ.get("CI"):
            pytest.fail("node_modules/krds-uiux is missing in CI: run `npm ci`")
        pytest.skip("node_modules/krds-uiux is not installed (npm ci)")
    return PACKAGE


def test_committed_tokens_are_current(package: Path, tmp_path: Path) -> None:
    """Regenerating the tokens gives the committed file byte for byte (else run `invoke tokens`)."""
    fresh = tokens.write_tokens(package, tmp_path / "tokens.css").read_text(encoding="utf-8")
    assert COMMITTED.read_text(encoding="utf-8") == fresh, (
        "theme/static/css/tokens.css is stale: run `python3 make.py tokens` and commit it"
    )


def test_tokens_resolve_to_values_and_convert_rems(package: Path) -> None:
    """References are followed to final values, and KRDS's 10px rems become 16px rems."""
    css = tokens.render(package)
    assert "var(" not in css
    assert "--krds-color-button-primary-fill: #256ef4;" in css  # KRDS primary 50
    assert "--krds-font-size-body-medium: 1.0625rem;" in css  # 1.7rem of a 10px root = 17px
    assert "@media (prefers-contrast: more)" in css


def test_missing_token_is_named(tmp_path: Path) -> None:
    """A token the theme needs but the package lacks stops the task with its name."""
    (tmp_path / "resources/css/token").mkdir(parents=True)
    (tmp_path / "resources/css/token/krds_tokens.css").write_text(":root { --krds-number-1: 0.1rem; }")
    (tmp_path / "package.json").write_text('{"version": "0"}')
    with pytest.raises(tokens.TokenError, match="--krds-light-color-text-basic"):
        tokens.render(tmp_path)


def test_rem_conversion() -> None:
    """Sizes keep their pixel value: 10px-root rems to 16px-root rems."""
    assert tokens.to_root_16("1.6rem") == "1rem"
    assert tokens.to_root_16("0rem") == "0rem"
    assert tokens.to_root_16("2.4rem") == "1.5rem"
