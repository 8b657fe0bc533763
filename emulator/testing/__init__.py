"""Testing state machines as users do: the pytest plugin (``plugin.py``, fixtures ``sfn``,
``sfn_emulator``, ``sfn_clock``), ``sfn-emulator run`` (``run_command.py``) and
``sfn-emulator test`` (``suite_command.py``).

This room uses ``emulator.service`` (the same functions the API calls), the model and settings,
and ``emulator.app`` (the composition root) to build an emulator; nothing below the service layer
(an import-linter contract in pyproject.toml keeps it so). Importing this package is cheap: pytest
loads the plugin in every session, so heavy imports happen in the fixtures.
"""
