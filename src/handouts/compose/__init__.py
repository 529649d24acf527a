"""Composition: the content model -> platform-neutral document blocks (handouts, personal
sheets, editions, email text)."""
