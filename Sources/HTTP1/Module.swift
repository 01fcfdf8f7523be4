// HTTP1 module: see docs/architecture.md.
