"""Write captures as a gzipped WARC file (ISO 28500) with warcio, the same bytes on every run.

What would differ between two runs is fixed by the captures themselves: every record's date is
the one capture date given (the commit's), and its WARC-Record-ID is a name-based UUID (uuid5)
of the record's type, address, status and payload digest. warcio compresses each record with
zlib, whose gzip header carries no time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .captures import Capture

_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://forum.seoul.go.kr/ssc2020/#warc-record")


def record_id(*parts: str) -> str:
    """A WARC-Record-ID that depends only on `parts`."""
    return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, ' '.join(parts))}>"


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for `data` (SHA-1, base 32)."""
    digester = Digester("sha1")
    digester.update(data)
    return str(digester)


def _http_headers(capture: Capture, length: int, date: datetime) -> StatusAndHeaders:
    status = f"{capture.status} {HTTPStatus(capture.status).phrase}"
    headers = [("Date", format_datetime(date, usegmt=True))]
    if capture.location:
        headers.append(("Location", capture.location))
    if capture.content_type:
        headers.append(("Content-Type", capture.content_type))
    headers.append(("Content-Length", str(length)))
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def write_warc(
    out: BinaryIO, captures: Iterable[Capture], *, date: datetime, filename: str, info: Mapping[str, str]
) -> int:
    """Write a warcinfo record (`info` as its fields), then one record per capture; return the count.

    A capture with a body is a `response` record; one that repeats an earlier capture's file
    (`same_as`) a `revisit` record pointing at it (identical payload, no second copy); a
    redirect a `response` without a body.
    """
    date = date.astimezone(UTC)
    warc_date = datetime_to_iso_date(date.replace(tzinfo=None))
    writer = WARCWriter(out, gzip=True)
    fields = dict(info)
    warcinfo = writer.create_warcinfo_record(filename, fields)
    warcinfo.rec_headers.replace_header("WARC-Date", warc_date)
    warcinfo.rec_headers.replace_header(
        "WARC-Record-ID", record_id("warcinfo", filename, *(f"{k}={v}" for k, v in sorted(fields.items())))
    )
    writer.write_record(warcinfo)
    count = 1
    digests: dict[str, str] = {}
    for capture in captures:
        body = capture.source.read_bytes() if capture.source else b""
        digest = payload_digest(body)
        http = _http_headers(capture, len(body), date)
        rec_id = record_id("revisit" if capture.same_as else "response", capture.url, str(capture.status), digest)
        headers = {"WARC-Record-ID": rec_id, "WARC-Date": warc_date}
        if capture.same_as:
            if digests.get(capture.same_as) != digest:
                raise ValueError(f"{capture.url}: the capture it repeats ({capture.same_as}) is not written before it")
            record = writer.create_revisit_record(
                capture.url, digest, capture.same_as, warc_date, http_headers=http, warc_headers_dict=headers
            )
        else:
            record = writer.create_warc_record(
                capture.url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=headers,
            )
            digests[capture.url] = digest
        writer.write_record(record)
        count += 1
    return count


def write_warc_file(path: Path, captures: Iterable[Capture], *, date: datetime, info: Mapping[str, str]) -> int:
    """`write_warc` into the file `path` (its name is recorded in the warcinfo record)."""
    with path.open("wb") as out:
        return write_warc(out, captures, date=date, filename=path.name, info=info)
