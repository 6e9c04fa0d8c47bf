"""Generators of the shipped exercise data (`src/smmkit/data/*.csv`), deterministic by seed."""
