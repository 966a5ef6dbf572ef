"""What may leave the process: no credential, no Secret payload, no control character that drives a terminal.

Three pieces, each the only one of its kind in ukic:

- :func:`redact` takes credentials out of text: the values the kubeconfig loader met
  (:func:`remember_secret`), anything shaped like an ``Authorization`` header, a bearer
  token, a JWT, a PEM private key or base64 of one, ``password=``/``token:`` pairs, and the
  userinfo of URLs (``https://user:pass@host`` is shown as ``https://host``).
- :func:`printable` is the terminal sanitiser: control characters (C0, DEL, C1), bidi
  overrides and lone surrogates become visible ``\\xNN``/``\\uNNNN`` text.
- :func:`strip_secret_payload` reduces a Secret to its metadata before anything keeps it.

They are applied at the few places text leaves: the guarded stdout/stderr
(:func:`guarded_streams`), report and ledger files (:func:`file_text`), and what an audit
worker hands back to its parent (:func:`redact_data`).
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

REDACTED = "<redacted>"
#: Remembered values shorter than this are not hunted in text (they would blank out ordinary words).
MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secret_pattern: re.Pattern[str] | None = None

#: What every URL with userinfo holds (reports hold many URLs, rarely one with userinfo).
_USERINFO = re.compile(r"://[^/?#\s@]*@")
#: (pattern, replacement, needles): a pattern runs only on text holding one of its needles (a piece of
#: text, or a pattern starting with one), which every text it can match holds, looked up in the
#: case-folded text (:func:`_folded`). Scanning a report for eight patterns cost tens of
#: milliseconds; looking for their needles costs a fraction of one.
_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[str | re.Pattern[str], ...]], ...] = (
    # a PEM private key, whole or cut off
    (
        re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)"),
        REDACTED,
        ("private key-----",),
    ),
    # base64 of a PEM block (client-key-data, client-certificate-data): "-----BEGIN" encoded
    (re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/=\\n]*"), REDACTED, ("ls0tls1crudjti",)),
    # an Authorization header in any notation: "Authorization: Basic x", {'Authorization': 'Bearer x'}
    (
        re.compile(r"(?i)(\b(?:proxy-)?authorization\b['\"]?\s*[:=]\s*(?:b?['\"])?)[^'\"\r\n,}]+"),
        rf"\1{REDACTED}",
        ("authorization",),
    ),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]+=*"), f"Bearer {REDACTED}", ("bearer",)),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED, ("eyj",)),  # a JWT
    (
        re.compile(
            r"(?i)((?<![\w./-])(?:password|passwd|token|client-key-data|client-key|api[-_]?key)['\"]?\s*[:=]\s*['\"]?)"
            r"(?!<redacted>)[^\s'\",}]+"
        ),
        rf"\1{REDACTED}",
        ("passw", "token", "client-key", "apikey", "api-key", "api_key"),
    ),
    # userinfo of http(s)/proxy URLs goes whole; of other URLs (ssh://root@host) only with a password
    (re.compile(r"(?i)\b((?:https?|socks5h?)://)[^/?#\s@]*@"), r"\1", (_USERINFO,)),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s@:]*:[^/?#\s@]*@"), r"\1", (_USERINFO,)),
)
#: Characters that case-insensitive patterns take for an ASCII letter but str.lower() does not turn into one
#: (dotted and dotless i, long s, the Kelvin sign): folded first, so no needle hides behind them.
_ASCII_LOOKALIKES = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def _folded(text: str) -> str:
    """``text`` as the needles are looked up in: lower case, every look-alike of an ASCII letter that letter."""
    if not text.isascii():
        for lookalike, letter in _ASCII_LOOKALIKES:  # str.replace: a translate table is slower on long text
            if lookalike in text:
                text = text.replace(lookalike, letter)
    return text.lower()


# Characters that must not reach a terminal or a report as themselves.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: Terminal sequences ukic itself emits (colours, hyperlinks, the live audit display), kept on the streams.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x07\x1b]*(?:\x1b\\|\x07)|\x1b\[\d*[AK]|\x1b\[\?25[hl]|\r")


def remember_secret(value: str | bytes | None) -> None:
    """Hunt ``value`` (a token, password, key) in every text that leaves the process from now on."""
    if not value:
        return
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    forms = {text, text.strip()}
    forms |= {json.dumps(f)[1:-1] for f in list(forms)} | {html.escape(f) for f in list(forms)}
    forms |= {base64.b64encode(f.encode()).decode() for f in list(forms) if len(f) < 4096}
    for line in text.splitlines():  # a key's lines can show up one by one (not its -----BEGIN armour)
        if len(line.strip()) >= 16 and not line.startswith("-----"):
            forms.add(line.strip())
    global _secret_pattern
    with _secrets_lock:
        _secrets.update(f for f in forms if len(f) >= MIN_SECRET_LENGTH)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None


def redact(text: str) -> str:
    """``text`` without credentials (see the module docstring)."""
    if not text:
        return text
    pattern = _secret_pattern
    if pattern is not None:  # first: a pattern below may take only part of a value (up to a line break)
        text = pattern.sub(REDACTED, text)
    folded = _folded(text)
    for regex, replacement, needles in _PATTERNS:
        if any(needle in folded if isinstance(needle, str) else needle.search(folded) for needle in needles):
            replaced = regex.sub(replacement, text)
            if replaced != text:
                text, folded = replaced, _folded(replaced)
    return text


def redact_data(value: Any) -> Any:
    """``value`` (str, or dicts, lists and tuples of them) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_data(k): redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_data(v) for v in value)
    return value


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """The terminal sanitiser: control characters, bidi overrides and lone surrogates shown as escapes.

    ``one_line`` also folds tabs and line breaks into single spaces (error lines, table cells).
    """
    text = " ".join(str(text).split()) if one_line else str(text).replace("\r\n", "\n")
    return _UNPRINTABLE.sub(_visible, text)


