"""JSON definition -> frozen, compiled tree of states."""

from emulator.language.parse.definition import Definition, compile_definition

__all__ = ["Definition", "compile_definition"]
