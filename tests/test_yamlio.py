"""ukic's event-built YAML reader gives exactly what PyYAML's safe loader gives, only faster."""

from __future__ import annotations

import pytest
import yaml

from ukic import paths
from ukic.yamlio import ParseError, load_text

CASES = [
    b"a: 1\nb: 1.5\nc: true\nd: yes\ne: ~\nf: ''\ng: 'yes'\nh: 0x1f\ni: 1:20\nj: .inf\nk: 2021-11-06T21:50:00Z\n",
    b'list: [1, two, {three: 3}]\nempty: {}\nnone: []\nquoted: "2021-01-01"\nblock: |\n  line\n',
    b"a: &anchor {x: 1}\nb: *anchor\n",  # anchors and aliases
    b"- !!binary aGVsbG8=\n- !!str 12\n",  # explicit tags
    b"<<: {a: 1}\nb: 2\n",  # merge keys
    b"8080: port\nnull: value\n",  # non-string keys
    b"unicode: gr\xc3\xbc\xc3\x9fe\nsnow: \xe2\x98\x83\n",
    b"",
]


@pytest.mark.parametrize("text", CASES)
def test_same_as_pyyaml(text: bytes) -> None:
    assert load_text(text, "case.yaml") == yaml.load(text, Loader=yaml.SafeLoader)


def test_same_as_pyyaml_on_every_sample_file() -> None:
    files = sorted(paths.samples_dir().glob("v*/*.yaml"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert load_text(data, str(path)) == yaml.load(data, Loader=yaml.SafeLoader), path


@pytest.mark.parametrize(
    ("text", "message"),
    [(b"a: [1,\n", "line 2"), (b"a: 1\n---\nb: 2\n", "found another document"), (b"a: b: c\n", "line 1")],
)
def test_errors_name_the_line(text: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        load_text(text, "bad.yaml")


def test_keep_reduces_each_list_item_as_it_is_built() -> None:
    text = b"kind: List\nitems:\n- {a: 1, b: 2}\n- {a: 3, b: 4, nested: {items: [{a: 9}]}}\n"
    doc = load_text(text, "list.yaml", keep=lambda item: {"a": item["a"]})
    assert doc == {"kind": "List", "items": [{"a": 1}, {"a": 3}]}
