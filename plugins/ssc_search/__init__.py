"""Full-text search for the built site: a Pagefind index per language."""

from .plugin import register

__all__ = ["register"]
