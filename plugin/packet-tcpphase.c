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
#include <epan/tap.h>

#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "conn_table.h"
#include "fields.h"
#include "frame_store.h"
#include "info-field.h"
#include "packet-tcpphase.h"
#include "raw-header.h"
#include "tcpphase-tap.h"
#include "tree-input.h"

/* Frames hold at most this many TCP layers worth labelling (tunnels). */
#define MAX_TCP_LAYERS FRAME_STORE_MAX_LAYERS

static int proto_tcpphase = -1;
static int proto_tcp = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;
static int tcp_tap_id = -1;
static int ip_tap_id = -1;
static int ipv6_tap_id = -1;
static int tcpphase_tap = -1;
static dissector_handle_t tcpphase_handle;

/* One hf variable per row of the field table (fields.h). */
#define TP_X_HF(id, filter, name, type, display, strings, when, blurb) static int hf_tcpphase_##id = -1;
TP_FIELDS(TP_X_HF)
#undef TP_X_HF

static expert_field ei_tcpphase_layers_untracked = EI_INIT;
static expert_field ei_tcpphase_header_not_found = EI_INIT;
static int ett_tcpphase = -1;
static int ett_tcpphase_handshake = -1;
static int ett_tcpphase_history = -1;

/* One expert field per anomaly, as Wireshark's checkers expect (checkhf.pl
 * matches "static expert_field ei_x = EI_INIT;" and "{&ei_x, {...}}"), and a
 * table from the catalogue's id to its field. */
#define TP_X_EI(id, grp, sev, when, summary, msg, zeek, suricata) \
    static expert_field ei_tcpphase_##id = EI_INIT;
TP_ANOMALIES(TP_X_EI)
#undef TP_X_EI

static expert_field *const ei_by_anomaly[TP_ANOMALY_COUNT] = {
#define TP_X_EIP(id, grp, sev, when, summary, msg, zeek, suricata) &ei_tcpphase_##id,
    TP_ANOMALIES(TP_X_EIP)
#undef TP_X_EIP
};

static const int anomaly_severity[TP_ANOMALY_COUNT] = {
#define TP_X_SEV(id, grp, sev, when, summary, msg, zeek, suricata) PI_##sev,
    TP_ANOMALIES(TP_X_SEV)
#undef TP_X_SEV
};

static tp_bool_pref pref_info_column = TRUE;
static tp_bool_pref pref_info_ladder = FALSE;
static tp_bool_pref pref_two_pass = FALSE;
static tp_bool_pref pref_tfo_normal = TP_DEFAULT_TFO_NORMAL;
static tp_bool_pref pref_show_notes = TRUE;
static unsigned pref_handshake_timeout_s = TP_DEFAULT_HANDSHAKE_TIMEOUT_S;
static unsigned pref_time_wait_s = TP_DEFAULT_TIME_WAIT_S;
static unsigned pref_slow_handshake_ms = TP_DEFAULT_SLOW_HANDSHAKE_MS;
static int pref_language = TP_LANG_EN;
/* the languages of labels, transitions, checks and summaries (phrases.h) */
static const enum_val_t language_vals[] = {
    {"en", "English", TP_LANG_EN},
    {"zh", "\u4e2d\u6587 (Chinese: \u4e09\u6b21\u63e1\u624b / \u56db\u6b21\u6325\u624b)", TP_LANG_ZH},
    {NULL, NULL, 0}};

/* The preferences as the tracker reads them; updated when they change. */
static struct tp_config tracker_config;

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

static const value_string outcome_vals[] = {
#define TP_X_VS(code, text, zh) {TP_OUTCOME_##code, #code},
    TP_OUTCOMES(TP_X_VS)
#undef TP_X_VS
    {0, NULL}};

/* tcpphase.closed_by is absent while nobody closed: no value for NONE. */
static const value_string closer_vals[] = {
#define TP_X_VS(id, name) {TP_CLOSER_##id, name},
    TP_CLOSERS(TP_X_VS)
#undef TP_X_VS
    {0, NULL}};

/* " [HS 1/3]" per label, made once: col_append_fstr on every packet is
 * measurable in plain tshark. Empty when the label has no tag. Static
 * storage: nothing to free when Wireshark unloads the plugin. */
static char info_tags[TP_LABEL_COUNT][24];

static void make_info_tags(void)
{
    for (unsigned l = 0; l < TP_LABEL_COUNT; l++) {
        const char *tag = tp_label_info_tag(l);
        if (tag[0] != '\0')
            snprintf(info_tags[l], sizeof info_tags[l], " [%s]", tag);
    }
}

static const value_string handshake_step_vals[] = {
#define TP_X_VS(n, name) {n, name},
    TP_HANDSHAKE_STEPS(TP_X_VS)
    {0, NULL}};

static const value_string teardown_step_vals[] = {
    TP_TEARDOWN_STEPS(TP_X_VS)
#undef TP_X_VS
    {0, NULL}};

static const value_string role_vals[] = {
    {TP_ROLE_CLIENT, "client"},
    {TP_ROLE_SERVER, "server"},
    {0, NULL}};

/* How far the capture has been read. Wireshark tells a plugin that a file
 * has been read to its end only through the post-sequential-read cleanup
 * (after the GUI's or sharkd's load, tshark -2's first pass, the end of a
 * GUI live capture); a running live capture and one-pass tshark get none. */
static struct {
    bool read_whole;               /* the post-sequential-read cleanup ran */
    uint32_t first_frame, last_frame; /* first and latest frame the tracker took */
    nstime_t first_abs;            /* the first one's date */
    int64_t latest_ns;             /* the greatest time read (times count from the first segment) */
} progress;
/* A file read whole and then dissected again from its first frame (the GUI
 * after a preference change) gets no second cleanup: the same first and last
 * frames (the first at the same date, the last as long after it) say it has
 * been read whole again. */
static struct {
    bool valid;
    uint32_t first_frame, last_frame;
    nstime_t first_abs;
    int64_t last_ns;
} read_before;

static void note_progress(uint32_t frame, const nstime_t *abs, int64_t ns)
{
    if (progress.first_frame == 0) {
        progress.first_frame = frame;
        progress.first_abs = *abs;
        progress.latest_ns = ns;
    }
    if (ns > progress.latest_ns)
        progress.latest_ns = ns;
    if (frame <= progress.last_frame)
        return;
    progress.last_frame = frame;
    if (read_before.valid && frame == read_before.last_frame && ns == read_before.last_ns &&
        progress.first_frame == read_before.first_frame && nstime_cmp(&progress.first_abs, &read_before.first_abs) == 0)
        progress.read_whole = true;
}

