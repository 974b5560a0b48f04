/* What a segment is in the connection's story: the text of tcpphase.label and
 * the short tag appended to the Info column. */
#ifndef TCPPHASE_LABELS_H
#define TCPPHASE_LABELS_H

/* X(id, label, info_tag); an empty info_tag adds nothing to the Info column. */
#define TP_LABELS(X)                                                   \
    X(HS_SYN,          "Handshake 1/3: SYN",         "HS 1/3")         \
    X(HS_SYNACK,       "Handshake 2/3: SYN-ACK",     "HS 2/3")         \
    X(HS_SYNACK_FINAL, "Handshake 2+3/3: SYN-ACK",   "HS 2+3/3")       \
    X(HS_ACK,          "Handshake 3/3: ACK",         "HS 3/3")         \
    X(DATA,            "Data",                       "")               \
    X(ACK,             "ACK",                        "")               \
    X(TD_FIN1,         "Teardown 1/4: FIN",          "FIN 1/4")        \
    X(TD_ACK1,         "Teardown 2/4: ACK",          "FIN 2/4")        \
    X(TD_FINACK,       "Teardown 2+3/4: FIN-ACK",    "FIN 2+3/4")      \
    X(TD_FIN2,         "Teardown 3/4: FIN",          "FIN 3/4")        \
    X(TD_ACK2,         "Teardown 4/4: ACK",          "FIN 4/4")        \
    X(STRAY_FIN,       "Stray FIN",                  "STRAY FIN")      \
    X(RST,             "Reset: RST",                 "RST")            \
    X(BAD_FLAGS,       "Invalid flags",              "BAD FLAGS")

enum tp_label {
#define TP_X_ENUM(id, label, tag) TP_LABEL_##id,
    TP_LABELS(TP_X_ENUM)
#undef TP_X_ENUM
    TP_LABEL_COUNT
};

const char *tp_label_text(unsigned l);
const char *tp_label_info_tag(unsigned l);

#endif
