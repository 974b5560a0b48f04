/* A TCP header from the frame's bytes, for a layer Wireshark's TCP did not
 * finish. Its fixed header comes before the options, and the TCP dissector
 * has set pinfo's addresses and ports, the connection's stream, base
 * sequence numbers and window scale before it parses them; so the header is
 * rebuilt exactly as the tap would have carried it, or not at all.
 *
 * Where it is: the innermost IP header, whose addresses are pinfo->src and
 * pinfo->dst. IPv4 sets them to point into the packet's bytes (the frame's,
 * unless reassembled); IPv6 (4.0) copies them, so its header is found by its
 * source and destination, side by side in the fixed header. Every candidate
 * must be a whole IP header of protocol TCP (after the IPv6 extension
 * headers Wireshark walks), not a fragment, lengths that cover the header
 * (one past the packet means the rest of it, as in Wireshark's IP), and
 * the TCP ports those pinfo has; exactly one may be. */
#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/prefs-int.h>
#include <epan/prefs.h>

#include <string.h>

#include "raw-header.h"

static int proto_tcp = -1;

void raw_header_register(void) { proto_tcp = proto_get_id_by_filter_name("tcp"); }

#define IP_PROTO_TCP_NUM 6

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Where the TCP header of a candidate IP header at |at| starts and how long
 * the TCP segment is (the IP payload after the headers, as Wireshark's IP
 * sets the TCP tvb's reported length); false if it is no such header. */
struct located {
    unsigned tcp_at, tcp_len;
};

static bool pref_bool(const char *module, const char *name, bool otherwise)
{
    module_t *m = prefs_find_module(module);
    pref_t *pref = m ? prefs_find_preference(m, name) : NULL;
    return pref ? prefs_get_bool_value(pref, pref_current) != 0 : otherwise;
}

static bool tcp_pref_bool(const char *name, bool otherwise) { return pref_bool("tcp", name, otherwise); }

static bool ipv4_payload(const uint8_t *f, unsigned caplen, unsigned pktlen, unsigned at, struct located *loc)
{
    if (at + 20 > caplen || f[at] >> 4 != 4)
        return false;
    const unsigned hlen = (f[at] & 0x0f) * 4u, frag = get16(f + at + 6);
    /* a total length of 0 is TCP segmentation offload: Wireshark's IP
     * (preference ip.tso_support, on by default) takes the rest of the
     * packet, as here; the tap carries that segment in pass 1 of -2, where
     * no tree is built and the options need not throw (issue 17) */
    unsigned total = get16(f + at + 2);
    if (total == 0 && pref_bool("ip", "tso_support", true))
        total = pktlen - at;
    /* a total length past the packet: Wireshark's IP says so (an expert
     * info) and only ever shortens its tvb to the total length, so TCP gets
     * the rest of the packet, as here */
    if (at + total > pktlen)
        total = pktlen - at;
    /* no header options past the bytes, TCP, not a fragment (more
     * fragments, or an offset), a total length that covers the header */
    if (hlen < 20 || at + hlen > caplen || f[at + 9] != IP_PROTO_TCP_NUM || (frag & 0x3fff) != 0 ||
        total < hlen)
        return false;
    loc->tcp_at = at + hlen;
    loc->tcp_len = total - hlen;
    return true;
}

static bool ipv6_payload(const uint8_t *f, unsigned caplen, unsigned pktlen, unsigned at, struct located *loc)
{
    if (at + 40 > caplen || f[at] >> 4 != 6)
        return false;
    unsigned next = f[at + 6], p = at + 40;

    unsigned plen = get16(f + at + 4);
    /* a jumbogram (payload length 0) is not guessed; a payload length past
     * the packet is the rest of the packet, as for IPv4 */
    if (plen == 0)
        return false;
    if (at + 40 + plen > pktlen)
        plen = pktlen - at - 40;
    /* the extension headers a TCP segment may follow; a fragment header or
     * any other stops the search */
    while (next != IP_PROTO_TCP_NUM) {
        unsigned len;
        if (p + 2 > caplen)
            return false;
        if (next == 0 || next == 43 || next == 60) /* hop-by-hop, routing, destination options */
            len = (f[p + 1] + 1u) * 8;
        else if (next == 51) /* authentication header */
            len = (f[p + 1] + 2u) * 4;
        else
            return false;
        next = f[p];
        p += len;
        if (p - (at + 40) > plen)
            return false;
    }
    loc->tcp_at = p;
    loc->tcp_len = plen - (p - (at + 40));
    return true;
}

/* Whether the candidate IP header at |at| carries the TCP header of pinfo's
 * ports. */
static bool candidate(const uint8_t *f, unsigned caplen, unsigned pktlen, unsigned at, bool v6,
                      const packet_info *pinfo, struct located *loc)
{
    if (!(v6 ? ipv6_payload : ipv4_payload)(f, caplen, pktlen, at, loc))
        return false;
    return loc->tcp_at + 4 <= caplen && get16(f + loc->tcp_at) == pinfo->srcport &&
           get16(f + loc->tcp_at + 2) == pinfo->destport;
}

/* The one IP header whose source and destination are pinfo's, found by the
 * two addresses side by side (at 12 in IPv4, 8 in IPv6). */
static bool search(const uint8_t *f, unsigned caplen, unsigned pktlen, bool v6, const packet_info *pinfo,
                   struct located *loc)
{
    const unsigned alen = v6 ? 16 : 4, before = v6 ? 8 : 12;
    uint8_t pair[32];
    unsigned found = 0;

    memcpy(pair, pinfo->src.data, alen);
    memcpy(pair + alen, pinfo->dst.data, alen);
    for (unsigned at = 0; at + before + 2 * alen <= caplen; at++) {
        struct located l;
        if (memcmp(f + at + before, pair, 2 * alen) == 0 && candidate(f, caplen, pktlen, at, v6, pinfo, &l)) {
            if (found++ > 0)
                return false; /* two: not without doubt */
            *loc = l;
        }
    }
    return found == 1;
}


static int tcp_default_window_scaling(void)
{
    module_t *tcp = prefs_find_module("tcp");
    pref_t *pref = tcp ? prefs_find_preference(tcp, "default_window_scaling") : NULL;
    return pref ? prefs_get_enum_value(pref, pref_current) : -1;
}

enum raw_header_result raw_header_rebuild(tvbuff_t *tvb, packet_info *pinfo, tcp_info_t *th)
{
    const bool v6 = pinfo->src.type == AT_IPv6;
    const int alen = v6 ? 16 : 4;
    const unsigned caplen = tvb_captured_length(tvb), pktlen = tvb_reported_length(tvb);
    struct located loc;

    /* Wireshark's TCP gives an IP fragment (not reassembled) no segment length */
    if (pinfo->fragmented)
        return RAW_HEADER_NO_SEGMENT;
    if ((pinfo->src.type != AT_IPv4 && !v6) || pinfo->dst.type != pinfo->src.type || pinfo->src.len != alen ||
        pinfo->dst.len != alen || caplen == 0 || pinfo->ptype != PT_TCP)
        return RAW_HEADER_NOT_FOUND;
    const uint8_t *f = tvb_get_ptr(tvb, 0, (int)caplen);
    const uintptr_t base = (uintptr_t)f, src = (uintptr_t)pinfo->src.data;

    if (!v6 && src >= base + 12 && src + 4 <= base + caplen) {
        /* IPv4's source points into the frame: its header is 12 bytes before */
        if (!candidate(f, caplen, pktlen, (unsigned)(src - base - 12), false, pinfo, &loc))
            return RAW_HEADER_NOT_FOUND;
    } else if (!search(f, caplen, pktlen, v6, pinfo, &loc)) {
        return RAW_HEADER_NOT_FOUND;
    }

    /* As Wireshark's TCP: a header length below 20 is no header, a segment
     * shorter than its header has no length. The fixed header must be
     * captured; options the capture cut do not matter (Wireshark's TCP
     * taps such a header when its option parsing does not throw, always
     * from 4.4 on; the tree read in pass 1 of -2 has it as well). */
    if (loc.tcp_at + 20 > caplen)
        return RAW_HEADER_NO_SEGMENT;
    const uint8_t *h = f + loc.tcp_at;
    const unsigned hlen = (h[12] >> 4) * 4u;
    if (hlen < 20 || loc.tcp_len < hlen)
        return RAW_HEADER_NO_SEGMENT;

    /* The connection as Wireshark's TCP left it for this segment. */
    conversation_t *conv = find_conversation(pinfo->num, &pinfo->src, &pinfo->dst, CONVERSATION_TCP, pinfo->srcport,
                                             pinfo->destport, 0);
    struct tcp_analysis *tcpd =
        conv && proto_tcp > 0 ? (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
    if (!tcpd)
        return RAW_HEADER_NOT_FOUND;
    int direction = cmp_address(&pinfo->src, &pinfo->dst);
    if (direction == 0)
        direction = pinfo->srcport > pinfo->destport ? 1 : -1;
    const tcp_flow_t *fwd = direction >= 0 ? &tcpd->flow1 : &tcpd->flow2;
    const tcp_flow_t *rev = direction >= 0 ? &tcpd->flow2 : &tcpd->flow1;

    memset(th, 0, sizeof *th);
    th->th_sport = get16(h);
    th->th_dport = get16(h + 2);
    th->th_rawseq = th->th_seq = get32(h + 4);
    th->th_rawack = th->th_ack = get32(h + 8);
    th->th_flags = get16(h + 12) & 0x0fff;
    th->th_win = get16(h + 14);
    th->th_hlen = (uint8_t)hlen;
    th->th_have_seglen = TRUE;
    th->th_seglen = loc.tcp_len - hlen;
    th->th_stream = tcpd->stream;
    copy_address_shallow(&th->ip_src, &pinfo->src);
    copy_address_shallow(&th->ip_dst, &pinfo->dst);
    /* relative numbers, under the preferences that make the tap's relative */
    if (tcp_pref_bool("analyze_sequence_numbers", true) && tcp_pref_bool("relative_sequence_numbers", true)) {
        th->th_seq -= fwd->base_seq;
        if (th->th_flags & TH_ACK)
            th->th_ack -= rev->base_seq;
    }
    /* the scaled window (SYNs are never scaled) */
    if (!(th->th_flags & TH_SYN)) {
        if (fwd->win_scale >= 0)
            th->th_win <<= fwd->win_scale;
        else if (fwd->win_scale == -1) {
            const int scaling = tcp_default_window_scaling();
            if (scaling >= 0)
                th->th_win <<= scaling;
        }
    }
    return RAW_HEADER_REBUILT;
}