static void capture_read_whole(void) { progress.read_whole = true; }

static void forget_progress(void)
{
    read_before.valid = progress.read_whole && progress.first_frame != 0;
    read_before.first_frame = progress.first_frame;
    read_before.last_frame = progress.last_frame;
    read_before.first_abs = progress.first_abs;
    read_before.last_ns = progress.latest_ns;
    memset(&progress, 0, sizeof progress);
}

struct tp_horizon tcpphase_horizon(void)
{
    struct tp_horizon h = {progress.read_whole, progress.latest_ns};
    return h;
}

/* tshark prints its reports once, after the last packet: the capture has
 * ended then, one-pass and live alike. The GUI redraws them while a capture
 * runs. Asked once: the connection table asks on every segment. */
static bool reports_drawn_at_end(void)
{
    static int known = -1;

    if (known < 0) {
        const char *program = g_get_prgname();
        known = program && (strcmp(program, "tshark") == 0 || strcmp(program, "rawshark") == 0);
    }
    return known == 1;
}

struct tp_horizon tcpphase_report_horizon(void)
{
    struct tp_horizon h = tcpphase_horizon();

    if (reports_drawn_at_end())
        h.ended = true;
    return h;
}

unsigned tcpphase_language(void)
{
    return tracker_config.language;
}

const struct tp_config *tcpphase_config(void)
{
    return &tracker_config;
}

/* Whether the frame's TCP checksum was checked (tcp.check_checksum) and
 * found wrong: Wireshark's TCP says so only in the reason it gives for not
 * reassembling the frame, the one trace of it outside the tree. It is the
 * last TCP layer's that a wrong checksum stops. */
static bool checksum_found_bad(const packet_info *pinfo)
{
    /* "" on almost every frame: no strstr call then */
    return pinfo->noreassembly_reason && pinfo->noreassembly_reason[0] != '\0' &&
           strstr(pinfo->noreassembly_reason, "TCP checksum") != NULL;
}

/* Runs the tracker on the segment |th| and keeps its record for layer
 * |layer| of the frame, as every later dissection will read it back.
 * Returns the connection after it (its tracker, or |storage| filled); NULL
 * if the segment could not be tracked. A steady segment (the bulk of any
 * capture: the table's lane, conn_table_step) sets *|steady| and leaves
 * |rec| unfilled, for the caller to read back only if something shows it;
 * any other gets its verdict in |rec|. Always inlined into its one caller
 * (label_layer): a call frame less on every segment. */
static G_ALWAYS_INLINE inline const struct tp_conn *compute_record(const tcp_info_t *th, packet_info *pinfo,
                                                                   unsigned layer, bool last_layer,
                                                                   struct tp_conn *storage, struct tp_step *rec,
                                                                   bool *steady)
{
    /* A frame cut by the snap length lacks the end of its payload. */
    const bool cut = pinfo->fd->cap_len < pinfo->fd->pkt_len;
    capture_time_origin(&pinfo->abs_ts, &pinfo->rel_ts);
    const int64_t time_ns = capture_time_ns(&pinfo->abs_ts);
    const bool checksum_bad = last_layer && checksum_found_bad(pinfo);
    struct tp_record kept;
    const struct tp_conn *after =
        conn_table_step(th, time_ns, pinfo->num, cut, checksum_bad, &tracker_config, storage, rec, &kept);

    *steady = kept.conn != 0;
    if (*steady) {
        frame_store_keep_record(pinfo->num, layer, &kept);
    } else {
        if (!rec->entry)
            return NULL;
        /* what is shown is |rec|, as kept: what every replay decodes */
        frame_store_keep(pinfo->num, layer, rec);
    }
    note_progress(pinfo->num, &pinfo->abs_ts, time_ns);
    return after;
}

static header_field_info *tcpphase_hfinfo; /* the protocol's, from registration on */

/* Whether a tree gets tcpphase's items (show_record): one that a person
 * sees, or where any tcpphase field is asked for (a filter, a column,
 * -T fields -e tcpphase.*: asking marks the protocol as referenced,
 * proto_tree_prime_with_hfid). */
static inline bool tree_wants_items(proto_tree *tree)
{
    /* proto_field_is_referenced(tree, proto_tcpphase), read from what
     * proto.h makes public (the tree's data, the protocol's field info)
     * instead of a call into libwireshark on every packet with a tree: a
     * tree someone sees, a field of tcpphase asked for, or a tree that
     * keeps protocol items it was not asked for (issue 18: about 25
     * instructions a packet under -T fields on 4.4 and 4.6). Debug builds
     * check it against the call. */
    const bool wanted = tree && (PTREE_DATA(tree)->visible || tcpphase_hfinfo->ref_type != HF_REF_TYPE_NONE ||
                                 !PTREE_DATA(tree)->fake_protocols);
    assert(wanted == (bool)proto_field_is_referenced(tree, proto_tcpphase));
    return wanted;
}

/* Whether a steady segment shows anything on this dissection: without
 * items, a reader of the tcpphase tap or an Info text for its label,
 * show_record adds nothing for it (it has no anomaly), and its record is
 * not read back. */
static bool steady_segment_shown(proto_tree *tree)
{
    return pref_info_ladder || have_tap_listener(tcpphase_tap) ||
           (pref_info_column && (info_tags[TP_LABEL_DATA][0] != '\0' || info_tags[TP_LABEL_ACK][0] != '\0')) ||
           tree_wants_items(tree);
}

/* TP_WIRESHARK_REPORTS as a mask: no expert info of tcpphase's for those. */
static const uint64_t WIRESHARK_REPORTS = 0
#define TP_X_BIT(id) | TP_ANOMALY_BIT(id)
    TP_WIRESHARK_REPORTS(TP_X_BIT)
#undef TP_X_BIT
    ;

