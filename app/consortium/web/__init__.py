"""The groupement pages: the « Constituer un groupement » form (``forms``), the groupement page's content
(``pages``), the routes (``views``) and the words the templates need (``wording``)."""
