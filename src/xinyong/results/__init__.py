"""Results: the inspection results of a round, imported from the filled-in form, with corrections and deadlines."""
