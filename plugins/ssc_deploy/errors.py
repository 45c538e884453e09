"""What stops a publish or a rollback: one family of exceptions, each saying what was left as it was."""

from __future__ import annotations

import signal

from ssc_forum.messages import tr


class PublishError(RuntimeError):
    """Publishing stopped; what is served was left as it was."""


class PublishBusy(PublishError):
    """Another publish (or rollback) of the same target holds its lock."""


class CheckFailed(PublishError):
    """The built tree did not pass its check; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(tr("{count} problem(s) in the built site", count=len(problems)))
        self.problems = problems


class Unfinished(PublishError):
    """The new tree is served, but what follows the swap failed; the next publish or rollback finishes it."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; `published` says whether the new tree was already swapped in.

    A BaseException, as KeyboardInterrupt is: code that turns any `Exception` into a message
    (a content check, a plug-in) must not swallow a stop.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.published = False
        super().__init__(tr("stopped by {signal}", signal=signal.Signals(signum).name))
