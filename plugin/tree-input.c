/* TCP headers from a primed protocol tree. The header is read from the
 * bytes under the "tcp" item, the addresses from the bytes under ip.src and
 * ip.dst of the IP layer before it; the few values that are not bytes on
 * the wire (segment length, scaled window, stream) from their fields. */
#include "ws_compat.h"

#include <epan/proto.h>

#include "tree-input.h"

static int proto_ip = -1, proto_ipv6 = -1, proto_tcp = -1;
/* the items Wireshark adds where a dissector threw: a malformed packet, a
 * packet cut by the capture */
static int proto_malformed = -1, proto_short = -1;
static int hf_ip_src = -1, hf_ip_dst = -1, hf_ipv6_src = -1, hf_ipv6_dst = -1;
static int hf_tcp_len = -1, hf_tcp_window = -1, hf_tcp_stream = -1;

/* field_info's value became a pointer in 4.2 */
#if TP_WS_AT_LEAST(4, 2)
#define FIELD_UINT(fi) fvalue_get_uinteger((fi)->value)
#else
#define FIELD_UINT(fi) fvalue_get_uinteger(&(fi)->value)
#endif

void tree_input_register(void)
{
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_malformed = proto_get_id_by_filter_name("_ws.malformed");
    proto_short = proto_get_id_by_filter_name("_ws.short");
    hf_ip_src = proto_registrar_get_id_byname("ip.src");
    hf_ip_dst = proto_registrar_get_id_byname("ip.dst");
    hf_ipv6_src = proto_registrar_get_id_byname("ipv6.src");
    hf_ipv6_dst = proto_registrar_get_id_byname("ipv6.dst");
    hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
    hf_tcp_window = proto_registrar_get_id_byname("tcp.window_size");
    hf_tcp_stream = proto_registrar_get_id_byname("tcp.stream");
}

GArray *tree_input_wanted_hfids(void)
{
    const int ids[] = {proto_ip,    proto_ipv6, proto_tcp,     hf_ip_src,     hf_ip_dst,       hf_ipv6_src,
                       hf_ipv6_dst, hf_tcp_len, hf_tcp_window, hf_tcp_stream, proto_malformed, proto_short};
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));

    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        if (ids[i] > 0)
            g_array_append_val(wanted, ids[i]);
    }
    return wanted;
}

/* The captured bytes of a TCP header that Wireshark's TCP taps, measured
 * with a SYN-ACK cut byte by byte (issue 17): 4.0 the fixed header; 4.4
 * up to its window (the cut checksum throws after the tap entry is made);
 * 4.6 up to its flags (a window it lacks is 0 in the tap entry). */
#if TP_WS_AT_LEAST(4, 6)
#define TAPPED_HEADER_BYTES 14
#elif TP_WS_AT_LEAST(4, 4)
#define TAPPED_HEADER_BYTES 16
#else
#define TAPPED_HEADER_BYTES 20
#endif

/* Whether an exception inside Wireshark's TCP (options past the segment's
 * end, say) stops it before its tap entry: on 4.0; 4.4 and later make the
 * entry anyway once the header is read (measured on the fuzzer's short
 * tunnelled segments), so the tree's layer is the tap's, length or none. */
#define TCP_THROWS_BEFORE_TAP (!TP_WS_AT_LEAST(4, 4))

static field_info *child_field(proto_node *node, int hf)
{
    for (proto_node *n = node->first_child; n; n = n->next) {
        if (n->finfo && n->finfo->hfinfo->id == hf)
            return n->finfo;
    }
    return NULL;
}

/* An address from the bytes a field covers on the wire. */
static bool read_address(packet_info *pinfo, field_info *fi, address_type type, int len, address *out)
{
    void *data;

    if (!fi || !fi->ds_tvb || fi->length != len || !tvb_bytes_exist(fi->ds_tvb, fi->start, len))
        return false;
    data = wmem_alloc(pinfo->pool, (size_t)len);
    tvb_memcpy(fi->ds_tvb, data, fi->start, len);
    set_address(out, type, len, data);
    return true;
}

