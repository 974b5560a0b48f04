/* tcpphase tracker: an observer's model of one TCP connection.
 *
 * It watches the segments both ends send, as a capture shows them, and keeps
 * an RFC 9293 state for each end: the state that end is in once a segment
 * has been sent and processed by its receiver. From the state changes it
 * derives each segment's phase, its handshake/teardown step and the frames
 * related to it. Pure C11: no Wireshark or GLib types, so it can be tested
 * and fuzzed alone. Reading list: RFC 9293 sections 3.3.2, 3.5, 3.6 and
 * 3.10.7; RFC 5961 section 3 (RST acceptance); RFC 7413 (TCP Fast Open).
 */
#ifndef TCPPHASE_TRACKER_H
#define TCPPHASE_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpphase/anomalies.h"
#include "tcpphase/labels.h"
#include "tcpphase/outcomes.h"
#include "tcpphase/phrases.h"
#include "tcpphase/phases.h"
#include "tcpphase/states.h"
#include "tcpphase/transitions.h"

/* TCP header flag bits, as on the wire. */
enum tp_flag {
    TP_FIN = 0x01,
    TP_SYN = 0x02,
    TP_RST = 0x04,
    TP_PSH = 0x08,
    TP_ACK = 0x10,
    TP_URG = 0x20,
    TP_ECE = 0x40,
    TP_CWR = 0x80,
};

/* tp_flags_text writes the names of |flags| in Wireshark's order ("SYN,
 * ACK") into |buf| (|size| bytes); returns |buf|. */
char *tp_flags_text(uint16_t flags, char *buf, size_t size);

/* What a segment is to the tracker, decided once from its flags
 * (tp_segment_event); its payload is orthogonal (tp_segment.len). */
enum tp_event {
    TP_EV_BAD_FLAGS, /* no flag, all six, or SYN with FIN or RST: receivers drop it */
    TP_EV_RST,       /* RST, with or without ACK */
    TP_EV_SYN,       /* a bare SYN: no ACK, FIN or RST (an active open) */
    TP_EV_SYN_ACK,   /* SYN with ACK */
    TP_EV_FIN_ACK,   /* FIN with ACK */
    TP_EV_FIN,       /* FIN without ACK */
    TP_EV_ACK,       /* ACK, with or without data */
    TP_EV_NO_ACK     /* only PSH, URG, ECE or CWR: "if the ACK bit is off, drop the segment" */
};

/* tp_segment_event is the kind of a segment with TCP flags |flags|; inline,
 * as every segment asks it more than once. */
static inline enum tp_event tp_segment_event(uint16_t f)
{
    const uint16_t core = TP_FIN | TP_SYN | TP_RST | TP_PSH | TP_ACK | TP_URG;

    if ((f & core) == 0 || (f & core) == core || ((f & TP_SYN) && (f & (TP_FIN | TP_RST))))
        return TP_EV_BAD_FLAGS;
    if (f & TP_RST)
        return TP_EV_RST;
    if (f & TP_SYN)
        return (f & TP_ACK) ? TP_EV_SYN_ACK : TP_EV_SYN;
    if (f & TP_FIN)
        return (f & TP_ACK) ? TP_EV_FIN_ACK : TP_EV_FIN;
    return (f & TP_ACK) ? TP_EV_ACK : TP_EV_NO_ACK;
}

/* Roles: the client is the end that sent the first SYN. */
enum tp_role { TP_ROLE_CLIENT = 0, TP_ROLE_SERVER = 1 };

/* Handshake or teardown step n as a bit of tp_result.hs_steps / td_steps. */
#define TP_STEP_BIT(n) ((uint8_t)(1u << ((n) - 1)))

/* Timestamps are int64_t nanoseconds. */
#define TP_NS_PER_SEC INT64_C(1000000000)
#define TP_NS_PER_MS INT64_C(1000000)

/* Longest Zeek history string kept (letters beyond it are dropped). */
#define TP_HISTORY_MAX 31
/* The bytes that keep it (tp_conn.history_codes): each letter is one of 25
 * symbols (12 letters in two cases, and ^), a 5-bit code, and its length
 * (0..31) is 5 bits more: 32 codes of 5 bits. */