static void add_anomaly(proto_tree *tree, proto_item *ti, tvbuff_t *tvb, packet_info *pinfo,
                        unsigned id, const struct tp_anomaly_hit *hit)
{
    if (anomaly_severity[id] == PI_NOTE && !pref_show_notes)
        return;
    const char *name = tp_anomaly_name(id);
    proto_item *item;

    /* The expert info says the id's constant summary, so that Expert
     * Information groups each id in one row; this segment's numbers go in
     * the text of its tcpphase.anomaly item, "Anomaly: <id>: <message>"
     * (formatted only for a tree that shows it: on any other the item is
     * faked, or has no text to format). The longest is under 200 bytes,
     * well within an item's text. */
    if (hit && tree && PTREE_DATA(tree)->visible) {
        char message[200];
        snprintf(message, sizeof message, tp_anomaly_message(id), hit->a, hit->b);
        item = proto_tree_add_string_format_value(tree, hf_tcpphase_anomaly, tvb, 0, 0, name, "%s: %s", name,
                                                  message);
    } else {
        item = proto_tree_add_string(tree, hf_tcpphase_anomaly, tvb, 0, 0, name);
    }
    proto_item_set_generated(item);
    if (!(WIRESHARK_REPORTS & ((uint64_t)1 << id)))
        expert_add_info(pinfo, ti, ei_by_anomaly[id]);
}

/* Expert infos and tcpphase.anomaly fields for the anomalies of |r|: those
 * with numbers first, then any beyond TP_MAX_HITS with their plain summary. */
static void add_anomaly_items(proto_tree *tree, proto_item *ti, tvbuff_t *tvb, packet_info *pinfo,
                              const struct tp_result *r)
{
    uint64_t rest = r->anomalies;

    for (unsigned i = 0; i < r->hit_count; i++) {
        add_anomaly(tree, ti, tvb, pinfo, r->hits[i].id, &r->hits[i]);
        rest &= ~((uint64_t)1 << r->hits[i].id);
    }
    for (unsigned id = 0; rest != 0 && id < TP_ANOMALY_COUNT; id++) {
        if (rest & ((uint64_t)1 << id)) {
            add_anomaly(tree, ti, tvb, pinfo, id, NULL);
            rest &= ~((uint64_t)1 << id);
        }
    }
}

/* Most segments have no anomaly: no call then, on every packet. */
static inline void add_anomalies(proto_tree *tree, proto_item *ti, tvbuff_t *tvb, packet_info *pinfo,
                                 const struct tp_result *r)
{
    if (r->anomalies != 0 || r->hit_count != 0)
        add_anomaly_items(tree, ti, tvb, pinfo, r);
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
    delta.secs = (time_t)(ns / TP_NS_PER_SEC);
    delta.nsecs = (int)(ns % TP_NS_PER_SEC);
    proto_item_set_generated(proto_tree_add_time(tree, hf, tvb, 0, 0, &delta));
}

/* The client SYN the first SYN-ACK answers, once no later segment can
 * change it (0: not shown yet): one pass shows no link that a replay after
 * the whole capture contradicts. */
static uint32_t syn_frame_shown(const struct tp_conn *c, bool whole_capture)
{
    return whole_capture || tp_syn_frame_settled(c) ? c->syn_frame : 0;
}

/* Links and timings of the handshake. They come from the connection, so
 * what later frames taught shows whenever the whole file has been read. */
static void add_handshake(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                          const struct tp_conn *c, bool whole_capture)
{
    add_frame_link(tree, hf_tcpphase_syn_frame, tvb, pinfo, syn_frame_shown(c, whole_capture));
    add_frame_link(tree, hf_tcpphase_synack_frame, tvb, pinfo, c->synack_frame);
    add_frame_link(tree, hf_tcpphase_ack_frame, tvb, pinfo, c->hs_ack_frame);
    add_duration(tree, hf_tcpphase_hs_syn_to_synack, tvb, c->syn_frame, c->syn_time,
                 c->synack_frame, c->synack_time);
    add_duration(tree, hf_tcpphase_hs_synack_to_ack, tvb, c->synack_frame, c->synack_time,
                 c->hs_ack_frame, c->hs_ack_time);
    add_duration(tree, hf_tcpphase_hs_rtt, tvb, c->syn_frame, c->syn_time, c->hs_ack_frame,
                 c->hs_ack_time);
    add_duration(tree, hf_tcpphase_hs_connect_time, tvb, c->syn_count > 0 ? c->syn_frame : 0,
                 c->first_syn_time, c->hs_ack_frame, c->hs_ack_time);
    /* a count so far would contradict the final one: only once it is final */
    if (c->syn_count > 0 && whole_capture)
        proto_item_set_generated(proto_tree_add_uint(tree, hf_tcpphase_hs_syn_count, tvb, 0, 0, c->syn_count));
}

/* Whether add_handshake adds anything: a link to another frame of the
 * handshake, or a timing (which needs two of its frames). */
static bool has_handshake_items(const struct tp_conn *c, const packet_info *pinfo, bool whole_capture)
{
    const uint32_t frames[] = {syn_frame_shown(c, whole_capture), c->synack_frame, c->hs_ack_frame};
    unsigned known = 0;

    for (unsigned i = 0; i < 3; i++) {
        if (frames[i] != 0 && frames[i] != pinfo->num)
            return true;
        known += frames[i] != 0;
    }
    return known >= 2;
}

/* One item per step, in the field that says which kind it is (|hf_kind|)
 * and, hidden, in tcpphase.step. A combined step (2+3) has both at one
 * level: EK and -T json --no-duplicate-keys make them one array. */
static void add_steps(proto_tree *tree, tvbuff_t *tvb, int hf_kind, uint8_t steps)
{
    for (unsigned n = 1; n <= 4; n++) {
        if (!(steps & TP_STEP_BIT(n)))
            continue;
        proto_item *step = proto_tree_add_uint(tree, hf_tcpphase_step, tvb, 0, 0, n);
        proto_item_set_generated(proto_tree_add_uint(tree, hf_kind, tvb, 0, 0, n));
        proto_item_set_generated(step);
        proto_item_set_hidden(step);
    }
}

/* A hidden name twin of a numeric field, so that -T fields, JSON, EK and
 * PDML carry the name without the reader's knowing the value table. */
static void add_name_twin(proto_tree *tree, int hf, tvbuff_t *tvb, const char *name)
{
    proto_item *ti = proto_tree_add_string(tree, hf, tvb, 0, 0, name);
    proto_item_set_generated(ti);
    proto_item_set_hidden(ti);
}

