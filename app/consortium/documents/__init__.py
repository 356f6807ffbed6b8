"""The bid documents: a pure pack of dataclasses (``pack``), the database → pack builder (``build``), its
consistency checks (``checks``), the PDF renderers (``rendering``) and the DUME (``espd``), the stored versions
(``store``) and their page (``views``)."""
