/* Keeping a connection's Zeek-style summary; called by the tracker. */
#ifndef TCPPHASE_CORE_SUMMARY_H
#define TCPPHASE_CORE_SUMMARY_H

#include "tcpphase/tracker.h"

/* tp_summary_update records segment |s| (from end |x|) in
 * |c|'s history, byte counts and Zeek endpoint states. |snd_nxt_before| is
 * the sender's next sequence number before |s|, valid if |had_seq|. */
/* Zeek's history letter c (C: the client's): a segment with a bad checksum,
 * once per end. */
void tp_summary_bad_checksum(struct tp_conn *c, uint8_t x);

void tp_summary_update(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                       uint32_t snd_nxt_before, bool had_seq);

/* tp_summary_steady is tp_summary_update for the tracker's short path: an
 * ACK without SYN, FIN or RST, not the connection's first segment. */
void tp_summary_steady(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                       uint32_t snd_nxt_before, bool had_seq);

/* Whether tp_summary_steady, given a segment from end |x| of |c|, certainly
 * leaves tp_conn_outcome(|c|) as it was: it moves no Zeek state but the
 * sender's INACTIVE, and tp_conn_outcome reads the byte counts and the
 * history only when a Zeek state is RESET (issue 18: no tp_conn_outcome on
 * most segments; tests/unit/test_steady.c checks it). Inline: asked on every
 * steady segment. */
static inline bool tp_summary_steady_keeps_outcome(const struct tp_conn *c, uint8_t x)
{
    const unsigned sender = c->ep[x].zeek_state, receiver = c->ep[1 - x].zeek_state;

    return c->outcome_fixed ||
           (sender != TP_Z_INACTIVE && sender != TP_Z_RESET && receiver != TP_Z_RESET);
}

#endif