#define TP_HISTORY_CODE_BYTES 20

/* One segment as the capture shows it. |from| says which end sent it:
 * 0 is the end that sent the connection's first captured segment, 1 the other. */
struct tp_segment { /* 32 bytes: kept for every connection that only sent a SYN */
    int64_t time_ns;  /* capture time */
    uint32_t frame;   /* capture frame number, for links between frames */
    uint32_t seq;     /* raw (absolute) sequence number */
    uint32_t ack;     /* raw acknowledgment number */
    uint32_t len;     /* payload bytes */
    uint32_t win;     /* advertised window, as the header has it */
    uint16_t flags;   /* enum tp_flag bits */
    uint8_t from;     /* 0 or 1 */
    bool payload_cut : 1;  /* the capture holds less payload than len (snap length) */
    bool checksum_bad : 1; /* Wireshark checked its checksum and found it wrong: its receiver drops it */
};

/* What the user tunes (Wireshark preferences in the plugin). */
struct tp_config {
    bool tfo_normal;              /* data on a SYN is TCP Fast Open, not an anomaly */
    int64_t handshake_timeout_ns; /* a SYN unanswered this long counts as unanswered */
    int64_t time_wait_ns;         /* 2*MSL: how long TIME_WAIT lasts */
    int64_t slow_handshake_ns;    /* SYN to step 3 above this is slow */
    unsigned language;            /* enum tp_language of the texts a person reads */
};

/* The defaults, Linux's choices: tcp_syn_retries 6 gives up after 127 s,
 * TCP_TIMEWAIT_LEN is 60 s, and the initial RTO of 1 s makes a slower
 * handshake one that needed a retransmission. The plugin's preferences
 * start from the same numbers. */
#define TP_DEFAULT_TFO_NORMAL true
#define TP_DEFAULT_HANDSHAKE_TIMEOUT_S 127
#define TP_DEFAULT_TIME_WAIT_S 60
#define TP_DEFAULT_SLOW_HANDSHAKE_MS 1000
extern const struct tp_config tp_config_default;

/* An end as Zeek's conn_state logic sees it (TCP_ENDPOINT_* in Zeek). */
enum tp_zeek_state {
    TP_Z_INACTIVE, TP_Z_SYN_SENT, TP_Z_SYN_ACK_SENT, TP_Z_PARTIAL, TP_Z_ESTABLISHED,
    TP_Z_CLOSED, TP_Z_RESET
};

/* What one end has shown of itself (96 bytes: twice in every connection,
 * so its small fields are bits that fill the 8-byte alignment exactly). */
