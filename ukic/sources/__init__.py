"""Sources answer one question: all objects of a resource, or why they cannot be had."""

from ukic.sources.base import ResourceUnavailable, Source, SourceInfo

__all__ = ["ResourceUnavailable", "Source", "SourceInfo"]
