/* The TCP header of a layer that Wireshark's TCP began but did not finish
 * (an exception in its option parsing: the tcp tap entry, queued at the end
 * of dissect_tcp, is lost), rebuilt from the frame's bytes as Wireshark's
 * TCP would have tapped it. Used only when a frame has more TCP layers than
 * tap entries. */
#ifndef TCPPHASE_RAW_HEADER_H
#define TCPPHASE_RAW_HEADER_H

#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

enum raw_header_result {
    RAW_HEADER_REBUILT,     /* |out| holds the header */
    RAW_HEADER_NO_SEGMENT,  /* found, but Wireshark's TCP would not tap it as a
                               segment either (data offset below 5, fixed header
                               cut by the snap length, shorter than its header,
                               an IP fragment): no label, as for any such header */
    RAW_HEADER_NOT_FOUND,   /* not located in the frame's bytes, or not without
                               doubt: no label, and the frame says so */
};

/* raw_header_register resolves what it needs; call it in handoff. */
void raw_header_register(void);

/* raw_header_rebuild rebuilds the header of the TCP layer whose dissection
 * stopped last in |pinfo| (the TCP dissector has set pinfo's addresses and
 * ports before it parses options) from the frame |tvb|. */
enum raw_header_result raw_header_rebuild(tvbuff_t *tvb, packet_info *pinfo, tcp_info_t *out);

#endif
