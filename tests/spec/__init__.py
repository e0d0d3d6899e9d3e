"""The protocol as executable examples, section by section (PROTOCOL.md)."""
