"""scaleout: a terminal game about scaling a web service out."""

__version__ = "0.1.0"
