/* info-field.h: the Info column's text as the _ws.col.info field carries it. */
#ifndef TCPPHASE_INFO_FIELD_H
#define TCPPHASE_INFO_FIELD_H

#include <epan/packet.h>

/* Brings the frame's _ws.col.info field (Wireshark 4.2 and later) up to the
 * Info column's text, once tcpphase has added its tag to the column. */
void info_field_refresh(proto_tree *tree, packet_info *pinfo);

#endif
