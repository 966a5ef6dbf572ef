"""The one redaction and the one terminal sanitiser (ukic.redact), and the places that apply them."""

from __future__ import annotations

import html
import io
import json

import pytest

from ukic.redact import (
    REDACTED,
    GuardedStream,
    error_line,
    file_text,
    printable,
    redact,
    redact_data,
    remember_secret,
    strip_secret_payload,
)

KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oqB\n-----END EC PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Invalid header value b'Bearer abc.def-123\\n'", f"Invalid header value b'Bearer {REDACTED}\\n'"),
        ("{'Authorization': 'Basic dXNlcjpwYXNz'}", f"{{'Authorization': '{REDACTED}'}}"),
        ("Proxy-Authorization: Basic dXNlcjpwYXNz", f"Proxy-Authorization: {REDACTED}"),
        ("proxy http://admin:hunter2@proxy:3128 refused", "proxy http://proxy:3128 refused"),
        ("https://user:s3cret@[2a0a::1]:6443/api", "https://[2a0a::1]:6443/api"),
        ("https://TOKEN123@github.com/x", "https://github.com/x"),
        ("ssh://root@router1", "ssh://root@router1"),  # a user name alone is no secret
        ("ssh://root:pw@router1", "ssh://router1"),
        ("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl used", f"token {REDACTED} used"),
        ("password=hunter2 user=bob", f"password={REDACTED} user=bob"),
        ('"client-key-data": "LS0tLS1CRUdJTiBFQyBQUklWQVRF"', f'"client-key-data": "{REDACTED}"'),
        (f"key:\n{KEY}done", f"key:\n{REDACTED}\ndone"),
        ("node server63: InternalIP 10.0.0.5 is IPv4", "node server63: InternalIP 10.0.0.5 is IPv4"),
        ("Secret rook-ceph/mon-secret exists", "Secret rook-ceph/mon-secret exists"),
    ],
)
def test_redact_takes_credentials_out_and_leaves_the_rest(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "TOKEN: abc123",
        "To\u212aen=abc123",  # the Kelvin sign, a K to a case-insensitive pattern
        "pa\u017f\u017fword: hunter2",  # long s
        "AUTHOR\u0130ZATION: Basic dXNlcjpwYXNz",  # dotted capital I
        "author\u0131zation: Basic dXNlcjpwYXNz",  # dotless i
        "BEARER abc.def",
        "Api_Key=xyz987 and HTTPS://u:p@host",
        "x" * 5000 + " password=hunter2",
    ],
)
def test_looking_for_needles_first_misses_no_match(text: str) -> None:
    """Patterns skipped because their needle is absent could not have matched: same result as running all."""
    from ukic.redact import _PATTERNS

    every = text
    for regex, replacement, _ in _PATTERNS:
        every = regex.sub(replacement, every)
    assert redact(text) == every != text


def test_a_remembered_secret_is_hidden_in_every_notation() -> None:
    secret = 'pa"ss<word>-9f8e7d'
    remember_secret(secret)
    for form in (secret, json.dumps(secret), html.escape(secret)):
        assert "9f8e7d" not in redact(f"x {form} y").replace(REDACTED, "")
    assert redact(json.dumps({"reason": f"header {secret}"})) == json.dumps({"reason": f"header {REDACTED}"})


def test_a_remembered_secret_with_a_line_break_goes_whole_even_after_bearer() -> None:
    """The bearer pattern stops at the line break; the remembered value must still take the rest."""
    remember_secret("first-part-1234\nsecond-9f8e")
    shown = redact("Invalid header value b'Bearer first-part-1234\\nsecond-9f8e'")
    assert "first-part" not in shown and "9f8e" not in shown, shown


def test_short_values_are_not_hunted() -> None:
    remember_secret("abc")
    assert redact("abc abc") == "abc abc"


