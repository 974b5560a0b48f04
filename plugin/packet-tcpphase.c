/* packet-tcpphase.c: the "TCP Connection Phase" post-dissector.
 *
 * Reads every TCP layer of a frame from the "tcp" tap (no protocol tree is
 * forced on anyone), feeds it to the connection's tracker once, keeps the
 * result for the life of the file and shows it on every dissection: tshark
 * -2 pass 1 and the GUI's re-dissections have no tap data and replay it. */
#include "ws_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "conn_table.h"
#include "packet-tcpphase.h"

/* Frames hold at most this many TCP layers worth labelling (tunnels). */
#define MAX_TCP_LAYERS 8

/* What one TCP layer of one frame was, kept for the file's lifetime. */
struct frame_record {
    struct conn_entry *conn;
    struct tp_result result;
};

static int proto_tcpphase = -1;
static int proto_tcp = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;
static int tcp_tap_id = -1;

static int hf_tcpphase_conn = -1;
static int hf_tcpphase_phase = -1;
static int hf_tcpphase_step = -1;
static int hf_tcpphase_label = -1;
static int hf_tcpphase_role = -1;
static int hf_tcpphase_role_guessed = -1;
static int hf_tcpphase_state_client = -1;
static int hf_tcpphase_state_server = -1;
static int hf_tcpphase_midstream = -1;
static int hf_tcpphase_retransmission = -1;
static int hf_tcpphase_syn_frame = -1;
static int hf_tcpphase_synack_frame = -1;
static int hf_tcpphase_ack_frame = -1;
static int hf_tcpphase_fin_frame = -1;
static int hf_tcpphase_fin_acked_in = -1;
static int hf_tcpphase_hs_syn_to_synack = -1;
static int hf_tcpphase_hs_synack_to_ack = -1;
static int hf_tcpphase_hs_rtt = -1;

static int ett_tcpphase = -1;
static int ett_tcpphase_handshake = -1;

static tp_bool_pref pref_info_column = TRUE;

static const value_string phase_vals[] = {
#define TP_X_VS(id, name, desc) {TP_PHASE_##id, name},
    TP_PHASES(TP_X_VS)
#undef TP_X_VS
    {0, NULL}};

static const value_string state_vals[] = {
#define TP_X_VS(id, name) {TP_##id, name},
    TP_STATES(TP_X_VS)
#undef TP_X_VS
    {0, NULL}};

static const value_string role_vals[] = {
    {TP_ROLE_CLIENT, "client"},
    {TP_ROLE_SERVER, "server"},
    {0, NULL}};

static struct frame_record *compute_record(const tcp_info_t *th, packet_info *pinfo)
{
    struct tp_segment seg;
    struct frame_record *rec = wmem_new0(wmem_file_scope(), struct frame_record);

    rec->conn = conn_table_segment(th, &pinfo->abs_ts, pinfo->num, &seg);
    tp_process(&rec->conn->tracker, &seg, &rec->result);
    return rec;
}

static void add_frame_link(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo,
                           uint32_t frame)
{
    if (frame != 0 && frame != pinfo->num)
        proto_item_set_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, frame));
}

static void add_duration(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t from_frame,
                         int64_t from_ns, uint32_t to_frame, int64_t to_ns)
{
    nstime_t delta;
    int64_t ns;

    if (from_frame == 0 || to_frame == 0)
        return;
    ns = to_ns - from_ns;
    delta.secs = (time_t)(ns / 1000000000);
    delta.nsecs = (int)(ns % 1000000000);
    proto_item_set_generated(proto_tree_add_time(tree, hf, tvb, 0, 0, &delta));
}

/* Links and timings of the handshake. They come from the connection, so
 * what later frames taught shows whenever the whole file has been read. */
static void add_handshake(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                          const struct tp_conn *c)
{
    add_frame_link(tree, hf_tcpphase_syn_frame, tvb, pinfo, c->syn_frame);
    add_frame_link(tree, hf_tcpphase_synack_frame, tvb, pinfo, c->synack_frame);
    add_frame_link(tree, hf_tcpphase_ack_frame, tvb, pinfo, c->hs_ack_frame);
    add_duration(tree, hf_tcpphase_hs_syn_to_synack, tvb, c->syn_frame, c->syn_time,
                 c->synack_frame, c->synack_time);
    add_duration(tree, hf_tcpphase_hs_synack_to_ack, tvb, c->synack_frame, c->synack_time,
                 c->hs_ack_frame, c->hs_ack_time);
    add_duration(tree, hf_tcpphase_hs_rtt, tvb, c->syn_frame, c->syn_time, c->hs_ack_frame,
                 c->hs_ack_time);
}

