// JobWorker module: see docs/architecture.md.
