/* The two languages of tcpphase.language cannot drift apart: every phrase,
 * label and transition reason exists in both, and a phrase takes the same
 * printf arguments in both (phrases.h, labels.h, transitions.h). */
#include "test_support.h"

#include <stdio.h>

/* The conversions of printf format |fmt|, e.g. "%u%s%u", into |out|. */
static const char *conversions(const char *fmt, char *out, size_t size)
{
    size_t n = 0;

    for (const char *p = fmt; *p && n + 3 < size; p++) {
        if (*p != '%')
            continue;
        out[n++] = *p++;
        while (*p && strchr("0123456789.-+ #l", *p))
            out[n++] = *p++;
        if (*p)
            out[n++] = *p;
        else
            break;
    }
    out[n] = '\0';
    return out;
}

static void test_every_phrase_takes_the_same_arguments_in_both_languages(void)
{
    for (unsigned p = 0; p < TP_PHRASE_COUNT; p++) {
        char en[64], zh[64];
        const char *english = tp_phrase((enum tp_phrase)p, TP_LANG_EN);
        const char *chinese = tp_phrase((enum tp_phrase)p, TP_LANG_ZH);

        if (p != TP_P_PLURAL_S && chinese[0] == '\0')
            g_error("phrase %u (\"%s\") has no Chinese text", p, english);
        if (strcmp(conversions(english, en, sizeof en), conversions(chinese, zh, sizeof zh)) != 0)
            g_error("phrase %u: \"%s\" takes %s, \"%s\" takes %s", p, english, en, chinese, zh);
    }
}

/* "三次握手 1/3: SYN" keeps the step "1/3" and the segment kind "SYN". */
static void test_every_label_keeps_its_step_in_chinese(void)
{
    for (unsigned l = 0; l < TP_LABEL_COUNT; l++) {
        const char *english = tp_label_text(l), *chinese = tp_label_text_in(l, TP_LANG_ZH);
        const char *step = strchr(english, '/');
        const char *colon = strchr(english, ':');

        g_assert_cmpstr(chinese, !=, "");
        if (step) {
            char numbers[8];
            const char *start = step;
            while (start > english && (start[-1] == '+' || (start[-1] >= '0' && start[-1] <= '9')))
                start--;
            snprintf(numbers, sizeof numbers, "%.*s", (int)(step - start + 2), start);
            if (!strstr(chinese, numbers))
                g_error("label \"%s\": \"%s\" lacks the step %s", english, chinese, numbers);
        }
        if (colon && !strstr(chinese, colon + 2))
            g_error("label \"%s\": \"%s\" lacks the segment kind %s", english, chinese, colon + 2);
    }
}

static void test_every_transition_reason_exists_in_chinese(void)
{
    for (unsigned w = TP_WHY_NONE + 1; w < TP_WHY_COUNT; w++) {
        g_assert_cmpstr(tp_why_text(w, TP_LANG_EN), !=, "");
        g_assert_cmpstr(tp_why_text(w, TP_LANG_ZH), !=, "");
    }
}

/* The Flow Graph's arrow label: the segment kind and the step, or the tag. */
static void test_short_label_is_the_segment_kind_and_its_step(void)
{
    char buf[48];

    g_assert_cmpstr(tp_label_short(TP_LABEL_HS_SYN, buf, sizeof buf), ==, "SYN 1/3");
    g_assert_cmpstr(tp_label_short(TP_LABEL_HS_SYNACK_FINAL, buf, sizeof buf), ==, "SYN-ACK 2+3/3");
    g_assert_cmpstr(tp_label_short(TP_LABEL_TD_FINACK, buf, sizeof buf), ==, "FIN-ACK 2+3/4");
    g_assert_cmpstr(tp_label_short(TP_LABEL_TD_ACK2, buf, sizeof buf), ==, "ACK 4/4");
    g_assert_cmpstr(tp_label_short(TP_LABEL_RST, buf, sizeof buf), ==, "RST");
    g_assert_cmpstr(tp_label_short(TP_LABEL_STRAY_FIN, buf, sizeof buf), ==, "STRAY FIN");
    g_assert_cmpstr(tp_label_short(TP_LABEL_DATA, buf, sizeof buf), ==, "Data");
    for (unsigned l = 0; l < TP_LABEL_COUNT; l++)
        g_assert_cmpuint(strlen(tp_label_short(l, buf, sizeof buf)), <=, 16); /* fits an arrow */
}

/* An outcome's explanation exists in both languages and differs between
 * them; its code (Zeek's) is the same in both. */
static void test_every_outcome_is_explained_in_chinese(void)
{
    for (unsigned o = 0; o < TP_OUTCOME_COUNT; o++) {
        const char *english = tp_outcome_text_in(o, TP_LANG_EN), *chinese = tp_outcome_text_in(o, TP_LANG_ZH);

        g_assert_cmpstr(english, ==, tp_outcome_text(o));
        g_assert_cmpstr(chinese, !=, "");
        if (strcmp(english, chinese) == 0)
            g_error("outcome %s: \"%s\" is not translated", tp_outcome_code(o), english);
    }
}

/* The language is the configuration's: the story and the check follow it;
 * states stay the RFC's names. */
static void test_chinese_texts_follow_the_configuration(void)
{
    struct tp_config cfg = tp_config_default;
    struct tp_conn c = {0};
    struct tp_result r;
    char text[320];

    cfg.language = TP_LANG_ZH;
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(tp_check_format(&c, &cfg, &r, c.segments, text, sizeof text), ==,
                    "SYN：客户端 ISN = 1000（原始值）；相对序号从它开始计算，SYN 占用一个序号");
    g_assert_cmpstr(tp_conn_story(&c, cfg.language, text, sizeof text), ==, "1 个 SYN 无应答，历时 0 ms");
    g_assert_cmpstr(tp_transition_format(TP_CLOSED, TP_SYN_SENT, TP_WHY_SENT_SYN, TP_LANG_ZH, text, sizeof text), ==,
                    "CLOSED \u2192 SYN_SENT（发送 SYN）");
    g_assert_cmpstr(tp_label_format(&r, TP_LANG_ZH, text, sizeof text), ==, "三次握手 1/3: SYN");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/phrases/every_phrase_takes_the_same_arguments_in_both_languages",
                    test_every_phrase_takes_the_same_arguments_in_both_languages);
    g_test_add_func("/phrases/every_label_keeps_its_step_in_chinese", test_every_label_keeps_its_step_in_chinese);
    g_test_add_func("/phrases/every_transition_reason_exists_in_chinese",
                    test_every_transition_reason_exists_in_chinese);
    g_test_add_func("/labels/short_label_is_the_segment_kind_and_its_step",
                    test_short_label_is_the_segment_kind_and_its_step);
    g_test_add_func("/phrases/every_outcome_is_explained_in_chinese", test_every_outcome_is_explained_in_chinese);
    g_test_add_func("/phrases/chinese_texts_follow_the_configuration", test_chinese_texts_follow_the_configuration);
    return g_test_run();
}
