"""Content problems in the forms CI servers show on a pull or merge request.

- GitHub Actions reads workflow commands from a step's output: one
  `::error file=…,line=…,title=…::message` line per problem puts the message on that line
  of the pull request's diff.
- GitLab reads a Code Quality report (a JSON list) named in the job's
  `artifacts:reports:codequality`, and shows each entry on the merge request.

Both take the forum plugin's `Problem`s (`path`, `field`, `message`, `line`) and show their text in
the editor's language, the same words as the check's own lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Protocol

from ssc_forum.problems import printable


class ProblemLike(Protocol):
    """What a report needs of a content problem (`ssc_forum.problems.Problem`)."""

    path: str
    field: str | None
    line: int | None

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language)."""
        ...

    def field_label(self, lang: str | None = None) -> str:
        """`field 'name'` in `lang`, or "" for a problem of the whole file."""
        ...


def escape_data(value: str) -> str:
    """Escape a workflow command's message: `%`, CR and LF (GitHub's own rules), and what a terminal runs.

    The log is shown in a terminal and a browser: an escape sequence or a direction override
    from a file name would act there. Every other character that does not print is written as
    its Python escape (`\\x1b`, `\\u202e`) by the content check's own function.
    """
    value = printable(value, keep="\r\n")
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value: as a message, and `:` and `,` too."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _title(problem: ProblemLike) -> str:
    return problem.field_label() or "content"


def _message(problem: ProblemLike) -> str:
    return f"{problem.field_label()}: {problem.text()}" if problem.field else problem.text()


def github_annotations(problems: Iterable[ProblemLike]) -> list[str]:
    """One `::error` workflow command per problem."""
    lines = []
    for p in problems:
        props = [f"file={escape_property(p.path)}"]
        if p.line:
            props.append(f"line={p.line}")
        props.append(f"title={escape_property(_title(p))}")
        lines.append(f"::error {','.join(props)}::{escape_data(_message(p))}")
    return lines


def fingerprint(problem: ProblemLike) -> str:
    """A stable id of a problem for GitLab: the same problem gets the same id on every run.

    The line is left out, so an edit above a problem does not make it look new, and the text is
    the English one, so a run in another language does not either.
    """
    key = "\0".join((problem.path, problem.field or "", problem.text("en")))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def gitlab_code_quality(problems: Iterable[ProblemLike]) -> list[dict]:
    """The Code Quality report entries, one per problem (severity `major`: it fails the build)."""
    return [
        {
            "description": _message(p),
            "check_name": f"content-{p.field}" if p.field else "content",
            "fingerprint": fingerprint(p),
            "severity": "major",
            "location": {"path": p.path, "lines": {"begin": p.line or 1}},
        }
        for p in problems
    ]


def gitlab_report_json(problems: Iterable[ProblemLike]) -> str:
    """The Code Quality report as the JSON text GitLab reads."""
    return json.dumps(gitlab_code_quality(problems), ensure_ascii=False, indent=2) + "\n"
