"""Work done off the request: the runners (``runners``), the solve job (``solve``) and the « Pour vous » fit-check
job (``fit_check``). Only these jobs commit outside views and CLI commands."""
