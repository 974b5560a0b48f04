/* -z tcpphase,tree and Statistics → TCP Connection Phase: segments by phase
 * and step, connections by outcome, anomalies by id, from tcpphase's tap. */
#include "ws_compat.h"

#include <epan/stats_tree.h>

#include "tcpphase-tap.h"
#include "undecided.h"

/* The headings, in the language of tcpphase.language when the tree was
 * made (a changed preference retaps, which makes the tree again). */
static const char *SEGMENTS_BY_PHASE, *SEGMENTS_BY_STEP, *CONNECTIONS_BY_OUTCOME, *ANOMALIES;
static unsigned tree_language;

static int node_phase, node_step, node_outcome, node_anomaly;

/* The tree's segments whose anomalies are not yet judged against the whole
 * capture (one-pass tshark, a live capture), by connection: judged again
 * before the tree is drawn. One tree at a time, as in tshark and the GUI. */
static struct {
    stats_tree *st;
    GHashTable *by_conn; /* connection number -> GArray * (undecided.h) */
    /* The anomaly rows' counts, to set them when judged at draw time: an
     * increase there would enter the burst statistics at the last packet's
     * time (and Wireshark 4.4 loses the buckets it makes then). */
    int counts[TP_ANOMALY_COUNT];
    int total;
    /* The connections seen (by number), whose outcomes are
     * counted at draw time: counted as they go, a connection would leave a
     * row at 0 behind each outcome it passed through (S0, S1, S2 on its way
     * to SF). */
    GHashTable *conns;
    int outcome_counts[TP_OUTCOME_COUNT];
} pending;

static void free_pending(gpointer list) { undecided_free((GArray *)list); }

static void count_anomaly(void *ctx, unsigned id, int delta)
{
    stats_tree *st = (stats_tree *)ctx;

    pending.counts[id] += delta;
    pending.total += delta;
    set_stat_node(st, ANOMALIES, 0, TRUE, pending.total);
    set_stat_node(st, tp_anomaly_name(id), node_anomaly, FALSE, pending.counts[id]);
}

static void outcome_name(char *buf, size_t size, unsigned outcome)
{
    snprintf(buf, size, "%s: %s", tp_outcome_code(outcome), tp_outcome_text_in(outcome, tree_language));
}

/* The outcome rows from what became of each connection seen: a row is made
 * only for an outcome some connection has (a row once made stays, so a
 * running live capture can leave one at 0). */
static void count_outcomes(void)
{
    int counts[TP_OUTCOME_COUNT] = {0};
    GHashTableIter it;
    gpointer conn;
    struct tp_conn view;
    char name[128];

    if (!pending.conns || g_hash_table_size(pending.conns) == 0)
        return;
    g_hash_table_iter_init(&it, pending.conns);
    while (g_hash_table_iter_next(&it, &conn, NULL)) {
        const unsigned o = tp_conn_outcome(conn_view_by_number(GPOINTER_TO_UINT(conn), &view));
        if (o < TP_OUTCOME_COUNT)
            counts[o]++;
    }
    set_stat_node(pending.st, CONNECTIONS_BY_OUTCOME, 0, TRUE, (int)g_hash_table_size(pending.conns));
    for (unsigned o = 0; o < TP_OUTCOME_COUNT; o++) {
        if (counts[o] == 0 && pending.outcome_counts[o] == 0)
            continue;
        outcome_name(name, sizeof name, o);
        set_stat_node(pending.st, name, node_outcome, FALSE, counts[o]);
        pending.outcome_counts[o] = counts[o];
    }
}

/* Drawn before the tree itself (tap listeners draw newest first): the
 * anomalies that the capture read so far adds or withdraws. */
static void judge_pending(void *tapdata _U_)
{
    const struct tp_horizon horizon = tcpphase_report_horizon();
    GHashTableIter it;
    gpointer conn, list;
    struct tp_conn view;

    if (!pending.by_conn)
        return;
    g_hash_table_iter_init(&it, pending.by_conn);
    while (g_hash_table_iter_next(&it, &conn, &list))
        undecided_judge((GArray *)list, conn_view_by_number(GPOINTER_TO_UINT(conn), &view), tcpphase_config(),
                        &horizon, count_anomaly, pending.st);
    count_outcomes();
}

