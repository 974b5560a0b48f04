/* info-field.c: the Info tag in -T fields -e _ws.col.info on 4.2 and later.
 *
 * From Wireshark 4.2 on, the columns are fields of the tree (_ws.col.info,
 * and its alias by title, _ws.col.Info), made by the frame dissector from the
 * column texts just before the post-dissectors run; tshark -T fields, -T json
 * -e and filters read those fields, not the columns. So text a post-dissector
 * adds to the Info column reaches the one-line output and the GUI's packet
 * list, but not the field. Up to 4.0 there is no such field: -T fields reads
 * the column itself, after every dissector has run.
 *
 * The fix: where the field is in the tree (only when something asks for it:
 * -T fields, a filter, a custom column), its value becomes the column's text
 * as it is after tcpphase's tag. */
#include "info-field.h"

#include "ws_compat.h"

#if TP_WS_AT_LEAST(4, 2)
#include <epan/column-utils.h>
#include <epan/ftypes/ftypes.h>
#include <epan/proto.h>

void info_field_refresh(proto_tree *tree, packet_info *pinfo)
{
    if (!tree || !pinfo->cinfo)
        return;
    /* looked up each time (but only for a tree with columns): the column
     * fields are registered again when the column preferences change, and
     * may get another id */
    const int hf = proto_registrar_get_id_byname("_ws.col.info");
    if (hf <= 0 || !proto_field_is_referenced(tree, hf))
        return;
    /* the tree's list of a referenced field: no walk over the tree */
    GPtrArray *items = proto_get_finfo_ptr_array(tree, hf);
    if (!items || items->len == 0)
        return;
    const char *text = col_get_text(pinfo->cinfo, COL_INFO);
    if (!text)
        return;
    for (unsigned i = 0; i < items->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(items, i);
        fvalue_set_string(fi->value, text);
    }
}
#else
void info_field_refresh(proto_tree *tree, packet_info *pinfo)
{
    (void)tree;
    (void)pinfo;
}
#endif
