"""The web archive of the published site: one WACZ package, for archives and libraries.

Tooling for `tasks.py` (`invoke archive`), never loaded by Pelican. `contenttypes` reads the
Content-Type of each file from the shipped nginx configuration; `captures` turns a built tree
into what a crawler of the live site would have recorded; `warc` writes those as WARC records
(warcio); `pages` lists the HTML pages with their titles and languages; `provenance` says which
commit and date a package comes from; `package` puts it all into a WACZ with py-wacz, makes it
reproducible, validates it and puts it in place all at once.
"""
