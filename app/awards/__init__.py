"""Outcomes: award notices and DECP become contracts won, matched to the register and to our groupements."""
