"""Where the pieces' files are kept: outside the web root, named by their SHA-256."""
