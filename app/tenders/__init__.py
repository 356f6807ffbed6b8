"""Tender notices: parse eForms, TED R2.0.9 and BOAMP notices into lots and required competences."""
