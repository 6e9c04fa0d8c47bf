"""The strategy exercise."""
