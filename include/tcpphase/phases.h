/* Phases of a connection's life that a segment belongs to. */
#ifndef TCPPHASE_PHASES_H
#define TCPPHASE_PHASES_H

/* X(id, name, description) */
#define TP_PHASES(X)                                                                     \
    X(HANDSHAKE,   "handshake",   "Opening the connection (SYN, SYN-ACK, the ACK that completes it)") \
    X(ESTABLISHED, "established", "Both ends synchronized, neither has sent a FIN")      \
    X(TEARDOWN,    "teardown",    "From the first FIN up to the ACK of the last FIN")    \
    X(RESET,       "reset",       "A segment carrying RST")                              \
    X(CLOSED,      "closed",      "After the connection ended (closed, reset or TIME_WAIT)")

enum tp_phase {
#define TP_X_ENUM(id, name, desc) TP_PHASE_##id,
    TP_PHASES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_PHASE_COUNT
};

/* tp_phase_name returns the filter name of |p| ("handshake", ...), or "?". */
const char *tp_phase_name(unsigned p);

#endif
