"""Delivery: build into out/ (manifest, cache of what changed), `check`, one document in memory,
email, and the served page (web/)."""
