// JobStore module: see docs/architecture.md.