static void add_steps(proto_tree *tree, tvbuff_t *tvb, uint8_t steps)
{
    for (unsigned n = 1; n <= 4; n++) {
        if (steps & TP_STEP_BIT(n))
            proto_item_set_generated(proto_tree_add_uint(tree, hf_tcpphase_step, tvb, 0, 0, n));
    }
}

static void show_record(const struct frame_record *rec, tvbuff_t *tvb, packet_info *pinfo,
                        proto_tree *tree)
{
    const struct tp_result *r = &rec->result;
    const struct tp_conn *c = &rec->conn->tracker;
    const uint8_t sender = r->sender_role == TP_ROLE_CLIENT ? c->client : (uint8_t)(1 - c->client);
    char label[64];
    proto_item *ti;
    proto_tree *st;

    tp_label_format(r, label, sizeof label);
    ti = proto_tree_add_item(tree, proto_tcpphase, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_item_append_text(ti, ": %s, client %s, server %s", label,
                           tp_state_name(r->state_client), tp_state_name(r->state_server));
    /* Leaf fields go in even when |ti| was faked on an invisible tree, so
     * -T fields, custom columns and filters always see them. */
    st = proto_item_add_subtree(ti, ett_tcpphase);

    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_conn, tvb, 0, 0, rec->conn->number));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_phase, tvb, 0, 0, r->phase));
    add_steps(st, tvb, r->hs_steps);
    add_steps(st, tvb, r->td_steps);
    proto_item_set_generated(proto_tree_add_string(st, hf_tcpphase_label, tvb, 0, 0, label));
    if (r->retransmission)
        proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_retransmission, tvb, 0, 0, TRUE));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_role, tvb, 0, 0, r->sender_role));
    proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_role_guessed, tvb, 0, 0, c->role_guessed));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_state_client, tvb, 0, 0, r->state_client));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_state_server, tvb, 0, 0, r->state_server));
    proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_midstream, tvb, 0, 0, c->midstream));

    if (r->hs_steps) {
        proto_tree *hs = proto_tree_add_subtree(st, tvb, 0, 0, ett_tcpphase_handshake, NULL, "Handshake");
        add_handshake(hs, tvb, pinfo, c);
    }
    add_frame_link(st, hf_tcpphase_fin_frame, tvb, pinfo, r->fin_frame);
    if (r->td_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(3)))
        add_frame_link(st, hf_tcpphase_fin_acked_in, tvb, pinfo, c->ep[sender].fin_acked_in);

    if (pref_info_column && tp_label_info_tag(r->label)[0] != '\0')
        col_append_fstr(pinfo->cinfo, COL_INFO, " [%s]", tp_label_info_tag(r->label));
}

/* For each TCP layer of the frame, in order: was it quoted inside an ICMP
 * error? Such headers reach the tap but are not segments of their connection. */
static unsigned find_tcp_layers(packet_info *pinfo, bool quoted[MAX_TCP_LAYERS])
{
    unsigned n = 0;
    bool in_icmp = false;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f && n < MAX_TCP_LAYERS;
         f = wmem_list_frame_next(f)) {
        const int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6)
            in_icmp = true;
        else if (id == proto_tcp)
            quoted[n++] = in_icmp;
    }
    return n;
}

static int dissect_tcpphase(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    bool quoted[MAX_TCP_LAYERS];
    const unsigned layers = find_tcp_layers(pinfo, quoted);

    for (unsigned i = 0; i < layers; i++) {
        struct frame_record *rec =
            (struct frame_record *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcpphase, i);
        if (!rec && !quoted[i]) {
            /* First dissection with tap data: the only time the tracker runs. */
            const tcp_info_t *th = (const tcp_info_t *)fetch_tapped_data(tcp_tap_id, (int)i);
            if (th && th->th_have_seglen) {
                rec = compute_record(th, pinfo);
                p_add_proto_data(wmem_file_scope(), pinfo, proto_tcpphase, i, rec);
            }
        }
        if (rec)
            show_record(rec, tvb, pinfo, tree);
    }
    return tvb_captured_length(tvb);
}

static void tcpphase_init(void) { conn_table_reset(); }

