"""Estimate: stratified Horvitz–Thompson violation rates of a round."""
