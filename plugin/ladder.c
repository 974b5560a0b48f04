/* The textbook ladder of a connection: both endpoints as columns, one arrow
 * per segment with its flags, relative numbers and step, and each end's
 * state on its own side whenever it changes.
 *   tshark -q -z tcpphase,ladder[,CONN]
 *   Wireshark: Tools → TCP Connection Phase ladder (funnel.h), a text window */
#include "ws_compat.h"

#include <epan/funnel.h>
#include <epan/stat_tap_ui.h>

#include <stdio.h>
#include <stdlib.h>

#include "gui-menus.h"
#include "tcpphase-tap.h"

/* an arrow is ARROW_WIDTH + 2 characters wide, after INDENT for the frame */
enum { ARROW_WIDTH = 56, INDENT = 8, RIGHT_HALF = 28 };

struct ladder_row {
    struct tp_result result;
    uint32_t frame;
    bool has_header;
    uint16_t flags;
    uint32_t seq, ack, len;
};

struct ladder_conn {
    uint32_t conn; /* its number */
    GArray *rows; /* struct ladder_row */
};

struct ladder {
    uint32_t only;           /* a connection number, 0: all */
    GPtrArray *conns;        /* struct ladder_conn *, in order of first segment */
    GHashTable *conn_by_number;
    funnel_text_window_t *window; /* GUI: where it is drawn; NULL: stdout */
};

static void free_conn(gpointer data)
{
    struct ladder_conn *lc = (struct ladder_conn *)data;

    g_array_free(lc->rows, TRUE);
    g_free(lc);
}

static void ladder_reset(void *tapdata)
{
    struct ladder *l = (struct ladder *)tapdata;

    g_ptr_array_set_size(l->conns, 0);
    g_hash_table_remove_all(l->conn_by_number);
}

static tap_packet_status ladder_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    struct ladder *l = (struct ladder *)tapdata;
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    struct ladder_conn *lc;
    struct ladder_row row;

    if (l->only && t->conn != l->only)
        return TAP_PACKET_DONT_REDRAW;
    lc = (struct ladder_conn *)g_hash_table_lookup(l->conn_by_number, GUINT_TO_POINTER(t->conn));
    if (!lc) {
        lc = g_new0(struct ladder_conn, 1);
        lc->conn = t->conn;
        lc->rows = g_array_new(FALSE, FALSE, sizeof(struct ladder_row));
        g_ptr_array_add(l->conns, lc);
        g_hash_table_insert(l->conn_by_number, GUINT_TO_POINTER(t->conn), lc);
    }
    row.result = *t->result;
    row.frame = pinfo->num;
    row.has_header = t->has_header;
    row.flags = t->flags;
    row.seq = t->seq;
    row.ack = t->ack;
    row.len = t->len;
    g_array_append_val(lc->rows, row);
    return TAP_PACKET_REDRAW;
}

/* One arrow: "|--- SYN seq=0 ------------->|" or its mirror. */
static void draw_arrow(GString *out, const struct ladder_row *row, bool to_server)
{
    char flags[64], text[128];
    int n, dashes;

    tp_flags_text(row->flags, flags, sizeof flags);
    if (!row->has_header)
        snprintf(text, sizeof text, " %s ", tp_label_text(row->result.label));
    else if (row->flags & TP_ACK)
        snprintf(text, sizeof text, " %s seq=%u ack=%u%s", flags, row->seq, row->ack, row->len ? "" : " ");
    else
        snprintf(text, sizeof text, " %s seq=%u%s", flags, row->seq, row->len ? "" : " ");
    if (row->has_header && row->len) {
        const size_t at = strlen(text);
        snprintf(text + at, sizeof text - at, " len=%u ", row->len);
    }
    n = (int)strlen(text);
    dashes = ARROW_WIDTH - 4 - n;
    if (dashes < 2)
        dashes = 2;
    g_string_append(out, to_server ? "|---" : "|<--");
    g_string_append(out, text);
    for (int i = 0; i < dashes; i++)
        g_string_append_c(out, '-');
    g_string_append(out, to_server ? ">|" : "-|");
}

