/* Registration of the plugin: its dissector and its taps. */
#define WS_BUILD_DLL
#include "plugin-symbols.h"

#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "packet-tcpphase.h"
#include "tcpphase-tap.h"

TP_PLUGIN_SYMBOLS(WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)

static void register_tcpphase_taps(void)
{
    register_tcpphase_stats();
    register_tcpphase_conns();
    register_tcpphase_ladder();
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
