"""The web editor at `/admin/`: Decap CMS, configured from the forum's schema (see `config.py`)."""

from .plugin import register

__all__ = ["register"]
