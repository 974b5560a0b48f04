/* The words a person reads, in each language (phrases.h, labels.h,
 * transitions.h: one table each, a column per language). */
#include "internal.h"

#include <stdio.h>

const char *tp_phrase(enum tp_phrase p, unsigned lang)
{
    static const char *const phrases[TP_LANG_COUNT][TP_PHRASE_COUNT] = {
        {
#define TP_X_EN(id, en, zh) en,
            TP_PHRASES(TP_X_EN)
#undef TP_X_EN
        },
        {
#define TP_X_ZH(id, en, zh) zh,
            TP_PHRASES(TP_X_ZH)
#undef TP_X_ZH
        },
    };
    if ((unsigned)p >= TP_PHRASE_COUNT)
        return "";
    return phrases[lang < TP_LANG_COUNT ? lang : TP_LANG_EN][p];
}

const char *tp_language_code(unsigned lang)
{
    return lang == TP_LANG_ZH ? "zh" : "en";
}

const char *tp_label_text_in(unsigned l, unsigned lang)
{
    static const char *const zh[] = {
#define TP_X_ZH(id, label, zh, tag) zh,
        TP_LABELS(TP_X_ZH)
#undef TP_X_ZH
    };
    if (lang == TP_LANG_ZH && l < TP_LABEL_COUNT)
        return zh[l];
    return tp_label_text(l);
}

const char *tp_why_text(unsigned w, unsigned lang)
{
    static const char *const texts[TP_LANG_COUNT][TP_WHY_COUNT] = {
        {
#define TP_X_EN(id, en, zh) en,
            TP_WHYS(TP_X_EN)
#undef TP_X_EN
        },
        {
#define TP_X_ZH(id, en, zh) zh,
            TP_WHYS(TP_X_ZH)
#undef TP_X_ZH
        },
    };
    if (w >= TP_WHY_COUNT)
        return "";
    return texts[lang < TP_LANG_COUNT ? lang : TP_LANG_EN][w];
}

char *tp_flags_text(uint16_t flags, char *buf, size_t size)
{
    static const struct {
        uint16_t bit;
        const char *name;
    } names[] = {{TP_FIN, "FIN"}, {TP_SYN, "SYN"}, {TP_RST, "RST"}, {TP_PSH, "PSH"},
                 {TP_ACK, "ACK"}, {TP_URG, "URG"}, {TP_ECE, "ECE"}, {TP_CWR, "CWR"}};
    size_t used = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0] && used < size; i++)
        if (flags & names[i].bit)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[i].name);
    return buf;
}
