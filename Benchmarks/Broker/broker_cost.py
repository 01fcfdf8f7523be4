"""RabbitMQ's own CPU per message, for the queue shapes JobServer could use.

For each shape (x-max-priority 9 or none, persistent or transient messages, acks one by one or
`multiple` every N), publishes COUNT task-sized messages to a fresh durable queue, then consumes
and acks them, and reads the broker's CPU time (utime + stime of its pid) before and after each
half. Prints ms of broker CPU per message. Run by scripts/bench-broker-cost.sh.
"""
import os
import sys

import pika

URL = os.environ["JOBS_AMQP_URL"]
PID_FILE = sys.argv[1]
COUNT = int(sys.argv[2])
BODY = (b'{"Task":{"task_id":"ts_echo_0123456789abcdef0123456789abcdef","service":"echo",'
        b'"source_name":"echo","condition":{"i":1},"attempt":0,"priority":0}}')


def broker_cpu():
    pid = open(PID_FILE).read().strip()
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(priority, persistent, ack_every):
    connection = pika.BlockingConnection(pika.URLParameters(URL))
    channel = connection.channel()
    queue = f"broker-cost-{os.getpid()}"
    channel.queue_delete(queue)
    channel.queue_declare(queue, durable=True, arguments={"x-max-priority": 9} if priority else {})
    properties = pika.BasicProperties(delivery_mode=2 if persistent else 1, priority=0,
                                      content_type="application/json", message_id="x")
    start = broker_cpu()
    for _ in range(COUNT):
        channel.basic_publish("", queue, BODY, properties)
    connection.process_data_events(0)
    published = broker_cpu()
    received = 0

    def on_message(chan, method, _properties, _body):
        nonlocal received
        received += 1
        if received % ack_every == 0 or received == COUNT:
            chan.basic_ack(method.delivery_tag, multiple=ack_every > 1)
        if received == COUNT:
            chan.stop_consuming()

    channel.basic_qos(prefetch_count=256)
    channel.basic_consume(queue, on_message)
    channel.start_consuming()
    done = broker_cpu()
    channel.queue_delete(queue)
    connection.close()
    print(f"priority={'9' if priority else 'none':4} {'persistent' if persistent else 'transient ':10} "
          f"ack every {ack_every:2}: publish {1000 * (published - start) / COUNT:.3f}, "
          f"deliver+ack {1000 * (done - published) / COUNT:.3f}, "
          f"total {1000 * (done - start) / COUNT:.3f} ms of broker CPU per message")


for shape in [(True, True, 1), (False, True, 1), (True, False, 1), (False, False, 1), (True, True, 64)]:
    run(*shape)
