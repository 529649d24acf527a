"""Content: YAML files -> a validated model (loading, schema, styles, artwork, fonts' coverage,
translations, furigana readings)."""
