"""Hands-on exercises, one folder each: pure logic (checks), the widget, and what prints."""
