"""« Retombées »: what stays in the Métropole, measured from the contracts won, for the CCI, buyers, large groups
and companies."""
