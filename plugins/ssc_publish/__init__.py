"""Finishing the built site inside the Pelican build.

The Pelican hooks live in `plugin`: the sitemap, robots.txt and the
precompressed `.gz` files. Publishing a built tree is `ssc_deploy`'s concern.
"""

from .plugin import register

__all__ = ["register"]