/* What became of the connection: only once the whole file has been read, as
 * until then it is what it has become so far. */
static void add_connection_summary(proto_tree *tree, tvbuff_t *tvb, const struct tp_conn *c)
{
    const enum tp_outcome outcome = tp_conn_outcome(c);

    proto_item_set_generated(proto_tree_add_uint_format_value(
        tree, hf_tcpphase_outcome, tvb, 0, 0, outcome, "%s: %s", tp_outcome_code(outcome),
        tp_outcome_text_in(outcome, tracker_config.language)));
    add_name_twin(tree, hf_tcpphase_outcome_str, tvb, tp_outcome_code(outcome));
    char history[TP_HISTORY_MAX + 1], story[256];

    /* texts made only for a tree that shows them or a field that asks */
    if (proto_field_is_referenced(tree, hf_tcpphase_summary))
        proto_item_set_generated(
            proto_tree_add_string(tree, hf_tcpphase_summary, tvb, 0, 0,
                                  tp_conn_story(c, tracker_config.language, story, sizeof story)));
    if (tp_conn_history_len(c) > 0 && (proto_field_is_referenced(tree, hf_tcpphase_history) ||
                               proto_field_is_referenced(tree, hf_tcpphase_history_letters))) {
        proto_item *hi = proto_tree_add_string(tree, hf_tcpphase_history, tvb, 0, 0,
                                               tp_conn_history_at_end(c, history));
        proto_item_set_generated(hi);
        /* spelled out only for a tree that shows it or a field that asks */
        if (proto_field_is_referenced(tree, hf_tcpphase_history_letters)) {
            char letters[400];
            proto_item_set_generated(proto_tree_add_string(proto_item_add_subtree(hi, ett_tcpphase_history),
                                                           hf_tcpphase_history_letters, tvb, 0, 0,
                                                           tp_history_letters(history, letters, sizeof letters)));
        }
    }
    if (c->closer != TP_CLOSER_NONE) {
        proto_item_set_generated(
            proto_tree_add_uint(tree, hf_tcpphase_closed_by, tvb, 0, 0, (uint32_t)c->closer));
        add_name_twin(tree, hf_tcpphase_closed_by_str, tvb, tp_closer_name((unsigned)c->closer));
    }
}

static void queue_tap_record(packet_info *pinfo, const struct tp_step *rec, const tcp_info_t *th,
                             uint64_t anomalies, bool whole_capture)
{
    struct tcpphase_tap_record *t;

    if (!have_tap_listener(tcpphase_tap))
        return;
    t = wmem_new(pinfo->pool, struct tcpphase_tap_record);
    t->conn = rec->verdict.conn;
    t->result = (const struct tp_result *)wmem_memdup(pinfo->pool, &rec->verdict.result, sizeof rec->verdict.result);
    t->anomalies = anomalies;
    t->whole_capture = whole_capture;
    t->outcome_before = rec->verdict.outcome_before;
    t->outcome_after = rec->verdict.outcome_after;
    t->has_header = th != NULL;
    t->flags = th ? th->th_flags : 0;
    t->seq = th ? th->th_seq : 0;
    t->ack = th ? th->th_ack : 0;
    t->len = th && th->th_have_seglen ? th->th_seglen : 0;
    tap_queue_packet(tcpphase_tap, pinfo, t);
}

/* "[SYN 1/3] client CLOSED→SYN_SENT, server LISTEN→SYN_RECEIVED | " before
 * the Info text, so that Statistics → Flow Graph draws the textbook ladder:
 * its arrow label (the start of the Info text, cut to fit) is the step, its
 * comment (all of it) has both ends' transitions. */
static void prepend_ladder_label(packet_info *pinfo, const struct tp_result *r)
{
    const bool client = r->state_client != r->state_client_before, server = r->state_server != r->state_server_before;
    char step[48];
    wmem_strbuf_t *buf = wmem_strbuf_new(pinfo->pool, "[");

    wmem_strbuf_append(buf, tp_label_short(r->label, step, sizeof step));
    wmem_strbuf_append(buf, "] ");
    if (client)
        wmem_strbuf_append_printf(buf, "client %s\u2192%s", tp_state_name(r->state_client_before),
                                  tp_state_name(r->state_client));
    if (server)
        wmem_strbuf_append_printf(buf, "%sserver %s\u2192%s", client ? ", " : "",
                                  tp_state_name(r->state_server_before), tp_state_name(r->state_server));
    if (client || server)
        wmem_strbuf_append(buf, " | ");
    col_prepend_fstr(pinfo->cinfo, COL_INFO, "%s", wmem_strbuf_get_str(buf));
}

/* The transition texts, made once each: formatting one (snprintf) cost
 * more than the item that shows it, on every segment that changes a state.
 * A few dozen are ever made; freed when Wireshark shuts down. */
static char *transition_texts[TP_LANG_COUNT][TP_STATE_COUNT][TP_STATE_COUNT][TP_WHY_COUNT];
#define TRANSITION_TEXT_SIZE 96

/* The text kept, or formatted into |buf| (TRANSITION_TEXT_SIZE bytes) where
 * out of the table. */
static const char *transition_text(unsigned before, unsigned after, unsigned why, unsigned lang, char *buf)
{
    if (lang >= TP_LANG_COUNT || before >= TP_STATE_COUNT || after >= TP_STATE_COUNT || why >= TP_WHY_COUNT)
        return tp_transition_format(before, after, why, lang, buf, TRANSITION_TEXT_SIZE);
    char **kept = &transition_texts[lang][before][after][why];
    if (!*kept)
        *kept = g_strdup(tp_transition_format(before, after, why, lang, buf, TRANSITION_TEXT_SIZE));
    return *kept;
}

static void free_transition_texts(void)
{
    char **texts = &transition_texts[0][0][0][0];

    for (size_t i = 0; i < sizeof transition_texts / sizeof *texts; i++) {
        g_free(texts[i]);
        texts[i] = NULL;
    }
}

/* "CLOSED → SYN_SENT (sent SYN)": only on a segment that changes the state. */
static void add_transition(proto_tree *tree, int hf, tvbuff_t *tvb, unsigned before, unsigned after, unsigned why)
{
    char text[TRANSITION_TEXT_SIZE];

    if (before != after && proto_field_is_referenced(tree, hf))
        proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0,
                                                       transition_text(before, after, why, tracker_config.language, text)));
}

