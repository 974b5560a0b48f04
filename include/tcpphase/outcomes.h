/* What became of a connection, as Zeek's conn_state codes (so users can
 * cross-check with a conn.log), each with a readable explanation. */
#ifndef TCPPHASE_OUTCOMES_H
#define TCPPHASE_OUTCOMES_H

/* X(code, explanation) */
#define TP_OUTCOMES(X)                                                                            \
    X(S0, "connection attempt seen, no reply")                                                    \
    X(S1, "established, not closed")                                                              \
    X(SF, "established and closed normally by both ends")                                         \
    X(REJ, "connection attempt rejected")                                                          \
    X(S2, "established, only the client (originator) tried to close")                             \
    X(S3, "established, only the server (responder) tried to close")                              \
    X(RSTO, "established, aborted by the client's RST")                                           \
    X(RSTR, "established, aborted by the server's RST")                                           \
    X(RSTOS0, "client sent a SYN then a RST, no SYN-ACK seen")                                    \
    X(RSTRH, "server sent a SYN-ACK then a RST, no SYN seen")                                     \
    X(SH, "client sent a SYN then a FIN, no SYN-ACK seen (half open)")                             \
    X(SHR, "server sent a SYN-ACK then a FIN, no SYN seen")                                       \
    X(OTH, "no SYN seen: midstream traffic")

enum tp_outcome {
#define TP_X_ENUM(code, text) TP_OUTCOME_##code,
    TP_OUTCOMES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_OUTCOME_COUNT
};

/* Who closed first: the sender of the first FIN (or of the RST that ended it). */
enum tp_closer { TP_CLOSER_NONE = 0, TP_CLOSER_CLIENT, TP_CLOSER_SERVER, TP_CLOSER_BOTH };

const char *tp_outcome_code(unsigned o);
const char *tp_outcome_text(unsigned o);

#endif
