"""Ingest: raw department tables checked against the data contract into clean Parquet plus quarantine."""
