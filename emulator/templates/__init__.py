"""Templates: SAM / CloudFormation templates and CDK cloud assemblies loaded into the emulator.

The room's entry is ``load_template(env, path, parameters) -> LoadReport`` (loader.py); it uses the
service layer only (the same functions the API calls), so one set of rules applies.
``TemplateSet`` (templates.py) holds what ``--template`` loaded, reloads a template when one of
its files changes, and answers ``GET /_emulator/templates``.

Heavy libraries (the SAM translator, the YAML loader, the file watcher) are imported only when a
template is given.
"""

from __future__ import annotations

from emulator.templates.errors import TemplateError
from emulator.templates.loader import LoadState, load_template
from emulator.templates.report import LoadReport

__all__ = ["LoadReport", "LoadState", "TemplateError", "load_template"]
