"""The ki_check exercise."""
