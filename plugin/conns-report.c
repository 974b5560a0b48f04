/* -z tcpphase,conns[,tsv]: one line per connection, like Zeek's conn.log,
 * printed when tshark has read the whole capture. The GUI reaches the same
 * table through the connection table dialog (conns-table.c). */
#include "ws_compat.h"

#include <epan/addr_resolv.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include <stdio.h>

#include "tcpphase-tap.h"
#include "undecided.h"

/* One connection of the report, in order of first segment. */
struct report_row {
    uint32_t conn; /* its number */
    int anomalies;
    GArray *undecided; /* judged again when the report is drawn (undecided.h) */
};

static unsigned count_bits(uint64_t bits)
{
    unsigned n = 0;

    for (; bits; bits &= bits - 1)
        n++;
    return n;
}

/* |row|'s anomalies as the capture read so far judges them. */
static unsigned row_anomalies(struct report_row *row, const struct tp_horizon *h)
{
    struct tp_conn view;

    if (row->undecided)
        row->anomalies += undecided_judge(row->undecided, conn_view_by_number(row->conn, &view), tcpphase_config(),
                                          h, NULL, NULL);
    return row->anomalies > 0 ? (unsigned)row->anomalies : 0;
}

struct conns_report {
    GPtrArray *rows;        /* struct report_row *, owned */
    GHashTable *row_by_conn; /* connection number -> report_row * */
    bool tsv;
};

/* The report's columns, one table: X(id, tsv name, text title, text width;
 * 0 for the last, unpadded). */
#define CONNS_COLUMNS(X)                                     \
    X(CONN, "conn", "conn", 5)                               \
    X(STREAM, "stream", "stream", 6)                         \
    X(CLIENT, "client", "client", 28)                        \
    X(SERVER, "server", "server", 28)                        \
    X(FIRST_FRAME, "first_frame", "frame", 8)                \
    X(START, "start", "start", 17)                           \
    X(DURATION, "duration", "duration", 10)                  \
    X(OUTCOME, "outcome", "state", 6)                        \
    X(HISTORY, "history", "history", 12)                     \
    X(SYN_TO_SYNACK, "syn_to_synack", "syn>sa", 9)           \
    X(SYNACK_TO_ACK, "synack_to_ack", "sa>ack", 9)           \
    X(CONNECT_TIME, "connect_time", "connect", 9)            \
    X(SYN_COUNT, "syn_count", "syns", 4)                     \
    X(CLOSED_BY, "closed_by", "closer", 6)                   \
    X(ANOMALIES, "anomalies", "anom", 4)                     \
    X(BYTES_C2S, "bytes_c2s", "bytes c>s", 10)               \
    X(BYTES_S2C, "bytes_s2c", "bytes s>c", 10)              \
    X(SUMMARY, "summary", "summary", 0)

enum {
#define X_ENUM(id, tsv, title, width) COL_##id,
    CONNS_COLUMNS(X_ENUM)
#undef X_ENUM
    COL_COUNT
};

struct column {
    const char *tsv, *title;
    int width;
};
static const struct column COLUMNS[COL_COUNT] = {
#define X_COLUMN(id, tsv, title, width) {tsv, title, width},
    CONNS_COLUMNS(X_COLUMN)
#undef X_COLUMN
};

typedef char cells_t[COL_COUNT][80];

/* One line of the report: tab-separated, or padded to the columns' widths. */
static void print_cells(const struct conns_report *report, const char *const cells[COL_COUNT])
{
    for (unsigned i = 0; i < COL_COUNT; i++) {
        if (report->tsv)
            printf("%s%s", i ? "\t" : "", cells[i]);
        else if (COLUMNS[i].width > 0)
            printf("%-*s ", COLUMNS[i].width, cells[i]);
        else
            printf("%s", cells[i]);
    }
    printf("\n");
}


