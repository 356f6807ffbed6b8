"""Award parsers: eForms contract award notices, TED R2.0.9 award forms, BOAMP attributions, the DECP reader.
Pure."""
