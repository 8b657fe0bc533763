"""AWS Step Functions-compatible local emulator."""

__version__ = "0.1.0"
