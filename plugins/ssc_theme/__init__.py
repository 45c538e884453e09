"""The theme's build-time side: KRDS tokens (a task) and the web font subset (a build step).

`tokens` writes the committed token CSS from the KRDS package (`invoke tokens`); `fonts`
subsets the committed Pretendard GOV fonts to the characters of the built pages.
"""

from .plugin import register

__all__ = ["register"]
