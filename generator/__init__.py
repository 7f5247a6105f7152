"""shequn: a static-site generator for the knowledge archives of learning communities."""

__version__ = "0.1.0"
