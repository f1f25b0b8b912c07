"""The rich-text sanitiser against XSS payloads: each is stripped, formatting is kept."""

from __future__ import annotations

import re

import pytest

from adapters.html.sanitizer import Nh3HtmlSanitizer, clean_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)//",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    '<p><b onclick="alert(1)">x</b></p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<span class="el-overlay">cover the page</span>',
]

# What must never survive, whatever the payload.
DANGER = re.compile(
    r"<script|<style|<svg|<iframe|<object|<embed|<form|<meta|<base|\son\w+\s*=|style\s*="
    r"|javascript:|vbscript:|data:text|expression\(|el-overlay",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_stripped(payload: str) -> None:
    cleaned = clean_html(payload)
    assert DANGER.search(cleaned) is None, cleaned
    assert clean_html(cleaned) == cleaned  # sanitising what is stored changes nothing


def test_the_editor_formatting_is_kept() -> None:
    html = (
        "<h1>Title</h1><h4>Sub</h4><p>a <strong>b</strong> <em>c</em> <u>d</u> <s>e</s>"
        "<br><code>f</code></p><ul><li>g</li></ul><ol><li>h</li></ol>"
        '<blockquote>i</blockquote><pre><code class="language-python">j</code></pre>'
        '<table><thead><tr><th colspan="2">k</th></tr></thead><tbody><tr><td>l</td>'
        "<td>m</td></tr></tbody></table>"
        '<p><span class="highlight">n</span><img src="https://img.example/a.png" alt="o"></p>'
    )
    assert clean_html(html) == html


def test_links_get_noopener_and_lose_their_target() -> None:
    cleaned = clean_html('<a href="https://ok.example/" title="t" target="_blank">x</a>')
    assert cleaned == ('<a href="https://ok.example/" title="t" rel="noopener noreferrer">x</a>')
    relative = clean_html('<a href="/api/v1/system/file/1">file</a>')
    assert 'href="/api/v1/system/file/1"' in relative


def test_an_inline_raster_image_is_kept_but_not_an_svg_one() -> None:
    png = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert clean_html(png) == png
    assert "src" not in clean_html('<img src="data:image/svg+xml,<svg onload=alert(1)>">')
    assert "src" not in clean_html('<img src="data:text/html,<script>alert(1)</script>">')


async def test_the_port_cleans_off_the_event_loop() -> None:
    sanitizer = Nh3HtmlSanitizer()
    assert await sanitizer.clean("<p>x<script>y</script></p>") == "<p>x</p>"
    assert await sanitizer.clean("") == ""
