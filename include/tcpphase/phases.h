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

/* The steps a tutorial numbers, X(n, name): the value names of
 * tcpphase.handshake.step and tcpphase.teardown.step. */
#define TP_HANDSHAKE_STEPS(X) \
    X(1, "SYN")               \
    X(2, "SYN-ACK")           \
    X(3, "ACK")

#define TP_TEARDOWN_STEPS(X)          \
    X(1, "FIN")                       \
    X(2, "ACK of the first FIN")      \
    X(3, "second FIN")                \
    X(4, "ACK of the second FIN")

/* tp_phase_name returns the filter name of |p| ("handshake", ...), or "?". */
const char *tp_phase_name(unsigned p);

#endif
