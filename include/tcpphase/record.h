/* One segment's verdict as it is kept for the whole capture: the tracker
 * runs once per segment, and every dissection of the frame shows what this
 * record decodes to (the first one included), so what one-pass tshark shows
 * is what a replay shows by construction.
 *
 * 16 bytes, because a capture of millions of segments keeps one each. The
 * anomalies, which few segments have, are kept beside it by the caller
 * (tp_record_has_anomalies). */
#ifndef TCPPHASE_RECORD_H
#define TCPPHASE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpphase/tracker.h"

/* What is kept of a segment: its connection's number, the connection's
 * outcome before and after it (TP_OUTCOME_NONE before the first), and the
 * tracker's result. */
struct tp_verdict {
    uint32_t conn;
    uint8_t outcome_before, outcome_after;
    struct tp_result result;
};

struct tp_record {
    uint32_t conn;      /* tcpphase.conn number; 0: no record */
    uint32_t fin_frame; /* tp_result.fin_frame */
    uint8_t phase, label;
    uint8_t steps;         /* hs_steps | td_steps << 3 */
    uint8_t states;        /* client | server << 4, after the segment */
    uint8_t states_before; /* the same before it */
    uint8_t outcomes;      /* before | after << 4 */
    uint8_t flags;         /* TP_RECORD_* */
    uint8_t whys;          /* why_client | why_server << 4 */
};

/* The anomalies of a segment, kept beside its record. */
struct tp_record_anomalies {
    uint64_t mask;
    uint8_t hit_count;
    struct tp_anomaly_hit hits[TP_MAX_HITS];
};

/* tp_record_encode fills |rec| from |v| and, if the segment has anomalies,
 * |anomalies| (returns true: keep them beside |rec|). */
bool tp_record_encode(const struct tp_verdict *v, struct tp_record *rec, struct tp_record_anomalies *anomalies);

/* tp_record_steady fills |rec| as tp_record_encode would for a steady
 * segment (table.h, tp_table_step_steady: an ACK, with data or not, that
 * changed no state of two ESTABLISHED ends, raised nothing and linked
 * nothing), without the whole result such a segment would have. */
void tp_record_steady(uint32_t conn, bool has_data, bool server_sent, uint8_t outcome_before, uint8_t outcome_after,
                      struct tp_record *rec);

/* tp_record_has_anomalies tells whether |rec| was encoded with anomalies. */
bool tp_record_has_anomalies(const struct tp_record *rec);

/* tp_record_decode fills |v| from |rec| and its |anomalies| (NULL if it has
 * none); false if |rec| holds no record. */
bool tp_record_decode(const struct tp_record *rec, const struct tp_record_anomalies *anomalies,
                      struct tp_verdict *v);

#endif
