/* TCP headers read from a primed protocol tree, for the dissections that have
 * no tap data: tshark -2's first pass and sharkd's load. Used only when the
 * user asks for it (preference two_pass), because priming fields makes
 * Wireshark build a protocol tree for every packet. */
#ifndef TCPPHASE_TREE_INPUT_H
#define TCPPHASE_TREE_INPUT_H

#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

/* tree_input_register resolves the fields it reads; call it in handoff. */
void tree_input_register(void);

/* tree_input_wanted_hfids returns a new array of the field ids to prime. */
GArray *tree_input_wanted_hfids(void);

/* tree_input_read fills |out| with the TCP layers of |tree| that are not
 * quoted inside an ICMP error, in order, up to |max| and up to the first
 * whose header it cannot read, and returns how many. *|unfinished| tells
 * whether that one is the frame's last TCP layer and Wireshark's TCP threw
 * inside it (it then made no tap entry: one pass reads its header from the
 * frame's bytes, raw-header.c). Addresses point into |pinfo|'s packet scope. */
unsigned tree_input_read(proto_tree *tree, packet_info *pinfo, tcp_info_t *out, unsigned max, bool *unfinished);

#endif
