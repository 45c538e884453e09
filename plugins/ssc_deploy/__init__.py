"""The work behind `tasks.py` and the pipeline, never run by Pelican itself.

`project` knows the checkout (its folders, settings files and a build of it) for the tasks;
`publishing`, `livepreview`, `webarchive`, `catalogues` and `scaffold` are what the `publish` and
`rollback`, `livereload` and `edit`, `archive`, `translations` and `new` tasks do.

`deploy` puts one publish together: `locks` (one publish per target, leftovers, signals),
`manifest` (each tree's files and their SHA-256), `swap` (a local folder swapped by rename, with
rollback) and `releases` (an rsync target's releases and `current` link), all raising `errors`.
`sanity` checks a built tree before it is published; `guard` runs a build as a process group that
stops with its parent; `devserver` serves a build for previews and the browser tests; `nginx`
renders and runs the shipped nginx configuration; `smoke` checks the live site; `ci_reports`
writes content problems as CI annotations; `screenshots` photographs every page kind.
"""
