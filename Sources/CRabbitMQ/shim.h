// librabbitmq (rabbitmq-c), as Swift sees it. amqp_login is variadic, which Swift cannot call,
// so it is wrapped here for the one form we use (PLAIN user name and password). Method ids and
// property flags are macros with casts that Swift does not import: they are re-exported as
// constants.
#ifndef JOBSERVER_CRABBITMQ_SHIM_H
#define JOBSERVER_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <amqp_framing.h>
#include <sys/eventfd.h>

/// Logs in with SASL PLAIN; the non-variadic form of amqp_login.
static inline amqp_rpc_reply_t camqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                 int channel_max, int frame_max, int heartbeat,
                                                 const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat,
                      AMQP_SASL_METHOD_PLAIN, user, password);
}

/// Logs in with SASL PLAIN and extra client properties (merged by the library with its own,
/// e.g. `connection_name` and `capabilities`); the non-variadic form of amqp_login_with_properties.
static inline amqp_rpc_reply_t camqp_login_plain_with_properties(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max,
    int heartbeat, const amqp_table_t *properties, const char *user, const char *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

/// A non-blocking, close-on-exec eventfd used to wake a connection's owner thread.
static inline int camqp_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

static const amqp_method_number_t CAMQP_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t CAMQP_CONNECTION_CLOSE_OK = AMQP_CONNECTION_CLOSE_OK_METHOD;
static const amqp_method_number_t CAMQP_CONNECTION_BLOCKED = AMQP_CONNECTION_BLOCKED_METHOD;
static const amqp_method_number_t CAMQP_CONNECTION_UNBLOCKED = AMQP_CONNECTION_UNBLOCKED_METHOD;
static const amqp_method_number_t CAMQP_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t CAMQP_CHANNEL_CLOSE_OK = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t CAMQP_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t CAMQP_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t CAMQP_BASIC_CANCEL_OK = AMQP_BASIC_CANCEL_OK_METHOD;

static const amqp_flags_t CAMQP_CONTENT_TYPE_FLAG = AMQP_BASIC_CONTENT_TYPE_FLAG;
static const amqp_flags_t CAMQP_CONTENT_ENCODING_FLAG = AMQP_BASIC_CONTENT_ENCODING_FLAG;
static const amqp_flags_t CAMQP_HEADERS_FLAG = AMQP_BASIC_HEADERS_FLAG;
static const amqp_flags_t CAMQP_DELIVERY_MODE_FLAG = AMQP_BASIC_DELIVERY_MODE_FLAG;
static const amqp_flags_t CAMQP_PRIORITY_FLAG = AMQP_BASIC_PRIORITY_FLAG;
static const amqp_flags_t CAMQP_CORRELATION_ID_FLAG = AMQP_BASIC_CORRELATION_ID_FLAG;
static const amqp_flags_t CAMQP_REPLY_TO_FLAG = AMQP_BASIC_REPLY_TO_FLAG;
static const amqp_flags_t CAMQP_EXPIRATION_FLAG = AMQP_BASIC_EXPIRATION_FLAG;
static const amqp_flags_t CAMQP_MESSAGE_ID_FLAG = AMQP_BASIC_MESSAGE_ID_FLAG;
static const amqp_flags_t CAMQP_TIMESTAMP_FLAG = AMQP_BASIC_TIMESTAMP_FLAG;
static const amqp_flags_t CAMQP_TYPE_FLAG = AMQP_BASIC_TYPE_FLAG;
static const amqp_flags_t CAMQP_USER_ID_FLAG = AMQP_BASIC_USER_ID_FLAG;
static const amqp_flags_t CAMQP_APP_ID_FLAG = AMQP_BASIC_APP_ID_FLAG;
#endif
