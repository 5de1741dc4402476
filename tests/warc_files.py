"""Small WARC files written with warcio itself, as a crawler writes them."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLE = (
    "<html><head><title>国产算力芯片出货增长</title></head><body><article>"
    "<h1>国产算力芯片出货增长</h1>"
    + "".join(
        f"<p>第{n}段：华为昇腾910B在多家云厂商的推理集群中部署，英伟达H20的供货仍然紧张，"
        "一台八卡服务器报价约一百万元，多家厂商表示将继续扩大采购规模。</p>"
        for n in range(1, 7)
    )
    + "</article></body></html>"
).encode("utf-8")


def write_warc(
    path: Path, records: list[tuple[str, str, int, str, bytes]], gzip: bool = True
) -> Path:
    """records: (record type, url, HTTP status, content type, body), all captured on WARC_DATE."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for rec_type, url, status, content_type, body in records:
            http = None
            if rec_type in ("response", "request"):
                line = f"{status} OK" if rec_type == "response" else f"GET {url} HTTP/1.1"
                http = StatusAndHeaders(
                    line,
                    [("Content-Type", content_type)] if rec_type == "response" else [],
                    protocol="HTTP/1.1" if rec_type == "response" else "",
                    is_http_request=rec_type == "request",
                )
            record = writer.create_warc_record(
                url,
                rec_type,
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": WARC_DATE},
            )
            writer.write_record(record)
    return path


WARC_DATE = "2024-03-15T08:00:00Z"


def news_warc(folder: Path) -> Path:
    """Two HTML articles among the records a news crawl also holds (request, PDF, 404)."""
    return write_warc(
        folder / "news-00000.warc.gz",
        [
            ("request", "https://news.example/a.html", 0, "", b""),
            ("response", "https://news.example/a.html", 200, "text/html; charset=utf-8", ARTICLE),
            ("response", "https://news.example/b.pdf", 200, "application/pdf", b"%PDF-1.7"),
            ("response", "https://news.example/gone.html", 404, "text/html", b"<html>404</html>"),
            (
                "response",
                "https://news.example/b.html",
                200,
                "text/html",
                ARTICLE.replace("第".encode(), "节".encode()),
            ),
        ],
    )
