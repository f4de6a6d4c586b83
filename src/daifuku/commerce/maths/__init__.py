"""Pure calculations of commerce (no database): consumption tax."""
