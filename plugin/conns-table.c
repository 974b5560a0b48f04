/* Statistics → TCP Connection Phase connection table (and -z
 * tcpphase,conntable): the connection report as a table in a dialog, one
 * row per connection, updated as the capture is (re)read. */
#include "ws_compat.h"

#include <epan/addr_resolv.h>
#include <epan/stat_tap_ui.h>

#include "tcpphase-tap.h"
#include "undecided.h"

enum {
    COL_CONN, COL_STREAM, COL_START, COL_FIRST_FRAME, COL_CLIENT, COL_SERVER, COL_OUTCOME, COL_HISTORY, COL_CLOSED_BY,
    COL_SEGMENTS, COL_ANOMALIES, COL_BYTES_C2S, COL_BYTES_S2C, COL_DURATION, COL_CONNECT_TIME,
    COL_SYN_COUNT, COL_SUMMARY, COL_COUNT
};

static stat_tap_table_item table_columns[COL_COUNT] = {
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Conn", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "tcp.stream", "%u"},
    {TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Start (s)", "%.6f"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "First frame", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Outcome", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "History", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Closed by", "%s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Segments", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Anomalies", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes client to server", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes server to client", "%u"},
    {TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Duration (s)", "%.6f"},
    {TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Connect time (s)", "%.6f"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "SYNs", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Summary", "%s"},
};

static const char TABLE_NAME[] = "TCP Connection Phase connection table";

/* connection number -> row; one table per process, as Wireshark opens one file */
static GHashTable *row_of_conn;
/* connection number -> its segments not yet judged against the whole capture
 * (undecided.h), judged again on each of its segments */
static GHashTable *undecided_of_conn;

static void free_undecided(gpointer list) { undecided_free((GArray *)list); }

static void set_string(stat_tap_table *table, unsigned row, unsigned col, const char *text)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);

    if (item->value.string_value && strcmp(item->value.string_value, text) == 0)
        return;
    g_free((char *)item->value.string_value);
    item->value.string_value = g_strdup(text);
    stat_tap_set_field_data(table, row, col, item);
}

static void set_uint(stat_tap_table *table, unsigned row, unsigned col, unsigned value)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);

    item->value.uint_value = value;
    stat_tap_set_field_data(table, row, col, item);
}

static unsigned add_row(stat_tap_table *table, const struct tp_entry *e)
{
    stat_tap_table_item_type items[COL_COUNT];
    char cli[80], srv[80];
    const unsigned row = table->num_elements;

    memset(items, 0, sizeof items);
    for (unsigned col = 0; col < COL_COUNT; col++)
        items[col].type = table_columns[col].type;
    struct tp_conn view;
    const struct tp_conn *c = conn_view(e, &view);
    const uint8_t client = c->client;
    conn_endpoint_text(e, client, cli, sizeof cli);
    conn_endpoint_text(e, 1 - client, srv, sizeof srv);
    items[COL_CONN].value.uint_value = e->number;
    items[COL_STREAM].value.uint_value = e->hint;
    /* seconds from the capture's first segment, as the conns report says */
    items[COL_START].value.float_value = (double)c->first_time / 1e9;
    items[COL_FIRST_FRAME].value.uint_value = c->first_frame;
    items[COL_CLIENT].value.string_value = g_strdup(cli);
    items[COL_SERVER].value.string_value = g_strdup(srv);
    items[COL_OUTCOME].value.string_value = g_strdup("");
    items[COL_HISTORY].value.string_value = g_strdup("");
    items[COL_CLOSED_BY].value.string_value = g_strdup("");
    items[COL_SUMMARY].value.string_value = g_strdup("");
    stat_tap_init_table_row(table, row, COL_COUNT, items);
    g_hash_table_insert(row_of_conn, GUINT_TO_POINTER(e->number), GUINT_TO_POINTER(row + 1));
    return row;
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    const struct tp_entry *e = conn_table_by_number(t->conn);
    struct tp_conn view;
    const struct tp_conn *c = conn_view(e, &view);
    stat_tap_table *table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    const unsigned found = GPOINTER_TO_UINT(g_hash_table_lookup(row_of_conn, GUINT_TO_POINTER(t->conn)));
    const unsigned row = found ? found - 1 : add_row(table, e);
    stat_tap_table_item_type *item;
    const struct tp_horizon horizon = tcpphase_report_horizon();
    /* what became of the connection, once the capture has ended */
    const bool ended = t->whole_capture || horizon.ended;
    int anomalies = 0;

    for (uint64_t a = t->anomalies; a; a &= a - 1)
        anomalies++;
    if (!t->whole_capture) {
        gpointer list = g_hash_table_lookup(undecided_of_conn, GUINT_TO_POINTER(t->conn));
        if (undecided_may_change(t->result)) {
            const bool first = !list;
            undecided_add((GArray **)&list, t->result, t->result->anomalies);
            if (first) /* the table frees a value it replaces, even with itself */
                g_hash_table_insert(undecided_of_conn, GUINT_TO_POINTER(t->conn), list);
        }
        anomalies += undecided_judge((GArray *)list, c, tcpphase_config(), &horizon, NULL, NULL);
    }
    char history[TP_HISTORY_MAX + 1], story[256];
    set_string(table, row, COL_OUTCOME, ended ? tp_outcome_code(t->outcome_after) : "");
    set_string(table, row, COL_HISTORY, ended ? tp_conn_history_at_end(c, history) : tp_conn_history(c, history));
    set_string(table, row, COL_CLOSED_BY, tp_closer_name((unsigned)c->closer));
    set_uint(table, row, COL_SEGMENTS, stat_tap_get_field_data(table, row, COL_SEGMENTS)->value.uint_value + 1);
    set_uint(table, row, COL_ANOMALIES,
             (unsigned)((int)stat_tap_get_field_data(table, row, COL_ANOMALIES)->value.uint_value + anomalies));
    set_uint(table, row, COL_BYTES_C2S, (unsigned)MIN(c->ep[c->client].bytes, UINT_MAX));
    set_uint(table, row, COL_BYTES_S2C, (unsigned)MIN(c->ep[1 - c->client].bytes, UINT_MAX));
    item = stat_tap_get_field_data(table, row, COL_DURATION);
    item->value.float_value = (double)(c->last_time - c->first_time) / 1e9;
    stat_tap_set_field_data(table, row, COL_DURATION, item);
    item = stat_tap_get_field_data(table, row, COL_CONNECT_TIME);
    item->value.float_value = c->syn_count > 0 && c->hs_ack_frame ? (double)(c->hs_ack_time - c->first_syn_time) / 1e9 : 0;
    stat_tap_set_field_data(table, row, COL_CONNECT_TIME, item);
    set_uint(table, row, COL_SYN_COUNT, c->syn_count);
    set_string(table, row, COL_SUMMARY, ended ? tp_conn_story(c, tcpphase_language(), story, sizeof story) : "");
    return TAP_PACKET_REDRAW;
}

