"""Candidate selection: the lots chosen (``lots``), the register queried in SQL (``register``), the solver instance
prepared (``instance.prepare``). ``matching`` (how a competence or a certificate meets a requirement) and
``prepared`` (what selection hands on) are pure."""
