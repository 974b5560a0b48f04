/* gui-menus.h: the GUI's menu entries from a packet to its connection. */
#ifndef TCPPHASE_GUI_MENUS_H
#define TCPPHASE_GUI_MENUS_H

#include <stdint.h>

/* The connection (tcpphase.conn) of the packet selected in the GUI's packet
 * list; 0 if none is selected or it has no tcpphase record. */
uint32_t gui_selected_conn(void);

/* Tools → "TCP Connection Phase: a connection's packets" and, on 4.2 and
 * later, the packet list's context menu entries. */
void register_tcpphase_gui_menus(void);

#endif
