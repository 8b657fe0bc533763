"""Vocabulary shared by every layer: JSON values, ARNs, statuses, history events, resource records."""
