"""A groupement's life after the solver: its transitions (``transitions``) and its audit trail (``audit``)."""
