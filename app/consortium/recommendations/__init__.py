"""« Appels d'offres pour vous »: the tenders matching a company (``tenders``), whether a groupement including it
is possible (``fits``), and the page (``views``)."""
