"""SearchApp: desktop full-text search for collections of articles and documents."""

__version__ = "0.1.0"
