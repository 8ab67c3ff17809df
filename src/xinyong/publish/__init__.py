"""Publish (一公开): the transparency log and its signed checkpoints, the public site, and the guard against leaks."""
