package dev.seqnet.ordering;

import dev.seqnet.chain.ChainConstants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected values computed by hand from the EIP-1559 formula (target = 5,000,000 for a 10M block). */
class BaseFeeTest
{
    private static final long LIMIT = 10_000_000L;

    @Test
    void firstBlockUsesOneGwei()
    {
        assertEquals(1_000_000_000L, BaseFee.initial());
    }

    @Test
    void atTargetUnchanged()
    {
        assertEquals(1_000_000_000L, BaseFee.next(1_000_000_000L, 5_000_000L, LIMIT));
        assertEquals(123_456_789L, BaseFee.next(123_456_789L, 5_000_000L, LIMIT));
    }

    @Test
    void fullBlockRaisesByOneEighth()
    {
        assertEquals(1_125_000_000L, BaseFee.next(1_000_000_000L, LIMIT, LIMIT));
    }

    @Test
    void emptyBlockLowersByOneEighth()
    {
        assertEquals(875_000_000L, BaseFee.next(1_000_000_000L, 0, LIMIT));
    }

    @Test
    void partialChangesAreProportional()
    {
        // 1e9 * 2.5e6 / 5e6 / 8 = 62,500,000
        assertEquals(1_062_500_000L, BaseFee.next(1_000_000_000L, 7_500_000L, LIMIT));
        assertEquals(937_500_000L, BaseFee.next(1_000_000_000L, 2_500_000L, LIMIT));
        // 999,999,999 * 1,234,567 / 5,000,000 / 8 = 30,864,174 (integer division at each step as in the EIP)
        assertEquals(999_999_999L + 30_864_174L, BaseFee.next(999_999_999L, 6_234_567L, LIMIT));
    }

    @Test
    void increaseIsAtLeastOneWei()
    {
        // 1e7 * 1 / 5e6 / 8 = 0, raised to 1
        assertEquals(10_000_001L, BaseFee.next(10_000_000L, 5_000_001L, LIMIT));
    }

    @Test
    void neverBelowFloor()
    {
        // 10,500,000 - 1,312,500 = 9,187,500 < floor
        assertEquals(ChainConstants.BASE_FEE_FLOOR, BaseFee.next(10_500_000L, 0, LIMIT));
        assertEquals(ChainConstants.BASE_FEE_FLOOR, BaseFee.next(ChainConstants.BASE_FEE_FLOOR, 0, LIMIT));
        assertEquals(ChainConstants.BASE_FEE_FLOOR, BaseFee.next(0, 0, LIMIT));
    }

    @Test
    void hugeBaseFeesAreExactAndSaturate()
    {
        // 2^62 + 2^62/8 = 4611686018427387904 + 576460752303423488; the product 2^62 * 5e6 overflows a long
        assertEquals(5_188_146_770_730_811_392L, BaseFee.next(1L << 62, LIMIT, LIMIT));
        assertEquals(Long.MAX_VALUE, BaseFee.next(Long.MAX_VALUE, LIMIT, LIMIT));
        // Long.MAX - floor(Long.MAX / 8) = 9223372036854775807 - 1152921504606846975
        assertEquals(8_070_450_532_247_928_832L, BaseFee.next(Long.MAX_VALUE, 0, LIMIT));
    }

    @Test
    void rejectsInvalidArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> BaseFee.next(-1, 0, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> BaseFee.next(1, -1, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> BaseFee.next(1, LIMIT + 1, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> BaseFee.next(1, 0, 1));
    }
}
