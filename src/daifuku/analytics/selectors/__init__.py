"""The read paths of analytics."""
