// JobCore module: see docs/architecture.md.
