/* What became of a connection, as Zeek's conn_state codes (so users can
 * cross-check with a conn.log), each with a readable explanation. */
#ifndef TCPPHASE_OUTCOMES_H
#define TCPPHASE_OUTCOMES_H

/* X(code, explanation, Chinese explanation): the explanation a person reads
 * in each language of tcpphase.language; the code stays Zeek's. */
#define TP_OUTCOMES(X)                                                                             \
    X(S0, "connection attempt seen, no reply", "只见到连接请求，无应答")                           \
    X(S1, "established, not closed", "已建立，未关闭")                                             \
    X(SF, "established and closed normally by both ends", "已建立，双方正常关闭")                  \
    X(REJ, "connection attempt rejected", "连接请求被拒绝")                                        \
    X(S2, "established, only the client (originator) tried to close",                             \
      "已建立，只有客户端（发起方）试图关闭")                                                      \
    X(S3, "established, only the server (responder) tried to close",                              \
      "已建立，只有服务器（响应方）试图关闭")                                                      \
    X(RSTO, "established, aborted by the client's RST", "已建立，被客户端的 RST 中止")             \
    X(RSTR, "established, aborted by the server's RST", "已建立，被服务器的 RST 中止")             \
    X(RSTOS0, "client sent a SYN then a RST, no SYN-ACK seen",                                     \
      "客户端发送 SYN 后又发送 RST，未见 SYN-ACK")                                                 \
    X(RSTRH, "server sent a SYN-ACK then a RST, no SYN seen",                                      \
      "服务器发送 SYN-ACK 后又发送 RST，未见 SYN")                                                 \
    X(SH, "client sent a SYN then a FIN, no SYN-ACK seen (half open)",                             \
      "客户端发送 SYN 后又发送 FIN，未见 SYN-ACK（半开）")                                         \
    X(SHR, "server sent a SYN-ACK then a FIN, no SYN seen", "服务器发送 SYN-ACK 后又发送 FIN，未见 SYN") \
    X(OTH, "no SYN seen: midstream traffic", "未见 SYN：从中途开始的流量")

enum tp_outcome {
#define TP_X_ENUM(code, text, zh) TP_OUTCOME_##code,
    TP_OUTCOMES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_OUTCOME_COUNT
};

/* No outcome yet: the segment opened the connection. */
#define TP_OUTCOME_NONE TP_OUTCOME_COUNT

/* Who closed first: the sender of the first FIN (or of the RST that ended
 * it), both (the FINs crossed), or nobody yet. X(id, name): name is the
 * display-filter value of tcpphase.closed_by and the reports' text. The
 * client and server values are those of tcpphase.role (enum tp_role), so
 * that every field says client and server with the same numbers. */
#define TP_CLOSERS(X)        \
    X(CLIENT, "client")      \
    X(SERVER, "server")      \
    X(BOTH,   "both")

enum tp_closer {
#define TP_X_ENUM(id, name) TP_CLOSER_##id,
    TP_CLOSERS(TP_X_ENUM)
#undef TP_X_ENUM
    TP_CLOSER_COUNT
};

/* Nobody has closed yet: tcpphase.closed_by is absent. */
#define TP_CLOSER_NONE TP_CLOSER_COUNT

/* tp_closer_name returns the name of |c| ("" for TP_CLOSER_NONE or out of range). */
const char *tp_closer_name(unsigned c);

const char *tp_outcome_code(unsigned o);
const char *tp_outcome_text(unsigned o);
/* tp_outcome_text_in is the explanation in language |lang| (enum tp_language). */
const char *tp_outcome_text_in(unsigned o, unsigned lang);

#endif
