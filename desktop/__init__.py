"""Closeread: close reading of news articles: import, highlight, tag, annotate, export."""

__version__ = "0.1.0"
