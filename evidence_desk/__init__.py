"""Evidence Desk: catalogue incident evidence with a tamper-evident chain of custody."""

__version__ = "0.1.0"
