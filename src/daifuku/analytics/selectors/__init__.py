"""Every user-visible read of the analytics app, through ``restrict()``."""
