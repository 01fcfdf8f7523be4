// librabbitmq (rabbitmq-c), as Swift sees it. amqp_login is variadic, which Swift cannot call,
// so it is wrapped here for the one form we use (PLAIN user name and password).
#ifndef JOBSERVER_CRABBITMQ_SHIM_H
#define JOBSERVER_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <amqp_framing.h>

/// Logs in with SASL PLAIN; the non-variadic form of amqp_login.
static inline amqp_rpc_reply_t camqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                 int channel_max, int frame_max, int heartbeat,
                                                 const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat,
                      AMQP_SASL_METHOD_PLAIN, user, password);
}
#endif
