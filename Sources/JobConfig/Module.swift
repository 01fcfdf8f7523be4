// JobConfig module: see docs/architecture.md.
