"""The version of corpus-tools (one place: the package face and the report read it here)."""

__version__ = "0.2.0"
