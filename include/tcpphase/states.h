/* The eleven RFC 9293 connection states (section 3.3.2), one table for the
 * enum, the names shown to users and the plugin's value_string. */
#ifndef TCPPHASE_STATES_H
#define TCPPHASE_STATES_H

/* X(id, name): name is the display-filter value, e.g. tcpphase.state.client == SYN_SENT */
#define TP_STATES(X)                     \
    X(CLOSED,       "CLOSED")            \
    X(LISTEN,       "LISTEN")            \
    X(SYN_SENT,     "SYN_SENT")          \
    X(SYN_RECEIVED, "SYN_RECEIVED")      \
    X(ESTABLISHED,  "ESTABLISHED")       \
    X(FIN_WAIT_1,   "FIN_WAIT_1")        \
    X(FIN_WAIT_2,   "FIN_WAIT_2")        \
    X(CLOSE_WAIT,   "CLOSE_WAIT")        \
    X(CLOSING,      "CLOSING")           \
    X(LAST_ACK,     "LAST_ACK")          \
    X(TIME_WAIT,    "TIME_WAIT")

enum tp_state {
#define TP_X_ENUM(id, name) TP_##id,
    TP_STATES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_STATE_COUNT
};

/* tp_state_name returns the RFC name of |s|, or "?" when out of range. */
const char *tp_state_name(unsigned s);

#endif
