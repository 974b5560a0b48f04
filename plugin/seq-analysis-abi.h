/* The part of Wireshark's Flow Graph interface (epan/sequence_analysis.h)
 * that tcpphase's flow type uses. The header is not in the SDK that Debian's
 * -dev packages install, but its functions are exported by libwireshark in
 * every version: these declarations restate its binary layout, version by
 * version, as read from each version's header and checked against the
 * disassembly of Debian's libwireshark.so.16 (4.0.17), .so.18 (4.4.19) and
 * .so.19 (4.6.9). Only those versions are known: on any other,
 * TP_HAVE_SEQ_ANALYSIS is 0 and tcpphase registers no flow type.
 *
 * What changes between them: 4.4 made the item's has_color_filter and
 * display one-byte bools (they were 4-byte gbooleans), which moves every
 * member after them; 4.6 added a free function for info_ptr at the end.
 * Members up to bg_color are at the same offsets in all three. */
#ifndef TCPPHASE_SEQ_ANALYSIS_ABI_H
#define TCPPHASE_SEQ_ANALYSIS_ABI_H

#include "ws_compat.h"

#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>

#include <stddef.h>

#if WIRESHARK_VERSION_MAJOR == 4 && \
    (WIRESHARK_VERSION_MINOR == 0 || WIRESHARK_VERSION_MINOR == 4 || WIRESHARK_VERSION_MINOR == 6)
#define TP_HAVE_SEQ_ANALYSIS 1
#else
#define TP_HAVE_SEQ_ANALYSIS 0
#endif

#if TP_HAVE_SEQ_ANALYSIS

#if TP_WS_AT_LEAST(4, 4)
typedef bool tp_seq_bool; /* 1 byte */
#else
typedef gboolean tp_seq_bool; /* an int */
#endif

/* One arrow of the graph (seq_analysis_item_t). */
struct tp_seq_item {
    uint32_t frame_number;
    address src_addr;   /* a node is one distinct address */
    uint16_t port_src;
    address dst_addr;
    uint16_t port_dst;
    char *frame_label;  /* above the arrow, g_malloc'd: the graph frees it */
    char *time_str;
    char *comment;      /* the right-hand column */
    uint16_t conv_num;
    unsigned fg_color, bg_color;
    tp_seq_bool has_color_filter;
    tp_seq_bool display; /* items not displayed are skipped */
    unsigned src_node, dst_node;
    uint16_t line_style;
    int info_type;
    void *info_ptr;
#if TP_WS_AT_LEAST(4, 6)
    void (*free_info_ptr)(void *);
#endif
};

/* The offsets and sizes read off each version's library (x86-64): a
 * declaration that drifts from them fails the build, not the GUI. */
#if defined(__x86_64__)
#if TP_WS_AT_LEAST(4, 4)
_Static_assert(offsetof(struct tp_seq_item, display) == 0x6d, "seq_analysis_item_t.display (4.4, 4.6)");
_Static_assert(offsetof(struct tp_seq_item, info_ptr) == 0x80, "seq_analysis_item_t.info_ptr (4.4, 4.6)");
_Static_assert(sizeof(struct tp_seq_item) == (TP_WS_AT_LEAST(4, 6) ? 0x90 : 0x88), "seq_analysis_item_t size");
#else
_Static_assert(offsetof(struct tp_seq_item, display) == 0x70, "seq_analysis_item_t.display (4.0)");
_Static_assert(offsetof(struct tp_seq_item, info_ptr) == 0x88, "seq_analysis_item_t.info_ptr (4.0)");
_Static_assert(sizeof(struct tp_seq_item) == 0x90, "seq_analysis_item_t size (4.0)");
#endif
_Static_assert(offsetof(struct tp_seq_item, frame_label) == 0x48, "seq_analysis_item_t.frame_label");
_Static_assert(offsetof(struct tp_seq_item, comment) == 0x58, "seq_analysis_item_t.comment");
#endif

/* The graph (seq_analysis_info_t): only its first members are used. */
struct tp_seq_info {
    const char *name;
    tp_seq_bool any_addr;
    int nconv;
    GQueue *items; /* struct tp_seq_item *, in frame order */
};

#if defined(__x86_64__)
_Static_assert(offsetof(struct tp_seq_info, items) == 0x10, "seq_analysis_info_t.items");
#endif

/* Exported by libwireshark (WS_DLL_PUBLIC in sequence_analysis.h). */
WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, unsigned tap_flags, tap_packet_cb tap_func);
/* A zeroed item of the running version's size, with the packet's addresses
 * (copied) and time string; NULL if the packet has no addresses. */
WS_DLL_PUBLIC struct tp_seq_item *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                              struct tp_seq_info *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, struct tp_seq_item *sai);

#endif /* TP_HAVE_SEQ_ANALYSIS */
#endif
