/* The segments whose anomalies the rest of the capture may still add to or
 * withdraw (handshake and FIN steps, REVISED anomalies), kept by the reports
 * while the tap hands them results not yet judged against the whole capture
 * (one-pass tshark, a live capture). Judged again when a report is drawn, so
 * that one-pass reports count what the GUI and two-pass count. */
#ifndef TCPPHASE_UNDECIDED_H
#define TCPPHASE_UNDECIDED_H

#include <glib.h>

#include "tcpphase/tracker.h"

/* Whether the rest of the capture may change what |r| raises. */
bool undecided_may_change(const struct tp_result *r);

/* Adds |r| to |*list| (created on first use); |counted|: those of its
 * anomalies the caller has counted already. */
void undecided_add(GArray **list, const struct tp_result *r, uint64_t counted);

/* The anomalies of |r| the rest of the capture may withdraw. */
uint64_t undecided_revisable(const struct tp_result *r);

/* Judges each result of |list| again against |c| with |cfg| up to |h|; for
 * each anomaly it now adds or withdraws against what was counted before,
 * calls |changed(ctx, id, +1 or -1)| (|changed| may be NULL) and counts it
 * as judged. Returns the change in the number of anomalies. */
int undecided_judge(GArray *list, const struct tp_conn *c, const struct tp_config *cfg,
                    const struct tp_horizon *h, void (*changed)(void *ctx, unsigned id, int delta), void *ctx);

void undecided_free(GArray *list);

#endif
