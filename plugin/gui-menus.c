/* gui-menus.c: in the GUI, from a packet to its connection. Tools → "TCP
 * Connection Phase: a connection's packets" asks for a connection number
 * (prefilled with the selected packet's) and applies the display filter
 * tcpphase.conn == N; the ladder's Tools entry starts from the selected
 * packet's connection too. From Wireshark 4.2 on, the packet list's context
 * menu has both for the packet right-clicked. */
#include "ws_compat.h"

#include <epan/funnel.h>
#include <epan/plugin_if.h>
#include <epan/prefs.h>
#include <stdio.h>
#include <stdlib.h>

#include "frame_store.h"
#include "gui-menus.h"
#include "tcpphase-tap.h"

#if TP_WS_AT_LEAST(4, 2)
#include <epan/ftypes/ftypes.h>
#include <epan/proto.h>
#endif

static void *frame_number_of(frame_data *fd, void *user_data)
{
    *(uint32_t *)user_data = fd->num;
    return user_data;
}

uint32_t gui_selected_conn(void)
{
    uint32_t frame = 0;
    struct tp_step rec;

    /* the GUI answers synchronously for the first selected row; NULL: none */
    if (!plugin_if_get_frame_data(frame_number_of, &frame) || frame == 0)
        return 0;
    return frame_store_get(frame, 0, &rec) ? rec.verdict.conn : 0;
}

static void apply_conn_filter(uint32_t conn)
{
    char filter[40];

    snprintf(filter, sizeof filter, "tcpphase.conn == %u", conn);
    plugin_if_apply_filter(filter, TRUE);
}

static void conn_asked(char **input, void *data _U_)
{
    char *end = NULL;
    const unsigned long conn = input && input[0] ? strtoul(input[0], &end, 10) : 0;

    if (conn > 0 && conn <= UINT32_MAX && end && *end == '\0')
        apply_conn_filter((uint32_t)conn);
}

static void conn_menu(gpointer data _U_)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    static const char *fields[] = {"Connection (tcpphase.conn, the connection table's Conn)", NULL};
    char prefill[16] = "";
    const char *values[] = {prefill, NULL};
    const uint32_t selected = gui_selected_conn();

    if (!ops)
        return;
    if (selected)
        snprintf(prefill, sizeof prefill, "%u", selected);
    ops->new_dialog(ops->ops_id, "TCP Connection Phase: a connection's packets", fields, values, conn_asked, NULL,
                    NULL);
}

#if TP_WS_AT_LEAST(4, 2)
/* The right-clicked packet's tcpphase.conn, from the fields the GUI hands
 * a packet menu (the whole tree's; only for this call). */
static uint32_t conn_of_finfos(GPtrArray *finfos)
{
    for (unsigned i = 0; finfos && i < finfos->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(finfos, i);
        if (fi->hfinfo && strcmp(fi->hfinfo->abbrev, "tcpphase.conn") == 0)
            return fvalue_get_uinteger(fi->value);
    }
    return 0;
}

static void packet_filter(void *data _U_, GPtrArray *finfos)
{
    const uint32_t conn = conn_of_finfos(finfos);

    if (conn)
        apply_conn_filter(conn);
}

static void packet_ladder(void *data _U_, GPtrArray *finfos)
{
    const uint32_t conn = conn_of_finfos(finfos);

    if (conn)
        ladder_open_window(conn);
}
#endif

/* Tools → "TCP Connection Phase: switch language (English, 中文)": the learner's language
 * without the Preferences dialog. Like any preference change in the GUI,
 * the capture is dissected again (a new session: the tracker runs over it
 * from the start), so every label, transition, check and summary follows. */
static void language_menu(gpointer data _U_)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    char setting[40];
    char *error = NULL;
    module_t *module = prefs_find_module("tcpphase");

    snprintf(setting, sizeof setting, "tcpphase.language:%s", tcpphase_language() == TP_LANG_ZH ? "en" : "zh");
    if (!module || prefs_set_pref(setting, &error) != PREFS_SET_OK) {
        g_free(error);
        return;
    }
    prefs_apply(module);
    if (ops && ops->redissect_packets)
        ops->redissect_packets(ops->ops_id);
}

void register_tcpphase_gui_menus(void)
{
    funnel_register_menu("TCP Connection Phase: switch language (English, \u4e2d\u6587)", REGISTER_TOOLS_GROUP_UNSORTED,
                         language_menu, NULL, NULL, FALSE);
    funnel_register_menu("TCP Connection Phase: a connection's packets", REGISTER_TOOLS_GROUP_UNSORTED, conn_menu,
                         NULL, NULL, FALSE);
#if TP_WS_AT_LEAST(4, 2)
    funnel_register_packet_menu("TCP Connection Phase/Filter on this connection", "tcpphase.conn", packet_filter,
                                NULL, false);
    funnel_register_packet_menu("TCP Connection Phase/Ladder of this connection", "tcpphase.conn", packet_ladder,
                                NULL, false);
#endif
}
