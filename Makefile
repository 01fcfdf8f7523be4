# The two commands of the README, and a few helpers. See scripts/ for what each does.
.PHONY: run test build release services-start services-stop services-status clean

run:            ## start private PostgreSQL + RabbitMQ, build, migrate, run the server
	scripts/run.sh

test:           ## the whole test suite against private PostgreSQL + RabbitMQ
	scripts/test.sh

build:
	swift build

release:        ## the release binaries: .build/release/jobserver and jobworker
	swift build -c release

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

services-status:
	scripts/services.sh status

clean:
	scripts/services.sh stop
	rm -rf .build .local
