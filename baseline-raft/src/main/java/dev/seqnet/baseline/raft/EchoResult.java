package dev.seqnet.baseline.raft;

import org.HdrHistogram.Histogram;

/**
 * What one open-loop run measured, counting only the messages scheduled after the warm-up, with the
 * same meaning as {@code sequencer bench}'s result: latencies in microseconds from each message's
 * SCHEDULED send time to the arrival of its echo (corrected for coordinated omission).
 *
 * @param rate             offered rate, msg/s.
 * @param warmupSeconds    warm-up length; its messages are sent and echoed but not counted.
 * @param durationSeconds  length of the measured window of scheduled sends.
 * @param warmupSent       messages scheduled during the warm-up.
 * @param sent             measured messages scheduled.
 * @param echoed           measured messages whose echo arrived (committed by a quorum, applied, echoed).
 * @param failed           measured messages never offered because the session closed or the publication
 *                         reached its maximum position.
 * @param lost             measured messages offered but not echoed within the grace period.
 * @param latency          scheduled send → echo arrival, µs, of the echoed measured messages.
 * @param throughput       echoed measured messages ÷ (last echo − start of the measured window), msg/s.
 * @param backlog          warm-up messages not yet echoed when the measured window began.
 * @param sendLag          how late each measured offer succeeded against its schedule, µs (includes retries).
 * @param offers           every non-success offer result seen, warm-up included.
 * @param duplicates       echoes of a message already echoed (none expected without a leader change).
 * @param unexpected       egress messages that are not an echo of this run's messages.
 * @param leaderChanges    new-leader events seen by the client during the run.
 * @param abortReason      why sending stopped early, or null if the run completed.
 */
record EchoResult(
    double rate,
    double warmupSeconds,
    double durationSeconds,
    long warmupSent,
    long sent,
    long echoed,
    long failed,
    long lost,
    Histogram latency,
    double throughput,
    long backlog,
    Histogram sendLag,
    OfferResults offers,
    long duplicates,
    long unexpected,
    long leaderChanges,
    String abortReason)
{
    /** Whether the warm-up left more than 100 ms worth of sends unechoed when measuring began. */
    boolean warmupTooShort()
    {
        return backlog > Math.max(1, rate / 10);
    }
}