/* "TCP Connection Phase: ", the start of the protocol item's text (its
 * name, as Wireshark's default text has it); made at registration. */
static char protocol_text_start[64];

/* Copies |s| to |at|, as much as fits before |end|; returns the byte after. */
static char *put_text(char *at, const char *end, const char *s)
{
    size_t n = strlen(s);

    if (n > (size_t)(end - at))
        n = (size_t)(end - at);
    memcpy(at, s, n);
    return at + n;
}

/* "TCP Connection Phase: <label>, client <state>, server <state>", pieced
 * together and set at once: proto_item_append_text would fill the default
 * text and then vsnprintf four pieces after it, on every packet of a
 * visible tree (-V, and -T fields, which 4.0 builds visible too). */
static void set_protocol_text(proto_item *ti, const char *label, const struct tp_result *r)
{
    char text[ITEM_LABEL_LENGTH];
    const char *const end = text + sizeof text - 1;
    char *at = put_text(text, end, protocol_text_start);

    at = put_text(at, end, label);
    at = put_text(at, end, ", client ");
    at = put_text(at, end, tp_state_name(r->state_client));
    at = put_text(at, end, ", server ");
    at = put_text(at, end, tp_state_name(r->state_server));
    *at = '\0';
    proto_item_set_text(ti, "%s", text);
}

/* The protocol item (in *|ti|) and its fields, for a tree (GUI, -V,
 * -T fields, filters, custom columns); |c| is the segment's connection.
 * Returns the item's subtree. */
static proto_tree *add_record_items(const struct tp_step *rec, const struct tp_result *r,
                                    const struct tp_conn *c, bool whole_capture, tvbuff_t *tvb,
                                    packet_info *pinfo, proto_tree *tree, proto_item **item)
{
    char label[64];
    proto_item *ti;
    proto_tree *st;
    /* the label is formatted for a tree that shows it or a field that asks */
    const bool visible = PTREE_DATA(tree)->visible;
    const bool want_label = visible || proto_field_is_referenced(tree, hf_tcpphase_label);

    if (want_label)
        tp_label_format(r, tracker_config.language, label, sizeof label);
    ti = proto_tree_add_item(tree, proto_tcpphase, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    if (visible)
        set_protocol_text(ti, label, r);
    /* Leaf fields go in even when |ti| was faked on an invisible tree, so
     * -T fields, custom columns and filters always see them. */
    st = proto_item_add_subtree(ti, ett_tcpphase);

    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_conn, tvb, 0, 0, rec->verdict.conn));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_phase, tvb, 0, 0, r->phase));
    add_name_twin(st, hf_tcpphase_phase_str, tvb, tp_phase_name(r->phase));
    add_steps(st, tvb, hf_tcpphase_handshake_step, r->hs_steps);
    add_steps(st, tvb, hf_tcpphase_teardown_step, r->td_steps);
    if (want_label)
        proto_item_set_generated(proto_tree_add_string(st, hf_tcpphase_label, tvb, 0, 0, label));
    if (r->retransmission)
        proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_retransmission, tvb, 0, 0, TRUE));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_role, tvb, 0, 0, r->sender_role));
    add_name_twin(st, hf_tcpphase_role_str, tvb, val_to_str_const(r->sender_role, role_vals, "?"));
    /* Booleans only when true, so that the bare filter (-Y tcpphase.midstream)
     * means what it says. */
    if (c->role_guessed)
        proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_role_guessed, tvb, 0, 0, TRUE));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_state_client, tvb, 0, 0, r->state_client));
    proto_item_set_generated(proto_tree_add_uint(st, hf_tcpphase_state_server, tvb, 0, 0, r->state_server));
    add_name_twin(st, hf_tcpphase_state_client_str, tvb, tp_state_name(r->state_client));
    add_name_twin(st, hf_tcpphase_state_server_str, tvb, tp_state_name(r->state_server));
    add_transition(st, hf_tcpphase_transition_client, tvb, r->state_client_before, r->state_client, r->why_client);
    add_transition(st, hf_tcpphase_transition_server, tvb, r->state_server_before, r->state_server, r->why_server);
    /* formatted only for a tree that shows it or a field that asks */
    if ((r->hs_steps || r->td_steps) && proto_field_is_referenced(st, hf_tcpphase_check)) {
        char check[512];
        if (tp_check_format(c, &tracker_config, r, pinfo->num, check, sizeof check)[0] != '\0')
            proto_item_set_generated(proto_tree_add_string(st, hf_tcpphase_check, tvb, 0, 0, check));
    }
    if (c->midstream)
        proto_item_set_generated(proto_tree_add_boolean(st, hf_tcpphase_midstream, tvb, 0, 0, TRUE));

    /* no empty "Handshake" subtree (a refused or unanswered SYN links nothing) */
    if (r->hs_steps && has_handshake_items(c, pinfo, whole_capture)) {
        /* the title as the format itself: proto_tree_add_subtree formats
         * its text through "%s", which costs more (issue 18) */
        proto_tree *hs = proto_tree_add_subtree_format(st, tvb, 0, 0, ett_tcpphase_handshake, NULL, "Handshake");
        add_handshake(hs, tvb, pinfo, c, whole_capture);
    }
    add_frame_link(st, hf_tcpphase_fin_frame, tvb, pinfo, r->fin_frame);
    add_frame_link(st, hf_tcpphase_fin_acked_in, tvb, pinfo, tp_fin_acked_in(c, r));
    *item = ti;
    return st;
}

/* |c| is the connection after the segment when the caller has it at hand,
 * else NULL (looked up only if needed). |replayed|: the record was made by
 * an earlier dissection, so the tracker has passed this frame and what later
 * frames tell (look-ahead fields, LATER anomalies) can be shown. */
