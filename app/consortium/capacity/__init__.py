"""The buyer's « Capacité locale » report: what local SMEs can perform, lot by lot (``report``, pure), and its page
(``views``)."""
