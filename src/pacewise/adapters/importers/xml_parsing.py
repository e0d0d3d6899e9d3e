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


def syntax_problem(error: Exception, *, cut_short: bool) -> str:
    """A plain description of lxml's syntax error: cut short, or otherwise damaged.

    `cut_short` is the caller's finding that the document does not end with its root's closing
    tag (see `CleanedXml.ended_without`).
    """
    message = str(getattr(error, "msg", None) or error).splitlines()[0] if str(error) else ""
    if cut_short or "Premature end" in message:
        return "the XML ends before it should (cut short or incomplete)"
    line = getattr(error, "lineno", None) or 0
    return f"the XML is damaged at line {line} ({plain_parser_message(message)})"


def plain_parser_message(message: str) -> str:
    """libxml2's message without its parser jargon and position suffixes, at most 100 chars."""
    if "Excessive depth" in message:
        return "nested far deeper than any real file"
    if "huge" in message.lower():
        return "a value far longer than any real file holds"
    return message.split(", line")[0].removeprefix("Error parsing XML: ")[:100]