static void show_record(const struct tp_step *rec, const struct tp_conn *c, bool replayed,
                        const tcp_info_t *th, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const struct tp_result *r = &rec->verdict.result;
    const struct tp_horizon horizon = tcpphase_horizon();
    /* the whole capture is known: what became of the connection can be told */
    const bool whole_capture = replayed && horizon.ended;
    struct tp_conn storage;
    struct tp_result later, hindsight;
    proto_item *ti = NULL;
    proto_tree *st = NULL;

    /* Without a tree (plain tshark -r, tap passes) only the Info column,
     * expert infos and the tap show anything: no items on that per-packet
     * path, and no connection lookup unless the file has been read. A tree
     * nobody shows, where no tcpphase field is asked for (a filter or a
     * coloring rule on other fields, -Y tcp.stream == 3): the protocol item
     * alone, and only for expert infos to hang on; no text, no field (each
     * would be faked). Asking for any field of tcpphase marks the protocol
     * as referenced (proto_tree_prime_with_hfid). */
    const bool items = tree_wants_items(tree);

    if (!c && (items || replayed))
        c = conn_view(rec->entry, &storage);
    if (replayed) {
        /* what later frames disproved is not shown */
        hindsight = *r;
        tp_hindsight(c, &hindsight);
        if (whole_capture)
            tp_hindsight_states(c, &hindsight);
        r = &hindsight;
    }
    /* what later frames raise: only its anomalies are read (tp_later_anomalies
     * adds to them), so no clearing of the whole result on every packet */
    later.anomalies = 0;
    later.hit_count = 0;
    if (replayed) /* A live capture still running shows only what a deadline decided. */
        tp_later_anomalies(c, &tracker_config, r, &horizon, &later);
    if (items) {
        st = add_record_items(rec, r, c, whole_capture, tvb, pinfo, tree, &ti);
    } else if (tree && (r->anomalies || r->hit_count || later.anomalies || later.hit_count)) {
        ti = proto_tree_add_item(tree, proto_tcpphase, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(ti);
    }
    add_anomalies(st, ti, tvb, pinfo, r);
    if (replayed) {
        add_anomalies(st, ti, tvb, pinfo, &later);
        if (items && whole_capture)
            add_connection_summary(st, tvb, c);
    }
    /* Reports judge again what the tap hands them undecided. */
    queue_tap_record(pinfo, rec, th, whole_capture ? r->anomalies | later.anomalies : rec->verdict.result.anomalies,
                     whole_capture);

    if (pref_info_ladder)
        prepend_ladder_label(pinfo, r);
    else if (pref_info_column && r->label < TP_LABEL_COUNT && info_tags[r->label][0] != '\0')
        /* Not col_append_str: its g_strlcat walks the Info text byte by byte
         * to find the end (measurable on every packet); this one uses strlen. */
        col_append_lstr(pinfo->cinfo, COL_INFO, info_tags[r->label], COL_ADD_LSTR_TERMINATOR);
}

/* For each TCP layer of the frame, in order: was it quoted inside an ICMP
 * error? Such headers reach the tap but are not segments of their connection. */
static unsigned find_tcp_layers(packet_info *pinfo, bool quoted[MAX_TCP_LAYERS])
{
    unsigned n = 0;
    bool in_icmp = false;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        const int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6)
            in_icmp = true;
        else if (id == proto_tcp && n++ < MAX_TCP_LAYERS)
            quoted[n - 1] = in_icmp;
    }
    return n; /* all of them: more than MAX_TCP_LAYERS is noted */
}

/* A frame with more TCP layers than tcpphase keeps records for (nested
 * tunnels): the inner ones get no label, and a note on the frame says so. */
static void note_untracked_layers(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, unsigned layers)
{
    if (layers > MAX_TCP_LAYERS)
        proto_tree_add_expert_format(tree, pinfo, &ei_tcpphase_layers_untracked, tvb, 0, 0,
                                     "tcpphase labels the first %u TCP layers of a frame; this one has %u: "
                                     "the inner %u have no label",
                                     MAX_TCP_LAYERS, layers, layers - MAX_TCP_LAYERS);
}

/* The TCP header of layer |i| when the tap has none: from the primed tree,
 * if the user asked for it (preference two_pass). |from_tree| caches the
 * frame's layers; *|read| is UINT_MAX until they are read. */
static const tcp_info_t *untapped_header(proto_tree *tree, packet_info *pinfo, const bool *quoted,
                                         unsigned i, tcp_info_t *from_tree, unsigned *read, bool *unfinished)
{
    unsigned k = 0;

    if (!pref_two_pass || !tree)
        return NULL;
    if (*read == UINT_MAX)
        *read = tree_input_read(tree, pinfo, from_tree, MAX_TCP_LAYERS, unfinished);
    for (unsigned j = 0; j < i; j++)
        k += !quoted[j];
    return k < *read ? &from_tree[k] : NULL;
}

/* Whether the tap may lack the frame's last TCP layer: Wireshark's TCP sets
 * pinfo's ports and addresses before it parses the options and queues its
 * tap entry at its end, so an exception in between leaves pinfo naming
 * another segment than the last entry. Two comparisons on every packet,
 * inline (IPv4 without a call); the layers are walked only when they differ. */
static inline bool same_address(const address *a, const address *b)
{
    /* Wireshark's TCP copies pinfo's addresses into its tap entry shallowly:
     * the same bytes, no need to read them */
    if (a->data == b->data && a->type == b->type && a->len == b->len)
        return true;
    if (a->type == AT_IPv4 && b->type == AT_IPv4 && a->len == 4 && b->len == 4) {
        uint32_t va, vb; /* IPv4, the common case: no memcmp call */
        memcpy(&va, a->data, 4);
        memcpy(&vb, b->data, 4);
        return va == vb;
    }
    return addresses_equal(a, b);
}

static bool tap_may_lack_layer(const packet_info *pinfo, const tcp_info_t *last)
{
    return pinfo->ptype == PT_TCP &&
           (pinfo->srcport != last->th_sport || pinfo->destport != last->th_dport ||
            !same_address(&pinfo->src, &last->ip_src) || !same_address(&pinfo->dst, &last->ip_dst));
}

/* Whether the tracker has passed this frame, which is dissected again: its
 * layers are replayed, and one without a record (tshark -2's second pass
 * after a first with two_pass, the GUI's re-dissection) is not tracked now,
 * since the tracker has read later frames and its verdict would not be
 * this segment's. */
static bool tracker_passed(const packet_info *pinfo)
{
    return pinfo->fd->visited && pinfo->num < progress.last_frame;
}

/* A TCP layer Wireshark's TCP began but did not finish (an exception while
 * it parsed the options) has no tap entry: its header from the frame's
 * bytes (raw-header.c), as the tap would have carried it. Only on a
 * dissection that tracks and has no stored record of layer |i|: one that
 * taps, or tshark -2's first pass with two_pass when the primed tree shows
 * that Wireshark's TCP threw inside the layer (|threw|), so that both read
 * the same segments. A header that cannot be found without doubt gets no
 * label, and the frame a note that says so. */
