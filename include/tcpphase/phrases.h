/* The words tcpphase writes for a person, in each language of the
 * preference tcpphase.language: one table, so that no text exists in one
 * language only (tests/unit/test_phrases.c checks that every row takes the
 * same printf arguments in both). Labels and transition reasons have their
 * own tables (labels.h, transitions.h) with the same two columns. Filter
 * names, field names and value names (states, outcomes) stay English. */
#ifndef TCPPHASE_PHRASES_H
#define TCPPHASE_PHRASES_H

enum tp_language { TP_LANG_EN, TP_LANG_ZH, TP_LANG_COUNT };

/* X(id, en, zh) */
#define TP_PHRASES(X)                                                                                          \
    X(CLIENT, "client", "客户端")                                                                            \
    X(SERVER, "server", "服务器")                                                                            \
    X(PLURAL_S, "s", "")                                                                                       \
    X(SEPARATOR, "; ", "；")                                                                                  \
    X(LABEL_DATA_RETRANSMISSION, "%s (data, retransmission)", "%s（数据，重传）")                          \
    X(LABEL_DATA, "%s (data)", "%s（数据）")                                                                 \
    X(LABEL_RETRANSMISSION, "%s (retransmission)", "%s（重传）")                                             \
    /* tcpphase.check */                                                                                       \
    X(CHECK_SYN, "SYN: %s ISN = %u (raw); relative numbers count from it, and the SYN takes one",              \
      "SYN：%s ISN = %u（原始值）；相对序号从它开始计算，SYN 占用一个序号")                 \
    X(CHECK_ACK_WRONG, "ACK %u, expected %u = %s ISN + 1 \u2717", "ACK %u，应为 %u = %s ISN + 1 \u2717")           \
    X(CHECK_ACK_SYN_DATA, "ACK %u = %s ISN + 1 + %u bytes of SYN data \u2713 (raw %u = %u + %u)",                \
      "ACK %u = %s ISN + 1 + SYN 携带的 %u 字节数据 \u2713（原始值 %u = %u + %u）")                        \
    X(CHECK_ACK, "ACK 1 = %s ISN + 1 \u2713 (raw %u = %u + 1)", "ACK 1 = %s ISN + 1 \u2713（原始值 %u = %u + 1）")    \
    X(CHECK_ISN, "%s ISN = %u (raw)", "%s ISN = %u（原始值）")                                              \
    X(CHECK_FIN_ACK, "ACK %u = %s's FIN seq %u + 1 \u2713 (raw %u)", "ACK %u = %s的 FIN 序号 %u + 1 \u2713（原始值 %u）") \
    X(CHECK_FIN, "FIN at seq %u (raw %u): it takes one sequence number, so its ACK is %u",                    \
      "FIN 位于序号 %u（原始值 %u）：它占用一个序号，所以对它的 ACK 是 %u")              \
    X(CHECK_TIME_WAIT, "%s in TIME_WAIT for 2\u00d7MSL = ", "%s进入 TIME_WAIT，持续 2\u00d7MSL = ")               \
    X(CHECK_TIME_WAIT_END, " (preference tcpphase.time_wait), until then its port pair may not be reused",      \
      "（首选项 tcpphase.time_wait），在此之前该端口对不能被重用")                         \
    /* tcpphase.summary */                                                                                     \
    X(STORY_REFUSED, "refused: RST to %u SYN%s in ", "被拒绝：%u 个 SYN%s 收到 RST，用时 ")               \
    X(STORY_NO_ANSWER, "no answer to %u SYN%s over ", "%u 个 SYN%s 无应答，历时 ")                         \
    X(STORY_NOT_COMPLETED_SYNACK, "handshake not completed: SYN-ACK not acknowledged",                         \
      "握手未完成：SYN-ACK 未被确认")                                                            \
    X(STORY_NOT_COMPLETED, "handshake not completed", "握手未完成")                                       \
    X(STORY_RESET_BY, "; reset by the %s", "；被%s重置")                                                     \
    X(STORY_MIDSTREAM, "picked up midstream", "从中途开始抓到")                                          \
    X(STORY_CONNECTED_AFTER, "connected after ", "连接耗时 ")                                                \
    X(STORY_AND_SYNS, " and %u SYNs", "，共 %u 个 SYN")                                                      \
    X(STORY_CONNECTED, "connected", "已连接")                                                                \
    X(STORY_RESET_AFTER, ", reset by the %s ", "，被%s重置：")                                              \
    X(STORY_AFTER_HANDSHAKE, " after the handshake", "（握手之后）")                                     \
    X(STORY_INTO_CAPTURE, " into the capture", "（抓包开始之后）")                                     \
    X(STORY_HAD_SENT_FIN, " (the %s had sent a FIN)", "（%s已发送 FIN）")                                   \
    X(STORY_CLOSED_BY_BOTH, ", closed by both at once", "，双方同时关闭")                                  \
    X(STORY_CLOSED_FIRST, ", closed by the %s first", "，%s先关闭")                                          \
    X(STORY_CLOSED_ONLY, ", closed by the %s only", "，仅%s关闭")                                            \
    X(STORY_OPEN_AT_END, ", open at the end", "，抓包结束时仍打开")                                    \
    X(STORY_LINGERING, "; %s still in %s at the end", "；抓包结束时%s仍处于 %s")                  \
    X(STORY_SELF_CONNECT, "self-connect: one socket connected to its own address and port",                     \
      "自连接：一个套接字连接到它自己的地址和端口")                                               \
    X(STORY_CLOSED_SELF, ", closed", "，已关闭")                                                                 \
    X(STORY_SELF_LINGERING, "; the socket still in %s at the end", "；抓包结束时该套接字仍处于 %s")   \
    /* the statistics tree's headings (-z tcpphase,tree) */                                                   \
    X(TREE_BY_PHASE, "Segments by phase", "按阶段统计的报文段")                                         \
    X(TREE_BY_STEP, "Segments by step", "按步骤统计的报文段")                                           \
    X(TREE_BY_OUTCOME, "Connections by outcome (Zeek conn_state)", "按结果统计的连接（Zeek conn_state）") \
    X(TREE_ANOMALIES, "Anomalies", "异常")

enum tp_phrase {
#define TP_X_ENUM(id, en, zh) TP_P_##id,
    TP_PHRASES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_PHRASE_COUNT
};

/* tp_phrase is phrase |p| in language |lang| (English if out of range). */
const char *tp_phrase(enum tp_phrase p, unsigned lang);

/* The name of a language for the preference ("en", "zh"). */
const char *tp_language_code(unsigned lang);

#endif
