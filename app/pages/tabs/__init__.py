"""The Database page's tabs, one module each, independent of each other (import-linter holds it); the
page lists them once, in ``TABS``."""