struct tp_endpoint {
    uint32_t isn;            /* initial sequence number, valid if has_isn */
    uint32_t snd_nxt;        /* highest seq+len sent so far, valid if has_seq */
    uint32_t last_ack;       /* last ack number sent, valid if has_ack */
    uint32_t max_win;        /* largest window advertised */
    uint32_t fin_seq;        /* sequence number the FIN occupies, valid if fin_sent */
    uint32_t fin_last_frame; /* frame of the latest FIN transmission */
    uint32_t fin_acked_in;   /* frame that first acknowledged the FIN, 0 if none */
    uint32_t synack_ack;     /* ack number of its first SYN-ACK */
    uint32_t syn_data_len;   /* payload on its SYN (TCP Fast Open) */
    uint32_t challenge_frame; /* frame of a segment it should answer with a challenge ACK */
    int64_t time_wait_since; /* when it entered TIME_WAIT, valid if state is TIME_WAIT */
    uint64_t bytes;          /* payload bytes sent */
    /* The Zeek history letters it has already recorded, and the bytes of
     * its stream the capture is missing (for the content gap letter g):
     * core/summary.c's, read through a struct tp_endpoint *m there. */
    uint32_t last_seq[4];    /* s, h, f, r: repeated only with another sequence number */
    uint32_t hole_seq;       /* first byte missing from the capture, valid if hole */
    uint32_t hole_end;       /* first byte captured again after it */
    uint32_t gap_ack;        /* an ACK that counted the bytes missing below it, valid if acked_gap */
    uint16_t counts[3];      /* t, g, w so far (saturating): their letter repeats at 1, 10, 100... */
    uint8_t state;           /* enum tp_state: a whole byte, read on every segment */
    /* Bit-fields sized by the _Static_asserts below tp_conn; each
     * uint8_t group fills one byte. */
    uint8_t seq_letters : 4; /* bit i: last_seq[i] is valid */
    uint8_t why : 4;         /* enum tp_why: what set |state| on the segment being processed */
    uint8_t once : 5;        /* bits of a, d, q, i, c: recorded once */
    uint8_t zeek_state : 3;  /* enum tp_zeek_state */
    uint8_t zeek_prev_state : 3; /* its zeek_state before the last change */
    uint8_t state_before_rst : 4; /* its state before a RST closed it, if closed_by_rst */
    bool hole : 1;           /* bytes [hole_seq, hole_end) not captured, not yet acknowledged */
    bool acked_gap : 1;
    bool has_isn : 1;
    bool has_seq : 1;
    bool has_ack : 1;
    bool seen : 1; /* the capture holds a segment it sent */
    bool syn_sent : 1; /* sent a SYN or SYN-ACK */
    bool synack_sent : 1; /* sent a SYN-ACK */
    bool fin_sent : 1;
    bool fin_ack_pending : 1; /* a FIN (re)transmission awaits its first ACK */
    bool fin_was_acked : 1; /* the FIN has been acknowledged at least once */
    bool synack_ack_pending : 1; /* a SYN-ACK (re)transmission awaits its first ACK */
    bool closed_by_rst : 1; /* a RST moved it to CLOSED */
    bool rst_sent : 1; /* it sent the RST that closed it (not one it received) */
    bool synack_inferred : 1; /* its SYN-ACK was inferred from the peer's ACK, not captured */
    bool fin_inferred : 1; /* its FIN was inferred from the peer's ACK, not captured */
};

/* One connection incarnation (one 4-tuple, from a SYN to its end). */
/* The numbers of the first handshake and of each end's first FIN, kept as
 * they were when each step was taken and never changed after: tcpphase.check
 * reads them, so it says the same on every dissection of the frame. */
struct tp_check_numbers {
    uint32_t syn_frame, synack_frame, ack_frame; /* the steps taken first */
    uint32_t isn[2];                  /* by endpoint: its ISN as its SYN or SYN-ACK said */
    uint32_t isn_frame[2];            /* ... in this frame (a late SYN-ACK's ISN checks no earlier step) */
    uint32_t syn_data_len;            /* SYN payload the SYN-ACK had to acknowledge */
    uint32_t fin_frame[2], fin_seq[2]; /* by endpoint: its first FIN */
    uint8_t has_isn;                  /* bit per endpoint */
};

/* Fields grouped by size (32-bit, 64-bit, bytes) so that nothing pads
 * them: every connection pays for this struct (issue 18). */
