"""Spark transforms DataFrame -> DataFrame: raw -> silver -> gold (no I/O inside)."""
