/* Why an end changed state on a segment: one table for the enum and the
 * text a learner reads after the transition ("CLOSED → SYN_SENT (sent SYN)").
 * The tracker records the reason where it sets the state (set_state in
 * core/tracker.c); the frame record keeps it in 4 bits per end. */
#ifndef TCPPHASE_TRANSITIONS_H
#define TCPPHASE_TRANSITIONS_H

/* X(id, text, zh): the reason in English and in Chinese (tcpphase.language) */
#define TP_WHYS(X)                                                       \
    X(NONE, "", "") \
    X(SENT_SYN, "sent SYN", "发送 SYN") \
    X(RECEIVED_SYN, "received SYN", "收到 SYN") \
    X(SENT_SYNACK, "sent SYN-ACK", "发送 SYN-ACK") \
    X(RECEIVED_SYNACK, "received SYN-ACK", "收到 SYN-ACK") \
    X(SENT_ACK, "sent ACK", "发送 ACK") \
    X(RECEIVED_ACK_OF_SYN, "received the ACK of its SYN", "收到对其 SYN 的 ACK") \
    X(SENT_FIN, "sent FIN", "发送 FIN") \
    X(RECEIVED_FIN, "received FIN", "收到 FIN") \
    X(RECEIVED_ACK_OF_FIN, "received the ACK of its FIN", "收到对其 FIN 的 ACK") \
    X(SENT_RST, "sent RST", "发送 RST") \
    X(RECEIVED_RST, "received RST", "收到 RST") \
    X(RESENT_SYN, "sent its SYN again: it never took the SYN-ACK", "再次发送 SYN：它没有接受 SYN-ACK") \
    X(RST_IGNORED, "sent again after the RST: the RST did not close it", "RST 之后仍在发送：RST 没有关闭它") \
    X(FIN_NOT_CAPTURED, "an ACK shows a FIN the capture lacks", "一个 ACK 表明有一个抓包中缺失的 FIN") \
    X(FIN_TAKEN_BACK, "sent data past the FIN thought lost: it was not sent", "发送了超出推测的 FIN 的数据：该 FIN 并未发送")

enum tp_why {
#define TP_X_ENUM(id, text, zh) TP_WHY_##id,
    TP_WHYS(TP_X_ENUM)
#undef TP_X_ENUM
    TP_WHY_COUNT
};
_Static_assert(TP_WHY_COUNT <= 16, "a frame record keeps a reason in 4 bits");

/* tp_why_text is the reason |w| in words ("" for none or out of range), in
 * language |lang| (enum tp_language). */
const char *tp_why_text(unsigned w, unsigned lang);

/* tp_transition_format writes "BEFORE → AFTER (reason)" into |buf| (|size|
 * bytes), the reason in language |lang|; "" when |before| == |after|.
 * Returns |buf|. */
char *tp_transition_format(unsigned before, unsigned after, unsigned why, unsigned lang, char *buf, unsigned size);

#endif
