// Test fixtures: private PostgreSQL / RabbitMQ, free ports.
