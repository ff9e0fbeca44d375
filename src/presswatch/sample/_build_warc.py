"""Build warc/presswatch-sample.warc.gz from the HTML files under warc_src/.

Deterministic: the input files are read in sorted order, the URL is the
page's canonical link (or its entry in warc_src/captured-at.json), WARC-Date comes from
each page's article:modified_time (else published_time + 2 hours), and record
ids are UUID5s of the URL and the record type.  Besides one `response` record
per page it writes a `warcinfo` record, one `request` record and one
non-HTML `response` (a tiny PNG) that an ingester must skip.

    python _build_warc.py
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc_src"
OUT = HERE / "warc" / "presswatch-sample.warc.gz"
NS = uuid.UUID("6f1d3c2e-6b0a-4a53-9a43-7c1e5d0b2a10")
# pages captured at a URL other than the canonical one they declare (a partner's syndicated copy)
CAPTURED_AT = json.loads((SRC / "captured-at.json").read_text(encoding="utf-8"))

# 1x1 transparent PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def rid(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(NS, '|'.join(parts))}>"


def wdate(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(html: str, prop: str) -> str | None:
    m = re.search(r'<meta property="%s" content="([^"]+)">' % re.escape(prop), html)
    return m.group(1) if m else None


def http_date(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def main() -> None:
    pages = []
    for f in sorted(SRC.rglob("*.html")):
        html = f.read_text(encoding="utf-8")
        url = CAPTURED_AT.get(f.relative_to(SRC).as_posix()) or re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        mod = meta(html, "article:modified_time")
        when = datetime.fromisoformat(mod) if mod else datetime.fromisoformat(meta(html, "article:published_time")) + timedelta(hours=2)
        pages.append((when, url, html.encode("utf-8")))
    pages.sort(key=lambda p: (p[0], p[1]))

    OUT.parent.mkdir(exist_ok=True)
    with open(OUT, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        first = pages[0][0] - timedelta(minutes=5)
        info = w.create_warcinfo_record(OUT.name, {
            "software": "presswatch sample builder (_build_warc.py) with warcio",
            "format": "WARC File Format 1.0",
            "description": "Fictional demo corpus for presswatch; every page is invented.",
            "isPartOf": "presswatch-sample",
        })
        info.rec_headers.replace_header("WARC-Date", wdate(first))
        info.rec_headers.replace_header("WARC-Record-ID", rid("warcinfo", OUT.name))
        w.write_record(info)

        for i, (when, url, body) in enumerate(pages):
            resp_id = rid("response", url, wdate(when))
            if i == 0:
                # one request record, as a crawler would write before the response
                host = url.split("/")[2]
                path = "/" + url.split("/", 3)[3]
                req_headers = StatusAndHeaders(f"GET {path} HTTP/1.1", [
                    ("Host", host), ("User-Agent", "presswatch-sample/1.0"),
                    ("Accept", "text/html")], is_http_request=True)
                req = w.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=req_headers,
                                           warc_headers_dict={"WARC-Date": wdate(when),
                                                              "WARC-Record-ID": rid("request", url, wdate(when)),
                                                              "WARC-Concurrent-To": resp_id})
                w.write_record(req)
            headers = StatusAndHeaders("200 OK", [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Date", http_date(when)),
                ("Server", "nginx")], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": wdate(when), "WARC-Record-ID": resp_id})
            w.write_record(rec)
            if i == 0:
                # a non-HTML response the ingester must skip
                img_url = "/".join(url.split("/")[:3]) + "/static/img/logo.png"
                img_headers = StatusAndHeaders("200 OK", [
                    ("Content-Type", "image/png"), ("Content-Length", str(len(PNG))),
                    ("Date", http_date(when))], protocol="HTTP/1.1")
                img = w.create_warc_record(img_url, "response", payload=BytesIO(PNG), http_headers=img_headers,
                                           warc_headers_dict={"WARC-Date": wdate(when),
                                                              "WARC-Record-ID": rid("response", img_url)})
                w.write_record(img)
    print(f"{OUT.relative_to(HERE)}: {len(pages)} HTML pages")


if __name__ == "__main__":
    main()
