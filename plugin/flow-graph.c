/* Statistics → Flow Graph, flow type "TCP Connection Phase", and
 * tshark -q -z flow,tcpphase,standard: the textbook ladder in Wireshark's own
 * graph. Each node is one endpoint, address and port ("127.0.0.1:47011"),
 * so the two ends of a loopback connection are two columns and no two
 * connections share one; each arrow says its step short ("SYN 1/3", "FIN
 * 3/4") or its flags, and the comment column has both ends' transitions
 * with their reasons. */
#include "ws_compat.h"

#include "seq-analysis-abi.h"
#include "tcpphase-tap.h"

#if TP_HAVE_SEQ_ANALYSIS

#include <epan/proto.h>

/* The arrow's label: the step, else the flags and length. */
static char *arrow_label(const struct tcpphase_tap_record *t, const struct tp_result *r)
{
    char text[64];

    if (r->hs_steps || r->td_steps || !t->has_header || r->label == TP_LABEL_RST ||
        tp_label_info_tag(r->label)[0] != '\0')
        return g_strdup(tp_label_short(r->label, text, sizeof text));
    tp_flags_text(t->flags, text, sizeof text);
    if (t->len)
        return g_strdup_printf("%s len=%u", text, t->len);
    return g_strdup(text);
}

/* The comment: "client CLOSED → SYN_SENT (sent SYN); server ..." for the
 * ends whose state changed, else the label. */
static char *arrow_comment(const struct tp_result *r, unsigned lang)
{
    GString *out = g_string_new("");
    char text[160];

    if (r->state_client != r->state_client_before)
        g_string_append_printf(out, "%s %s", tp_phrase(TP_P_CLIENT, lang),
                               tp_transition_format(r->state_client_before, r->state_client, r->why_client, lang,
                                                    text, sizeof text));
    if (r->state_server != r->state_server_before)
        g_string_append_printf(out, "%s%s %s", out->len ? tp_phrase(TP_P_SEPARATOR, lang) : "",
                               tp_phrase(TP_P_SERVER, lang),
                               tp_transition_format(r->state_server_before, r->state_server, r->why_server, lang,
                                                    text, sizeof text));
    if (out->len == 0)
        g_string_append(out, tp_label_text_in(r->label, lang));
    return g_string_free(out, FALSE);
}

/* A node's address: the endpoint's "addr:port" as a string address. */
static void set_endpoint(address *addr, const struct tp_entry *e, unsigned ep)
{
    char text[80];

    conn_endpoint_text(e, ep, text, sizeof text);
    free_address(addr);
    alloc_address_wmem(NULL, addr, AT_STRINGZ, (int)strlen(text) + 1, text);
}

static tap_packet_status flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                                     tap_flags_t flags _U_)
{
    struct tp_seq_info *sainfo = (struct tp_seq_info *)tapdata;
    const struct tcpphase_tap_record *t = (const struct tcpphase_tap_record *)data;
    struct tp_seq_item *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    struct tp_conn view;
    const struct tp_conn *c;
    struct tp_result r;

    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    const struct tp_entry *e = conn_table_by_number(t->conn);
    c = conn_view(e, &view);
    r = *t->result;
    /* Where the tracker has been through the whole capture before this
     * pass (the GUI, tshark -2 with two_pass), the states the whole capture
     * proves, as the ladder draws them; else what is known at this segment,
     * as its fields say. */
    if (t->whole_capture)
        tp_hindsight_states(c, &r);
    const unsigned sender = r.sender_role == TP_ROLE_CLIENT ? c->client : 1u - c->client;

    sai->frame_number = pinfo->num;
    set_endpoint(&sai->src_addr, e, sender);
    set_endpoint(&sai->dst_addr, e, 1u - sender);
    sai->port_src = tp_entry_port(e, sender);
    sai->port_dst = tp_entry_port(e, 1u - sender);
    sai->frame_label = arrow_label(t, &r);
    sai->comment = arrow_comment(&r, tcpphase_language());
    sai->line_style = 1;
    sai->conv_num = (uint16_t)t->conn;
    sai->display = TRUE;
    sequence_analysis_use_color_filter(pinfo, sai);
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void register_tcpphase_flow_graph(int proto)
{
    /* "tcpphase" sorts after "any", the GUI's default flow type */
    register_seq_analysis("tcpphase", "TCP Connection Phase", proto, "tcpphase", 0, flow_packet);
}

#else

void register_tcpphase_flow_graph(int proto _U_)
{
}

#endif
