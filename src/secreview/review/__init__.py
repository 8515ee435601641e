"""Per-pillar verdicts: the chapters of every report."""
