/* The symbols Wireshark's plugin loader looks for. A plugin loads only into
 * the major.minor it was built for, so the version comes from the headers.
 * Shared by the plugin and the benchmark's floor plugin (bench/floor). */
#ifndef TCPPHASE_PLUGIN_SYMBOLS_H
#define TCPPHASE_PLUGIN_SYMBOLS_H

#include "ws_compat.h"

#if TP_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h> /* not installed by 4.0 */
#endif

/* What the plugin provides, from 4.2 on (WS_PLUGIN_DESC_* bits). */
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define TP_PLUGIN_DESCRIBE(flags)                                                          \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);                                          \
    uint32_t plugin_describe(void) { return (flags); }
#else
#define TP_PLUGIN_DESCRIBE(flags)
#endif

#define TP_PLUGIN_SYMBOLS(describe_flags)                                                  \
    WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPPHASE_VERSION;                      \
    WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;               \
    WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;               \
    WS_DLL_PUBLIC void plugin_register(void);                                              \
    TP_PLUGIN_DESCRIBE(describe_flags)

#endif
