/* The benchmark's floor: a plugin that does only what any post-dissector
 * reading the "tcp" tap must do (be called for every frame, listen to the
 * tap, fetch each frame's TCP headers) and nothing else. bench/run.sh runs
 * it beside tcpphase, so the part of tcpphase's cost that is Wireshark's own
 * per-post-dissector and per-tap work is measured, not guessed. Built with
 * the plugin into build/bench-floor, never installed. */
#define WS_BUILD_DLL
#include "plugin-symbols.h"

#include <epan/packet.h>
#include <epan/tap.h>

TP_PLUGIN_SYMBOLS(WS_PLUGIN_DESC_DISSECTOR)

static int proto_floor = -1;
static int tcp_tap_id = -1;
static volatile unsigned headers_seen; /* keeps the fetch from being optimised away */

static int dissect_floor(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree _U_, void *data _U_)
{
    for (int i = 0; fetch_tapped_data(tcp_tap_id, i) != NULL; i++)
        headers_seen = headers_seen + 1;
    return tvb_captured_length(tvb);
}

static void register_floor(void)
{
    proto_floor = proto_register_protocol("tcpphase benchmark floor", "tcpphasefloor", "tcpphasefloor");
}

static void handoff_floor(void)
{
    GString *error;

    register_postdissector(create_dissector_handle(dissect_floor, proto_floor));
    error = register_tap_listener("tcp", &tcp_tap_id, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL, NULL,
                                  NULL);
    if (error)
        g_string_free(error, TRUE);
    tcp_tap_id = find_tap_id("tcp");
}

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = register_floor;
    plug.register_handoff = handoff_floor;
    proto_register_plugin(&plug);
}
