// JobClient module: see docs/architecture.md.
