"""Rendering: platform-neutral document blocks to PDF bytes (the only reportlab users)."""