void proto_register_tcpphase(void)
{
    static hf_register_info hf[] = {
        {&hf_tcpphase_conn,
         {"Connection", "tcpphase.conn", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Connection number; a new SYN on the addresses and ports of a finished connection starts a new one.", HFILL}},
        {&hf_tcpphase_phase,
         {"Phase", "tcpphase.phase", FT_UINT8, BASE_DEC, VALS(phase_vals), 0x0,
          "Phase of the connection this segment belongs to.", HFILL}},
        {&hf_tcpphase_step,
         {"Step", "tcpphase.step", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Handshake step 1-3 or teardown step 1-4 this segment is; present twice on a combined step.", HFILL}},
        {&hf_tcpphase_label,
         {"Label", "tcpphase.label", FT_STRING, BASE_NONE, NULL, 0x0,
          "Short description of the segment's place in the connection, for columns.", HFILL}},
        {&hf_tcpphase_retransmission,
         {"Step repeated", "tcpphase.retransmission", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The segment repeats a handshake or teardown step already taken.", HFILL}},
        {&hf_tcpphase_role,
         {"Sender role", "tcpphase.role", FT_UINT8, BASE_DEC, VALS(role_vals), 0x0,
          "Role of the end that sent this segment; the client sent the first SYN.", HFILL}},
        {&hf_tcpphase_role_guessed,
         {"Role guessed", "tcpphase.role_guessed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "No SYN or SYN-ACK was seen: the server is taken to be the end with the lower port.", HFILL}},
        {&hf_tcpphase_state_client,
         {"Client state", "tcpphase.state.client", FT_UINT8, BASE_DEC, VALS(state_vals), 0x0,
          "RFC 9293 state of the client once this segment has been sent and received.", HFILL}},
        {&hf_tcpphase_state_server,
         {"Server state", "tcpphase.state.server", FT_UINT8, BASE_DEC, VALS(state_vals), 0x0,
          "RFC 9293 state of the server once this segment has been sent and received.", HFILL}},
        {&hf_tcpphase_midstream,
         {"Midstream", "tcpphase.midstream", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The capture does not hold the connection's SYN: it was picked up midstream.", HFILL}},
        {&hf_tcpphase_syn_frame,
         {"SYN in frame", "tcpphase.syn_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The client's SYN that the first SYN-ACK answers.", HFILL}},
        {&hf_tcpphase_synack_frame,
         {"SYN-ACK in frame", "tcpphase.synack_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The first SYN-ACK of the handshake.", HFILL}},
        {&hf_tcpphase_ack_frame,
         {"Handshake completed in frame", "tcpphase.ack_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
          "The segment after which both ends were ESTABLISHED.", HFILL}},
        {&hf_tcpphase_fin_frame,
         {"Acknowledges FIN in frame", "tcpphase.fin_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The FIN this segment is the first to acknowledge.", HFILL}},
        {&hf_tcpphase_fin_acked_in,
         {"FIN acknowledged in frame", "tcpphase.fin_acked_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
          "The segment that first acknowledged the sender's FIN.", HFILL}},
        {&hf_tcpphase_hs_syn_to_synack,
         {"SYN to SYN-ACK", "tcpphase.handshake.syn_to_synack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the client's SYN to the first SYN-ACK.", HFILL}},
        {&hf_tcpphase_hs_synack_to_ack,
         {"SYN-ACK to ACK", "tcpphase.handshake.synack_to_ack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the first SYN-ACK to the segment that completed the handshake.", HFILL}},
        {&hf_tcpphase_hs_rtt,
         {"Handshake time", "tcpphase.handshake.rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the client's SYN to the segment that completed the handshake.", HFILL}},
    };
    static int *ett[] = {&ett_tcpphase, &ett_tcpphase_handshake};
    module_t *module;

    proto_tcpphase = proto_register_protocol("TCP Connection Phase", "TCPPHASE", "tcpphase");
    proto_register_field_array(proto_tcpphase, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));

    module = prefs_register_protocol(proto_tcpphase, NULL);
    prefs_register_bool_preference(module, "info_column", "Tag the Info column",
                                   "Append a short step tag such as [HS 1/3] or [FIN 2/4] to the Info column.",
                                   &pref_info_column);

    conn_table_init();
    register_init_routine(tcpphase_init);
}

void proto_reg_handoff_tcpphase(void)
{
    GString *error;
    dissector_handle_t handle = create_dissector_handle(dissect_tcpphase, proto_tcpphase);

    register_postdissector(handle);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");

    /* A helper listener keeps the tcp tap active without making tshark
     * dissect packets that nothing else needs. */
    error = register_tap_listener("tcp", &tcp_tap_id, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL,
                                  NULL, NULL);
    if (error) {
        ws_warning("tcpphase: cannot listen to the tcp tap: %s", error->str);
        g_string_free(error, TRUE);
        return;
    }
    tcp_tap_id = find_tap_id("tcp");
}
