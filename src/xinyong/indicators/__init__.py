"""Indicators: the catalog of cross-department indicators, computed point-in-time for a spine of (uscc, as_of)."""
