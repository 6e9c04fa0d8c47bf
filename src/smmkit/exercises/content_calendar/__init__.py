"""The content calendar exercise."""