struct tp_conn {
    struct tp_endpoint ep[2];
    struct tp_check_numbers check;
    uint32_t segments;        /* segments processed */
    uint32_t syn_frame;       /* the client SYN the first SYN-ACK answers */
    uint32_t synack_frame;    /* first SYN-ACK */
    uint32_t hs_ack_frame;    /* segment after which both ends were ESTABLISHED */
    uint32_t syn_count;       /* SYNs the client sent */
    uint32_t rst_frame;       /* frame of the last RST that closed an end */
    uint32_t first_frame;     /* first segment of the connection */
    int64_t syn_time, synack_time, hs_ack_time;
    int64_t first_syn_time;   /* first SYN of the client */
    int64_t first_synack_time;
    int64_t answer_time;      /* first segment from the server after the SYN, valid if answered */
    int64_t rst_time;         /* the capture time of rst_frame */
    int64_t first_time, last_time;
    /* Zeek's history string, packed: read it with tp_conn_history */
    uint8_t history_codes[TP_HISTORY_CODE_BYTES];
    uint8_t client;           /* endpoint index of the client: a whole byte, read on every segment */
    /* Bit-fields sized by the _Static_asserts below. */
    uint8_t rst_from : 1;     /* endpoint index of rst_frame's sender */
    uint8_t closer : 2;       /* enum tp_closer of the end that closed first (TP_CLOSER_NONE: none) */
    uint8_t fixed_outcome : 4; /* enum tp_outcome, valid if outcome_fixed */
    int8_t first_closer : 2;  /* endpoint index that sent the first FIN, -1 if none */
    /* Bit x: a plain ACK from endpoint x (no SYN, FIN or RST, a good
     * checksum) would change no state: tp_conn_steady_senders (core/internal.h)
     * as it was after the last segment the full path took (a steady one
     * changes nothing it reads). One byte read instead of a dozen fields, on the
     * bulk of every capture (issue 18). */
    uint8_t steady_senders : 2;
    bool role_guessed : 1; /* client chosen by port numbers, no SYN seen */
    bool midstream : 1; /* the capture did not start with this connection's SYN */
    bool established : 1; /* both ends have been ESTABLISHED */
    bool simultaneous_open : 1; /* both ends sent a bare SYN */
    bool simultaneous_close : 1; /* both ends sent a FIN before receiving the other's */
    bool reset : 1; /* an accepted RST ended it */
    bool rst_ignored : 1; /* an end sent on after a RST had closed it */
    bool answered : 1; /* the server sent something after the client's SYN */
    bool outcome_fixed : 1; /* an accepted RST closed both ends: fixed_outcome holds */
    bool split_handshake : 1; /* the simultaneous open turned out a split handshake */
    bool synack_late : 1; /* a SYN-ACK inferred from its ACK was captured after it */
    bool self_connect : 1; /* both ends are one socket (same address and port): tp_conn_set_self_connect */
};

/* What the bit-fields of tp_endpoint and tp_conn must hold (issue 18:
 * every connection pays for each byte of them). */
_Static_assert(TP_STATE_COUNT <= 16, "state_before_rst fits 4 bits");
_Static_assert(TP_WHY_COUNT <= 16, "why fits 4 bits");
_Static_assert(TP_Z_RESET < 8, "a zeek_state fits 3 bits");
_Static_assert(TP_CLOSER_NONE < 4, "closer (or none) fits 2 bits");
_Static_assert(TP_OUTCOME_COUNT <= 16, "fixed_outcome fits 4 bits");
_Static_assert((TP_HISTORY_MAX + 1) * 5 <= TP_HISTORY_CODE_BYTES * 8 && TP_HISTORY_MAX < 32,
               "history_codes holds TP_HISTORY_MAX codes and the length in 5 bits each");

/* One anomaly raised on a segment, with the two numbers its message shows. */
struct tp_anomaly_hit {
    uint32_t a, b;
    uint8_t id; /* enum tp_anomaly */
};

#define TP_MAX_HITS 6

/* What the tracker says about one segment. */
struct tp_result {
    uint64_t anomalies;   /* TP_ANOMALY_BIT() of each anomaly raised */
    uint32_t fin_frame;   /* on a segment that first acks a FIN: that FIN's frame */
    uint8_t phase;        /* enum tp_phase */
    uint8_t hs_steps;     /* TP_STEP_BIT(n) for each handshake step n (1..3) */
    uint8_t td_steps;     /* TP_STEP_BIT(n) for each teardown step n (1..4) */
    uint8_t label;        /* enum tp_label */
    uint8_t state_client; /* enum tp_state after the segment */
    uint8_t state_server;
    uint8_t state_client_before; /* enum tp_state before it */
    uint8_t state_server_before;
    uint8_t why_client;   /* enum tp_why: why the client's state changed (NONE: it did not) */
    uint8_t why_server;
    uint8_t sender_role;  /* enum tp_role */
    bool retransmission;  /* the segment repeats a step already taken */
    bool has_data;        /* the segment carries payload */
    uint8_t hit_count;
    /* The numbers of the first TP_MAX_HITS anomalies, in the order raised
     * (any further ones are only in |anomalies|, shown with their summary). */
    struct tp_anomaly_hit hits[TP_MAX_HITS];
};

