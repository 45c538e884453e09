"""Publishing tooling used by `tasks.py` and the pipeline, never by Pelican itself.

`project` knows the checkout (its folders, settings files and a build of it) for the tasks;
`publishing` is what the `publish` task does.

`deploy` swaps a built tree into a served folder or uploads a release over
rsync and switches to it (with rollback); `sanity` checks a built tree before it
is published; `guard` runs a build as a process group that stops with its
parent; `devserver` serves a build for previews and the browser tests;
`nginx` renders and runs the shipped nginx configuration.
"""
