"""handouts: printable, email-ready PDF patient handouts from translated YAML content."""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it ([tool.hatch.version])
