"""Benchmark scripts (``make bench…``): each measures a baseline in the same run and prints the ratio."""
