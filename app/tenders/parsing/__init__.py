"""Pure notice parsers: ``bytes → Notice | Skipped``, standard library and lxml only."""