static const tcp_info_t *unfinished_header(unsigned i, bool threw, tvbuff_t *tvb, packet_info *pinfo,
                                           proto_tree *tree, tcp_info_t *storage)
{
    struct tp_step rec;

    /* replayed: the header is not needed (a frame without a record is
     * rebuilt again, so that its note shows on every dissection) */
    if (pinfo->fd->visited && frame_store_get(pinfo->num, i, &rec))
        return NULL;
    if (!fetch_tapped_data(ip_tap_id, 0) && !fetch_tapped_data(ipv6_tap_id, 0) && !threw)
        return NULL; /* no taps in this pass, and nothing unfinished */
    switch (raw_header_rebuild(tvb, pinfo, storage)) {
    case RAW_HEADER_REBUILT:
        return storage;
    case RAW_HEADER_NO_SEGMENT:
        return NULL;
    case RAW_HEADER_NOT_FOUND:
    default:
        proto_tree_add_expert_format(tree, pinfo, &ei_tcpphase_header_not_found, tvb, 0, 0,
                                     "Wireshark's TCP stopped inside TCP layer %u of this frame (before its tap), "
                                     "and tcpphase could not locate its header in the frame's bytes: "
                                     "the segment has no label and its connection goes on without it",
                                     i + 1);
        return NULL;
    }
}

/* TCP layer |i| of the frame: replays its stored record or, the first time,
 * runs the tracker on its header |th| (none: NULL). A header quoted in an
 * ICMP error has no segment length: it is not a segment of its connection. */
static void label_layer(unsigned i, bool last, const tcp_info_t *th, tvbuff_t *tvb, packet_info *pinfo,
                        proto_tree *tree)
{
    struct tp_step rec;
    struct tp_conn storage;
    /* A stored record means the tracker has run past this frame (GUI and
     * sharkd after the first pass, tshark -2's second pass), on a frame
     * dissected before. A first dissection that finds one has the number of
     * a frame tshark -2 -R dropped: the read filter rejected it after it
     * was dissected under the next free number, which this frame now gets.
     * That record is not this frame's: it is computed again, over it. */
    const bool replay = pinfo->fd->visited && frame_store_get(pinfo->num, i, &rec);
    const struct tp_conn *after = NULL;

    if (!replay) {
        if (!th || !th->th_have_seglen)
            return;
        if (tracker_passed(pinfo))
            return;
        /* The only time the tracker runs on this segment. What is shown is
         * the record as stored, decoded: the same as on every replay. */
        bool steady;
        after = compute_record(th, pinfo, i, last, &storage, &rec, &steady);
        if (!after)
            return;
        /* read back as every replay reads it */
        if (steady && (!steady_segment_shown(tree) || !frame_store_get(pinfo->num, i, &rec)))
            return;
    }
    show_record(&rec, after, replay, th, tvb, pinfo, tree);
}

static int dissect_tcpphase(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const tcp_info_t *tapped[MAX_TCP_LAYERS];
    unsigned n = 0;

    /* The tap's entries are the frame's TCP layers in order: with them, no
     * walk over the frame's layers (measurable on every packet). */
    while (n < MAX_TCP_LAYERS && (tapped[n] = (const tcp_info_t *)fetch_tapped_data(tcp_tap_id, (int)n)))
        n++;
    if (n > 0) {
        /* The last layer without a tap entry (rare: the walk is only then). */
        tcp_info_t rebuilt;
        const tcp_info_t *unfinished = NULL;
        bool has_unfinished = false;
        if (n < MAX_TCP_LAYERS && tap_may_lack_layer(pinfo, tapped[n - 1])) {
            bool quoted[MAX_TCP_LAYERS];
            const unsigned all_layers = find_tcp_layers(pinfo, quoted);
            has_unfinished = all_layers == n + 1 && !quoted[n];
            if (has_unfinished)
                unfinished = unfinished_header(n, false, tvb, pinfo, tree, &rebuilt);
        }
        for (unsigned i = 0; i < n; i++)
            label_layer(i, !has_unfinished && i + 1 == n, tapped[i], tvb, pinfo, tree);
        /* its record, if stored (tshark -2's second pass), else the rebuilt header */
        if (has_unfinished)
            label_layer(n, true, unfinished, tvb, pinfo, tree);
        if (n == MAX_TCP_LAYERS) {
            unsigned all = n;
            while (fetch_tapped_data(tcp_tap_id, (int)all))
                all++;
            note_untracked_layers(tree, pinfo, tvb, all);
        }
        info_field_refresh(tree, pinfo);
        return tvb_captured_length(tvb);
    }

    /* No tap data (re-dissection, tshark -2's first pass): the frame's
     * layers tell which records to replay, and which headers the primed
     * tree has (preference two_pass). */
    bool quoted[MAX_TCP_LAYERS];
    const unsigned all_layers = find_tcp_layers(pinfo, quoted);
    const unsigned layers = MIN(all_layers, MAX_TCP_LAYERS);
    tcp_info_t from_tree[MAX_TCP_LAYERS];
    unsigned read_from_tree = UINT_MAX;
    bool threw = false; /* the primed tree says the last layer is unfinished */

    tcp_info_t rebuilt;

    for (unsigned i = 0; i < layers; i++) {
        const tcp_info_t *th =
            quoted[i] ? NULL : untapped_header(tree, pinfo, quoted, i, from_tree, &read_from_tree, &threw);
        /* a frame whose only TCP layers stopped before the tap (in a pass
         * that taps, the last is the one that stopped) */
        if (!th && !quoted[i] && i + 1 == all_layers)
            th = unfinished_header(i, threw, tvb, pinfo, tree, &rebuilt);
        label_layer(i, i + 1 == layers, th, tvb, pinfo, tree);
    }
    note_untracked_layers(tree, pinfo, tvb, all_layers);
    info_field_refresh(tree, pinfo);
    return tvb_captured_length(tvb);
}

/* Priming fields makes Wireshark build a tree for every packet, for everyone:
 * only when asked. */
static void want_tree_fields(void)
{
    if (tcpphase_handle)
        set_postdissector_wanted_hfids(tcpphase_handle, pref_two_pass ? tree_input_wanted_hfids() : NULL);
}