static void free_row(gpointer data)
{
    struct report_row *row = (struct report_row *)data;

    undecided_free(row->undecided);
    g_free(row);
}

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
    struct report_row *row = (struct report_row *)g_hash_table_lookup(report->row_by_conn, GUINT_TO_POINTER(t->conn));

    if (!row) {
        row = g_new0(struct report_row, 1);
        row->conn = t->conn;
        g_ptr_array_add(report->rows, row);
        g_hash_table_insert(report->row_by_conn, GUINT_TO_POINTER(t->conn), row);
    }
    row->anomalies += (int)count_bits(t->anomalies);
    if (!t->whole_capture && undecided_may_change(t->result))
        undecided_add(&row->undecided, t->result, t->result->anomalies);
    return TAP_PACKET_REDRAW;
}

static void format_duration(char *buf, size_t size, int64_t ns, bool known)
{
    if (known)
        snprintf(buf, size, "%.6f", (double)ns / 1e9);
    else
        snprintf(buf, size, "-");
}

static void print_row(const struct conns_report *report, struct report_row *row, const struct tp_horizon *h)
{
    const struct tp_entry *e = conn_table_by_number(row->conn);
    struct tp_conn view;
    const struct tp_conn *c = conn_view(e, &view);
    const unsigned client = c->client;
    const char *closer = tp_closer_name((unsigned)c->closer);
    cells_t text;
    const char *cells[COL_COUNT];

    for (unsigned i = 0; i < COL_COUNT; i++)
        cells[i] = text[i];
    snprintf(text[COL_CONN], sizeof text[0], "%u", e->number);
    snprintf(text[COL_STREAM], sizeof text[0], "%u", e->hint);
    conn_endpoint_text(e, client, text[COL_CLIENT], sizeof text[0]);
    conn_endpoint_text(e, 1 - client, text[COL_SERVER], sizeof text[0]);
    snprintf(text[COL_FIRST_FRAME], sizeof text[0], "%u", c->first_frame);
    format_duration(text[COL_START], sizeof text[0], c->first_time, true);
    format_duration(text[COL_DURATION], sizeof text[0], c->last_time - c->first_time, true);
    cells[COL_OUTCOME] = tp_outcome_code(tp_conn_outcome(c));
    char history[TP_HISTORY_MAX + 1];
    cells[COL_HISTORY] = tp_conn_history_len(c) > 0 ? tp_conn_history_at_end(c, history) : "-";
    format_duration(text[COL_SYN_TO_SYNACK], sizeof text[0], c->synack_time - c->syn_time,
                    c->syn_frame && c->synack_frame);
    format_duration(text[COL_SYNACK_TO_ACK], sizeof text[0], c->hs_ack_time - c->synack_time,
                    c->synack_frame && c->hs_ack_frame);
    format_duration(text[COL_CONNECT_TIME], sizeof text[0], c->hs_ack_time - c->first_syn_time,
                    c->syn_count > 0 && c->hs_ack_frame);
    snprintf(text[COL_SYN_COUNT], sizeof text[0], "%u", c->syn_count);
    cells[COL_CLOSED_BY] = closer[0] ? closer : "-";
    snprintf(text[COL_ANOMALIES], sizeof text[0], "%u", row_anomalies(row, h));
    snprintf(text[COL_BYTES_C2S], sizeof text[0], "%" PRIu64, c->ep[client].bytes);
    snprintf(text[COL_BYTES_S2C], sizeof text[0], "%" PRIu64, c->ep[1 - client].bytes);
    char story[256];
    cells[COL_SUMMARY] = tp_conn_story(c, tcpphase_language(), story, sizeof story);
    print_cells(report, cells);
}

static void report_draw(void *tapdata)
{
    const struct conns_report *report = (const struct conns_report *)tapdata;
    const struct tp_horizon horizon = tcpphase_report_horizon();
    const char *header[COL_COUNT];

    for (unsigned i = 0; i < COL_COUNT; i++)
        header[i] = report->tsv ? COLUMNS[i].tsv : COLUMNS[i].title;
    if (!report->tsv)
        printf("\n==================================================================\n"
               "TCP Connection Phase: connections (outcome and history as Zeek's conn.log)\n");
    print_cells(report, header);
    for (unsigned i = 0; i < report->rows->len; i++)
        print_row(report, (struct report_row *)g_ptr_array_index(report->rows, i), &horizon);
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

    report->rows = g_ptr_array_new_with_free_func(free_row);
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
    const struct tp_entry *e = conn_table_by_number(t->conn);
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
