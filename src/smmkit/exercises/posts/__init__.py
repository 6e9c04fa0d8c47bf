"""The posts exercise."""
