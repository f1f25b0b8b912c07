"""The RESP encoder and parser of the pipelined Redis client (no server needed)."""

from __future__ import annotations

import pytest

from adapters.redis.pipelined import INCOMPLETE, ReplyError, encode, parse


def test_encode_writes_a_bulk_string_array() -> None:
    assert encode("EXISTS", "k:1") == b"*2\r\n$6\r\nEXISTS\r\n$3\r\nk:1\r\n"
    assert encode("SELECT", 3) == b"*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
    # lengths count bytes, not characters
    assert encode("GET", "键") == b"*2\r\n$3\r\nGET\r\n$3\r\n\xe9\x94\xae\r\n"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b":1\r\n", 1),
        (b":-42\r\n", -42),
        (b"+OK\r\n", b"OK"),
        (b"$5\r\nhello\r\n", b"hello"),
        (b"$0\r\n\r\n", b""),
        (b"$-1\r\n", None),
        (b"*-1\r\n", None),
        (b"*2\r\n:1\r\n$2\r\nab\r\n", [1, b"ab"]),
        (b"*2\r\n*1\r\n+x\r\n$-1\r\n", [[b"x"], None]),
        (b"$4\r\na\r\nb\r\n", b"a\r\nb"),  # a bulk string may hold CRLF
    ],
)
def test_parse_reads_each_reply_kind_whole(raw: bytes, value: object) -> None:
    assert parse(raw) == (value, len(raw))


def test_an_error_reply_is_returned_not_raised() -> None:
    value, pos = parse(b"-WRONGPASS invalid password\r\n")
    assert isinstance(value, ReplyError) and "WRONGPASS" in str(value)
    assert pos == len(b"-WRONGPASS invalid password\r\n")


@pytest.mark.parametrize(
    "raw", [b":12\r\n", b"$5\r\nhello\r\n", b"*2\r\n:1\r\n$2\r\nab\r\n", b"$4\r\na\r\nb\r\n"]
)
def test_a_reply_cut_anywhere_is_incomplete_until_its_last_byte(raw: bytes) -> None:
    for cut in range(len(raw)):
        assert parse(raw[:cut]) == (INCOMPLETE, 0), cut
    assert parse(raw)[0] is not INCOMPLETE


def test_replies_are_read_one_after_the_other_from_a_position() -> None:
    buf = b":1\r\n:0\r\n$1\r\nx"
    first, pos = parse(buf)
    second, pos2 = parse(buf, pos)
    third, pos3 = parse(buf, pos2)
    assert (first, second, third) == (1, 0, INCOMPLETE)
    assert pos3 == pos2  # an incomplete reply does not move the position


def test_a_stream_that_is_not_resp_is_refused() -> None:
    with pytest.raises(ConnectionError):
        parse(b"HTTP/1.1 400 Bad Request\r\n")