/* The states of both ends, each on its side; nothing if neither is given. */
static void draw_sides(GString *out, const char *left, const char *client, const char *server)
{
    if (!client && !server)
        return;
    if (server)
        g_string_append_printf(out, "%-*s%-*s%*s\n", INDENT, left, RIGHT_HALF, client ? client : "",
                               ARROW_WIDTH + 2 - RIGHT_HALF, server);
    else
        g_string_append_printf(out, "%-*s%s\n", INDENT, left, client);
}

static void draw_states(GString *out, const char *client, const char *server)
{
    draw_sides(out, "", client, server);
}

static void draw_conn(GString *out, const struct ladder_conn *lc, const struct tp_horizon *h)
{
    struct tp_conn view;
    const struct tp_entry *e = conn_table_by_number(lc->conn);
    const struct tp_conn *c = conn_view(e, &view);
    char client[80], server[80], story[256];

    conn_endpoint_text(e, c->client, client, sizeof client);
    conn_endpoint_text(e, 1u - c->client, server, sizeof server);
    g_string_append_printf(out, "\nConnection %u: client %s, server %s", lc->conn, client, server);
    if (h->ended)
        g_string_append_printf(out, " (%s: %s)", tp_outcome_code(tp_conn_outcome(c)),
                               tp_conn_story(c, tcpphase_language(), story, sizeof story));
    g_string_append(out, "\n\n");
    draw_sides(out, "frame", "client", "server");
    draw_sides(out, "", client, server);
    for (unsigned i = 0; i < lc->rows->len; i++) {
        struct ladder_row row = g_array_index(lc->rows, struct ladder_row, i);
        struct tp_result *r = &row.result;
        const char *tag = tp_label_info_tag(r->label);

        if (h->ended) /* the states the whole capture proves (tp_hindsight_states) */
            tp_hindsight_states(c, r);
        if (i == 0)
            draw_states(out, tp_state_name(r->state_client_before), tp_state_name(r->state_server_before));
        g_string_append_printf(out, "%*u  ", INDENT - 2, row.frame);
        draw_arrow(out, &row, r->sender_role == TP_ROLE_CLIENT);
        g_string_append_printf(out, "  %s\n", tag[0] ? tag : tp_label_text(r->label));
        draw_states(out, r->state_client != r->state_client_before ? tp_state_name(r->state_client) : NULL,
                    r->state_server != r->state_server_before ? tp_state_name(r->state_server) : NULL);
    }
}

static GString *ladder_text(const struct ladder *l)
{
    const struct tp_horizon horizon = tcpphase_report_horizon();
    GString *out = g_string_new("");

    g_string_append(out, "TCP Connection Phase: ladder (relative numbers; each end's state on its side when it "
                         "changes)\n");
    for (unsigned i = 0; i < l->conns->len; i++)
        draw_conn(out, (const struct ladder_conn *)g_ptr_array_index(l->conns, i), &horizon);
    if (l->conns->len == 0)
        g_string_append_printf(out, "\nno connection%s\n", l->only ? " with that number" : "");
    return out;
}

static void ladder_draw(void *tapdata)
{
    struct ladder *l = (struct ladder *)tapdata;
    GString *text = ladder_text(l);
    const funnel_ops_t *ops = funnel_get_funnel_ops();

    if (l->window && ops)
        ops->set_text(l->window, text->str);
    else if (!l->window)
        printf("\n%s", text->str);
    g_string_free(text, TRUE);
}

static void ladder_finish(void *tapdata)
{
    struct ladder *l = (struct ladder *)tapdata;

    g_ptr_array_free(l->conns, TRUE);
    g_hash_table_destroy(l->conn_by_number);
    g_free(l);
}

static struct ladder *ladder_new(uint32_t only, funnel_text_window_t *window)
{
    struct ladder *l = g_new0(struct ladder, 1);
    GString *error;

