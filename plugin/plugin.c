/* The symbols Wireshark's plugin loader looks for. A plugin loads only into
 * the major.minor it was built for, so the version comes from the headers. */
#define WS_BUILD_DLL
#include "ws_compat.h"

#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>

#if TP_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h> /* not installed by 4.0 */
#endif

#include "packet-tcpphase.h"
#include "tcpphase-tap.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPPHASE_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER; }
#endif

static void register_tcpphase_taps(void)
{
    register_tcpphase_stats();
    register_tcpphase_conns();
}

void plugin_register(void)
{
    static proto_plugin plug;
    /* statistics trees must be registered as tap plugins, before Wireshark's own */
    static tap_plugin taps;

    plug.register_protoinfo = proto_register_tcpphase;
    plug.register_handoff = proto_reg_handoff_tcpphase;
    proto_register_plugin(&plug);
    taps.register_tap_listener = register_tcpphase_taps;
    tap_register_plugin(&taps);
}
