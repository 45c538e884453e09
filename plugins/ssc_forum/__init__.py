"""ssc_forum: the programme of the Seoul Smart City Leaders Forum as one model, with its pages and exports."""

from .parallel import ParallelPelican  # named by the setting PELICAN_CLASS = "ssc_forum.ParallelPelican"
from .plugin import register

__all__ = ["ParallelPelican", "register"]
