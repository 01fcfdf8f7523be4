// AMQP module: see docs/architecture.md.
