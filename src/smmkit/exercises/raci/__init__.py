"""The raci exercise."""
