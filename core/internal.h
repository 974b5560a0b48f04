/* Helpers shared by the tracker's source files; not part of the public API. */
#ifndef TCPPHASE_CORE_INTERNAL_H
#define TCPPHASE_CORE_INTERNAL_H

#include "tcpphase/tracker.h"

/* Sequence number comparisons modulo 2^32 (RFC 9293 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* The endpoint that receives what endpoint |x| sends: the other end, or, in
 * a self-connect, the same socket (issue 17 item 6). */
static inline uint8_t tp_peer(const struct tp_conn *c, uint8_t x)
{
    return c->self_connect ? x : (uint8_t)(1 - x);
}

/* tp_process takes its short path for segments that change no state (see
 * tracker.c); false makes every segment take the full one (a unit test
 * compares the two). */
extern bool tp_steady_path;

/* The connection table keeps the tracker of the latest SYN-only entry's
 * SYN for that entry's next segment (table.c); false makes it replay the
 * SYN every time (a unit test compares the two). */
extern bool tp_table_keeps_replayed_syn;

/* tp_step_if_steady takes segment |s| (its |from| set) through tp_process's
 * short path when it is a steady segment, without writing a result:
 * whether it was one, and in *|outcome_kept| whether the connection's
 * outcome certainly stayed. A steady segment's result is always the same
 * but for its data and sender (tp_record_steady; table.c's steady lane). */
bool tp_step_if_steady(struct tp_conn *c, const struct tp_segment *s, bool *outcome_kept);

/* tp_conn_steady_senders works out, from the connection's fields, the
 * ends whose plain ACK would be a steady segment now (bit x: endpoint x);
 * tp_process keeps it in c->steady_senders after every segment its full
 * path takes. Tests check the two agree. */
uint8_t tp_conn_steady_senders(const struct tp_conn *c);

/* tp_conn_may_be_steady: some end's plain ACK would be steady now (a cheap
 * first test, before the 4-tuple is compared). */
bool tp_conn_may_be_steady(const struct tp_conn *c);

/* The same for the short path of a connection's opening SYN (tracker.c;
 * tests/unit/test_opening_syn.c compares it with the full one). */
extern bool tp_opening_syn_path;

/* A sequence number relative to |ep|'s ISN, as Wireshark shows it by default. */
static inline uint32_t rel_seq(const struct tp_endpoint *ep, uint32_t v)
{
    return ep->has_isn ? v - ep->isn : v;
}

/* Milliseconds in |ns|, 0 if negative (timestamps going backwards). */
static inline uint32_t to_ms(int64_t ns)
{
    if (ns <= 0)
        return 0;
    return ns / TP_NS_PER_MS > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns / TP_NS_PER_MS);
}

/* A line of text written piece by piece into |buf| of |size| bytes (used so
 * far: |used|); what does not fit is cut. */
struct tp_line {
    char *buf;
    unsigned size, used;
};

void tp_say(struct tp_line *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "850 ms" below a second, "2.1 s" above. */
void tp_say_duration(struct tp_line *l, int64_t ns);

/* raise_anomaly records anomaly |id| with message numbers |a| and |b| in |out|. */
void raise_anomaly(struct tp_result *out, enum tp_anomaly id, uint32_t a, uint32_t b);

#endif
