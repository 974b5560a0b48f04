/* What differs between the Wireshark versions tcpphase builds against
 * (4.0, 4.4, 4.6); see ../shared/notes/wireshark-sdk.md section 6. */
#ifndef TCPPHASE_WS_COMPAT_H
#define TCPPHASE_WS_COMPAT_H

#include <wireshark.h>

#define TP_WS_AT_LEAST(major, minor)                                                       \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                                  \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Boolean preferences are gboolean * up to 4.0, bool * from 4.2; so is
 * what a wmem callback returns. */
#if TP_WS_AT_LEAST(4, 2)
typedef bool tp_bool_pref;
typedef bool tp_wmem_cb_result;
#else
typedef gboolean tp_bool_pref;
typedef gboolean tp_wmem_cb_result;
#endif

/* G_ALWAYS_INLINE is GLib 2.74's (Debian 12 has it); Wireshark 4.0 asks
 * only for GLib 2.50. Without it a hint is enough. */
#ifndef G_ALWAYS_INLINE
#if defined(__GNUC__) || defined(__clang__)
#define G_ALWAYS_INLINE __attribute__((__always_inline__))
#else
#define G_ALWAYS_INLINE
#endif
#endif

/* tvb_get_uint8 replaced tvb_get_guint8 (deprecated from 4.4). */
#if !TP_WS_AT_LEAST(4, 4)
#define tvb_get_uint8 tvb_get_guint8
#endif

/* A -z statistic's init callback returns whether it started, from 4.6 on
 * (before, the argument is evaluated and dropped). */
#if TP_WS_AT_LEAST(4, 6)
typedef bool tp_stat_init_result;
#define TP_STAT_INIT_RETURN(ok) return (ok)
#else
typedef void tp_stat_init_result;
#define TP_STAT_INIT_RETURN(ok) \
    do {                        \
        (void)(ok);             \
        return;                 \
    } while (0)
#endif

#endif
