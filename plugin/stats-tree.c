/* -z tcpphase,tree and Statistics → TCP Connection Phase: segments by phase
 * and step, connections by outcome, anomalies by id, from tcpphase's tap. */
#include "ws_compat.h"

#include <epan/stats_tree.h>

#include "tcpphase-tap.h"

static const char SEGMENTS_BY_PHASE[] = "Segments by phase";
static const char SEGMENTS_BY_STEP[] = "Segments by step";
static const char CONNECTIONS_BY_OUTCOME[] = "Connections by outcome (Zeek conn_state)";
static const char ANOMALIES[] = "Anomalies";

static int node_phase, node_step, node_outcome, node_anomaly;

static void stats_init(stats_tree *st)
{
    node_phase = stats_tree_create_node(st, SEGMENTS_BY_PHASE, 0, STAT_DT_INT, TRUE);
    node_step = stats_tree_create_node(st, SEGMENTS_BY_STEP, 0, STAT_DT_INT, TRUE);
    node_outcome = stats_tree_create_node(st, CONNECTIONS_BY_OUTCOME, 0, STAT_DT_INT, TRUE);
    node_anomaly = stats_tree_create_node(st, ANOMALIES, 0, STAT_DT_INT, TRUE);
}

static void outcome_name(char *buf, size_t size, unsigned outcome)
{
    snprintf(buf, size, "%s: %s", tp_outcome_code(outcome), tp_outcome_text(outcome));
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    const struct tp_result *r = t->result;
    char name[96];

    tick_stat_node(st, SEGMENTS_BY_PHASE, 0, TRUE);
    tick_stat_node(st, tp_phase_name(r->phase), node_phase, FALSE);
    if (r->hs_steps || r->td_steps) {
        tick_stat_node(st, SEGMENTS_BY_STEP, 0, TRUE);
        tick_stat_node(st, tp_label_text(r->label), node_step, FALSE);
    }
    /* A connection counts once, under the outcome it has so far: each
     * segment moves it from its outcome before to its outcome after. */
    if (t->outcome_before != t->outcome_after || t->outcome_before == TP_OUTCOME_NONE) {
        if (t->outcome_before == TP_OUTCOME_NONE) {
            tick_stat_node(st, CONNECTIONS_BY_OUTCOME, 0, TRUE);
        } else {
            outcome_name(name, sizeof name, t->outcome_before);
            increase_stat_node(st, name, node_outcome, FALSE, -1);
        }
        outcome_name(name, sizeof name, t->outcome_after);
        tick_stat_node(st, name, node_outcome, FALSE);
    }
    for (unsigned id = 0; id < TP_ANOMALY_COUNT; id++) {
        if (t->anomalies & ((uint64_t)1 << id)) {
            tick_stat_node(st, ANOMALIES, 0, TRUE);
            tick_stat_node(st, tp_anomaly_name(id), node_anomaly, FALSE);
        }
    }
    return TAP_PACKET_REDRAW;
}

void register_tcpphase_stats(void)
{
    /* no "/" in the name: 4.0 and 4.2+ split menu paths differently */
    stats_tree_register_plugin("tcpphase", "tcpphase", "TCP Connection Phase", 0, stats_packet,
                               stats_init, NULL);
}
