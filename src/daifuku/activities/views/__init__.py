"""Activities UI: my day, quick entry, touches, next actions, manager review."""
