"""Forming a groupement: opening it and queueing a solve (``start``), executing the solve (``runs``), turning the
solver's answers into proposal rows with the mandataire rule and the self-performed lots (``proposals``), and
saying why each member is there (``reasons``)."""
