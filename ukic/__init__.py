"""ukic: the ungleich Kubernetes infrastructure manual, made executable."""

__version__ = "0.1.0"
