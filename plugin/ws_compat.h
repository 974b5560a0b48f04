/* What differs between the Wireshark versions tcpphase builds against
 * (4.0, 4.4, 4.6); see ../shared/notes/wireshark-sdk.md section 6. */
#ifndef TCPPHASE_WS_COMPAT_H
#define TCPPHASE_WS_COMPAT_H

#include <wireshark.h>

#define TP_WS_AT_LEAST(major, minor)                                                       \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                                  \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Boolean preferences are gboolean * up to 4.0, bool * from 4.2. */
#if TP_WS_AT_LEAST(4, 2)
typedef bool tp_bool_pref;
#else
typedef gboolean tp_bool_pref;
#endif

#endif
