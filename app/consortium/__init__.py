"""Groupements: the models, vocabulary and request shared by the sub-packages — ``selection``, ``formation``,
``jobs``, ``workflow``, ``recommendations``, ``capacity``, ``documents``, ``web`` — and the CLI. docs/ARCHITECTURE.md
says what each owns and which may import which."""
