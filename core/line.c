/* A line of text a person reads, written piece by piece (internal.h). */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

void tp_say(struct tp_line *l, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (l->used >= l->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(l->buf + l->used, l->size - l->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->used = l->used + (unsigned)n < l->size ? l->used + (unsigned)n : l->size;
}

void tp_say_duration(struct tp_line *l, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    if (ns < TP_NS_PER_SEC)
        tp_say(l, "%u ms", (unsigned)(ns / TP_NS_PER_MS));
    else
        tp_say(l, "%.1f s", (double)ns / (double)TP_NS_PER_SEC);
}