/* Rows are one per connection: a reset empties the table. */
static void table_reset(stat_tap_table *table)
{
    for (unsigned row = 0; row < table->num_elements; row++) {
        for (unsigned col = 0; col < table->num_fields; col++) {
            stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
            if (item->type == TABLE_ITEM_STRING)
                g_free((char *)item->value.string_value);
        }
        g_free(table->elements[row]);
    }
    table->num_elements = 0;
    g_hash_table_remove_all(row_of_conn);
    g_hash_table_remove_all(undecided_of_conn);
}

static void table_free_item(stat_tap_table *table _U_, unsigned row _U_, unsigned column _U_,
                            stat_tap_table_item_type *item)
{
    if (item->type == TABLE_ITEM_STRING)
        g_free((char *)item->value.string_value);
}

static void table_init(stat_tap_table_ui *ui);
static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                                      const void *data, tap_flags_t flags);

static tap_param table_params[] = {{PARAM_FILTER, "filter", "Filter", NULL, TRUE}};
/* REGISTER_PACKET_STAT_GROUP_UNSORTED: the group Wireshark 4.0's Qt GUI puts
 * in the Statistics menu (it gives GENERIC no menu at all; 4.4 puts both
 * there); it is the same value in every version. */
static stat_tap_table_ui table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, TABLE_NAME, "tcpphase", "tcpphase,conntable",
    table_init, table_packet, table_reset, table_free_item, NULL,
    COL_COUNT, table_columns, G_N_ELEMENTS(table_params), table_params, NULL, 0};

/* Nothing in Wireshark frees the tables of a tshark -z table statistic,
 * and they hang off this plugin's table_ui, which is unloaded right after
 * the epan scope goes: free them with it. */
static tp_wmem_cb_result free_with_epan_scope(wmem_allocator_t *scope _U_, wmem_cb_event_t event _U_,
                                              void *data _U_)
{
    if (table_ui.tables) {
        free_stat_tables(&table_ui);
        g_array_free(table_ui.tables, TRUE);
        table_ui.tables = NULL;
    }
    g_hash_table_destroy(row_of_conn);
    row_of_conn = NULL;
    g_hash_table_destroy(undecided_of_conn);
    undecided_of_conn = NULL;
    return FALSE;
}

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, TABLE_NAME);

    if (!row_of_conn) {
        row_of_conn = g_hash_table_new(g_direct_hash, g_direct_equal);
        undecided_of_conn = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_undecided);
        wmem_register_callback(wmem_epan_scope(), free_with_epan_scope, NULL);
    }
    if (table) {
        table_reset(table);
        return;
    }
    table = stat_tap_init_table(TABLE_NAME, COL_COUNT, 0, NULL);
    stat_tap_add_table(ui, table);
    g_hash_table_remove_all(row_of_conn);
    g_hash_table_remove_all(undecided_of_conn);
}

void register_tcpphase_conns_table(void) { register_stat_tap_table_ui(&table_ui); }
