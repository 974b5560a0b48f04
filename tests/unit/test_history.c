/* Zeek's history letters that count what the capture lacks or repeats: the
 * content gap g (bytes the receiver acknowledged that the capture does not
 * hold) and the log-scaled letters t, g, w (recorded at the 1st, 10th,
 * 100th... occurrence, as Zeek's ScaledHistoryEntry). */
#include "test_support.h"

#define EXPECT_HISTORY(c, want) g_assert_cmpstr(HISTORY(c), ==, (want))

static unsigned letters(const char *history, char letter)
{
    unsigned n = 0;

    for (; *history; history++)
        n += *history == letter;
    return n;
}

/* A sequence jump is not yet a gap: the gap is there once the receiver
 * acknowledges past the hole. */
static void test_gap_recorded_when_peer_acks_missing_bytes(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 200, .ack = S_NXT, .len = 100);
    EXPECT_HISTORY(&c, "ShAD");
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 300);
    EXPECT_HISTORY(&c, "ShADaG");
}

/* A hole that a reordered segment fills was never missing (its bytes count
 * as retransmitted, as Zeek counts any payload below the highest seen). */
static void test_reordered_hole_filled_is_no_gap(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;
    char end[TP_HISTORY_MAX + 1];

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 100, .ack = S_NXT, .len = 100);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 200);
    EXPECT_HISTORY(&c, "ShADTa");
    g_assert_cmpstr(tp_conn_history_at_end(&c, end), ==, "ShADTa");
}

/* Payload cut by the snap length is missing from the capture. */
static void test_snap_cut_payload_is_missing(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 1400, .payload_cut = true);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1400);
    EXPECT_HISTORY(&c, "ShADaG");
}

/* An ACK beyond all the sender's captured bytes acknowledges bytes the
 * capture lost; the data that follows them is not a second gap. */
static void test_ack_beyond_captured_data_is_one_gap(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 500);
    EXPECT_HISTORY(&c, "ShAaG");
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 500, .ack = S_NXT, .len = 100);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 600);
    EXPECT_HISTORY(&c, "ShAaGD");
}

/* An ACK one past the sender's bytes may acknowledge an uncaptured FIN:
 * no byte is known missing. */
static void test_ack_of_one_more_sequence_number_is_no_gap(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_HISTORY(&c, "ShAa");
}

/* A FIN after bytes the capture lacks (zeek-tcp-miss_end_data.pcap): the
 * ACK of the FIN acknowledges them too. */
static void test_fin_after_missing_bytes_is_gap_when_acked(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT + 2902, .ack = C_NXT);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT + 2903);
    EXPECT_HISTORY(&c, "ShAfg");
}

/* A hole nobody acknowledged, with data after it, is a gap once the
 * capture is over (Zeek's reassembler reports it at the end). */
static void test_unacknowledged_hole_is_gap_at_end(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;
    char end[TP_HISTORY_MAX + 1];

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 100, .ack = S_NXT, .len = 100);
    EXPECT_HISTORY(&c, "ShAD");
    g_assert_cmpstr(tp_conn_history_at_end(&c, end), ==, "ShADG");
}

/* Zero windows: w at the 1st, 10th and 100th zero-window segment. */
static void test_scaled_letter_repeats_at_powers_of_ten(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    for (unsigned i = 1; i <= 100; i++) {
        FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT, .win = 0);
        if (i == 9)
            g_assert_cmpuint(letters(HISTORY(&c), 'w'), ==, 1);
        if (i == 99)
            g_assert_cmpuint(letters(HISTORY(&c), 'w'), ==, 2);
    }
    g_assert_cmpuint(letters(HISTORY(&c), 'w'), ==, 3);
}

/* Retransmitted payload: T at the 1st and 10th retransmission. */
static void test_retransmission_letter_is_scaled(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    for (unsigned i = 0; i < 10; i++)
        FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    EXPECT_HISTORY(&c, "ShADTT");
}

/* Between partial ends (a midstream pickup) Zeek counts no gap. */
static void test_no_gap_between_partial_ends(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT + 200, .ack = S_NXT, .len = 100);
    FEED_PORTS(&c, &r, 40000, 80, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 300);
    EXPECT_HISTORY(&c, "Da");
}

/* Two of SYN, FIN, RST make one letter, q or i; payload with a FIN is no d. */
static void test_flag_letters_one_per_segment(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 10);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT + 11);
    EXPECT_HISTORY(&c, "ShAFi");
}

/* The history keeps TP_HISTORY_MAX letters, packed 5 bits each with its
 * length (tracker.h): every SYN and SYN-ACK at a new sequence number is a
 * letter, in both cases, until the last code fills the last byte; the
 * letters after it are dropped, at the end too. */
static void test_history_kept_to_its_maximum_length(void)
{
    static const char full[] = "ShShGShShShShShShShShShShShShSh";
    struct tp_conn c = {0};
    struct tp_result r;
    char end[TP_HISTORY_MAX + 1];

    _Static_assert(sizeof full == TP_HISTORY_MAX + 1, "the expected history is the longest kept");
    for (uint32_t i = 0; i < 40; i++) {
        if (i % 2 == 0)
            FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN + i * 77);
        else
            FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN + i * 77, .ack = CLIENT_ISN + (i - 1) * 77 + 1);
        if (i == 28)
            g_assert_cmpuint(tp_conn_history_len(&c), ==, TP_HISTORY_MAX - 1);
    }
    g_assert_cmpuint(tp_conn_history_len(&c), ==, TP_HISTORY_MAX);
    EXPECT_HISTORY(&c, full);
    g_assert_cmpstr(tp_conn_history_at_end(&c, end), ==, full);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/history/gap_recorded_when_peer_acks_missing_bytes",
                    test_gap_recorded_when_peer_acks_missing_bytes);
    g_test_add_func("/history/reordered_hole_filled_is_no_gap", test_reordered_hole_filled_is_no_gap);
    g_test_add_func("/history/snap_cut_payload_is_missing", test_snap_cut_payload_is_missing);
    g_test_add_func("/history/ack_beyond_captured_data_is_one_gap", test_ack_beyond_captured_data_is_one_gap);
    g_test_add_func("/history/ack_of_one_more_sequence_number_is_no_gap",
                    test_ack_of_one_more_sequence_number_is_no_gap);
    g_test_add_func("/history/fin_after_missing_bytes_is_gap_when_acked",
                    test_fin_after_missing_bytes_is_gap_when_acked);
    g_test_add_func("/history/unacknowledged_hole_is_gap_at_end", test_unacknowledged_hole_is_gap_at_end);
    g_test_add_func("/history/scaled_letter_repeats_at_powers_of_ten", test_scaled_letter_repeats_at_powers_of_ten);
    g_test_add_func("/history/retransmission_letter_is_scaled", test_retransmission_letter_is_scaled);
    g_test_add_func("/history/no_gap_between_partial_ends", test_no_gap_between_partial_ends);
    g_test_add_func("/history/flag_letters_one_per_segment", test_flag_letters_one_per_segment);
    g_test_add_func("/history/kept_to_its_maximum_length", test_history_kept_to_its_maximum_length);
    return g_test_run();
}
