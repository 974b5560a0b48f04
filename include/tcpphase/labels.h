/* What a segment is in the connection's story: the text of tcpphase.label and
 * the short tag appended to the Info column. */
#ifndef TCPPHASE_LABELS_H
#define TCPPHASE_LABELS_H

#include <stddef.h>

/* X(id, label, zh, info_tag): the label in English and in Chinese (the
 * preference tcpphase.language); an empty info_tag adds nothing to the Info
 * column. */
#define TP_LABELS(X)                                                   \
    X(HS_SYN, "Handshake 1/3: SYN", "三次握手 1/3: SYN", "HS 1/3") \
    X(HS_SYNACK, "Handshake 2/3: SYN-ACK", "三次握手 2/3: SYN-ACK", "HS 2/3") \
    X(HS_SYNACK_FINAL, "Handshake 2+3/3: SYN-ACK", "三次握手 2+3/3: SYN-ACK", "HS 2+3/3") \
    X(HS_ACK, "Handshake 3/3: ACK", "三次握手 3/3: ACK", "HS 3/3") \
    X(DATA, "Data", "数据", "") \
    X(ACK, "ACK", "ACK", "") \
    X(TD_FIN1, "Teardown 1/4: FIN", "四次挥手 1/4: FIN", "FIN 1/4") \
    X(TD_ACK1, "Teardown 2/4: ACK", "四次挥手 2/4: ACK", "FIN 2/4") \
    X(TD_FINACK, "Teardown 2+3/4: FIN-ACK", "四次挥手 2+3/4: FIN-ACK", "FIN 2+3/4") \
    X(TD_FIN2, "Teardown 3/4: FIN", "四次挥手 3/4: FIN", "FIN 3/4") \
    X(TD_ACK2, "Teardown 4/4: ACK", "四次挥手 4/4: ACK", "FIN 4/4") \
    X(STRAY_FIN, "Stray FIN", "游离的 FIN", "STRAY FIN") \
    X(RST, "Reset: RST", "重置: RST", "RST") \
    X(BAD_FLAGS, "Invalid flags", "非法标志组合", "BAD FLAGS") \
    X(BAD_CHECKSUM, "Bad checksum (dropped)", "校验和错误（被丢弃）", "BAD CHECKSUM")

enum tp_label {
#define TP_X_ENUM(id, label, zh, tag) TP_LABEL_##id,
    TP_LABELS(TP_X_ENUM)
#undef TP_X_ENUM
    TP_LABEL_COUNT
};

const char *tp_label_text(unsigned l);
/* tp_label_text_in is the label in language |lang| (enum tp_language). */
const char *tp_label_text_in(unsigned l, unsigned lang);
const char *tp_label_info_tag(unsigned l);
/* tp_label_short writes the label as short as a Flow Graph arrow wants it
 * ("SYN 1/3", "FIN-ACK 2+3/4", "RST", "Data") into |buf|; returns |buf|. */
char *tp_label_short(unsigned l, char *buf, size_t size);

#endif
