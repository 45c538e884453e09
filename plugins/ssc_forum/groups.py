"""Speakers in programme order, grouped by the session they spoke in, for the speaker lists.

Both languages list the speakers in the same order, which the programme decides and not a
name's spelling: the keynote first (it opens the conference and frames the forum), then every
other session in its running order, each with its speakers and then its hosts. A person who
appears in more than one session is listed with the first; anyone in no session comes last.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Programme, Session, Speaker


@dataclass(frozen=True)
class SpeakerGroup:
    """The people of one session (`session` is None for those in no session), in programme order."""

    session: Session | None
    people: tuple[Speaker, ...]


def _session_order(programme: Programme) -> list[Session]:
    keynotes = [s for s in programme.sessions if s.kind == "keynote"]
    return keynotes + [s for s in programme.sessions if s.kind != "keynote"]


def speaker_groups(programme: Programme) -> list[SpeakerGroup]:
    """The programme's speakers grouped by session, keynote first; sessions without people left out."""
    seen: set[str] = set()
    groups: list[SpeakerGroup] = []
    for session in _session_order(programme):
        people = []
        for person in session.speakers + session.hosts:
            if person.slug not in seen:
                seen.add(person.slug)
                people.append(person)
        if people:
            groups.append(SpeakerGroup(session, tuple(people)))
    rest = tuple(p for p in programme.speakers if p.slug not in seen)
    if rest:
        groups.append(SpeakerGroup(None, rest))
    return groups


def speakers_in_order(programme: Programme) -> list[Speaker]:
    """Every speaker once, in the order of `speaker_groups`."""
    return [person for group in speaker_groups(programme) for person in group.people]
