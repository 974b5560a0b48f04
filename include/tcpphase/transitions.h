/* Why an end changed state on a segment: one table for the enum and the
 * text a learner reads after the transition ("CLOSED → SYN_SENT (sent SYN)").
 * The tracker records the reason where it sets the state (set_state in
 * core/tracker.c); the frame record keeps it in 4 bits per end. */
#ifndef TCPPHASE_TRANSITIONS_H
#define TCPPHASE_TRANSITIONS_H

/* X(id, text) */
#define TP_WHYS(X)                                                       \
    X(NONE, "")                                                          \
    X(SENT_SYN, "sent SYN")                                              \
    X(RECEIVED_SYN, "received SYN")                                      \
    X(SENT_SYNACK, "sent SYN-ACK")                                       \
    X(RECEIVED_SYNACK, "received SYN-ACK")                               \
    X(SENT_ACK, "sent ACK")                                              \
    X(RECEIVED_ACK_OF_SYN, "received the ACK of its SYN")                \
    X(SENT_FIN, "sent FIN")                                              \
    X(RECEIVED_FIN, "received FIN")                                      \
    X(RECEIVED_ACK_OF_FIN, "received the ACK of its FIN")                \
    X(SENT_RST, "sent RST")                                              \
    X(RECEIVED_RST, "received RST")                                      \
    X(RESENT_SYN, "sent its SYN again: it never took the SYN-ACK")       \
    X(RST_IGNORED, "sent again after the RST: the RST did not close it") \
    X(FIN_NOT_CAPTURED, "an ACK shows a FIN the capture lacks")          \
    X(FIN_TAKEN_BACK, "sent data past the FIN thought lost: it was not sent")

enum tp_why {
#define TP_X_ENUM(id, text) TP_WHY_##id,
    TP_WHYS(TP_X_ENUM)
#undef TP_X_ENUM
    TP_WHY_COUNT
};
_Static_assert(TP_WHY_COUNT <= 16, "a frame record keeps a reason in 4 bits");

/* tp_why_text is the reason |w| in words ("" for none or out of range). */
const char *tp_why_text(unsigned w);

/* tp_transition_format writes "BEFORE → AFTER (reason)" into |buf| (|size|
 * bytes); "" when |before| == |after|. Returns |buf|. */
char *tp_transition_format(unsigned before, unsigned after, unsigned why, char *buf, unsigned size);

#endif
