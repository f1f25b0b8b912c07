"""The built dashboard's files: precompressed copies when the client accepts them, cached for a
year under /assets, index.html always revalidated; nginx is configured the same way."""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import App, settings_for
from tests.integration.processes import NginxProcess
from tests.integration.services import missing

ROOT = Path(__file__).resolve().parents[2]
JS = b"export const answer = 42;\n" * 200
YEAR = "public, max-age=31536000, immutable"
NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def dashboard(db_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[App]:
    """An app serving a built dashboard with gzip and brotli copies of its script."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/a.js">')
    (dist / "assets" / "a.js").write_bytes(JS)
    (dist / "assets" / "a.js.gz").write_bytes(gzip.compress(JS))
    (dist / "assets" / "a.js.br").write_bytes(b"brotli bytes stand-in")
    (dist / "assets" / "b.css").write_text("body{}")  # too small: no copies
    settings = settings_for(db_url, redis_url, redis_prefix).model_copy(
        update={"frontend_dist": str(dist)}
    )
    with App(settings) as app:
        yield app


def raw(
    app: App, path: str, accept_encoding: str, accept: str = "*/*"
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (not decoded by the client)."""
    headers = {"Accept-Encoding": accept_encoding, "Accept": accept}
    with app.client.stream("GET", path, headers=headers) as r:
        return r.status_code, dict(r.headers), b"".join(r.iter_raw())


def test_an_asset_is_sent_gzipped_only_to_a_client_that_accepts_gzip(dashboard: App) -> None:
    status, headers, body = raw(dashboard, "/assets/a.js", "gzip, deflate")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert headers["cache-control"] == YEAR
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert int(headers["content-length"]) == len(body) < len(JS)
    assert gzip.decompress(body) == JS

    status, headers, body = raw(dashboard, "/assets/a.js", "identity")
    assert status == 200
    assert "content-encoding" not in headers
    assert "Accept-Encoding" in headers["vary"]
    assert headers["cache-control"] == YEAR
    assert body == JS

    _, headers, body = raw(dashboard, "/assets/a.js", "")
    assert "content-encoding" not in headers and body == JS
    _, headers, body = raw(dashboard, "/assets/a.js", "gzip;q=0, br;q=0")
    assert "content-encoding" not in headers and body == JS


def test_brotli_is_preferred_when_accepted(dashboard: App) -> None:
    _, headers, body = raw(dashboard, "/assets/a.js", "gzip, deflate, br, zstd")
    assert headers["content-encoding"] == "br"
    assert body == b"brotli bytes stand-in"
    _, headers, _ = raw(dashboard, "/assets/a.js", "br;q=0, *")
    assert headers["content-encoding"] == "gzip"


def test_files_without_copies_and_the_page_itself(dashboard: App) -> None:
    _, headers, body = raw(dashboard, "/assets/b.css", "gzip, br")
    assert "content-encoding" not in headers
    assert "Accept-Encoding" not in headers.get("vary", "")
    assert headers["cache-control"] == YEAR and body == b"body{}"
    for path in ("/", "/login", "/index.html"):
        # As a browser navigates: a path the dashboard routes itself gets its page.
        status, headers, body = raw(dashboard, path, "gzip, br", accept=NAVIGATION)
        assert status == 200, path
        assert headers["cache-control"] == "no-cache", path
        assert body.startswith(b"<!doctype html>"), path
    # A script or a fetch asking for a file that is not there gets a 404, not the page.
    for path in ("/assets/gone.js", "/login"):
        status, headers, body = raw(dashboard, path, "gzip, br")
        assert status == 404, path
        assert "immutable" not in headers.get("cache-control", ""), path
    # Unknown API paths are the API's 404 even to a browser.
    status, _, body = raw(dashboard, "/api/v1/no-such-route", "", accept=NAVIGATION)
    assert status == 404 and b'"not_found"' in body


def test_nginx_sends_the_precompressed_files_with_the_same_caching() -> None:
    conf = (ROOT / "config" / "nginx.conf").read_text("utf-8")
    assets = re.search(r"location /assets/ \{(.*?)\n    \}", conf, re.S)
    assert assets, "nginx.conf has a location for /assets/"
    assert re.search(r"^\s*gzip_static on;", conf, re.M)
    assert "gzip_vary on;" in conf
    assert f'add_header Cache-Control "{YEAR}"' in assets.group(1)
    index = re.search(r"location = /index.html \{(.*?)\n    \}", conf, re.S)
    assert index and 'add_header Cache-Control "no-cache"' in index.group(1)


def test_nginx_sends_the_builds_gzip_copy_and_caches_assets_for_a_year(tmp_path: Path) -> None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        missing("nginx")
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>x</title>")
    (dist / "assets" / "a.js").write_bytes(JS)
    # Not what nginx would make of a.js: proves the copy on disk is the one sent.
    copy = JS + b"// the build's copy\n"
    (dist / "assets" / "a.js.gz").write_bytes(gzip.compress(copy))
    with NginxProcess(tmp_path, dist, ["127.0.0.1:9"]) as nginx:
        nginx.start()
        with httpx.Client(base_url=nginx.url, timeout=10) as c:
            with c.stream("GET", "/assets/a.js", headers={"Accept-Encoding": "gzip"}) as r:
                body = b"".join(r.iter_raw())
                assert r.status_code == 200
                assert r.headers["content-encoding"] == "gzip"
                assert "Accept-Encoding" in r.headers["vary"]
                assert r.headers["cache-control"] == YEAR
                assert gzip.decompress(body) == copy
            with c.stream("GET", "/assets/a.js", headers={"Accept-Encoding": "identity"}) as r:
                assert "content-encoding" not in r.headers
                assert r.headers["cache-control"] == YEAR
                assert b"".join(r.iter_raw()) == JS
            page = c.get("/login", headers={"Accept-Encoding": "identity"})
            assert page.status_code == 200
            assert page.headers["cache-control"] == "no-cache"
