"""offline_cache."""
