"""Lambda functions for the conformance corpus, one folder per behaviour (see
../shared/corpus/LAMBDA_HANDLERS.md); each is a ``handler.py`` with ``handler(event, context)``."""
