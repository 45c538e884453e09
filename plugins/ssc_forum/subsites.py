"""The one place that reaches into pelican-i18n-subsites' internals, and why.

i18n-subsites builds each language's sub-site inside the main site's run and keeps its queue of
sub-sites in module globals. It offers no hook for two things the forum needs:

- a build stopped by bad content never reaches the point where the plugin clears its queue, so
  the next build in the same process (`invoke regenerate`, the edit loop, the tests) would
  inherit a stale one: `forget_unfinished` clears it;
- it installs a language's template translations only after every generator has read, while the
  forum renders shortcodes (timetables, players) while it reads: `install_translations` does it
  earlier for one generator, with the plugin's own function.

Without the plugin both do nothing.
"""

from __future__ import annotations

from typing import Any


def forget_unfinished() -> None:
    """Let the next build in this process start afresh after a failed one."""
    try:
        from pelican.plugins.i18n_subsites import i18n_subsites
    except ImportError:
        return
    i18n_subsites._MAIN_SETTINGS = None


def install_translations(generator: Any) -> None:
    """The theme's translations for this generator's language, as i18n-subsites installs them before writing."""
    try:
        from pelican.plugins.i18n_subsites import i18n_subsites
    except ImportError:
        return
    i18n_subsites.install_templates_translations(generator)