def error_line(message: str) -> str:
    """How ukic says what went wrong: ``ukic: <one sanitised, redacted line>``."""
    return "ukic: " + printable(redact(message), one_line=True)


_SURROGATES = re.compile("[\ud800-\udfff]")


def as_text(value: str) -> str:
    """``value`` with every lone surrogate (what undecodable bytes of an argument or a file become) replaced
    by U+FFFD: for a name that is a key (a cluster in the ledger, a metrics label), which no encoder may refuse."""
    return _SURROGATES.sub("\ufffd", value)


def file_text(text: str) -> str:
    """Text for a report or ledger file: redacted; every control character but tab and newline, bidi
    override and lone surrogate replaced by U+FFFD (safe inside JSON, XML, HTML and Markdown alike)."""
    return _UNPRINTABLE.sub("\ufffd", redact(text))


def _stream_text(text: str) -> str:
    """What a guarded stream lets through: ukic's own colours and cursor moves, nothing else raw."""
    text = redact(text)
    out, last = [], 0
    for match in _OWN_SEQUENCES.finditer(text):
        out.append(_UNPRINTABLE.sub(_visible, text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_UNPRINTABLE.sub(_visible, text[last:]))
    return "".join(out)


class GuardedStream(io.TextIOBase):
    """A text stream that redacts and sanitises everything written through it."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self.failed: OSError | None = None
        #: The reader closed the pipe (`ukic ... | head`): later output is dropped, the command still
        #: finishes (reports, ledger) and its exit code stays the verdict's.
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                self.inner.write(_stream_text(text))
            except BrokenPipeError:
                self.reader_gone = True
            except OSError as exc:  # disk full or closed: remember once, keep going quietly
                self.failed = self.failed or exc
        return len(text)

    def flush(self) -> None:
        if self.reader_gone:
            return
        try:
            self.inner.flush()
        except BrokenPipeError:
            self.reader_gone = True
        except OSError as exc:
            self.failed = self.failed or exc

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def guarded_streams() -> Iterator[tuple[GuardedStream, GuardedStream]]:
    """Route sys.stdout and sys.stderr through GuardedStream for the duration of a command."""
    previous = sys.stdout, sys.stderr
    out, err = GuardedStream(sys.stdout), GuardedStream(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = previous


# -- Secrets ---------------------------------------------------------------------------------
#: Annotations that can carry a Secret's full content (kubectl apply records it there).
_SENSITIVE_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def strip_secret_payload(secret: Any) -> dict[str, Any]:
    """A Secret reduced to its metadata: no data, no stringData, no last-applied copy (whatever its shape)."""
    if not isinstance(secret, dict):
        return {"metadata": {}}
    metadata = secret.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        annotations = {k: v for k, v in annotations.items() if k not in _SENSITIVE_ANNOTATIONS}
    if annotations and isinstance(annotations, dict):
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)  # none left, or not a mapping we could vet
    metadata.pop("managedFields", None)
    kept: dict[str, Any] = {"metadata": metadata}
    for field in ("apiVersion", "kind", "type"):
        if field in secret:
            kept[field] = secret[field]
    return kept
