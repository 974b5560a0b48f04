/* -z tcpphase,conns[,tsv]: one line per connection, like Zeek's conn.log,
 * printed when tshark has read the whole capture. The GUI reaches the same
 * table through the connection table dialog (conns-table.c). */
#include "ws_compat.h"

#include <epan/addr_resolv.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include <stdio.h>

#include "tcpphase-tap.h"

/* One connection of the report, in order of first segment. */
struct report_row {
    const struct tp_entry *conn;
    uint32_t anomalies;
};

struct conns_report {
    GPtrArray *rows;        /* struct report_row *, owned */
    GHashTable *row_by_conn; /* conn_entry * -> report_row * */
    bool tsv;
};

static const char *const COLUMNS[] = {
    "conn", "stream", "client", "server", "first_frame", "start", "duration", "outcome",
    "history", "syn_to_synack", "synack_to_ack", "syn_retransmissions", "closed_by",
    "anomalies", "bytes_c2s", "bytes_s2c",
};

static void report_reset(void *tapdata)
{
    struct conns_report *report = (struct conns_report *)tapdata;

    g_ptr_array_set_size(report->rows, 0);
    g_hash_table_remove_all(report->row_by_conn);
}

static tap_packet_status report_packet(void *tapdata, packet_info *pinfo _U_,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    struct conns_report *report = (struct conns_report *)tapdata;
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    struct report_row *row = (struct report_row *)g_hash_table_lookup(report->row_by_conn, t->conn);

    if (!row) {
        row = g_new0(struct report_row, 1);
        row->conn = t->conn;
        g_ptr_array_add(report->rows, row);
        g_hash_table_insert(report->row_by_conn, (gpointer)t->conn, row);
    }
    for (uint64_t a = t->anomalies; a; a &= a - 1)
        row->anomalies++;
    return TAP_PACKET_REDRAW;
}

static void format_duration(char *buf, size_t size, int64_t ns, bool known)
{
    if (known)
        snprintf(buf, size, "%.6f", (double)ns / 1e9);
    else
        snprintf(buf, size, "-");
}

static void print_row(const struct conns_report *report, const struct report_row *row)
{
    const struct tp_entry *e = row->conn;
    struct tp_conn view;
    const struct tp_conn *c = conn_view(e, &view);
    const unsigned client = c->client;
    const char *closers[] = {"-", "client", "server", "both"};
    char cli[80], srv[80], start[32], dur[32], s2sa[32], sa2a[32];
    const char *fmt = report->tsv ? "%u\t%u\t%s\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%s\t%u\t%s\t%u\t%" PRIu64 "\t%" PRIu64 "\n"
                                  : "%-5u %-6u %-28s %-28s %-8u %-17s %-10s %-6s %-12s %-9s %-9s %-4u %-6s %-4u %-10" PRIu64 " %" PRIu64 "\n";

    conn_endpoint_text(e, client, cli, sizeof cli);
    conn_endpoint_text(e, 1 - client, srv, sizeof srv);
    format_duration(start, sizeof start, c->first_time, true);
    format_duration(dur, sizeof dur, c->last_time - c->first_time, true);
    format_duration(s2sa, sizeof s2sa, c->synack_time - c->syn_time, c->syn_frame && c->synack_frame);
    format_duration(sa2a, sizeof sa2a, c->hs_ack_time - c->synack_time, c->synack_frame && c->hs_ack_frame);
    printf(fmt, e->number, e->hint, cli, srv, c->first_frame, start, dur,
           tp_outcome_code(tp_conn_outcome(c)), c->history[0] ? c->history : "-", s2sa, sa2a,
           c->syn_count > 0 ? c->syn_count - 1 : 0, closers[c->closer & 3], row->anomalies,
           c->ep[client].bytes, c->ep[1 - client].bytes);
}

static void report_draw(void *tapdata)
{
    const struct conns_report *report = (const struct conns_report *)tapdata;

    if (!report->tsv)
        printf("\n==================================================================\n"
               "TCP Connection Phase: connections (outcome and history as Zeek's conn.log)\n");
    if (report->tsv) {
        for (size_t i = 0; i < G_N_ELEMENTS(COLUMNS); i++)
            printf("%s%s", i ? "\t" : "", COLUMNS[i]);
        printf("\n");
    } else {
        printf("%-5s %-6s %-28s %-28s %-8s %-17s %-10s %-6s %-12s %-9s %-9s %-4s %-6s %-4s %-10s %s\n",
               "conn", "stream", "client", "server", "frame", "start", "duration", "state",
               "history", "syn>sa", "sa>ack", "syn+", "closer", "anom", "bytes c>s", "bytes s>c");
    }
    for (unsigned i = 0; i < report->rows->len; i++)
        print_row(report, (const struct report_row *)g_ptr_array_index(report->rows, i));
    if (!report->tsv)
        printf("==================================================================\n");
}

static void report_finish(void *tapdata)
{
    struct conns_report *report = (struct conns_report *)tapdata;

    g_ptr_array_free(report->rows, TRUE);
    g_hash_table_destroy(report->row_by_conn);
    g_free(report);
}

static tp_stat_init_result report_init(const char *opt_arg, void *userdata _U_)
{
    struct conns_report *report = g_new0(struct conns_report, 1);
    GString *error;

    report->rows = g_ptr_array_new_with_free_func(g_free);
    report->row_by_conn = g_hash_table_new(g_direct_hash, g_direct_equal);
    report->tsv = opt_arg && g_str_has_suffix(opt_arg, ",tsv");
    error = register_tap_listener("tcpphase", report, NULL, 0, report_reset, report_packet,
                                  report_draw, report_finish);
    if (error) {
        fprintf(stderr, "tshark: cannot register the tcpphase,conns report: %s\n", error->str);
        g_string_free(error, TRUE);
        report_finish(report);
        TP_STAT_INIT_RETURN(false);
    }
    TP_STAT_INIT_RETURN(true);
}

/* The same table in the GUI: one statistics-tree node per connection. */
static int node_conns;

static void conns_tree_init(stats_tree *st)
{
    node_conns = stats_tree_create_node(st, "Connections (segments)", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status conns_tree_packet(stats_tree *st, packet_info *pinfo _U_,
                                           epan_dissect_t *edt _U_, const void *data,
                                           tap_flags_t flags _U_)
{
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    const struct tp_entry *e = t->conn;
    char cli[80], srv[80], name[200];

    struct tp_conn view;
    const uint8_t client = conn_view(e, &view)->client;
    conn_endpoint_text(e, client, cli, sizeof cli);
    conn_endpoint_text(e, 1 - client, srv, sizeof srv);
    snprintf(name, sizeof name, "conn %u (tcp.stream %u): %s -> %s", e->number, e->hint, cli, srv);
    tick_stat_node(st, "Connections (segments)", 0, TRUE);
    tick_stat_node(st, name, node_conns, FALSE);
    return TAP_PACKET_REDRAW;
}

void register_tcpphase_conns(void)
{
    static stat_tap_ui ui = {REGISTER_STAT_GROUP_GENERIC, "TCP Connection Phase connections",
                             "tcpphase,conns", report_init, 0, NULL};

    register_stat_tap_ui(&ui, NULL);
    stats_tree_register_plugin("tcpphase", "tcpphase_conns", "TCP Connection Phase segments per connection", 0,
                               conns_tree_packet, conns_tree_init, NULL);
}
