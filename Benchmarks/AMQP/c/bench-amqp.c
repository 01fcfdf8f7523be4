/* Publish-with-confirm rate of a plain C loop over librabbitmq: COUNT persistent messages of
 * SIZE bytes (content_type and a per-message message_id), in windows of WINDOW messages: publish
 * WINDOW, then read basic.ack / basic.nack frames (multiple acks included) until all are settled.
 * Usage: bench-amqp HOST PORT QUEUE COUNT SIZE WINDOW  -> prints "msgs_per_sec <rate>" */
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die_on_reply(amqp_rpc_reply_t r, const char *what) {
    if (r.reply_type != AMQP_RESPONSE_NORMAL) { fprintf(stderr, "%s failed (%d)\n", what, r.reply_type); exit(1); }
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: bench-amqp HOST PORT QUEUE COUNT SIZE WINDOW\n"); return 2; }
    const char *host = argv[1], *queue = argv[3];
    int port = atoi(argv[2]), count = atoi(argv[4]), size = atoi(argv[5]), window = atoi(argv[6]);
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    if (!socket || amqp_socket_open(socket, host, port) != AMQP_STATUS_OK) { fprintf(stderr, "connect failed\n"); return 1; }
    die_on_reply(amqp_login(conn, "/", 0, AMQP_DEFAULT_FRAME_SIZE, 30, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
    amqp_channel_open(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "channel.open");
    amqp_queue_declare(conn, 1, amqp_cstring_bytes(queue), 0, 1, 0, 0, amqp_empty_table);
    die_on_reply(amqp_get_rpc_reply(conn), "queue.declare");
    amqp_queue_purge(conn, 1, amqp_cstring_bytes(queue));
    die_on_reply(amqp_get_rpc_reply(conn), "queue.purge");
    amqp_confirm_select(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "confirm.select");

    char *payload = malloc(size);
    memset(payload, 'x', size);
    amqp_bytes_t body = {.len = (size_t)size, .bytes = payload};
    char id[32];
    amqp_basic_properties_t props;
    memset(&props, 0, sizeof props);
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t next_tag = 1, settled = 0; /* tags 1..settled are acked/nacked */
    int sent = 0, nacked = 0;
    while (sent < count) {
        int n = window < count - sent ? window : count - sent;
        for (int i = 0; i < n; i++) {
            snprintf(id, sizeof id, "msg-%d", sent + i);
            props.message_id = amqp_cstring_bytes(id);
            if (amqp_basic_publish(conn, 1, amqp_empty_bytes, amqp_cstring_bytes(queue), 0, 0, &props, body) != AMQP_STATUS_OK) {
                fprintf(stderr, "publish failed\n"); return 1;
            }
            next_tag++;
        }
        sent += n;
        /* Acks may come out of order; count settled tags (acks for one channel are in order in
         * RabbitMQ, so "multiple" or the highest single tag settles everything up to it). */
        while (settled < next_tag - 1) {
            amqp_frame_t frame;
            if (amqp_simple_wait_frame(conn, &frame) != AMQP_STATUS_OK) { fprintf(stderr, "wait failed\n"); return 1; }
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
                amqp_basic_ack_t *ack = frame.payload.method.decoded;
                settled = ack->multiple ? ack->delivery_tag : (ack->delivery_tag > settled ? ack->delivery_tag : settled);
            } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
                amqp_basic_nack_t *nack = frame.payload.method.decoded;
                nacked++;
                settled = nack->delivery_tag > settled ? nack->delivery_tag : settled;
            }
            amqp_maybe_release_buffers(conn);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (nacked) { fprintf(stderr, "%d nacked\n", nacked); return 1; }
    amqp_queue_purge(conn, 1, amqp_cstring_bytes(queue));
    amqp_get_rpc_reply(conn);
    amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    free(payload);
    printf("msgs_per_sec %.0f\n", count / seconds);
    return 0;
}
