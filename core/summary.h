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

#endif
