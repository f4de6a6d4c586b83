"""The write paths of analytics (snapshots, ranks, rank rules)."""
