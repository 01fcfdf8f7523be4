// JobServer module: see docs/architecture.md.