static tap_packet_status ignore_packet(void *tapdata _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                       const void *data _U_, tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void reset_pending(void *tapdata _U_)
{
    if (pending.by_conn)
        g_hash_table_remove_all(pending.by_conn);
    if (pending.conns)
        g_hash_table_remove_all(pending.conns);
    memset(pending.counts, 0, sizeof pending.counts);
    memset(pending.outcome_counts, 0, sizeof pending.outcome_counts);
    pending.total = 0;
}

static void finish_pending(void *tapdata _U_)
{
    if (pending.by_conn)
        g_hash_table_destroy(pending.by_conn);
    if (pending.conns)
        g_hash_table_destroy(pending.conns);
    pending.by_conn = pending.conns = NULL;
    pending.st = NULL;
}

static void keep_pending(stats_tree *st, const struct tcpphase_tap_record *t, uint64_t counted)
{
    gpointer list;

    if (st != pending.st)
        return;
    list = g_hash_table_lookup(pending.by_conn, GUINT_TO_POINTER(t->conn));
    const bool first = !list;
    undecided_add((GArray **)&list, t->result, counted);
    if (first) /* the table frees a value it replaces, even with itself */
        g_hash_table_insert(pending.by_conn, GUINT_TO_POINTER(t->conn), list);
}

/* The pending segments of a new tree: a listener of tcpphase's tap of its
 * own, registered after the tree's, so drawn before it. */
static void watch_pending(stats_tree *st)
{
    GString *error;

    if (pending.st == st) { /* the same tree, reset */
        reset_pending(NULL);
        return;
    }
    if (pending.st)
        remove_tap_listener(&pending);
    pending.by_conn = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_pending);
    pending.conns = g_hash_table_new(g_direct_hash, g_direct_equal);
    pending.st = st;
    reset_pending(NULL);
    error = register_tap_listener("tcpphase", &pending, NULL, 0, reset_pending, ignore_packet, judge_pending,
                                  finish_pending);
    if (error) { /* the tree then counts what the tap hands it, as it is */
        g_string_free(error, TRUE);
        finish_pending(NULL);
    }
}

static void stats_cleanup(stats_tree *st)
{
    if (pending.st == st)
        remove_tap_listener(&pending);
}

static void stats_init(stats_tree *st)
{
    tree_language = tcpphase_language();
    SEGMENTS_BY_PHASE = tp_phrase(TP_P_TREE_BY_PHASE, tree_language);
    SEGMENTS_BY_STEP = tp_phrase(TP_P_TREE_BY_STEP, tree_language);
    CONNECTIONS_BY_OUTCOME = tp_phrase(TP_P_TREE_BY_OUTCOME, tree_language);
    ANOMALIES = tp_phrase(TP_P_TREE_ANOMALIES, tree_language);
    watch_pending(st);
    node_phase = stats_tree_create_node(st, SEGMENTS_BY_PHASE, 0, STAT_DT_INT, TRUE);
    node_step = stats_tree_create_node(st, SEGMENTS_BY_STEP, 0, STAT_DT_INT, TRUE);
    node_outcome = stats_tree_create_node(st, CONNECTIONS_BY_OUTCOME, 0, STAT_DT_INT, TRUE);
    node_anomaly = stats_tree_create_node(st, ANOMALIES, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    const struct tp_result *r = t->result;
    char name[128];

    tick_stat_node(st, SEGMENTS_BY_PHASE, 0, TRUE);
    /* "1. handshake" .. "5. closed": sorted by name, in the order of life */
    snprintf(name, sizeof name, "%u. %s", r->phase + 1u, tp_phase_name(r->phase));
    tick_stat_node(st, name, node_phase, FALSE);
    if (r->hs_steps || r->td_steps) {
        tick_stat_node(st, SEGMENTS_BY_STEP, 0, TRUE);
        tick_stat_node(st, tp_label_text_in(r->label, tree_language), node_step, FALSE);
    }
    if (pending.st == st) {
        /* counted when drawn (count_outcomes) */
        if (t->outcome_before == TP_OUTCOME_NONE)
            g_hash_table_add(pending.conns, GUINT_TO_POINTER(t->conn));
    } else if (t->outcome_before != t->outcome_after || t->outcome_before == TP_OUTCOME_NONE) {
        /* without the draw-time listener: a connection counts once, under
         * the outcome it has so far; each segment moves it from its outcome
         * before to its outcome after */
        if (t->outcome_before == TP_OUTCOME_NONE) {
            tick_stat_node(st, CONNECTIONS_BY_OUTCOME, 0, TRUE);
        } else {
            outcome_name(name, sizeof name, t->outcome_before);
            increase_stat_node(st, name, node_outcome, FALSE, -1);
        }
        outcome_name(name, sizeof name, t->outcome_after);
        tick_stat_node(st, name, node_outcome, FALSE);
    }
    /* What the rest of the capture may withdraw is counted once judged, so
     * that no row is left at 0. */
    uint64_t counted = t->anomalies;
    if (!t->whole_capture && undecided_may_change(r) && pending.st == st) {
        counted &= ~undecided_revisable(r);
        keep_pending(st, t, counted);
    }
    for (unsigned id = 0; id < TP_ANOMALY_COUNT; id++) {
        if (counted & ((uint64_t)1 << id)) {
            tick_stat_node(st, ANOMALIES, 0, TRUE);
            tick_stat_node(st, tp_anomaly_name(id), node_anomaly, FALSE);
            if (st == pending.st) {
                pending.counts[id]++;
                pending.total++;
            }
        }
    }
    return TAP_PACKET_REDRAW;
}

/* Rows sorted by name, ascending, in tshark and the GUI alike (not by
 * count, Wireshark's default, which puts equal counts in reverse
 * alphabetical order): steps read Handshake 1/3 .. 3/3, Teardown 1/4 .. 4/4;
 * the phase rows are numbered in the order a connection lives them. */
#define TREE_ORDER (ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT)

void register_tcpphase_stats(void)
{
    /* no "/" in the name: 4.0 and 4.2+ split menu paths differently */
    stats_tree_register_plugin("tcpphase", "tcpphase", "TCP Connection Phase", TREE_ORDER, stats_packet,
                               stats_init, stats_cleanup);
}