    l->only = only;
    l->window = window;
    l->conns = g_ptr_array_new_with_free_func(free_conn);
    l->conn_by_number = g_hash_table_new(g_direct_hash, g_direct_equal);
    error = register_tap_listener("tcpphase", l, NULL, 0, ladder_reset, ladder_packet, ladder_draw, ladder_finish);
    if (error) {
        fprintf(stderr, "tcpphase: cannot register the ladder: %s\n", error->str);
        g_string_free(error, TRUE);
        ladder_finish(l);
        return NULL;
    }
    return l;
}

/* -z tcpphase,ladder[,CONN] */
static tp_stat_init_result ladder_init(const char *opt_arg, void *userdata _U_)
{
    const char *conn = opt_arg && strncmp(opt_arg, "tcpphase,ladder,", 16) == 0 ? opt_arg + 16 : NULL;
    char *end = NULL;
    const unsigned long only = conn ? strtoul(conn, &end, 10) : 0;

    if (conn && (end == conn || *end != '\0' || only == 0 || only > UINT32_MAX)) {
        fprintf(stderr, "tshark: -z tcpphase,ladder,CONN: CONN is a connection number (tcpphase.conn), not '%s'\n",
                conn);
        TP_STAT_INIT_RETURN(false);
    }
    /* registered first: TP_STAT_INIT_RETURN only evaluates its argument */
    const bool registered = ladder_new((uint32_t)only, NULL) != NULL;
    TP_STAT_INIT_RETURN(registered);
}

/* The GUI: Tools → TCP Connection Phase ladder asks for a connection
 * number (prefilled from a display filter "tcpphase.conn == N"), then draws
 * into a text window after Wireshark retaps the capture. */
static void window_closed(void *data)
{
    remove_tap_listener(data);
}

void ladder_open_window(uint32_t conn)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    funnel_text_window_t *window;
    struct ladder *l;

    if (!ops)
        return;
    window = ops->new_text_window(ops->ops_id, "TCP Connection Phase ladder");
    l = ladder_new(conn, window);
    if (!l)
        return;
    ops->set_close_cb(window, window_closed, l);
    ops->retap_packets(ops->ops_id);
}

static void ladder_asked(char **input, void *data _U_)
{
    const unsigned long only = input && input[0] ? strtoul(input[0], NULL, 10) : 0;

    ladder_open_window(only <= UINT32_MAX ? (uint32_t)only : 0);
}

/* Prefilled with the selected packet's connection, else a display filter's
 * "tcpphase.conn == N". */
static void ladder_menu(gpointer data _U_)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    static const char *fields[] = {"Connection (tcpphase.conn; empty: all)", NULL};
    const char *values[] = {"", NULL};
    char prefill[16] = "";
    const uint32_t selected = gui_selected_conn();

    if (!ops)
        return;
    const char *filter = ops->get_filter ? ops->get_filter(ops->ops_id) : NULL;
    const char *eq = filter ? strstr(filter, "tcpphase.conn") : NULL;
    if (selected) {
        snprintf(prefill, sizeof prefill, "%u", selected);
        values[0] = prefill;
    } else if (eq && (eq = strpbrk(eq, "0123456789")) != NULL) {
        snprintf(prefill, sizeof prefill, "%lu", strtoul(eq, NULL, 10));
        values[0] = prefill;
    }
    ops->new_dialog(ops->ops_id, "TCP Connection Phase ladder", fields, values, ladder_asked, NULL, NULL);
}

void register_tcpphase_ladder(void)
{
    static stat_tap_ui ui = {REGISTER_STAT_GROUP_GENERIC, "TCP Connection Phase ladder", "tcpphase,ladder",
                             ladder_init, 0, NULL};

    register_stat_tap_ui(&ui, NULL);
    funnel_register_menu("TCP Connection Phase ladder", REGISTER_TOOLS_GROUP_UNSORTED, ladder_menu, NULL, NULL,
                         FALSE);
    register_tcpphase_gui_menus();
}
