"""ssc_forum: the programme of the Seoul Smart City Leaders Forum as one model, with its pages and exports."""

from .plugin import register

__all__ = ["register"]
