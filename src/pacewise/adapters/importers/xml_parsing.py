"""The one way we let lxml parse activity XML: no entities, no DTD, no network.

lxml >= 6.1 honours `resolve_entities=False` in `iterparse` (earlier releases expanded
entities whatever was asked). Every iterparse in the importers goes through here so the flags
cannot drift apart. `huge_tree` stays off: Apple's attribute values and text nodes are short.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pacewise.adapters.importers.streams import ByteSource

XMLSyntaxError = etree.XMLSyntaxError


def safe_iterparse(source: ByteSource, *, tag: Any = None) -> Any:
    """`etree.iterparse` over `source` for `end` events, hardened against hostile documents."""
    return etree.iterparse(
        source,
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def syntax_problem(error: Exception, *, last_line: int | None) -> str:
    """A plain description of lxml's syntax error: cut short, or otherwise damaged.

    An error on the document's last line, once all of it was read, is a file cut short (an
    unfinished download or copy); `last_line` is None while the end has not been reached.
    """
    line = getattr(error, "lineno", None) or 0
    message = str(getattr(error, "msg", None) or error).splitlines()[0] if str(error) else ""
    if "Premature end" in message or (last_line is not None and line >= last_line):
        return "the XML ends before it should (cut short or incomplete)"
    return f"the XML is damaged at line {line} ({message.split(', line')[0][:100]})"