static void copy_preferences(void);

static void tcpphase_init(void)
{
    copy_preferences();
    forget_progress();
    conn_table_reset();
    frame_store_reset();
    want_tree_fields();
}

/* The tracker's configuration from the preferences. Also called where a
 * file starts: sharkd's setconf changes a preference without calling the
 * module's prefs-applied callback. */
static void copy_preferences(void)
{
    tracker_config.tfo_normal = pref_tfo_normal;
    tracker_config.handshake_timeout_ns = (int64_t)pref_handshake_timeout_s * TP_NS_PER_SEC;
    tracker_config.time_wait_ns = (int64_t)pref_time_wait_s * TP_NS_PER_SEC;
    tracker_config.slow_handshake_ns = (int64_t)pref_slow_handshake_ms * TP_NS_PER_MS;
    tracker_config.language = pref_language == TP_LANG_ZH ? TP_LANG_ZH : TP_LANG_EN;
}

static void apply_preferences(void)
{
    want_tree_fields();
    copy_preferences();
}

void proto_register_tcpphase(void)
{
    static hf_register_info hf[] = {
#define TP_X_HFREG(id, filter, name, type, display, strings, when, blurb) \
    {&hf_tcpphase_##id, {name, filter, type, display, strings, 0x0, blurb, HFILL}},
        TP_FIELDS(TP_X_HFREG)
#undef TP_X_HFREG
    };
    static int *ett[] = {&ett_tcpphase, &ett_tcpphase_handshake, &ett_tcpphase_history};
    static ei_register_info ei[] = {
#define TP_X_REG(id, grp, sev, when, summary, msg, zeek, suricata) \
    {&ei_tcpphase_##id, {"tcpphase.anomaly." #id, PI_##grp, PI_##sev, summary, EXPFILL}},
        TP_ANOMALIES(TP_X_REG)
#undef TP_X_REG
        /* not an anomaly of a connection: a limit of tcpphase's */
        {&ei_tcpphase_layers_untracked,
         {"tcpphase.layers_untracked", PI_UNDECODED, PI_NOTE, "Frame has more TCP layers than tcpphase labels",
          EXPFILL}},
        {&ei_tcpphase_header_not_found,
         {"tcpphase.header_not_found", PI_UNDECODED, PI_WARN,
          "TCP layer Wireshark did not finish, whose header tcpphase could not locate: no label", EXPFILL}},
    };
    module_t *module;
    expert_module_t *expert;

    make_info_tags();
    proto_tcpphase = proto_register_protocol("TCP Connection Phase", "TCPPHASE", "tcpphase");
    tcpphase_hfinfo = proto_registrar_get_nth((unsigned)proto_tcpphase);
    snprintf(protocol_text_start, sizeof protocol_text_start, "%s: ", proto_get_protocol_name(proto_tcpphase));
    proto_register_field_array(proto_tcpphase, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));

    expert = expert_register_protocol(proto_tcpphase);
    expert_register_field_array(expert, ei, array_length(ei));

    module = prefs_register_protocol(proto_tcpphase, apply_preferences);
    prefs_register_bool_preference(module, "info_column", "Tag the Info column",
                                   "Append a short step tag such as [HS 1/3] or [FIN 2/4] to the Info column.",
                                   &pref_info_column);
    prefs_register_bool_preference(module, "info_ladder", "Ladder labels in the Info column",
                                   "Put the step and the ends' state changes first in the Info column, e.g. [SYN 1/3] client CLOSED\u2192SYN_SENT, server LISTEN\u2192SYN_RECEIVED | , for Statistics \u2192 Flow Graph.",
                                   &pref_info_ladder);
    prefs_register_bool_preference(module, "two_pass", "Full knowledge in tshark -2 and sharkd",
                                   "Have Wireshark build the protocol tree in tshark -2's first pass and sharkd's load, so that tcpphase runs there and every frame shows what only later frames tell. Costs the tree on every packet.",
                                   &pref_two_pass);
    prefs_register_bool_preference(module, "tfo_normal", "Data on a SYN is normal (TCP Fast Open)",
                                   "Do not flag SYNs that carry data: TCP Fast Open (RFC 7413) sends it.",
                                   &pref_tfo_normal);
    prefs_register_uint_preference(module, "handshake_timeout", "Handshake timeout (s)",
                                   "A SYN not answered within this many seconds is unanswered (Linux gives up after 127 s); 0: off, a SYN is unanswered only if nothing answers it in the whole capture.",
                                   10, &pref_handshake_timeout_s);
    prefs_register_uint_preference(module, "time_wait", "TIME_WAIT length, 2*MSL (s)",
                                   "Reusing ports sooner after TIME_WAIT began is premature (Linux: 60 s; RFC 9293's MSL of 2 min gives 240 s); 0: off.",
                                   10, &pref_time_wait_s);
    prefs_register_uint_preference(module, "slow_handshake", "Slow handshake threshold (ms)",
                                   "A connect (the client's first SYN to the segment completing the handshake, SYN retries included) slower than this is flagged (default: the 1 s initial RTO); 0: off.",
                                   10, &pref_slow_handshake_ms);
    prefs_register_bool_preference(module, "show_notes", "Show notes",
                                   "Show anomalies of severity Note (midstream pickup, retransmissions, half-closed at the end...); off shows only warnings and errors.",
                                   &pref_show_notes);
    prefs_register_enum_preference(module, "language", "Language of the texts",
                                   "Language of the labels, transitions, checked numbers and summaries (en, zh); filter, field and value names stay as they are.",
                                   &pref_language, language_vals, FALSE);
    apply_preferences();

    register_init_routine(tcpphase_init);
    register_shutdown_routine(free_transition_texts);
    register_postseq_cleanup_routine(capture_read_whole);
    tcpphase_tap = register_tap("tcpphase");
    register_tcpphase_conns_table();
    register_tcpphase_flow_graph(proto_tcpphase);
}

void proto_reg_handoff_tcpphase(void)
{
    GString *error;
    tcpphase_handle = create_dissector_handle(dissect_tcpphase, proto_tcpphase);
    register_postdissector(tcpphase_handle);
    tree_input_register();
    raw_header_register();
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
    ip_tap_id = find_tap_id("ip");
    ipv6_tap_id = find_tap_id("ipv6");
}
