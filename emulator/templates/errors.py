"""What goes wrong in a template, said the way a user can act on it: which file, which resource
(logical id), which property, and what is wrong with it."""

from __future__ import annotations


class TemplateError(Exception):
    """A mistake in a template. ``logical_id`` and ``property`` are empty when the mistake is not
    inside one resource (a file that cannot be read, a parameter override that is not allowed)."""

    def __init__(self, file: str, message: str, logical_id: str = "", property: str = "") -> None:
        self.file = file
        self.logical_id = logical_id
        self.property = property
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.logical_id:
            where += f": {self.logical_id}"
        if self.property:
            where += f".{self.property}"
        return f"{where}: {self.message}"

    def at(self, logical_id: str, property: str = "") -> TemplateError:
        """This error placed in a resource (kept as is when it already names one)."""
        if self.logical_id:
            return self
        return TemplateError(self.file, self.message, logical_id, property or self.property)


class Unsupported(Exception):
    """A resource the emulator cannot create (its type, or a property value it cannot honour):
    listed in the load report with ``reason``, never silently dropped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
