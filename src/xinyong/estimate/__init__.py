"""Estimate: stratified Horvitz–Thompson violation rates of a round, and its 1/π-weighted training labels."""