static bool read_tcp(proto_node *tcp, const address *src, const address *dst, tcp_info_t *th)
{
    field_info *fi = tcp->finfo, *len = child_field(tcp, hf_tcp_len);
    field_info *win = child_field(tcp, hf_tcp_window), *stream = child_field(tcp, hf_tcp_stream);
    tvbuff_t *tvb = fi ? fi->ds_tvb : NULL;
    const int at = fi ? fi->start : 0;

    /* As the tap: nothing for a bogus header length, or for a header the
     * capture cut before what this version's TCP taps it with
     * (TAPPED_HEADER_BYTES); options cut by the capture do not matter (one
     * pass rebuilds a header whose option parsing threw: raw-header.c). */
    if (!tvb || !len || !tvb_bytes_exist(tvb, at, TAPPED_HEADER_BYTES))
        return false;
    const int header_len = (tvb_get_uint8(tvb, at + 12) >> 4) * 4;
    if (header_len < 20)
        return false;
    memset(th, 0, sizeof *th);
    th->th_sport = tvb_get_ntohs(tvb, at);
    th->th_dport = tvb_get_ntohs(tvb, at + 2);
    th->th_rawseq = th->th_seq = tvb_get_ntohl(tvb, at + 4);
    th->th_rawack = th->th_ack = tvb_get_ntohl(tvb, at + 8);
    th->th_flags = tvb_get_ntohs(tvb, at + 12) & 0x0fff;
    /* a window the capture cut is 0 in the tap (4.6) */
    th->th_win = win ? FIELD_UINT(win) : tvb_bytes_exist(tvb, at + 14, 2) ? tvb_get_ntohs(tvb, at + 14) : 0;
    th->th_have_seglen = TRUE;
    th->th_seglen = FIELD_UINT(len);
    th->th_stream = stream ? FIELD_UINT(stream) : 0;
    th->ip_src = *src;
    th->ip_dst = *dst;
    return true;
}

unsigned tree_input_read(proto_tree *tree, packet_info *pinfo, tcp_info_t *out, unsigned max, bool *unfinished)
{
    address src, dst;
    unsigned n = 0;
    bool failed = false;

    clear_address(&src);
    clear_address(&dst);
    *unfinished = false;
    if (!tree)
        return 0;
    /* Layers are the root's children in order (eth, ip, tcp, gtp, ip, tcp...);
     * headers quoted in ICMP errors sit below the icmp item and are skipped.
     * An exception item after a TCP layer whose header could not be read
     * says that Wireshark's TCP threw inside it, before its tap entry (the
     * item of an inner layer's exception is added to the root too, by the
     * outer TCP that catches it). */
    for (proto_node *node = tree->first_child; node; node = node->next) {
        const int id = node->finfo ? node->finfo->hfinfo->id : -1;
        if (id < 0)
            continue;
        if (failed) {
            if (id == proto_malformed || id == proto_short)
                *unfinished = TCP_THROWS_BEFORE_TAP;
            else if (id == proto_tcp)
                *unfinished = false; /* not the last TCP layer */
        } else if (id == proto_ip) {
            if (!read_address(pinfo, child_field(node, hf_ip_src), AT_IPv4, 4, &src) ||
                !read_address(pinfo, child_field(node, hf_ip_dst), AT_IPv4, 4, &dst))
                clear_address(&src);
        } else if (id == proto_ipv6) {
            if (!read_address(pinfo, child_field(node, hf_ipv6_src), AT_IPv6, 16, &src) ||
                !read_address(pinfo, child_field(node, hf_ipv6_dst), AT_IPv6, 16, &dst))
                clear_address(&src);
        } else if (id == proto_tcp) {
            if (n < max && src.type != AT_NONE && read_tcp(node, &src, &dst, &out[n]))
                n++;
            else
                failed = true;
        }
    }
    return n;
}
