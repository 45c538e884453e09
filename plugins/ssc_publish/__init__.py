"""Finishing, checking and publishing the built site.

The Pelican hooks (sitemap, robots.txt, precompressed files) live in `plugin`;
the other modules are used by `tasks.py` and the tests: `deploy` swaps trees
and switches releases, `sanity` checks a built tree, `devserver` serves one,
`nginx` renders the shipped nginx configuration.
"""

from .plugin import register

__all__ = ["register"]
