"""Rounds: a month's plans, frame, commitment, randomness, draw, teams and task lists, each step in its order."""
