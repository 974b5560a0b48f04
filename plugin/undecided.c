/* Results judged again once more of the capture has been read (undecided.h). */
#include "undecided.h"

#include <string.h>

#include "tcpphase/anomalies.h"

struct undecided {
    struct tp_result result; /* as the tracker first decided it */
    uint64_t counted;        /* its anomalies as counted so far */
};

static const uint64_t REVISED_ANOMALIES = 0
#define TP_X_REVISED(id, grp, sev, when, summary, msg, zeek, suricata) | (TP_X_IS_##when ? TP_ANOMALY_BIT(id) : 0)
#define TP_X_IS_NOW 0
#define TP_X_IS_LATER 0
#define TP_X_IS_REVISED 1
    TP_ANOMALIES(TP_X_REVISED)
#undef TP_X_REVISED
    ;

bool undecided_may_change(const struct tp_result *r)
{
    return r->hs_steps || (r->td_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(3))) || (r->anomalies & REVISED_ANOMALIES);
}

uint64_t undecided_revisable(const struct tp_result *r) { return r->anomalies & REVISED_ANOMALIES; }

void undecided_add(GArray **list, const struct tp_result *r, uint64_t counted)
{
    struct undecided u;

    if (!*list)
        *list = g_array_new(FALSE, FALSE, sizeof u);
    u.result = *r;
    u.counted = counted;
    g_array_append_val(*list, u);
}

int undecided_judge(GArray *list, const struct tp_conn *c, const struct tp_config *cfg,
                    const struct tp_horizon *h, void (*changed)(void *ctx, unsigned id, int delta), void *ctx)
{
    int total = 0;

    for (unsigned i = 0; list && i < list->len; i++) {
        struct undecided *u = &g_array_index(list, struct undecided, i);
        struct tp_result judged = u->result, later;

        tp_hindsight(c, &judged);
        memset(&later, 0, sizeof later);
        tp_later_anomalies(c, cfg, &judged, h, &later);
        const uint64_t now = judged.anomalies | later.anomalies;
        const uint64_t diff = now ^ u->counted;
        for (unsigned id = 0; diff && id < TP_ANOMALY_COUNT; id++) {
            if (!((diff >> id) & 1))
                continue;
            const int delta = (now >> id) & 1 ? 1 : -1;
            total += delta;
            if (changed)
                changed(ctx, id, delta);
        }
        u->counted = now;
    }
    return total;
}

void undecided_free(GArray *list)
{
    if (list)
        g_array_free(list, TRUE);
}
