"""What runs in a participant's kernel: the session (who answers, where answers go), the
widgets for items, quiz sets, scenarios and self-assessments, charts, and the IPython
extension."""