def test_redact_data_walks_dicts_lists_and_tuples() -> None:
    data = {"error": "Bearer abcdefgh", "notes": ["https://u:p@h/x"], "n": 3, "t": ("password: x1",)}
    assert redact_data(data) == {
        "error": f"Bearer {REDACTED}",
        "notes": ["https://h/x"],
        "n": 3,
        "t": (f"password: {REDACTED}",),
    }


def test_printable_shows_control_characters_bidi_and_surrogates_as_text() -> None:
    assert printable("a\x1b[2Jb\x07c\x00d\x9be") == "a\\x1b[2Jb\\x07c\\x00d\\x9be"
    assert printable("admin\u202etxt.exe") == "admin\\u202etxt.exe"
    assert printable("name-\udcff") == "name-\ufffd"
    assert printable("two\nlines\tand\r\nmore") == "two\nlines\tand\nmore"
    assert printable("two\nlines\tand\r\nmore", one_line=True) == "two lines and more"


def test_error_line_is_one_redacted_sanitised_line() -> None:
    assert (
        error_line("bad\nheader Bearer abcdefgh\x1b]0;title\x07")
        == f"ukic: bad header Bearer {REDACTED}\\x1b]0;title\\x07"
    )


def test_file_text_keeps_layout_and_replaces_raw_control_bytes() -> None:
    assert file_text('{"a": "x\x7fy\u202e", "b": "\udc80"}\n\tz') == '{"a": "x\ufffdy\ufffd", "b": "\ufffd"}\n\tz'


def test_guarded_stream_lets_own_colours_through_and_nothing_else() -> None:
    inner = io.StringIO()
    stream = GuardedStream(inner)  # type: ignore[arg-type]
    own = "\x1b[1;31mFAILED\x1b[0m \x1b]8;;file:///r\x1b\\r\x1b]8;;\x1b\\ "
    stream.write(own + "\x07\x00\x1b]0;pwned\x07 Bearer abcdefgh\n")
    assert inner.getvalue() == own + f"\\x07\\x00\\x1b]0;pwned\\x07 Bearer {REDACTED}\n"


def test_guarded_stream_remembers_a_failed_write_instead_of_raising() -> None:
    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    stream = GuardedStream(Full())  # type: ignore[arg-type]
    assert stream.write("x") == 1
    assert stream.failed is not None and stream.failed.errno == 28


def test_strip_secret_payload_survives_malformed_secrets() -> None:
    assert strip_secret_payload("not a dict") == {"metadata": {}}
    assert strip_secret_payload({"metadata": ["x"], "data": {"k": "c2VjcmV0"}}) == {"metadata": {}}
    kept = strip_secret_payload({"kind": "Secret", "metadata": {"name": "s", "annotations": ["a"]}, "data": {"k": "v"}})
    assert kept == {"kind": "Secret", "metadata": {"name": "s"}}


def test_ledger_markdown_escapes_html_and_markup_from_names() -> None:
    from ukic.ledger import render_markdown

    row = {"cluster": "<script>alert(1)</script>", "purpose": "<img src=x onerror=alert(1)>", "masters": ["a|b"]}
    table = render_markdown([row])
    assert "<script>" not in table and "<img" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "a\\|b" in table


def test_audit_table_shows_rich_markup_in_names_as_text() -> None:
    from types import SimpleNamespace

    from rich.console import Console

    from ukic.commands.audit import results_table

    cluster = SimpleNamespace(name="c[/]1 [bold]x :smile:", version="v5", type="production")
    outcome = SimpleNamespace(
        name=cluster.name, counts=None, verdict="could not verify", report=None, error="boom [/] \x1b[2J"
    )
    console = Console(file=io.StringIO(), width=200, emoji=False, highlight=False)
    console.print(results_table(SimpleNamespace(clusters=[cluster]), SimpleNamespace(outcomes=[outcome])))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "c[/]1 [bold]x :smile:" in text and "boom [/] \\x1b[2J" in text
