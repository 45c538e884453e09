"""ssc_forum: the programme of the Seoul Smart City Leaders Forum as one model, with its pages and exports."""

from typing import Any

from .plugin import register

__all__ = ["ParallelPelican", "register"]


def __getattr__(name: str) -> Any:
    # Pelican finds the setting PELICAN_CLASS = "ssc_forum.ParallelPelican" on the top package. Loaded
    # on that first look rather than here, so that `python -m ssc_forum.parallel` (the build) does not
    # find its own module imported before it runs (runpy warns, and the warning ends the build's output).
    if name == "ParallelPelican":
        from .parallel import ParallelPelican

        return ParallelPelican
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