/* tp_conn_init readies |c| for a connection whose first captured segment is
 * |first|, sent by |first->from| from |from_port| to |to_port| (the ports
 * pick the server when no SYN or SYN-ACK says who it is). |c| keeps no
 * configuration: the functions below that need one take it (issue 18: a
 * pointer in every connection costs 8 bytes each). */
void tp_conn_init(struct tp_conn *c, const struct tp_segment *first, uint16_t from_port,
                  uint16_t to_port);

/* tp_conn_set_self_connect marks |c|, just initialised, as a self-connect: a
 * socket connected to its own address and port (both ends identical), so
 * every segment is sent and received by one TCB (issue 17 item 6). Its
 * SYN arriving at itself is a simultaneous open with itself (SYN_SENT ->
 * SYN_RECEIVED), its SYN-ACK establishes it, its FIN arriving at itself
 * closes it (FIN_WAIT_1 -> CLOSING), the ACK of that FIN ends it in
 * TIME_WAIT. Endpoint 1 is kept a copy of endpoint 0 (one socket). In each
 * result the client's states are the socket as sending the segment left it
 * (before -> after sending: "sent SYN") and the server's the socket as
 * receiving it left it (after sending -> after receiving: "received SYN"):
 * the server's state is the socket's state after the segment. */
void tp_conn_set_self_connect(struct tp_conn *c);

/* tp_starts_new_incarnation tells whether |s| is a SYN that opens a new
 * connection on the 4-tuple of |c| (port reuse) rather than a segment of |c|. */
bool tp_starts_new_incarnation(const struct tp_conn *c, const struct tp_segment *s);

/* tp_process feeds |s| to |c|, judged with |cfg|, and describes it in
 * |out|. Returns true when |s| certainly left tp_conn_outcome(|c|) as it was
 * (a caller that keeps the outcome need not compute it again), false when it
 * may have changed it. */
bool tp_process(struct tp_conn *c, const struct tp_config *cfg, const struct tp_segment *s,
                struct tp_result *out);

/* tp_syn_frame_settled tells whether c->syn_frame, the client SYN the first
 * SYN-ACK answers, can no longer change: a SYN-ACK was captured or the
 * handshake completed (its SYN-ACK inferred). Before, a later SYN of the
 * client (a retransmission, a retry after a RST) takes its place, so one
 * pass must not show it as the link a replay after the whole capture shows
 * (issue 17: a simultaneous open's SYN linked to another SYN each way). */
bool tp_syn_frame_settled(const struct tp_conn *c);

/* tp_fin_acked_in is the frame that first acknowledged the FIN that the
 * segment |r| of |c| sent (teardown step 1 or 3), as |c| knows it now; 0 if
 * none yet, or if that FIN is not the one an ACK was counted for: a FIN
 * sent again at another sequence number than the end's first (fin_bad_seq
 * on a retransmission) is linked to no ACK, since the first ACK of the
 * end's FIN may acknowledge another sequence number than this FIN's, and
 * what |c| knows of it can change after the segment (issue 17: one pass
 * and a replay after the whole capture linked such FINs to different
 * frames). */
uint32_t tp_fin_acked_in(const struct tp_conn *c, const struct tp_result *r);

/* tp_check_reuse adds to |out| (the result of |syn|, the first segment of a
 * new incarnation) what reusing the 4-tuple of |old| means: port reuse, and
 * whether it came too early (before |cfg|'s TIME_WAIT ended). |old_from| is
 * the SYN sender's endpoint index in |old|; |old_number| is the old
 * connection's number, for the message. */
void tp_check_reuse(const struct tp_conn *old, const struct tp_config *cfg, uint8_t old_from,
                    uint32_t old_number, const struct tp_segment *syn, struct tp_result *out);

/* How much of the capture has been read when a LATER anomaly is judged.
 * |ended|: all of it (a file read to its end, a capture stopped); else a
 * live capture still running, or a file not known to be read whole.
 * |now_ns|: the time of the latest segment read (the end of the capture
 * once it has ended). */
