"""The segment screens: the list, the rule builder, a segment's page with its members."""
