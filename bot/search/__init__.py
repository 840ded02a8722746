"""Finding procedures from a citizen's own words."""