struct tp_horizon {
    bool ended;
    int64_t now_ns;
};

/* tp_later_anomalies fills |out| with the anomalies of the segment described
 * by |r| that only the rest of the capture tells (the catalogue's LATER ones),
 * judged from |c| as it is now, with |cfg|, up to |h|. Until the capture has
 * ended, only what a deadline has really decided is raised (no answer to a
 * SYN for more than |cfg|'s handshake timeout of capture time); what "at the
 * end" means waits for the end. */
void tp_later_anomalies(const struct tp_conn *c, const struct tp_config *cfg, const struct tp_result *r,
                        const struct tp_horizon *h, struct tp_result *out);

/* tp_conn_history writes |c|'s Zeek history as it stands into |buf| (at
 * least TP_HISTORY_MAX + 1 bytes). Returns |buf|. */
char *tp_conn_history(const struct tp_conn *c, char *buf);

/* tp_conn_history_len is how many letters |c|'s Zeek history has. */
unsigned tp_conn_history_len(const struct tp_conn *c);

/* tp_conn_history_at_end writes |c|'s Zeek history into |buf| (at least
 * TP_HISTORY_MAX + 1 bytes) as it stands once the whole capture has been
 * read: with a g for bytes missing before data the capture holds, which
 * nobody acknowledged. Returns |buf|. */
char *tp_conn_history_at_end(const struct tp_conn *c, char *buf);

/* tp_check_format writes into |buf| (|size| bytes) the rule a tutorial
 * teaches for the handshake or teardown step |r| describes, checked with
 * |c|'s numbers ("ACK 1 = client ISN + 1 ✓ (raw 1001 = 1000 + 1)"), in
 * |cfg|'s language and with its TIME_WAIT; "" for a segment that is no step
 * (or a step repeated). |frame|: the segment's. Returns |buf|. */
char *tp_check_format(const struct tp_conn *c, const struct tp_config *cfg, const struct tp_result *r,
                      uint32_t frame, char *buf, unsigned size);

/* tp_history_letters spells the letters of the Zeek history |history| in
 * order of first appearance ("S: client SYN, h: server SYN-ACK, ..."; upper
 * case is the client, lower case the server) into |buf| of |size| bytes.
 * Returns |buf|. */
char *tp_history_letters(const char *history, char *buf, unsigned size);

/* tp_hindsight removes from |r| (a segment's result as it was first
 * decided) the NOW anomalies that |c|, the connection once the whole capture
 * has been read, disproves; call it where the LATER ones are shown. */
void tp_hindsight(const struct tp_conn *c, struct tp_result *r);

/* tp_hindsight_states corrects in |r| (a segment's result as it was first
 * decided) the server states that |c|, the connection once the whole
 * capture has been read, proves wrong: a SYN answered by RST found nothing
 * listening (the server was CLOSED throughout); a SYN never answered is no
 * evidence it arrived (the server stays LISTEN). */
void tp_hindsight_states(const struct tp_conn *c, struct tp_result *r);

/* tp_conn_story writes into |buf| (|size| bytes) what became of |c|, in one
 * line a person reads in language |lang| (enum tp_language) ("refused: RST
 * to 3 SYNs in 1.0 s", "closed by the client first; server still in
 * LAST_ACK at the end"), as the capture has shown it so far: call it once
 * the whole capture has been read. Returns |buf|. */
char *tp_conn_story(const struct tp_conn *c, unsigned lang, char *buf, unsigned size);

/* tp_conn_outcome returns the Zeek conn_state of |c| as far as it has been seen. */
enum tp_outcome tp_conn_outcome(const struct tp_conn *c);

/* tp_conn_finished tells whether neither end still has a connection. */
bool tp_conn_finished(const struct tp_conn *c);

/* tp_label_format writes the label of |r| ("Handshake 1/3: SYN (retransmission)"), in
 * language |lang| (enum tp_language),
 * into |buf| of |size| bytes and returns |buf|. */
char *tp_label_format(const struct tp_result *r, unsigned lang, char *buf, unsigned size);

#endif
