"""handouts: printable, email-ready PDF patient handouts from translated YAML content."""

__version__ = "0.1.0"
