/* Registration entry points of the tcpphase dissector, called from plugin.c. */
#ifndef TCPPHASE_PACKET_TCPPHASE_H
#define TCPPHASE_PACKET_TCPPHASE_H

void proto_register_tcpphase(void);
void proto_reg_handoff_tcpphase(void);

#endif
