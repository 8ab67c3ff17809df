"""Tiers: the policy's cut-offs and override rules turn calibrated scores into the internal tiers A/B/C/D."""
